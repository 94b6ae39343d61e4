"""The language each person reads the platform in: recorded when a signed-in person chooses one (the
language switch), read when a notification is written for them (inbox and e-mail alike).

Without a choice recorded, the language an account registered or was invited in (AccountEmail.language),
and otherwise the platform's default (LANGUAGE_CODE)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from vatspilot.store.audit import record_audit
from vatspilot.store.models import LanguagePreference

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def record_language(*, actor: User, language: str) -> bool:
    """Record ``language`` as the one ``actor`` reads in; True when it changed (one transaction with its
    audit entry), False when it was already theirs. ValueError for a language the platform does not have."""
    if language not in LANGUAGE_CODES:
        raise ValueError(f"not a language of the platform: {language!r}")
    with transaction.atomic():
        preference = LanguagePreference.objects.select_for_update().filter(user=actor).first()
        before = preference.language if preference is not None else None
        if before == language:
            return False
        if preference is None:
            preference = LanguagePreference.objects.create(user=actor, language=language)
        else:
            preference.language = language
            preference.save(update_fields=["language", "updated_at"])
        record_audit(
            actor=actor,
            action="account.language_chosen",
            obj=preference,
            before={"language": before} if before else None,
            after={"language": language},
        )
    return True


def languages_of(users: Iterable[User]) -> dict[int, str]:
    """Each user's language by id: from what a query already read with them (``chosen_language`` and
    ``registered_language``, as notifications.routing reads its recipients), else in one query for all."""
    users = list(users)
    read = {
        user.pk: (getattr(user, "chosen_language", None), getattr(user, "registered_language", None))
        for user in users
        if hasattr(user, "chosen_language")
    }
    unread = [user.pk for user in users if user.pk not in read]
    if unread:
        rows = User.objects.filter(pk__in=unread).values_list(
            "pk", "language_preference__language", "account_email__language"
        )
        read.update({pk: (chosen, registered) for pk, chosen, registered in rows})
    return {
        pk: _known(chosen) or _known(registered) or settings.LANGUAGE_CODE for pk, (chosen, registered) in read.items()
    }


def _known(language: str | None) -> str | None:
    return language if language in LANGUAGE_CODES else None
