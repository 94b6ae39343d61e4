from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from vatspilot.store.models import (
    Agency,
    Application,
    Decision,
    DirectStatusWrite,
    ImmutableRecord,
    Jurisdiction,
    Opinion,
    OpinionKind,
    Organisation,
    Outcome,
    Role,
    StaleApplication,
)
from vatspilot.store.validators import province_code

pytestmark = pytest.mark.django_db

USCC_SHANGHAI = "91310115MA1FL1234M"
USCC_BEIJING = "91110105MA01ABCD13"


def test_the_migration_loads_the_31_mainland_province_level_jurisdictions():
    assert Jurisdiction.objects.count() == 31
    shanghai = Jurisdiction.objects.get(code="310000")
    assert (shanghai.name_en, shanghai.name_zh) == ("Shanghai", "上海市")


def test_jurisdiction_name_follows_the_active_language():
    from django.utils import translation

    beijing = Jurisdiction.objects.get(code="110000")
    with translation.override("zh-hans"):
        assert beijing.name == "北京市"
    with translation.override("en"):
        assert beijing.name == "Beijing"


def test_province_code_of_a_district():
    assert province_code("110105") == "110000"
    assert province_code("460100") == "460000"


def test_organisation_keeps_a_valid_uscc_in_compact_upper_case(make_organisation):
    organisation = make_organisation(uscc="91310115ma1fl1234m")

    organisation.refresh_from_db()
    assert organisation.uscc == USCC_SHANGHAI
    assert organisation.registered_capital_cny == Decimal("10000000.00")


@pytest.mark.parametrize(
    ("uscc", "code"),
    [
        ("91310115MA1FL1234A", "invalid_uscc_checksum"),  # last character is not the check digit
        ("91310115MA1FL1234", "invalid_uscc_length"),
        ("91310115MA1FL123OM", "invalid_uscc_format"),  # O is not used in a USCC
    ],
)
def test_an_invalid_uscc_is_refused_by_validation_and_by_save(jurisdictions, uscc, code):
    organisation = Organisation(name="X", uscc=uscc, division_code="310115", registered_capital_cny=Decimal("1"))

    with pytest.raises(ValidationError) as by_validation:
        organisation.full_clean()
    with pytest.raises(ValidationError) as by_save:
        organisation.save()

    assert by_validation.value.error_dict["uscc"][0].code == code
    assert by_save.value.code == code
    assert Organisation.objects.count() == 0


def test_an_invalid_division_code_or_zone_is_refused(jurisdictions):
    organisation = Organisation(
        name="X", uscc=USCC_SHANGHAI, division_code="31011", zones=["lingang"], registered_capital_cny=1
    )

    with pytest.raises(ValidationError) as error:
        organisation.full_clean()

    assert error.value.error_dict["division_code"][0].code == "invalid_division_code"
    assert error.value.error_dict["zones"][0].code == "invalid_zones"


def test_an_application_takes_its_jurisdiction_from_the_organisation(make_organisation, make_application):
    application = make_application(make_organisation(uscc=USCC_BEIJING, division_code="110105"))

    assert application.jurisdiction.code == "110000"
    assert (application.status, application.version) == ("draft", 1)


def test_as_profile_follows_the_profile_contract(make_organisation, make_application):
    application = make_application(make_organisation())

    assert application.as_profile() == {
        "schema": "vatspilot/profile/v1",
        "name": "上海示例网络科技有限公司",
        "uscc": USCC_SHANGHAI,
        "registration": {"division_code": "310115", "zones": ["ftz"]},
        "registered_capital_cny": 10000000.0,
        "shareholders": application.ownership,
        "services": [{"code": "B11"}, {"code": "B21", "scope": "e-commerce"}],
        "service_area": {"kind": "provincial"},
        "dishonest_list": False,
    }


def test_save_if_unchanged_bumps_the_version(make_organisation, make_application):
    application = make_application(make_organisation())
    application.rulebook_version = "2025.1"

    application.save_if_unchanged(update_fields=["rulebook_version"])

    application.refresh_from_db()
    assert (application.version, application.rulebook_version) == (2, "2025.1")


def test_save_if_unchanged_refuses_a_stale_copy_and_changes_nothing(make_organisation, make_application):
    application = make_application(make_organisation())
    stale = Application.objects.get(pk=application.pk)
    application.status = "submitted"
    application.save_if_unchanged(update_fields=["status"])

    stale.status = "withdrawn"
    with pytest.raises(StaleApplication):
        stale.save_if_unchanged(update_fields=["status"])

    application.refresh_from_db()
    assert (application.status, application.version, stale.version) == ("submitted", 2, 1)


def test_one_opinion_per_agency(make_user, make_organisation, make_application):
    application = make_application(make_organisation(), status="ministerial_review")
    reviewer = make_user("cac", Role.CAC_REVIEWER)
    Opinion.objects.create(
        application=application,
        agency=Agency.CAC,
        opinion=OpinionKind.CONCUR,
        actor=reviewer,
        given_at=timezone.now(),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Opinion.objects.create(
            application=application,
            agency=Agency.CAC,
            opinion=OpinionKind.OBJECT,
            actor=reviewer,
            given_at=timezone.now(),
        )
    assert Opinion.objects.get().opinion == "concur"


@pytest.fixture
def decision(make_user, make_organisation, make_application):
    application = make_application(make_organisation(), status="approved")
    return Decision.objects.create(
        application=application,
        outcome=Outcome.APPROVED,
        legal_basis="Telecommunications Regulations, art. 13",
        reasons="All conditions met.",
        licence_area="Shanghai",
        licence_services=["B11"],
        determination={"schema": "vatspilot/decision/v1", "outcome": "eligible"},
        rulebook_version="2025.1",
        actor=make_user("miit", Role.MIIT_REVIEWER),
        decided_at=timezone.now(),
    )


def test_a_decision_is_never_updated(decision):
    decision.reasons = "Changed afterwards."

    with pytest.raises(ImmutableRecord):
        decision.save()
    with pytest.raises(ImmutableRecord):
        Decision.objects.filter(pk=decision.pk).update(reasons="Changed afterwards.")

    assert Decision.objects.get().reasons == "All conditions met."


def test_a_decision_is_never_deleted(decision):
    with pytest.raises(ImmutableRecord):
        decision.delete()
    with pytest.raises(ImmutableRecord):
        Decision.objects.all().delete()

    assert Decision.objects.count() == 1


def test_the_base_queryset_is_what_the_refusal_overrides(decision):
    # The tamper tests bypass the guard with QuerySet.update; make sure that is the only way round it.
    assert QuerySet.update(Decision.objects.filter(pk=decision.pk), reasons="x") == 1


def test_the_committed_migrations_match_the_models():
    from django.core.management import call_command

    # Exits with status 1 when a model changed without its migration.
    call_command("makemigrations", "store", "--check", "--dry-run", verbosity=0)


def test_a_status_cannot_be_saved_outside_the_transition_table(make_organisation, make_application):
    application = make_application(make_organisation(), status="submitted")
    loaded = Application.objects.get(pk=application.pk)
    loaded.status = "approved"
    with pytest.raises(DirectStatusWrite):
        loaded.save()
    assert Application.objects.get(pk=application.pk).status == "submitted"
    loaded.status = "submitted"
    loaded.save()  # other fields still save as usual
