"""The accounts pages' forms: registering an enterprise, asking for the confirmation link again,
inviting a member, accepting an invitation, and Django's password reset forms sending through the
project's e-mail path and auditing the new password. The services check every field again (they are the
contract); these forms only add what a page needs (typing the password twice)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vatspilot.services.accounts.registration import (
    EMAIL_LIMIT,
    NAME_LIMIT,
    PERSON_LIMIT,
    request_password_reset,
    set_password_by_reset_link,
)
from vatspilot.web.eligibility_forms import ZONES


class _PasswordTwice(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password, not like your name or e-mail."),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return data


class RegistrationForm(_PasswordTwice):
    name_zh = forms.CharField(
        label=_("Registered Chinese name"),
        max_length=NAME_LIMIT,
        help_text=_("As on the business licence, e.g. 上海示例网络科技有限公司."),
    )
    uscc = forms.CharField(
        label=_("Unified social credit code (USCC)"),
        max_length=40,
        help_text=_("The 18 characters on the business licence."),
    )
    name_en = forms.CharField(label=_("English name (optional)"), max_length=NAME_LIMIT, required=False)
    registered_capital_cny = forms.DecimalField(
        label=_("Registered capital (yuan)"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        help_text=_("As on the business licence: the eligibility determination judges it."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    zones = forms.MultipleChoiceField(
        label=_("Special zones of registration"),
        required=False,
        choices=list(ZONES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the zone the enterprise is registered in, if any."),
    )
    full_name = forms.CharField(label=_("Your name"), max_length=PERSON_LIMIT)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=EMAIL_LIMIT,
        help_text=_("You sign in with it. We send a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = [
        "name_zh",
        "uscc",
        "name_en",
        "registered_capital_cny",
        "zones",
        "full_name",
        "email",
        "password",
        "password_again",
    ]


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=EMAIL_LIMIT)


def _language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=EMAIL_LIMIT)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=_language_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language()


class AcceptInvitationForm(_PasswordTwice):
    full_name = forms.CharField(label=_("Your name"), max_length=PERSON_LIMIT)

    field_order = ["full_name", "password", "password_again"]


class AccountPasswordResetForm(PasswordResetForm):
    """Django's form, its e-mail sent by the project's task (services.accounts.mail) after the commit,
    in the account's language."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        request_password_reset(email=self.cleaned_data["email"], language=get_language())


class AccountSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's form; the new password set and audited by the service."""

    def save(self, commit: bool = True) -> User:
        return set_password_by_reset_link(user=self.user, password=self.cleaned_data["new_password1"])
