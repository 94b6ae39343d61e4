"""An enterprise registers itself: its organisation, its first user (the organisation's admin member,
with the applicant role and nothing more), and the confirmation of that user's e-mail address.

Policy: a self-registered account cannot sign in until its address is confirmed. It is created
inactive, and the signed link e-mailed to it (links.py, valid three days) activates it. Once confirmed,
the link is spent, so an account an administrator later deactivates is never reactivated by it.

What the registration page may reveal: a USCC already registered is refused with an error on that
field (the licence register shows registered enterprises' codes anyway). An e-mail address that
already has an account is not: the page answers as for a new address, nothing is written, and the
address's owner is told by e-mail. The password is hashed on that path too, so both take as long.

Self-registration never makes an official: it grants Role.APPLICANT only, never is_staff or
is_superuser; officials are created by an administrator (staff.create_staff_account).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial

from axes.utils import reset as reset_lockouts
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vatspilot.services.accounts.links import LinkRefused, read_verification_token
from vatspilot.services.accounts.mail import (
    language_or_default,
    send_password_reset_email,
    send_registration_attempt_email,
    send_verification_email,
)
from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.audit import record_audit
from vatspilot.store.models import AccountEmail, Membership, Organisation, Role, StaffRole
from vatspilot.store.validators import normalise_uscc, validate_division_code, validate_uscc, validate_zones

NAME_LIMIT = 300  # Organisation.name and name_zh
PERSON_LIMIT = 150  # User.first_name; the whole name, as written: Chinese names do not split in two
EMAIL_LIMIT = 150  # the address is the username, whose limit this is
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Registration:
    """What the page confirms: the address the link was sent to. ``user`` and ``organisation`` are None
    when the address already had an account (and nothing was written)."""

    email: str
    user: User | None
    organisation: Organisation | None


def register_enterprise(
    *,
    actor: AnonymousUser | User,
    name_zh: str,
    uscc: str,
    name_en: str,
    email: str,
    full_name: str,
    password: str,
    language: str,
    registered_capital_cny: Decimal,
    zones: Sequence[str] = (),
    address: str | None = None,
) -> Registration:
    """Register the enterprise ``uscc`` named ``name_zh`` (and ``name_en``), registered with
    ``registered_capital_cny`` yuan in the special ``zones`` it names (both as on the business licence:
    the eligibility determination judges them), with its first user.

    Raises ValidationError whose ``error_dict`` names each bad field (name_zh, uscc, name_en,
    registered_capital_cny, zones, email, full_name, password); a USCC already registered is the code
    ``uscc_taken`` on ``uscc``. Refusals
    write nothing. On success, in one transaction: the organisation, the inactive user (username = the
    address), the applicant role, the admin membership, the address to confirm, their audit entries
    (actor: the new user); the confirmation e-mail is queued after the commit.
    """
    if actor.is_authenticated:
        raise NotAllowed("signed_in", _("Sign out before registering another enterprise."))
    language = language_or_default(language)
    fields = _checked_fields(
        name_zh=name_zh,
        uscc=uscc,
        name_en=name_en,
        email=email,
        full_name=full_name,
        password=password,
        registered_capital_cny=registered_capital_cny,
        zones=zones,
    )
    if Organisation.objects.filter(uscc=fields.uscc).exists():
        raise _uscc_taken()
    if _address_has_account(fields.email):
        return _already_registered(fields.email, password, language)
    try:
        with transaction.atomic():
            return _create(fields, password=password, language=language, address=address)
    except IntegrityError:
        # Someone else registered the same code or address between the checks and the insert.
        if Organisation.objects.filter(uscc=fields.uscc).exists():
            raise _uscc_taken() from None
        return _already_registered(fields.email, password, language)


def verify_email(*, token: str, now: datetime) -> User:
    """Confirm the address of the account the link names, and activate the account. LinkRefused when
    the link is tampered, older than its lifetime, or already used; nothing changes then."""
    user_id, email = read_verification_token(token, now=now)
    with transaction.atomic():
        record = AccountEmail.objects.select_for_update().filter(user_id=user_id, email=email).first()
        if record is None:
            raise LinkRefused("tampered")
        if record.verified_at is not None:
            raise LinkRefused("used")
        record.verified_at = now
        record.save(update_fields=["verified_at"])
        user = User.objects.select_for_update().get(pk=user_id)
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_audit(
            actor=user,
            action="user.email_verified",
            obj=user,
            before={"is_active": False, "email_verified": False},
            after={"is_active": True, "email_verified": True, "email": email},
        )
    return user


def resend_verification(*, email: str) -> None:
    """Send the confirmation link again to ``email`` if it is an account's unconfirmed address; do
    nothing otherwise. The caller says the same either way."""
    record = AccountEmail.objects.filter(email__iexact=email.strip(), verified_at__isnull=True).first()
    if record is not None:
        transaction.on_commit(partial(send_verification_email.enqueue, account_email_id=record.pk), robust=True)


def set_password_by_reset_link(*, user: User, password: str) -> User:
    """The password chosen through a reset link (Django's PasswordResetConfirmView checked the link):
    set, any sign-in lock on the username lifted, audited with the account's holder as the actor."""
    with transaction.atomic():
        target = User.objects.select_for_update().get(pk=user.pk)
        target.set_password(password)
        target.save(update_fields=["password"])
        lifted = reset_lockouts(username=target.get_username())
        record_audit(
            actor=target,
            action="user.password_reset_by_email",
            obj=target,
            before=None,
            after={"lockouts_lifted": lifted},
        )
    user.password = target.password
    return target


@dataclass(frozen=True)
class _Fields:
    name_zh: str
    uscc: str
    division_code: str
    name_en: str
    email: str
    full_name: str
    registered_capital_cny: Decimal
    zones: tuple[str, ...]


def _checked_fields(
    *,
    name_zh: str,
    uscc: str,
    name_en: str,
    email: str,
    full_name: str,
    password: str,
    registered_capital_cny: Decimal,
    zones: Sequence[str],
) -> _Fields:
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    name_zh, name_en, full_name = name_zh.strip(), name_en.strip(), full_name.strip()
    if not name_zh:
        refuse("name_zh", _("Give the enterprise's registered Chinese name."), "required")
    elif not _HAN.search(name_zh):
        refuse("name_zh", _("Give the registered name in Chinese, as on the business licence."), "not_chinese")
    elif len(name_zh) > NAME_LIMIT:
        refuse("name_zh", _("The name is longer than %(limit)s characters.") % {"limit": NAME_LIMIT}, "too_long")
    if len(name_en) > NAME_LIMIT:
        refuse("name_en", _("The name is longer than %(limit)s characters.") % {"limit": NAME_LIMIT}, "too_long")

    code = normalise_uscc(uscc or "")
    division_code = ""
    if not code:
        refuse("uscc", _("Give the enterprise's unified social credit code."), "required")
    else:
        try:
            validate_uscc(code)
            # GB 32100-2015: characters 3 to 8 are the registering authority's division code (GB/T 2260).
            division_code = code[2:8]
            validate_division_code(division_code)
        except ValidationError as error:
            errors.setdefault("uscc", []).append(error)

    capital = registered_capital_cny
    if not isinstance(capital, Decimal) or not capital.is_finite() or capital < 0:
        refuse("registered_capital_cny", _("Give the registered capital in yuan, 0 or more."), "invalid")
    elif capital != capital.quantize(Decimal("0.01")) or capital >= Decimal(10) ** 16:
        refuse(
            "registered_capital_cny",
            _("Give the registered capital in yuan, with at most two decimals and 16 digits before them."),
            "invalid",
        )
    try:
        validate_zones(list(zones))
    except ValidationError as error:
        errors.setdefault("zones", []).extend(error.error_list)

    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        refuse("email", _("Give a valid e-mail address."), "invalid")
    else:
        if len(address) > EMAIL_LIMIT:
            refuse("email", _("The address is longer than %(limit)s characters.") % {"limit": EMAIL_LIMIT}, "too_long")

    if not full_name:
        refuse("full_name", _("Give your name."), "required")
    elif len(full_name) > PERSON_LIMIT:
        refuse("full_name", _("The name is longer than %(limit)s characters.") % {"limit": PERSON_LIMIT}, "too_long")

    try:
        validate_password(password, User(username=address, email=address, first_name=full_name))
    except ValidationError as error:
        errors.setdefault("password", []).extend(error.error_list)

    if errors:
        raise ValidationError(errors)
    return _Fields(
        name_zh=name_zh,
        uscc=code,
        division_code=division_code,
        name_en=name_en,
        email=address,
        full_name=full_name,
        registered_capital_cny=capital,
        zones=tuple(zones),
    )


def _uscc_taken() -> ValidationError:
    return ValidationError(
        {"uscc": [ValidationError(_("An enterprise with this USCC is already registered."), code="uscc_taken")]}
    )


def _address_has_account(email: str) -> bool:
    return (
        User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()
        or AccountEmail.objects.filter(email__iexact=email).exists()
    )


def _already_registered(email: str, password: str, language: str) -> Registration:
    make_password(password)  # the time a new account's hash would take: both answers take as long
    transaction.on_commit(partial(send_registration_attempt_email.enqueue, email=email, language=language), robust=True)
    return Registration(email=email, user=None, organisation=None)


def _create(fields: _Fields, *, password: str, language: str, address: str | None) -> Registration:
    organisation = Organisation.objects.create(
        name=fields.name_en or fields.name_zh,
        name_zh=fields.name_zh,
        uscc=fields.uscc,
        division_code=fields.division_code,
        zones=list(fields.zones),
        registered_capital_cny=fields.registered_capital_cny,
    )
    user = User(username=fields.email, email=fields.email, first_name=fields.full_name, is_active=False)
    user.set_password(password)
    user.save()
    StaffRole.objects.create(user=user, role=Role.APPLICANT)
    membership = Membership.objects.create(user=user, organisation=organisation, is_admin=True)
    record = AccountEmail.objects.create(user=user, email=fields.email, language=language)
    record_audit(
        actor=user,
        action="organisation.registered",
        obj=organisation,
        before=None,
        after={
            "uscc": organisation.uscc,
            "name_zh": organisation.name_zh,
            "name": organisation.name,
            "division_code": organisation.division_code,
            "registered_capital_cny": organisation.registered_capital_cny,
            "zones": organisation.zones,
            "address": address,
        },
    )
    record_audit(
        actor=user,
        action="user.created",
        obj=user,
        before=None,
        after={"username": fields.email, "email": fields.email, "role": Role.APPLICANT.value, "self_registered": True},
    )
    record_audit(
        actor=user,
        action="membership.created",
        obj=membership,
        before=None,
        after={"user": fields.email, "organisation": organisation.uscc, "admin": True},
    )
    transaction.on_commit(partial(send_verification_email.enqueue, account_email_id=record.pk), robust=True)
    return Registration(email=fields.email, user=user, organisation=organisation)


def request_password_reset(*, email: str, language: str) -> None:
    """Queue a reset e-mail for each active account with a password whose address is ``email``; nothing
    otherwise. The caller says the same either way (Django's PasswordResetView does)."""
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    for user in users:
        if user.has_usable_password():
            transaction.on_commit(
                partial(send_password_reset_email.enqueue, user_id=user.pk, language=language_or_default(language)),
                robust=True,
            )
