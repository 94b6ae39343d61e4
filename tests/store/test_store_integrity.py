"""The database itself holds the data to its rules (migration 0007), on SQLite and PostgreSQL alike:
check constraints, partial unique constraints, append-only audit entries and timeline events, and the
store's choices built from the domain's enums."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint, ProtectedError, Q, QuerySet
from django.utils import timezone
from pilot_world import record_event

from vatspilot.contracts import schema
from vatspilot.domain import applications as domain
from vatspilot.domain.applications import records
from vatspilot.store.append_only import GUARD_TABLE, guard_lifted
from vatspilot.store.audit import record_audit, verify_chain
from vatspilot.store.models import (
    Agency,
    Application,
    ApplicationEvent,
    AssessmentResult,
    AuditEntry,
    Decision,
    DocumentKind,
    Jurisdiction,
    OpinionKind,
    Organisation,
    Outcome,
    Role,
    SecurityAssessment,
    SupplementRequest,
    SupplementStage,
)
from vatspilot.store.models.applications import STATUSES

pytestmark = pytest.mark.django_db


def refused(sql: str, params: list | None = None) -> str:
    """The database's refusal of ``sql``, run in a savepoint of its own so that the test goes on."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


# --- Choices and check constraints --------------------------------------------------------------------


def test_the_status_constraint_lists_exactly_the_lifecycles_states():
    (constraint,) = [c for c in Application._meta.constraints if c.name == "store_application_status_valid"]

    assert isinstance(constraint, CheckConstraint)
    assert constraint.condition == Q(status__in=tuple(state.value for state in domain.State))
    assert STATUSES == (
        "draft",
        "submitted",
        "formal_supplement",
        "preliminary_assessment",
        "ministerial_review",
        "ministerial_supplement",
        "onsite_verification",
        "approved",
        "refused",
        "withdrawn",
    )


@pytest.mark.parametrize(
    ("choices", "domain_enum"),
    [
        (Role, domain.Role),
        (Agency, domain.Agency),
        (OpinionKind, domain.Opinion),
        (AssessmentResult, domain.SecurityAssessment),
        (SupplementStage, records.SupplementStage),
        (DocumentKind, records.DocumentKind),
    ],
)
def test_the_stores_choices_are_the_domains_values_in_its_order(choices, domain_enum):
    assert list(choices.values) == [member.value for member in domain_enum]
    assert list(choices.names) == [member.name for member in domain_enum]


def test_a_decisions_outcome_is_one_of_the_final_states_it_ends_in():
    assert list(Outcome.values) == [domain.State.APPROVED.value, domain.State.REFUSED.value]
    assert set(Outcome.values) < {state.value for state in domain.FINAL_STATES}


def test_the_document_kinds_are_the_decision_contracts_list():
    listed = schema("decision")["properties"]["required_documents"]["items"]["enum"]

    assert listed == [kind.value for kind in records.DocumentKind]


def test_a_status_outside_the_lifecycle_is_refused(make_organisation, make_application):
    application = make_application(make_organisation())

    message = refused("UPDATE store_application SET status = %s WHERE id = %s", ["archived", application.pk])

    assert "store_application_status_valid" in message or "CHECK" in message
    # Every state of the lifecycle is accepted.
    for state in domain.State:
        assert QuerySet.update(Application.objects.filter(pk=application.pk), status=state.value) == 1


def test_a_version_below_1_is_refused(make_organisation, make_application):
    application = make_application(make_organisation())

    refused("UPDATE store_application SET version = 0 WHERE id = %s", [application.pk])

    assert Application.objects.get(pk=application.pk).version == 1


def test_a_negative_capital_is_refused_and_zero_is_kept(make_organisation):
    organisation = make_organisation()

    refused("UPDATE store_organisation SET registered_capital_cny = -1 WHERE id = %s", [organisation.pk])
    Organisation.objects.filter(pk=organisation.pk).update(registered_capital_cny=Decimal("0.00"))

    assert Organisation.objects.get(pk=organisation.pk).registered_capital_cny == Decimal("0.00")


def test_a_document_version_numbered_0_is_refused(make_organisation, make_application, make_user):
    from vatspilot.store.models import Document

    document = Document.objects.create(application=make_application(make_organisation()), kind="business-plan")
    user = make_user("uploader")

    message = refused(
        "INSERT INTO store_documentversion (document_id, number, file, sha256, size, content_type,"
        " original_name, sanitised_name, uploaded_by_id, uploaded_at)"
        " VALUES (%s, 0, 'f', 'x', 1, 'application/pdf', 'a.pdf', 'a.pdf', %s, %s)",
        [document.pk, user.pk, timezone.now()],
    )

    assert message


