"""What reviewers record about an application: agency opinions, the security assessment, and the
supplement (correction) requests sent to the applicant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.applications import Agency as DomainAgency
from vatspilot.domain.applications import Opinion as DomainOpinion
from vatspilot.domain.applications import SecurityAssessment as DomainAssessment
from vatspilot.domain.applications.records import SupplementStage as DomainStage
from vatspilot.store.models.applications import Application

# The choices' values come from the domain's enums (a test holds the two equal); the labels are the
# store's, in the user's language.


class Agency(models.TextChoices):
    """The agencies of the ministerial review: MIIT, with the opinions of the CAC and the MPS."""

    MIIT = DomainAgency.MIIT.value, _("Ministry of Industry and Information Technology (MIIT)")
    CAC = DomainAgency.CAC.value, _("Cyberspace Administration of China (CAC)")
    MPS = DomainAgency.MPS.value, _("Ministry of Public Security (MPS)")


class OpinionKind(models.TextChoices):
    CONCUR = DomainOpinion.CONCUR.value, _("Concur")
    CONCUR_WITH_CONDITIONS = DomainOpinion.CONCUR_WITH_CONDITIONS.value, _("Concur with conditions")
    OBJECT = DomainOpinion.OBJECT.value, _("Object")


class VoidReason(models.TextChoices):
    DOSSIER_CHANGED = "dossier_changed", _("The dossier changed after it was given.")


class ReviewOnDossier(models.Model):
    """A review given on one version of the dossier (its content hash). When the dossier changes, the
    review is voided: kept, with when, why and the hash of the dossier that replaced it, never deleted."""

    dossier_hash = models.CharField(_("dossier hash"), max_length=64, blank=True, default="")
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_reason = models.CharField(_("why voided"), max_length=32, blank=True, choices=VoidReason.choices)
    voided_for_hash = models.CharField(_("dossier hash that voided it"), max_length=64, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Opinion(ReviewOnDossier):
    """One agency's opinion on one application; each agency has at most one in force (not voided)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("application")
    )
    agency = models.CharField(_("agency"), max_length=8, choices=Agency.choices)
    opinion = models.CharField(_("opinion"), max_length=32, choices=OpinionKind.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("given by")
    )
    given_at = models.DateTimeField(_("given at"))

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["application", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "agency"],
                condition=models.Q(voided_at__isnull=True),
                name="store_opinion_one_in_force_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()}: {self.get_opinion_display()}"


class AssessmentResult(models.TextChoices):
    POSITIVE = DomainAssessment.POSITIVE.value, _("Positive")
    NEGATIVE = DomainAssessment.NEGATIVE.value, _("Negative")


class SecurityAssessment(ReviewOnDossier):
    """The result of the security assessment required for services on the pilot route."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="security_assessments",
        verbose_name=_("application"),
    )
    result = models.CharField(_("result"), max_length=16, choices=AssessmentResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert")
    )
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        verbose_name = _("security assessment")
        verbose_name_plural = _("security assessments")
        ordering = ["application", "assessed_at"]
        constraints = [
            # The guards judge one assessment: a new one is recorded only once the one in force was
            # voided (review_basis.void_reviews_not_on), and voided ones are kept.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(voided_at__isnull=True),
                name="store_assessment_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()} (application #{self.application_id})"


class SupplementStage(models.TextChoices):
    FORMAL = DomainStage.FORMAL.value, _("Formal review")
    MINISTERIAL = DomainStage.MINISTERIAL.value, _("Ministerial review")


class SupplementRequest(models.Model):
    """A request to the applicant to correct or complete the dossier; open until closed_at is set."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="supplement_requests",
        verbose_name=_("application"),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=SupplementStage.choices)
    items = models.JSONField(_("items requested"), default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["application", "opened_at"]
        constraints = [
            # Answering a supplement closes the open request; a second one opens only after that.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(closed_at__isnull=True),
                name="store_supplement_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} supplement (application #{self.application_id})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
