"""The holder hears of the authority's decisions on its licence: one inbox row per member of the holder,
in the decision's transaction, the e-mail only after the commit, and nobody else told."""

from __future__ import annotations

import pytest
from django.core import mail
from pilot_world import LICENCE_REASON, ON, World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services.licences.actions import reduce_licence_scope, reinstate_licence, suspend_licence
from vatspilot.store.models import Licence, Notification

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
APPEAL = (
    "You may apply for administrative reconsideration or bring an administrative lawsuit in accordance with the law."
)


@pytest.fixture
def mailbox(settings):
    """E-mails go to mail.outbox and tasks run in-process as they are enqueued."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LANGUAGE_CODE = "en"
    return mail.outbox


def _licence_rows() -> list[tuple[str, str, str, int | None]]:
    rows = Notification.objects.filter(kind__startswith="licence.").order_by("id")
    return [(n.recipient.username, n.kind, n.subject, n.application_id) for n in rows]


def test_a_suspension_tells_the_holder_and_mails_after_the_commit(
    world: World, mailbox, django_capture_on_commit_callbacks
) -> None:
    licence = world.licence()
    assert licence.number == NUMBER
    before = Notification.objects.count()
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        suspend_licence(
            actor=world.users[Role.MIIT_REVIEWER], licence=licence, on=ON, expected_version=1, reason=LICENCE_REASON
        )
        assert mailbox == []  # not before the commit
    assert len(callbacks) == 1
    assert _licence_rows() == [
        ("applicant", "licence.suspended", f"Licence {NUMBER} suspended", licence.application_id)
    ]
    assert Notification.objects.count() == before + 1  # nobody else
    body = (
        f"MIIT suspended licence {NUMBER} of {world.organisation.name} on 2025-06-03.\n\n"
        f"Reason: {LICENCE_REASON}\n\n{APPEAL}"
    )
    assert Notification.objects.get(kind="licence.suspended").body == body
    assert [(m.to, m.subject, m.body) for m in mailbox] == [
        ([world.applicant.email], f"Licence {NUMBER} suspended", body)
    ]


def test_each_decision_has_its_kind(world: World) -> None:
    licence = world.licence(LicenceState.REVOKED)  # suspended, then revoked
    assert _licence_rows() == [
        ("applicant", "licence.suspended", f"Licence {NUMBER} suspended", licence.application_id),
        ("applicant", "licence.revoked", f"Licence {NUMBER} revoked", licence.application_id),
        # The revocation opens the network exit (services.licences.exits): the holder hears it is required.
        ("applicant", "licence.exit_required", f"Network exit required for licence {NUMBER}", licence.application_id),
    ]


def test_reinstatement_and_reduction(world: World) -> None:
    licence = world.licence(LicenceState.SUSPENDED)
    miit = world.users[Role.MIIT_REVIEWER]
    licence = reinstate_licence(actor=miit, licence=licence, on=ON, expected_version=2, reason="rectified")
    reduce_licence_scope(
        actor=miit, licence=licence, on=ON, expected_version=3, remove_services=["B25-05"], narrow_areas={}, reason="x"
    )
    assert [row[1:3] for row in _licence_rows()] == [
        ("licence.suspended", f"Licence {NUMBER} suspended"),
        ("licence.reinstated", f"Licence {NUMBER} reinstated"),
        ("licence.scope_reduced", f"Scope of licence {NUMBER} reduced"),
    ]
    assert Notification.objects.get(kind="licence.reinstated").body == (
        f"MIIT reinstated licence {NUMBER} of {world.organisation.name} on 2025-06-03.\n\nReason: rectified"
    )
    assert Licence.objects.get().status == "valid"


def test_in_chinese(world: World, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    world.licence(LicenceState.SUSPENDED)
    assert _licence_rows()[0][2] == f"许可证 {NUMBER} 已被暂停"
