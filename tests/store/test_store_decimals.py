"""Percentages and amounts are Decimals from the profile through the engine to the database and back:
exact on save and load (SQLite's JSON text and PostgreSQL's jsonb alike), and the dossier's hash is the
one it was when they were read back as floats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import QuerySet

from vatspilot.contracts import strict_json
from vatspilot.contracts.profiles import parse_profile
from vatspilot.domain.applications.dossier_version import dossier_hash
from vatspilot.services.eligibility import determine
from vatspilot.store.models import Application, Organisation

pytestmark = pytest.mark.django_db

OWNERSHIP_TEXT = """[
  {"name": "Example Holdings Ltd", "jurisdiction": "HK", "percent": 33.33},
  {"name": "上海示例科技有限公司", "jurisdiction": "CN", "percent": 66.670,
   "shareholders": [{"name": "张三", "jurisdiction": "CN", "percent": 100.0}]}
]"""


@pytest.fixture
def application(make_organisation, make_application) -> Application:
    application = make_application(make_organisation())
    application.ownership = strict_json.loads(OWNERSHIP_TEXT)
    application.save_if_unchanged(update_fields=["ownership"])
    return Application.objects.select_related("organisation").get(pk=application.pk)


def percents(holders: list) -> list:
    return [(holder["percent"], percents(holder.get("shareholders") or [])) for holder in holders]


def test_the_ownership_percents_come_back_as_the_exact_decimals_written(application):
    assert percents(application.ownership) == [
        (Decimal("33.33"), []),
        (Decimal("66.670"), [(Decimal("100.0"), [])]),
    ]
    assert [type(holder["percent"]) for holder in application.ownership] == [Decimal, Decimal]
    assert str(application.ownership[1]["percent"]) == "66.670"


def test_the_column_holds_json_numbers_not_strings(application):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ownership FROM store_application WHERE id = %s", [application.pk])
        (stored,) = cursor.fetchone()

    assert '"percent": 33.33' in stored.replace('"percent":33.33', '"percent": 33.33')
    assert '"33.33"' not in stored


def test_a_row_written_with_floats_reads_back_exactly(application):
    QuerySet.update(
        Application.objects.filter(pk=application.pk),
        ownership=[
            {"name": "H", "jurisdiction": "HK", "percent": 12.5},
            {"name": "C", "jurisdiction": "CN", "percent": 87.5},
        ],
    )

    assert percents(Application.objects.get(pk=application.pk).ownership) == [
        (Decimal("12.5"), []),
        (Decimal("87.5"), []),
    ]


@pytest.mark.parametrize(
    "capital",
    [
        "9999999999999.99",  # 15 digits: exact on both databases
        pytest.param("1234567890123456.78", id="18 digits, exact on PostgreSQL (SQLite keeps 15)"),
    ],
)
def test_the_profile_gives_the_engine_the_capital_and_the_percents_exactly(application, capital):
    if len(capital) > 17 and connection.vendor == "sqlite":
        pytest.skip("SQLite keeps a decimal column's value as a double: 15 significant digits")
    Organisation.objects.filter(pk=application.organisation_id).update(registered_capital_cny=Decimal(capital))
    application = Application.objects.select_related("organisation").get(pk=application.pk)

    profile = application.as_profile()
    parsed = parse_profile(profile)

    assert profile["registered_capital_cny"] == Decimal(capital)
    assert parsed.registered_capital_cny == Decimal(capital)
    assert [holder.percent for holder in parsed.shareholders] == [Decimal("33.33"), Decimal("66.670")]
    assert parsed.shareholders[1].shareholders[0].percent == Decimal("100.0")
    assert determine(profile, on=date(2026, 3, 2)).foreign_share == Decimal("33.33")


def test_the_dossier_hash_is_the_one_the_floats_gave():
    exact = {
        "registered_capital_cny": Decimal("10000000.00"),
        "shareholders": [
            {"percent": Decimal("33.33")},
            {"percent": Decimal("66.670"), "shareholders": [{"percent": Decimal("100.0")}]},
        ],
    }
    as_floats_were = {
        "registered_capital_cny": 10000000.0,
        "shareholders": [{"percent": 33.33}, {"percent": 66.67, "shareholders": [{"percent": 100}]}],
    }
    documents = {"business-plan": "a" * 64}

    assert dossier_hash(exact, documents) == dossier_hash(as_floats_were, documents)
    assert dossier_hash(exact, documents) == "117cfeb0d1d7c12e62a0244d68b718dabb9eabd9832f70021ae99fd99e3ec1de"
