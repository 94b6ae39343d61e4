"""The signed-in user's personal API tokens: the list, making one (its secret shown once, on the page
that answers the form, never stored), and revoking one. Tokens are made here, in the browser, only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vatspilot.services.accounts.api_tokens import (
    NAME_LIMIT,
    TokenRefused,
    create_api_token,
    revoke_api_token,
    user_tokens,
)
from vatspilot.store.access import NotFound
from vatspilot.store.models import ApiToken, TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=NAME_LIMIT,
        help_text=gettext_lazy("What the token is for, e.g. “Law firm filing system”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A read token reads; a read-and-write token also files and acts for you."),
    )


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm()
    secret = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                made = create_api_token(
                    actor=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
                )
            except TokenRefused as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
            else:
                secret = made.secret
                form = TokenForm()
        if secret is None:
            status = 422
    context = {"form": form, "secret": secret, "tokens": user_tokens(request.user)}
    return render(request, "web/api_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = revoke_api_token(actor=request.user, token_id=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound("token not found") from None
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("web:api_tokens")
