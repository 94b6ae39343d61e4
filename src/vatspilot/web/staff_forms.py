"""The administrator's page's forms: a new staff account, a role to grant, a role to revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vatspilot.services.accounts.staff import STAFF_ROLES
from vatspilot.store.models import Jurisdiction, Role


def _role_choices() -> list[tuple[str, Any]]:
    labels = dict(Role.choices)
    return [(role, labels[role]) for role in STAFF_ROLES]


class _Jurisdictions(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj}"


def _jurisdictions_field() -> forms.ModelMultipleChoiceField:
    return _Jurisdictions(
        queryset=Jurisdiction.objects.order_by("code"),
        to_field_name="code",
        required=False,
        label=_("Jurisdictions (local officers only)"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class NewStaffAccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices)
    jurisdictions = _jurisdictions_field()


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices)
    jurisdictions = _jurisdictions_field()


class RevokeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices)
