"""A person's language, recorded when they choose one while signed in: one row per person, each change
audited, the same choice again a no-op, a language the platform lacks refused with nothing written."""

from __future__ import annotations

import pytest
from pilot_world import make_user

from vatspilot.services.accounts.language import record_language
from vatspilot.store.models import AuditEntry, LanguagePreference

pytestmark = pytest.mark.django_db


def test_a_choice_is_recorded_and_audited_and_the_same_choice_again_changes_nothing() -> None:
    reader = make_user("reader")

    assert record_language(actor=reader, language="zh-hans") is True
    assert record_language(actor=reader, language="zh-hans") is False
    assert record_language(actor=reader, language="en") is True

    assert LanguagePreference.objects.get(user=reader).language == "en"
    entries = AuditEntry.objects.filter(action="account.language_chosen").order_by("id")
    assert [(entry.actor_id, entry.before, entry.after) for entry in entries] == [
        (reader.pk, None, {"language": "zh-hans"}),
        (reader.pk, {"language": "zh-hans"}, {"language": "en"}),
    ]


def test_a_language_the_platform_lacks_is_refused_and_nothing_is_written() -> None:
    reader = make_user("reader")
    entries = AuditEntry.objects.count()

    with pytest.raises(ValueError, match="not a language of the platform: 'fr'"):
        record_language(actor=reader, language="fr")

    assert LanguagePreference.objects.count() == 0
    assert AuditEntry.objects.count() == entries
