"""An application for a value-added telecommunications business licence under the pilot."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.contracts.json_numbers import ExactJSONDecoder, ExactJSONEncoder
from vatspilot.domain.applications import State
from vatspilot.store.models.jurisdictions import Jurisdiction
from vatspilot.store.models.organisations import Organisation
from vatspilot.store.models.status_record import DirectStatusChange, StaleRecord, StatusRecord
from vatspilot.store.validators import province_code

# The one status the store itself needs to know: a draft is the applicant's private workspace. The
# other statuses and the moves between them belong to the lifecycle's transition table.
DRAFT = State.DRAFT.value

# The statuses the table may hold: the lifecycle's states, in the order the enum declares them (the
# check constraint below is built from it, and a test holds the two equal).
STATUSES: tuple[str, ...] = tuple(state.value for state in State)

PROFILE_SCHEMA = "vatspilot/profile/v1"


class StaleApplication(StaleRecord):
    """Someone else saved the application since it was read; reload it and try again."""


class DirectStatusWrite(DirectStatusChange):
    """A status may change only by a row of the transition table (vatspilot.services.applications.lifecycle)."""


class Application(StatusRecord):
    """One application and its dossier.

    The dossier follows the shapes of contract vatspilot/profile/v1: ``ownership`` is the list of direct
    shareholders (each {name, jurisdiction, percent, shareholders?}, looked through recursively),
    ``services`` the list of {code, scope?, content?}, ``service_area`` {kind, provinces?}. The
    enterprise's own facts (name, USCC, place of registration, capital) live on the organisation.
    """

    stale_error = StaleApplication
    direct_write_error = DirectStatusWrite

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("organisation")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("jurisdiction"),
        help_text=_("The province of the organisation's place of registration."),
    )
    status = models.CharField(_("status"), max_length=40, default=DRAFT, db_index=True)
    # Given at submission (domain.applications.tracking): what the public looks the application up by.
    tracking_number = models.CharField(_("tracking number"), max_length=16, unique=True, null=True, blank=True)

    # Percentages are exact: a fraction is read back as the Decimal of its stored text and a Decimal is
    # written as that number (contracts.json_numbers), never through a binary float.
    ownership = models.JSONField(
        _("ownership"), default=list, blank=True, encoder=ExactJSONEncoder, decoder=ExactJSONDecoder
    )
    services = models.JSONField(
        _("services"), default=list, blank=True, encoder=ExactJSONEncoder, decoder=ExactJSONDecoder
    )
    service_area = models.JSONField(
        _("service area"), default=dict, blank=True, encoder=ExactJSONEncoder, decoder=ExactJSONDecoder
    )
    dishonest_list = models.BooleanField(
        _("on the telecom business dishonest list"),
        default=False,
        help_text=_("The enterprise, a main investor or a main manager is on the dishonest list."),
    )

    determination = models.JSONField(_("latest eligibility determination"), null=True, blank=True)
    rulebook_version = models.CharField(_("rulebook version"), max_length=64, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=STATUSES), name="store_application_status_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="store_application_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.organisation.name} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.jurisdiction_id is None:
            self.jurisdiction = Jurisdiction.objects.get(code=province_code(self.organisation.division_code))
        super().save(*args, **kwargs)

    def as_profile(self) -> dict[str, Any]:
        """The dossier as a vatspilot/profile/v1 document, for the eligibility engine: the capital and
        the percentages are Decimals, exactly as stored."""
        organisation = self.organisation
        return {
            "schema": PROFILE_SCHEMA,
            "name": organisation.name,
            "uscc": organisation.uscc,
            "registration": {"division_code": organisation.division_code, "zones": list(organisation.zones)},
            "registered_capital_cny": organisation.registered_capital_cny,
            "shareholders": self.ownership,
            "services": self.services,
            "service_area": self.service_area,
            "dishonest_list": self.dishonest_list,
        }
