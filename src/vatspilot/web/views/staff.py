"""The administrator's page: staff accounts, their roles and jurisdictions, deactivation and password
resets, each through vatspilot.services.accounts.staff (which checks the actor and audits the change).

Anyone but an active administrator gets 403 (and the refusal enters the audit trail). A temporary
password is shown once, in the answer to the request that set it, and never put in a message, a
session or a redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vatspilot.queries.staff_accounts import staff_accounts
from vatspilot.services.accounts import staff
from vatspilot.store.access import NotFound, is_administrator
from vatspilot.store.models import Role
from vatspilot.web.staff_forms import GrantRoleForm, NewStaffAccountForm, RevokeRoleForm

ACCOUNT_ACTIONS = ("grant", "revoke", "deactivate", "reactivate", "reset-password")


@login_required
@require_GET
def staff_page(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    return _page(request)


@login_required
@require_POST
def staff_create(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    form = NewStaffAccountForm(request.POST)
    if not form.is_valid():
        return _page(request, new_form=form, error=_("Check the new account's fields."), status=400)
    data = form.cleaned_data
    try:
        new = staff.create_staff_account(
            actor=request.user,
            username=data["username"],
            email=data["email"],
            role=data["role"],
            jurisdictions=list(data["jurisdictions"]),
        )
    except ValidationError as error:
        return _page(request, new_form=form, error=" ".join(error.messages), status=400)
    return _password_page(request, new, created=True)


@login_required
@require_POST
def staff_account_action(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    _require_administrator(request)
    if action not in ACCOUNT_ACTIONS:
        raise NotFound("action not found")
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        raise NotFound("account not found")
    try:
        if action == "reset-password":
            new = staff.reset_password(actor=request.user, user=user)
            if new.user.pk == request.user.pk:
                update_session_auth_hash(request, new.user)  # the administrator's own: stay signed in here
            return _password_page(request, new, created=False)
        done = _apply(request, user, action)
    except (ValidationError, staff.NotAllowed) as error:
        text = error.message if isinstance(error, staff.NotAllowed) else " ".join(error.messages)
        return _page(request, error=f"{user.get_username()}: {text}", status=400)
    messages.success(request, done)
    return redirect("web:staff")


def _apply(request: HttpRequest, user: Any, action: str) -> str:
    name = user.get_username()
    if action in ("grant", "revoke"):
        form: GrantRoleForm | RevokeRoleForm = (
            GrantRoleForm(request.POST) if action == "grant" else RevokeRoleForm(request.POST)
        )
        if not form.is_valid():
            raise ValidationError(_("Choose an official's role."), code="invalid_role")
        role = form.cleaned_data["role"]
        if isinstance(form, GrantRoleForm):
            staff.grant_role(
                actor=request.user, user=user, role=role, jurisdictions=list(form.cleaned_data["jurisdictions"])
            )
            return _("%(user)s now holds the role %(role)s.") % {"user": name, "role": _role_label(role)}
        staff.revoke_role(actor=request.user, user=user, role=role)
        return _("%(user)s no longer holds the role %(role)s.") % {"user": name, "role": _role_label(role)}
    if action == "deactivate":
        staff.deactivate_account(actor=request.user, user=user)
        return _("%(user)s can no longer sign in.") % {"user": name}
    staff.reactivate_account(actor=request.user, user=user)
    return _("%(user)s can sign in again.") % {"user": name}


def _require_administrator(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied("only administrators manage staff accounts")


def _role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


def _page(
    request: HttpRequest, *, new_form: NewStaffAccountForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    grant_form = GrantRoleForm()
    context = {
        "accounts": staff_accounts(),
        "new_form": new_form or NewStaffAccountForm(),
        "grant_form": grant_form,
        # The jurisdictions' widget is the same on every row: rendered (read) once, not once per account.
        "grant_jurisdictions": str(grant_form["jurisdictions"]),
        "revoke_form": RevokeRoleForm(),
        "error": error,
    }
    return render(request, "web/staff/accounts.html", context, status=status)


def _password_page(request: HttpRequest, new: staff.NewPassword, *, created: bool) -> HttpResponse:
    response = render(
        request, "web/staff/password.html", {"account": new.user, "password": new.password, "created": created}
    )
    # The password is in this page only: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response
