"""Accounts people can get (issue 11): an enterprise registers itself, its first user confirms the
e-mail address, anyone resets a forgotten password, and an organisation's admin members invite the
others. Every write is a service of vatspilot.services.accounts (registration, invitations), which
checks the fields again, audits the change and queues the e-mail after the commit.

The pages that take an address (registration, the confirmation link again, the password reset) answer
the same whether or not the address has an account, and are limited per client address
(web.account_throttle).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vatspilot.queries.organisation_members import organisation_members
from vatspilot.services.accounts import invitations, registration
from vatspilot.services.accounts.links import LinkRefused, read_verification_token
from vatspilot.services.accounts.sign_in import client_address
from vatspilot.store.access import NotFound, access_organisation
from vatspilot.web.account_forms import (
    AcceptInvitationForm,
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    InvitationForm,
    RegistrationForm,
    ResendVerificationForm,
)
from vatspilot.web.account_throttle import throttled

# --- registration and the confirmation of the address ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@throttled("register")
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = registration.register_enterprise(
                actor=request.user,
                name_zh=data["name_zh"],
                uscc=data["uscc"],
                name_en=data["name_en"],
                email=data["email"],
                full_name=data["full_name"],
                password=data["password"],
                language=get_language(),
                registered_capital_cny=data["registered_capital_cny"],
                zones=data["zones"],
                address=client_address(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "web/accounts/registered.html", {"email": done.email})
    return render(request, "web/accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a link checker that opens the e-mail's link confirms nothing); POST confirms."""
    now = timezone.now()
    try:
        if request.method == "POST":
            registration.verify_email(token=token, now=now)
            return render(request, "web/accounts/verified.html")
        read_verification_token(token, now=now)
    except LinkRefused as refused:
        return _link_refused(request, refused, resend=True)
    return render(request, "web/accounts/verify.html", {"token": token})


@require_http_methods(["GET", "POST"])
@throttled("resend")
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = ResendVerificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        registration.resend_verification(email=form.cleaned_data["email"])
        return render(request, "web/accounts/resent.html", {"email": form.cleaned_data["email"]})
    return render(request, "web/accounts/resend.html", {"form": form}, status=400 if form.errors else 200)


# --- the password reset (Django's views, the project's templates, forms and e-mail path) -----------------

password_reset = throttled("password_reset")(
    auth_views.PasswordResetView.as_view(
        template_name="web/accounts/password_reset_form.html",
        form_class=AccountPasswordResetForm,
        success_url=reverse_lazy("web:password_reset_done"),
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="web/accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="web/accounts/password_reset_confirm.html",
    form_class=AccountSetPasswordForm,
    success_url=reverse_lazy("web:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/accounts/password_reset_complete.html"
)


# --- members and invitations ----------------------------------------------------------------------------


@login_required
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    return _members_page(request)


@login_required
@require_POST
def invite(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access_organisation(request.user, organisation_id)
    form = InvitationForm(request.POST, auto_id=_invitation_ids(organisation.pk))
    if form.is_valid():
        try:
            invitation = invitations.invite_member(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("web:members")
    return _members_page(request, forms={organisation.pk: form}, status=400)


@login_required
@require_POST
def revoke(request: HttpRequest, organisation_id: int, invitation_id: int) -> HttpResponse:
    organisation = access_organisation(request.user, organisation_id)
    invitation = organisation.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("invitation not found")
    try:
        invitations.revoke_invitation(actor=request.user, invitation=invitation, now=timezone.now())
    except ValidationError as error:
        return _members_page(request, error=" ".join(error.messages), status=400)
    messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("web:members")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        invitation = invitations.invitation_from_link(token=token, now=now)
    except LinkRefused as refused:
        return _link_refused(request, refused, resend=False)
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password"], now=now
            )
        except LinkRefused as refused:
            return _link_refused(request, refused, resend=False)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return render(
                request,
                "web/accounts/invitation_accepted.html",
                {"organisation": invitation.organisation, "username": user.get_username()},
            )
    context = {"form": form, "invitation": invitation, "organisation": invitation.organisation, "token": token}
    return render(request, "web/accounts/invitation_accept.html", context, status=400 if form.errors else 200)


def _add_errors(form: AcceptInvitationForm, error: ValidationError) -> None:
    # "email" is not a field of this form (the address is the invitation's): its error goes on top.
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _members_page(
    request: HttpRequest, *, forms: dict[int, InvitationForm] | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    organisations = organisation_members(request.user, now=timezone.now())
    rows: list[dict[str, Any]] = [
        {
            "entry": entry,
            "form": (forms or {}).get(entry.organisation.pk)
            or InvitationForm(auto_id=_invitation_ids(entry.organisation.pk)),
        }
        for entry in organisations
    ]
    return render(request, "web/accounts/members.html", {"rows": rows, "error": error}, status=status)


def _invitation_ids(organisation_id: int) -> str:
    # One invitation form per organisation on the page: each with its own element ids.
    return f"id_org{organisation_id}_%s"


def _link_refused(request: HttpRequest, refused: LinkRefused, *, resend: bool) -> HttpResponse:
    return render(request, "web/accounts/link_refused.html", {"message": refused.message, "resend": resend}, status=400)
