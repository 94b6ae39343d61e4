"""What each user may do: roles, and for local officers the provinces they cover."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.applications import Role as DomainRole
from vatspilot.store.models.jurisdictions import Jurisdiction


class Role(models.TextChoices):
    """The domain's roles (vatspilot.domain.applications.Role), with their labels."""

    APPLICANT = DomainRole.APPLICANT.value, _("Applicant")
    LOCAL_OFFICER = DomainRole.LOCAL_OFFICER.value, _("Local communications administration officer")
    MIIT_REVIEWER = DomainRole.MIIT_REVIEWER.value, _("MIIT reviewer")
    CAC_REVIEWER = DomainRole.CAC_REVIEWER.value, _("CAC reviewer")
    MPS_REVIEWER = DomainRole.MPS_REVIEWER.value, _("MPS reviewer")
    SECURITY_EXPERT = DomainRole.SECURITY_EXPERT.value, _("Security assessment expert")
    INSPECTOR = DomainRole.INSPECTOR.value, _("Inspector")
    ADMINISTRATOR = DomainRole.ADMINISTRATOR.value, _("Administrator")


class StaffRole(models.Model):
    """One role held by one user. A local officer's role names one or more jurisdictions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    jurisdictions = models.ManyToManyField(
        Jurisdiction, blank=True, related_name="staff_roles", verbose_name=_("jurisdictions")
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="store_staffrole_unique")]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}"
