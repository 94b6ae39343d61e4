"""Creating accounts: officials with their role, and applicants with their organisation.

Each function is one transaction that also writes the audit entries; ``actor`` is whoever creates the
account (None for the platform itself, e.g. the demo or a command).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.store.audit import record_audit
from vatspilot.store.models import Jurisdiction, Membership, Organisation, Role, StaffRole


def create_staff_user(
    *,
    username: str,
    password: str,
    role: str,
    jurisdictions: Iterable[Jurisdiction | str] = (),
    email: str = "",
    actor: User | None = None,
) -> User:
    """Create an official holding ``role``. A local officer names one or more jurisdictions (objects or
    province-level codes such as "310000"); other roles name none. Administrators may also look
    through the (read-only) Django admin. Raises ValidationError for a bad role, jurisdiction, username or password."""
    if role not in Role.values or role == Role.APPLICANT:
        raise ValidationError(_("Choose an official's role."), code="invalid_role")
    covered = jurisdictions_named(jurisdictions)
    if role == Role.LOCAL_OFFICER and not covered:
        raise ValidationError(_("A local officer covers at least one jurisdiction."), code="no_jurisdiction")
    if role != Role.LOCAL_OFFICER and covered:
        raise ValidationError(_("Only a local officer covers jurisdictions."), code="unexpected_jurisdiction")
    with transaction.atomic():
        user = _new_user(username=username, password=password, email=email)
        if role == Role.ADMINISTRATOR:
            # is_staff lets the administrator sign in to the Django admin, which is read-only for
            # everyone (store/admin_site.py). Never is_superuser: nobody bypasses the services.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        staff_role = StaffRole.objects.create(user=user, role=role)
        staff_role.jurisdictions.set(covered)
        record_audit(
            actor=actor,
            action="user.created",
            obj=user,
            before=None,
            after={
                "username": user.get_username(),
                "email": email,
                "role": role,
                "jurisdictions": sorted(j.code for j in covered),
            },
        )
    return user


def create_applicant(
    *,
    username: str,
    password: str,
    organisation: Organisation,
    email: str = "",
    actor: User | None = None,
) -> User:
    """Create a user who acts for ``organisation``: the applicant role and a membership. The
    organisation's first member is its admin member (who invites the others), as a self-registered
    enterprise's first user is."""
    with transaction.atomic():
        user = _new_user(username=username, password=password, email=email)
        StaffRole.objects.create(user=user, role=Role.APPLICANT)
        first = not Membership.objects.filter(organisation=organisation).exists()
        membership = Membership.objects.create(user=user, organisation=organisation, is_admin=first)
        record_audit(
            actor=actor,
            action="user.created",
            obj=user,
            before=None,
            after={"username": user.get_username(), "email": email, "role": Role.APPLICANT.value},
        )
        record_audit(
            actor=actor,
            action="membership.created",
            obj=membership,
            before=None,
            after={"user": user.get_username(), "organisation": organisation.uscc, "admin": first},
        )
    return user


def _new_user(*, username: str, password: str, email: str) -> User:
    user_model = get_user_model()
    if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
        raise ValidationError(_("This username is taken."), code="username_taken")
    user = user_model(**{user_model.USERNAME_FIELD: username}, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def jurisdictions_named(items: Iterable[Jurisdiction | str]) -> list[Jurisdiction]:
    """The jurisdictions named by object or code; ValidationError naming any unknown code."""
    items = list(items)
    codes = {item.code if isinstance(item, Jurisdiction) else item for item in items}
    found = list(Jurisdiction.objects.filter(code__in=codes))
    missing = codes - {j.code for j in found}
    if missing:
        raise ValidationError(
            _("Unknown jurisdiction: %(codes)s.") % {"codes": ", ".join(sorted(missing))},
            code="unknown_jurisdiction",
        )
    return found
