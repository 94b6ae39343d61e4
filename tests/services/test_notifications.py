"""Notifications: who hears of what, the inbox rows, and the e-mails sent only after the commit."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction

from tests.services.notifications_fixtures import *  # noqa: F403 (the fixtures)
from tests.services.notifications_fixtures import record_event, set_status, usernames
from vatspilot.services.accounts.language import languages_of, record_language
from vatspilot.services.notifications import (
    MESSAGES,
    NotificationKind,
    NotifyOutsideTransaction,
    notify,
    notify_about,
    recipients_for,
    render_for,
)
from vatspilot.store.models import AccountEmail, Notification

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"

MEMBERS = ["member", "second_member"]
SHANGHAI_OFFICERS = ["sh_bj_officer", "sh_officer"]


@pytest.fixture
def mailbox(settings):
    """E-mails go to mail.outbox and tasks run in-process as they are enqueued."""
    settings.EMAIL_BACKEND = LOCMEM
    settings.TASKS = IMMEDIATE
    settings.LANGUAGE_CODE = "en"
    return mail.outbox


# --- routing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [
        ("application.submitted", "submitted", SHANGHAI_OFFICERS),
        ("application.supplement_requested", "formal_supplement", MEMBERS),
        ("application.supplement_requested", "ministerial_supplement", MEMBERS),
        ("application.supplement_answered", "submitted", SHANGHAI_OFFICERS),
        ("application.supplement_answered", "ministerial_review", ["miit"]),
        ("application.opinion_requested", "ministerial_review", ["cac", "expert", "miit", "mps"]),
        ("application.onsite_ordered", "onsite_verification", ["inspector"]),
        ("application.approved", "approved", MEMBERS),
        ("application.refused", "refused", MEMBERS),
        ("application.clock_due_soon", "submitted", SHANGHAI_OFFICERS),
        ("application.clock_due_soon", "preliminary_assessment", SHANGHAI_OFFICERS),
        ("application.clock_overdue", "ministerial_review", ["miit"]),
        ("application.clock_overdue", "onsite_verification", ["miit"]),
        ("application.clock_overdue", "approved", []),
    ],
)
def test_recipients_by_kind_and_status(parties, kind, status, expected):
    # Given the Shanghai application in `status`
    set_status(parties.application, status)

    # When the kind is routed
    recipients = recipients_for(kind, parties.application)

    # Then exactly the expected active users hear of it
    assert usernames(recipients) == expected


def test_a_local_officer_of_another_province_hears_nothing_of_a_shanghai_application(parties):
    kinds_for_officers = ["application.submitted", "application.clock_due_soon", "application.clock_overdue"]

    heard = {kind: usernames(recipients_for(kind, parties.application)) for kind in kinds_for_officers}

    assert all("bj_officer" not in names for names in heard.values())
    assert all("sh_officer" in names for names in heard.values())


def test_an_inactive_officer_is_not_routed(parties):
    assert "inactive_sh_officer" not in usernames(recipients_for("application.submitted", parties.application))


def test_a_withdrawal_reaches_the_members_and_whoever_held_the_file(parties):
    # Given an application withdrawn during ministerial review
    record_event(parties.application, "withdraw", "ministerial_review", "withdrawn", date(2025, 5, 6), parties.member)
    set_status(parties.application, "withdrawn")

    assert usernames(recipients_for("application.withdrawn", parties.application)) == [
        "member",
        "miit",
        "second_member",
    ]


def test_a_withdrawn_draft_reaches_only_the_members(parties):
    record_event(parties.application, "withdraw", "draft", "withdrawn", date(2025, 5, 6), parties.member)
    set_status(parties.application, "withdrawn")

    assert usernames(recipients_for("application.withdrawn", parties.application)) == MEMBERS


def test_an_unknown_kind_is_refused(parties):
    with pytest.raises(ValueError, match=r"unknown notification kind 'application\.misspelt'"):
        recipients_for("application.misspelt", parties.application)


def test_every_kind_has_a_message():
    assert set(MESSAGES) == set(NotificationKind)


# --- rendering -------------------------------------------------------------------------------------------


def test_submitted_is_rendered_in_english(parties, settings):
    settings.LANGUAGE_CODE = "en"
    context = {"application": 7, "organisation": "Example Ltd", "jurisdiction": parties.application.jurisdiction}

    subject, body = render_for(parties.sh_officer, "application.submitted", context)

    assert subject == "Application #7 awaits formal review"
    assert body == ("A new application awaits formal review: application #7 of Example Ltd, registered in Shanghai.")


def test_a_supplement_request_lists_each_item_on_its_own_line(parties, settings):
    settings.LANGUAGE_CODE = "en"
    context = {"application": 7, "organisation": "Example Ltd", "items": ["Business plan", "Network diagram"]}

    subject, body = render_for(parties.member, "application.supplement_requested", context)

    assert subject == "Supplement requested for application #7"
    assert body == (
        "The reviewing authority asks Example Ltd to supplement application #7 with the following items:\n"
        "- Business plan\n- Network diagram\n\nThe review period is suspended until you answer."
    )


def test_a_refusal_states_reasons_legal_basis_and_remedies(parties, settings):
    settings.LANGUAGE_CODE = "en"
    context = {
        "application": 7,
        "organisation": "Example Ltd",
        "reasons": "The CAC objected.",
        "legal_basis": "MIIT Order No. 42, Art. 11",
    }

    subject, body = render_for(parties.member, "application.refused", context)

    assert subject == "Application #7 refused"
    assert body == (
        "Application #7 of Example Ltd is refused.\n\nReasons: The CAC objected.\n\n"
        "Legal basis: MIIT Order No. 42, Art. 11\n\nYou may apply for administrative reconsideration or "
        "bring an administrative lawsuit in accordance with the law."
    )


def test_a_clock_alert_writes_its_due_date_as_yyyy_mm_dd(parties, settings):
    settings.LANGUAGE_CODE = "en"
    context = {
        "application": 7,
        "organisation": "Example Ltd",
        "jurisdiction": parties.application.jurisdiction,
        "due_date": date(2025, 5, 29),
        "days_left": 6,
    }

    _, body = render_for(parties.sh_officer, "application.clock_due_soon", context)

    assert body == (
        "The statutory review period of application #7 of Example Ltd (Shanghai) ends on 2025-05-29. Days left: 6."
    )


def test_the_message_is_rendered_in_the_platform_language(parties, settings):
    # Given Simplified Chinese as the platform language (users record no language of their own)
    settings.LANGUAGE_CODE = "zh-hans"
    context = {"application": 7, "organisation": "示例", "jurisdiction": parties.application.jurisdiction}

    _, body = render_for(parties.sh_officer, "application.submitted", context)

    # Then values that depend on the language are rendered in it (the jurisdiction's name)
    assert "上海市" in body


# --- notify: the inbox and the e-mail ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: the call runs in autocommit
def test_notify_outside_a_transaction_is_refused_and_writes_nothing(make_user):
    member = make_user("member")

    with pytest.raises(NotifyOutsideTransaction, match=r"must run inside transaction\.atomic"):
        notify(recipients=[member], kind="application.approved", application=None, subject="s", body="b")

    assert Notification.objects.count() == 0


def test_notify_creates_one_inbox_row_per_distinct_active_recipient(parties, mailbox):
    recipients = [parties.member, parties.member, parties.second_member, parties.inactive_sh_officer]

    with transaction.atomic():
        created = notify(
            recipients=recipients,
            kind="application.approved",
            application=parties.application,
            subject="Application approved",
            body="Legal basis: Art. 11",
        )

    assert usernames(n.recipient for n in created) == MEMBERS
    rows = Notification.objects.order_by("recipient__username")
    assert [(n.recipient.username, n.kind, n.application_id, n.subject, n.body, n.read_at) for n in rows] == [
        (name, "application.approved", parties.application.pk, "Application approved", "Legal basis: Art. 11", None)
        for name in MEMBERS
    ]


def test_the_email_leaves_only_after_the_commit(parties, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify(
                recipients=[parties.member],
                kind="application.approved",
                application=parties.application,
                subject="Application approved",
                body="Legal basis: Art. 11",
            )
        # Still inside the test's transaction: the commit has not happened, nothing is sent.
        assert mailbox == []

    assert len(callbacks) == 1
    assert [(m.to, m.subject, m.body) for m in mailbox] == [
        (["member@example.cn"], "Application approved", "Legal basis: Art. 11")
    ]
    assert Notification.objects.get().emailed_at is not None


def test_a_rolled_back_action_leaves_no_row_and_sends_nothing(parties, mailbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[parties.member], kind="application.approved", application=None, subject="s", body="b")
        raise RuntimeError("the action failed after notifying")

    assert callbacks == []
    assert mailbox == []
    assert Notification.objects.count() == 0


def test_a_recipient_without_email_gets_the_inbox_row_only(
    parties, mailbox, make_user, django_capture_on_commit_callbacks
):
    no_email = make_user("no_email", email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify(recipients=[no_email], kind="application.approved", application=None, subject="s", body="b")

    assert callbacks == []
    assert mailbox == []
    assert Notification.objects.get().emailed_at is None


def test_notify_about_routes_renders_and_mails_in_english(parties, mailbox, django_capture_on_commit_callbacks):
    application = parties.application

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_about(kind="application.submitted", application=application)

    expected_subject = f"Application #{application.pk} awaits formal review"
    expected_body = (
        f"A new application awaits formal review: application #{application.pk} of 上海示例网络科技有限公司, "
        "registered in Shanghai."
    )
    rows = Notification.objects.order_by("recipient__username")
    assert [(n.recipient.username, n.subject, n.body) for n in rows] == [
        (name, expected_subject, expected_body) for name in SHANGHAI_OFFICERS
    ]
    assert sorted((m.to[0], m.subject, m.body) for m in mailbox) == [
        (f"{name}@example.cn", expected_subject, expected_body) for name in SHANGHAI_OFFICERS
    ]


def test_notify_about_mails_in_simplified_chinese_when_that_is_the_language(
    parties, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "zh-hans"

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_about(kind="application.submitted", application=parties.application)

    # The message texts are translated by the catalogue; the jurisdiction's name is data in both.
    assert len(mailbox) == 2
    assert all("上海市" in message.body for message in mailbox)
    assert {(m.subject, m.body) for m in mailbox} == set(Notification.objects.values_list("subject", "body"))


def test_each_recipient_reads_the_message_in_the_language_they_chose(
    parties, mailbox, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    # The platform writes in English; one of the two Shanghai officers switched the site to Chinese while
    # signed in (services.accounts.language), so their inbox row and their e-mail are in Chinese.
    record_language(actor=parties.sh_officer, language="zh-hans")
    application = parties.application

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_about(kind="application.submitted", application=application)

    rows = dict(Notification.objects.values_list("recipient__username", "subject"))
    assert rows == {
        "sh_bj_officer": f"Application #{application.pk} awaits formal review",
        "sh_officer": f"第 {application.pk} 号申请待形式审查",
    }
    assert sorted((m.to[0], m.subject) for m in mailbox) == [
        ("sh_bj_officer@example.cn", rows["sh_bj_officer"]),
        ("sh_officer@example.cn", rows["sh_officer"]),
    ]


def test_the_languages_of_many_readers_are_read_in_one_query(parties, django_assert_num_queries):
    record_language(actor=parties.miit, language="zh-hans")
    AccountEmail.objects.create(user=parties.cac, email="cac@example.cn", language="zh-hans")
    AccountEmail.objects.create(user=parties.mps, email="mps@example.cn", language="klingon")  # not ours
    readers = [parties.miit, parties.cac, parties.mps, parties.expert]

    with django_assert_num_queries(1):
        languages = languages_of(readers)

    # Chosen, else registered in, else the platform's (a language the platform lacks counts for none).
    assert languages == {
        parties.miit.pk: "zh-hans",
        parties.cac.pk: "zh-hans",
        parties.mps.pk: django_settings.LANGUAGE_CODE,
        parties.expert.pk: django_settings.LANGUAGE_CODE,
    }


def test_notify_about_a_refusal_carries_the_legal_basis(parties, mailbox, django_capture_on_commit_callbacks):
    set_status(parties.application, "refused")
    context = {"legal_basis": "MIIT Order No. 42, Art. 11", "reasons": "The MPS objected."}

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        created = notify_about(kind="application.refused", application=parties.application, context=context)

    assert usernames(n.recipient for n in created) == MEMBERS
    assert all("Legal basis: MIIT Order No. 42, Art. 11" in m.body for m in mailbox)
    assert all("Reasons: The MPS objected." in m.body for m in mailbox)
    assert sorted(m.to[0] for m in mailbox) == ["member@example.cn", "second_member@example.cn"]


@pytest.mark.skipif(
    "django_tasks_db" not in django_settings.INSTALLED_APPS, reason="VATSPILOT_TASKS_BACKEND=immediate: no queue"
)
@pytest.mark.django_db(transaction=True)  # real commits: the queue rows must appear only after one
def test_several_recipients_are_queued_together_only_after_the_commit(settings, make_user):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first, second = make_user("first", email="first@example.cn"), make_user("second", email="second@example.cn")

    with transaction.atomic():
        created = notify(
            recipients=[first, second], kind="application.approved", application=None, subject="s", body="b"
        )
        assert DBTaskResult.objects.count() == 0

    queued = DBTaskResult.objects.order_by("enqueued_at", "id")
    assert [(r.task_path, r.args_kwargs, r.status) for r in queued] == [
        (
            "vatspilot.services.notifications.delivery.send_notification_email",
            {"args": [], "kwargs": {"notification_id": notification.pk}},
            "READY",
        )
        for notification in created
    ]
