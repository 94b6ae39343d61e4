"""The documents of a dossier, each kept in every version uploaded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.applications.records import DocumentKind as DomainKind
from vatspilot.store.models.applications import Application


class DocumentKind(models.TextChoices):
    """The documents an application may carry: the domain's kinds (domain.applications.records), labelled."""

    BUSINESS_LICENCE = DomainKind.BUSINESS_LICENCE.value, _("Business licence")
    ARTICLES_OF_ASSOCIATION = DomainKind.ARTICLES_OF_ASSOCIATION.value, _("Articles of association")
    OWNERSHIP_STRUCTURE_STATEMENT = DomainKind.OWNERSHIP_STRUCTURE_STATEMENT.value, _("Ownership structure statement")
    TECHNICAL_SOLUTION = DomainKind.TECHNICAL_SOLUTION.value, _("Technical solution")
    DATA_SECURITY_MEASURES = DomainKind.DATA_SECURITY_MEASURES.value, _("Data security measures")
    NETWORK_TOPOLOGY_DOMESTIC = DomainKind.NETWORK_TOPOLOGY_DOMESTIC.value, _("Network topology (domestic)")
    NETWORK_TOPOLOGY_OVERSEAS = DomainKind.NETWORK_TOPOLOGY_OVERSEAS.value, _("Network topology (overseas)")
    CONTINGENCY_PLAN = DomainKind.CONTINGENCY_PLAN.value, _("Contingency plan")
    BUSINESS_PLAN = DomainKind.BUSINESS_PLAN.value, _("Business plan")
    SERVICE_QUALITY_MEASURES = DomainKind.SERVICE_QUALITY_MEASURES.value, _("Service quality measures")
    LAWFUL_OPERATION_UNDERTAKING = DomainKind.LAWFUL_OPERATION_UNDERTAKING.value, _("Undertaking of lawful operation")


class Document(models.Model):
    """One document of one application (say, its business plan), across all its versions."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="documents", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=DocumentKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="store_document_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (application #{self.application_id})"

    @property
    def current_version(self) -> DocumentVersion | None:
        return self.versions.order_by("-number").first()


def _version_path(instance: DocumentVersion, filename: str) -> str:
    # The stored name is generated (no user text reaches the file system); the sanitised original
    # name is kept in a column for downloads.
    document = instance.document
    return f"documents/{document.application_id}/{document.kind}/{filename}"


class DocumentVersion(models.Model):
    """One uploaded file. Versions are never replaced: a new upload adds the next number."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version number"))
    file = models.FileField(_("file"), upload_to=_version_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("original file name"), max_length=255)
    sanitised_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="uploaded_document_versions",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="store_documentversion_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="store_documentversion_number_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.sanitised_name} v{self.number}"