def test_one_open_supplement_request_per_application(make_organisation, make_application):
    application = make_application(make_organisation(), "formal_supplement")
    now = timezone.now()
    SupplementRequest.objects.create(application=application, stage="formal", items=["a"], opened_at=now)

    with pytest.raises(IntegrityError), transaction.atomic():
        SupplementRequest.objects.create(application=application, stage="formal", items=["b"], opened_at=now)
    SupplementRequest.objects.filter(application=application).update(closed_at=now)
    SupplementRequest.objects.create(application=application, stage="ministerial", items=["c"], opened_at=now)

    assert [(r.stage, r.is_open) for r in application.supplement_requests.order_by("id")] == [
        ("formal", False),
        ("ministerial", True),
    ]


def test_one_security_assessment_in_force_per_application_voided_ones_kept(
    make_organisation, make_application, make_user
):
    application = make_application(make_organisation(), "preliminary_assessment")
    expert = make_user("expert", Role.SECURITY_EXPERT)
    now = timezone.now()

    def assess(result: str) -> SecurityAssessment:
        return SecurityAssessment.objects.create(
            application=application, result=result, expert=expert, assessed_at=now, dossier_hash="a" * 64
        )

    first = assess("negative")
    with pytest.raises(IntegrityError), transaction.atomic():
        assess("positive")
    SecurityAssessment.objects.filter(pk=first.pk).update(voided_at=now, voided_reason="dossier_changed")
    assess("positive")

    assert [(a.result, a.is_voided) for a in application.security_assessments.order_by("id")] == [
        ("negative", True),
        ("positive", False),
    ]


# --- Append-only audit entries and timeline events ------------------------------------------------------


@pytest.fixture
def entry(jurisdictions) -> AuditEntry:
    subject = Jurisdiction.objects.get(code="310000")
    with transaction.atomic():
        return record_audit(actor=None, action="x.y", obj=subject, before=None, after={"a": 1})


@pytest.fixture
def event(make_organisation, make_application, make_user) -> ApplicationEvent:
    application = make_application(make_organisation(), "submitted")
    return record_event(
        application, "submit", "draft", "submitted", date(2026, 3, 2), actor=make_user("someone", Role.APPLICANT)
    )


def test_a_raw_update_or_delete_of_an_audit_entry_is_refused(entry):
    assert "append-only" in refused("UPDATE store_auditentry SET action = 'x.forged' WHERE seq = %s", [entry.seq])
    assert "append-only" in refused("DELETE FROM store_auditentry WHERE seq = %s", [entry.seq])

    assert AuditEntry.objects.get().action == "x.y"
    assert verify_chain().ok


def test_a_raw_update_or_delete_of_a_timeline_event_is_refused(event):
    assert "append-only" in refused("UPDATE store_applicationevent SET note = 'later' WHERE id = %s", [event.pk])
    assert "append-only" in refused("DELETE FROM store_applicationevent WHERE id = %s", [event.pk])

    assert ApplicationEvent.objects.get().note == ""


@pytest.mark.django_db(transaction=True)  # PostgreSQL truncates no table with deferred checks pending
def test_postgresql_refuses_a_truncate_of_either_table(entry, event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE: its DELETE with no WHERE fires the row triggers")

    assert "append-only" in refused("TRUNCATE store_auditentry")
    assert "append-only" in refused("TRUNCATE store_applicationevent CASCADE")


def test_an_application_with_events_is_never_deleted_so_no_cascade_reaches_them(event):
    # The timeline's foreign key protects it (on_delete=PROTECT); nothing in the code deletes applications.
    with pytest.raises(ProtectedError), transaction.atomic():
        event.application.delete()

    assert ApplicationEvent.objects.filter(application=event.application).count() == 1


def test_lifting_the_guard_allows_a_change_within_its_transaction_only(entry):
    with guard_lifted("test: tampering on purpose"):
        QuerySet.update(AuditEntry.objects.filter(seq=entry.seq), action="x.forged")

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {GUARD_TABLE}")
        assert cursor.fetchone() == (0,)
    assert refused("DELETE FROM store_auditentry")
    assert (verify_chain().seq, verify_chain().kind) == (entry.seq, "edited")


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_append_only_tables_and_leaves_the_guard_on(entry, event):
    call_command("flush", verbosity=0, interactive=False)

    assert (AuditEntry.objects.count(), ApplicationEvent.objects.count(), Decision.objects.count()) == (0, 0, 0)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {GUARD_TABLE}")
        assert cursor.fetchone() == (0,)


def test_the_guard_row_is_never_committed_by_a_failed_flush(entry, monkeypatch):
    from django.core.management.commands import flush

    def fail(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(flush, "sql_flush", fail)
    with pytest.raises(RuntimeError):
        call_command("flush", verbosity=0, interactive=False)

    assert refused("DELETE FROM store_auditentry")
    assert json.loads(json.dumps(AuditEntry.objects.get().after)) == {"a": 1}
