"""The public eligibility check's form (`/eligibility/`): the answers a visitor gives, turned into a
profile (contract vatspilot/profile/v1) for the eligibility engine.

The form checks what a person can fix in it (a place that is not in the lists, a capital that is not a
number, no service ticked, JSON the editor could not write); whether the profile makes sense is for the
engine to say, and its refusal is put back on the field it names (``field_of_pointer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.shared.text import Lang
from vatspilot.queries.eligibility_check import DivisionTree, ServiceOption, division_tree, service_options
from vatspilot.services import vocabulary
from vatspilot.web.ownership_field import OwnershipField

_BLANK = [("", "---------")]

ZONES = {
    "shanghai-lingang": _("The Lin-gang Special Area of the China (Shanghai) Pilot Free Trade Zone"),
    "ftz": _("A pilot free trade zone"),
}

# What each value-added code covers, in plain words (summarised from the 2015 Catalogue's definitions,
# ../shared/reference/legal-facts.md section 1). The rulebook gives the codes' official names.
SERVICE_DESCRIPTIONS: Mapping[str, Any] = {
    "B11": _(
        "Data centres: renting out space, racks and servers, and cloud services (storage, development and "
        "deployment platforms)."
    ),
    "B12": _("Delivering websites' and apps' content to users from servers placed near them."),
    "B13": _("Private networks over the internet for enterprises inside China."),
    "B14": _("Connecting end users or websites to the internet."),
    "B21": _(
        "Online platforms that process data or transactions for others: e-commerce platforms, electronic "
        "data interchange, processing the data of networked devices."
    ),
    "B22": _("Teleconferences, video conferences and internet meetings among several parties in China."),
    "B23": _("Storing and forwarding messages: voice mail, e-mail, fax."),
    "B24": _("Call centres serving customers in China (domestic) or abroad (offshore)."),
    "B25-01": _(
        "Platforms where others publish text, pictures, audio, video or apps, delivered to users: forums, "
        "recruitment sites, app stores."
    ),
    "B25-02": _("Search over web pages, text, pictures and audio-visual content."),
    "B25-03": _("Social networks and community platforms for registered users or groups."),
    "B25-04": _("Instant messaging and real-time voice or video between users."),
    "B25-05": _("Virus scanning, spam blocking and protecting the information on users' devices."),
    "B26": _("Converting codes and protocols between networks, such as domain name resolution."),
}

# The profile member an engine refusal points at (its JSON pointer's first segment) -> the form field.
_FIELD_OF_MEMBER = {
    "name": "name",
    "registration": "province",
    "registered_capital_cny": "registered_capital_cny",
    "shareholders": "ownership",
    "service_area": "service_area_kind",
    "dishonest_list": "dishonest_list",
}


@dataclass(frozen=True)
class ServiceGroup:
    """One service as the page shows it: its tick box, its own scopes and content options."""

    option: ServiceOption
    description: Any
    requested: forms.BoundField
    scopes: forms.BoundField | None
    contents: forms.BoundField | None


def _service_field(code: str) -> str:
    return f"service_{code}"


def _scopes_field(code: str) -> str:
    return f"scopes_{code}"


def _contents_field(code: str) -> str:
    return f"contents_{code}"


class EligibilityForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name (optional)"), required=False, max_length=300)
    province = forms.ChoiceField(
        label=_("Province"), error_messages={"required": _("Choose the province of registration.")}
    )
    city = forms.ChoiceField(
        label=_("City"),
        required=False,
        error_messages={"invalid_choice": _("Choose a city of the chosen province.")},
    )
    district = forms.ChoiceField(
        label=_("District or county"),
        required=False,
        error_messages={"invalid_choice": _("Choose a district or county of the chosen city.")},
    )
    zones = forms.MultipleChoiceField(
        label=_("Special areas the enterprise is registered in"),
        required=False,
        choices=list(ZONES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    registered_capital_cny = forms.DecimalField(
        label=_("Registered capital (yuan)"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    ownership = OwnershipField()
    service_area_kind = forms.ChoiceField(
        label=_("Service area"),
        choices=list(vocabulary.SERVICE_AREA_KINDS.items()),
        widget=forms.RadioSelect,
        initial="provincial",
    )
    provinces = forms.MultipleChoiceField(
        label=_("Provinces served (cross-regional only)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    dishonest_list = forms.BooleanField(
        label=_("The enterprise, a main investor or a main manager is on the telecom business dishonest list"),
        required=False,
    )

    def __init__(self, *args: Any, on: date, lang: Lang, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # no ASCII colon after a label, in either language
        super().__init__(*args, **kwargs)
        self.on = on
        self.lang = lang
        self.tree: DivisionTree = division_tree(lang)
        self.options = service_options(on, lang)
        province = self._chosen("province")
        city = self._chosen("city")
        cities = self.tree.cities_of(province) if province else ()
        if city not in {c.code for c in cities}:
            city = ""
        provinces = [(p.code, p.name) for p in self.tree.provinces]
        self.fields["province"].choices = _BLANK + provinces
        self.fields["provinces"].choices = provinces
        self.fields["city"].choices = _BLANK + [(c.code, c.name) for c in cities]
        districts = self.tree.districts_of(province, city or None) if province else ()
        self.fields["district"].choices = _BLANK + [(d.code, d.name) for d in districts]
        # A changed list brings the place fieldset back with the lists below it (htmx; see place.html).
        for name in ("province", "city"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("web:eligibility_places"),
                    "hx-trigger": "change",
                    "hx-target": "#eligibility-place",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name='province'],[name='city'],[name='district']",
                }
            )
        self.has_cities = bool(cities)
        self.has_districts = bool(districts)
        for option in self.options:
            self.fields[_service_field(option.code)] = forms.BooleanField(
                label=f"{option.code} {option.name}", required=False
            )
            if option.scopes:
                self.fields[_scopes_field(option.code)] = forms.MultipleChoiceField(
                    label=_("Narrower scope"),
                    required=False,
                    choices=list(option.scopes),
                    widget=forms.CheckboxSelectMultiple,
                )
            if option.contents:
                self.fields[_contents_field(option.code)] = forms.MultipleChoiceField(
                    label=_("Content carried"),
                    required=False,
                    choices=[(c, vocabulary.CONTENT[c]) for c in option.contents],
                    widget=forms.CheckboxSelectMultiple,
                )
        self._service_index: list[str] = []

    def _chosen(self, name: str) -> str:
        """The value the lists depend on: from the submitted data, else from the initial answers."""
        source: Any = self.data if self.is_bound else self.initial
        value = source.get(self.add_prefix(name) if self.is_bound else name) or ""
        return str(value)

    def service_groups(self) -> list[ServiceGroup]:
        return [
            ServiceGroup(
                option=option,
                description=SERVICE_DESCRIPTIONS.get(option.code, ""),
                requested=self[_service_field(option.code)],
                scopes=self[_scopes_field(option.code)] if option.scopes else None,
                contents=self[_contents_field(option.code)] if option.contents else None,
            )
            for option in self.options
        ]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        if not any(cleaned.get(_service_field(o.code)) for o in self.options) and not any(
            cleaned.get(_scopes_field(o.code)) or cleaned.get(_contents_field(o.code)) for o in self.options
        ):
            self.add_error(None, forms.ValidationError(_("Tick at least one service."), code="no_service"))
        return cleaned

    def division_code(self) -> str:
        return str(self.cleaned_data.get("district") or self.cleaned_data.get("city") or self.cleaned_data["province"])

    def place_names(self) -> list[str]:
        """The chosen place, province first, as the lists name it."""
        names = dict(self.fields["province"].choices)
        parts = [str(names.get(self.cleaned_data["province"], self.cleaned_data["province"]))]
        for name in ("city", "district"):
            if self.cleaned_data.get(name):
                parts.append(self.tree.names.get(self.cleaned_data[name], self.cleaned_data[name]))
        return parts

    def services(self) -> list[dict[str, Any]]:
        """The requested services in the contract's shape: one entry per ticked scope (or one for the
        service as a whole), each with the content ticked. A scope or content ticked means the service."""
        services: list[dict[str, Any]] = []
        self._service_index = []
        for option in self.options:
            scopes = self.cleaned_data.get(_scopes_field(option.code)) or []
            contents = self.cleaned_data.get(_contents_field(option.code)) or []
            if not (self.cleaned_data.get(_service_field(option.code)) or scopes or contents):
                continue
            for scope in scopes or [None]:
                service: dict[str, Any] = {"code": option.code}
                if scope:
                    service["scope"] = scope
                if contents:
                    service["content"] = list(contents)
                services.append(service)
                self._service_index.append(option.code)
        return services

    def service_area(self) -> dict[str, Any]:
        area: dict[str, Any] = {"kind": self.cleaned_data["service_area_kind"]}
        if area["kind"] == "cross-regional" and self.cleaned_data["provinces"]:
            area["provinces"] = list(self.cleaned_data["provinces"])
        return area

    def profile(self, default_name: str) -> dict[str, Any]:
        """The profile (vatspilot/profile/v1) the answers describe; numbers stay Decimals."""
        registration: dict[str, Any] = {"division_code": self.division_code()}
        if self.cleaned_data["zones"]:
            registration["zones"] = list(self.cleaned_data["zones"])
        return {
            "name": self.cleaned_data["name"] or default_name,
            "registration": registration,
            "registered_capital_cny": self.cleaned_data["registered_capital_cny"],
            "shareholders": self.cleaned_data["ownership"],
            "services": self.services(),
            "service_area": self.service_area(),
            "dishonest_list": self.cleaned_data["dishonest_list"],
        }

    def field_of_pointer(self, pointer: str) -> str | None:
        """The form field an engine refusal (JSON pointer into the profile) belongs on."""
        parts = pointer.split("/")
        member = parts[1] if pointer.startswith("/") and len(parts) > 1 else ""
        if member == "services" and len(parts) > 2 and parts[2].isdigit():
            index = int(parts[2])
            if index < len(self._service_index):
                return _service_field(self._service_index[index])
        return _FIELD_OF_MEMBER.get(member)

    def anchor_of(self, field: str | None) -> str:
        """Where the error summary's link for a field goes: the field's first control."""
        if field is None:
            return "eligibility-form"
        if field == "ownership":
            return "ownership-section"
        bound = self[field]
        widget_id = bound.id_for_label or bound.auto_id
        return str(widget_id)
