"""The ownership tree editor, server side: the field it writes round-trips the contract exactly.

The editor (static/web/ownership_editor.js) writes the shareholder list as JSON into the field's text area;
with JavaScript off people edit that text area. Either way the server reads it with the strict reader, so
the tree comes back as given and every percentage is the Decimal of its text.
"""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Any

from django.urls import reverse
from pilot_world import ON, World, client_for

from vatspilot.contracts import json_numbers
from vatspilot.services import applications as svc
from vatspilot.web.forms import DossierForm
from vatspilot.web.ownership_field import OwnershipField, ownership_json

# A two-level tree in the contract's shape, with shares that a binary float would not keep.
TREE: list[dict[str, Any]] = [
    {"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": Decimal("33.33")},
    {
        "name": "上海示例科技有限公司",
        "jurisdiction": "CN",
        "percent": Decimal("66.67"),
        "foreign_invested": True,
        "shareholders": [
            {"name": "Example Holdings Pte Ltd", "jurisdiction": "SG", "percent": Decimal("10.1")},
            {"name": "张三", "jurisdiction": "CN", "percent": Decimal("89.9")},
        ],
    },
]


def _textarea(page: str, name: str = "ownership") -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert match, "no text area for the field"
    return html.unescape(match.group(1))


def _dossier_data(ownership: str) -> dict[str, str]:
    return {
        "ownership": ownership,
        "service_area_kind": "provincial",
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "20",
        "services-0-code": "B11",
        "services-0-scope": "",
    }


def test_the_field_starts_with_the_contract_json_and_reads_it_back_exactly() -> None:
    field = OwnershipField()
    text = field.widget.format_value(TREE)

    assert text == ownership_json(TREE)
    assert '"percent": 33.33' in text and '"percent": 10.1' in text
    back = field.clean(text)
    assert back == TREE
    assert back[0]["percent"] == Decimal("33.33") and type(back[0]["percent"]) is Decimal
    assert back[1]["shareholders"][0]["percent"] == Decimal("10.1")
    assert back[1]["foreign_invested"] is True


def test_the_editors_own_spelling_of_a_number_stays_exact() -> None:
    # The editor writes a percentage as the text typed: 33.330 stays Decimal("33.330"), never a float.
    typed = '[\n  {\n    "name": "A",\n    "jurisdiction": "HK",\n    "percent": 33.330\n  }\n]'
    value = OwnershipField().clean(typed)
    assert value == [{"name": "A", "jurisdiction": "HK", "percent": Decimal("33.330")}]
    assert str(value[0]["percent"]) == "33.330"


def test_an_empty_list_is_an_answer_and_empty_text_is_required() -> None:
    field = OwnershipField()
    assert field.clean("[]") == []
    errors = _errors(field, "")
    assert errors == ["This field is required."]


def test_text_that_is_not_a_list_of_holders_is_refused_with_its_place() -> None:
    field = OwnershipField()
    assert _errors(field, '{"name": "A"}') == ["Give a list of shareholders: [ {...}, {...} ]."]
    assert _errors(field, '[{"name": "A",}]') == [
        "This is not valid JSON (line 1, column 15): a key in double quotes was expected."
    ]


def _errors(field: OwnershipField, text: str) -> list[str]:
    from django import forms

    try:
        field.clean(text)
    except forms.ValidationError as error:
        return list(error.messages)
    raise AssertionError("accepted")


def test_the_widget_renders_the_editor_over_the_text_area_without_inline_code(db: None) -> None:
    form = DossierForm(initial={"ownership": ownership_json(TREE), "service_area_kind": "provincial"})
    rendered = str(form["ownership"])

    assert "data-ownership-editor" in rendered
    assert 'data-text-add="Add a shareholder"' in rendered
    assert 'data-text-add-own="Add a shareholder of {name}"' in rendered
    assert '<script src="/static/web/ownership_editor.js" defer></script>' in rendered
    assert '<link rel="stylesheet" href="/static/web/ownership_editor.css">' in rendered
    assert '<label for="id_ownership">Ownership (direct shareholders, as JSON)</label>' in rendered
    assert "<script>" not in rendered and "style=" not in rendered and " on" + "click" not in rendered
    assert json_numbers.loads(_textarea(rendered)) == TREE


def test_the_widget_speaks_chinese(world: World) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    page = client_for(world.applicant, "zh-hans").get(reverse("web:dossier", args=[application.pk])).content.decode()
    assert 'data-text-add="添加股东"' in page
    assert 'data-text-total-ok="合计为{hundred}"' in page


def test_the_dossier_round_trips_a_nested_tree_exactly(world: World) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    client = client_for(world.applicant)
    url = reverse("web:dossier", args=[application.pk])

    response = client.post(url, _dossier_data(ownership_json(TREE)))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.ownership == TREE
    assert application.ownership[0]["percent"] == Decimal("33.33")
    page = client.get(url).content.decode()
    shown = _textarea(page)
    # The same tree, numbers as given (PostgreSQL's jsonb may order an object's keys its own way).
    assert json_numbers.loads(shown) == TREE
    assert '"percent": 33.33' in shown and '"percent": 10.1' in shown
    # What the page offers is what it accepts: posting it back changes nothing.
    assert client.post(url, _dossier_data(shown)).status_code == 302
    application.refresh_from_db()
    assert application.ownership == TREE


def test_a_dossier_tree_that_does_not_add_up_is_refused_on_the_ownership_field(world: World) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    client = client_for(world.applicant)
    bad = [{"name": "A", "jurisdiction": "HK", "percent": 60}, {"name": "B", "jurisdiction": "CN", "percent": 30}]

    response = client.post(reverse("web:dossier", args=[application.pk]), _dossier_data(json.dumps(bad)))

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["ownership"]
    application.refresh_from_db()
    assert application.ownership == []
