"""/api/v1/licences/{number}/filings: the holder's change filings and renewals and the decisions on them,
through the writers and the read model the web's filing pages use; refusals change nothing."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for
from route_matrix import snapshot

from vatspilot.domain.applications import Role
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import Licence, LicenceFiling

PROBLEM = "application/problem+json"
TODAY = date(2025, 7, 31)
NUMBER = "B1.B2-20250001"
BASE = f"/api/v1/licences/{NUMBER}/filings"
REASON = "Order 42: change examined (MIIT letter 2025-31)"
NAME_ZH = "港云（上海）科技有限公司"
NAME_EN = "Harbour Cloud Technology (Shanghai) Co., Ltd."
NAME_CHANGE = {"kinds": ["name"], "changed_on": "2025-07-01", "name_zh": NAME_ZH, "name_en": NAME_EN}
RENEWAL = {"launched": {"B11": "2025-07-01", "B25-05": "2025-07-15"}}


@pytest.fixture(autouse=True)
def _today(settings: Any) -> None:
    settings.VATSPILOT_TODAY = TODAY
    settings.LANGUAGE_CODE = "en"


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _miit(world: World) -> AbstractUser:
    return world.users[Role.MIIT_REVIEWER]


def _users(world: World) -> dict[str, AbstractUser]:
    return {user.username: user for user in (*world.users.values(), world.outsider, world.other_applicant)}


def _token_client(user: AbstractUser, scope: str) -> Client:
    secret = create_api_token(actor=user, name=f"test {scope}", scope=scope).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def _filed_name_change(world: World) -> int:
    response = _post(client_for(world.applicant), f"{BASE}/change", NAME_CHANGE)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _name_change_out(filing_id: int, actions: list[str]) -> dict[str, Any]:
    return {
        "id": filing_id,
        "kind": "change",
        "kind_label": "Change filing",
        "status": "filed",
        "status_label": "Filed: awaiting MIIT's decision",
        "pending": True,
        "filed_on": "2025-07-31",
        "changed_on": "2025-07-01",
        "late": False,  # the 30th day after the change: in time
        "change_labels": ["Company name"],
        "particulars": [
            {"label": "New name (Chinese)", "value": NAME_ZH},
            {"label": "New name (English)", "value": NAME_EN},
        ],
        "recheck": None,
        "decided_on": None,
        "decision_note": "",
        "version": 1,
        "available_actions": actions,
    }


# --- Filing a change ------------------------------------------------------------------------------------


def test_the_holder_files_a_change(world: World) -> None:
    world.licence()

    response = _post(client_for(world.applicant), f"{BASE}/change", NAME_CHANGE)

    assert response.status_code == 201
    filing = LicenceFiling.objects.get()
    assert response["Location"] == f"{BASE}/{filing.pk}"
    assert response.json() == _name_change_out(filing.pk, ["withdraw"])
    assert (filing.filed_by, filing.changes) == (
        world.applicant,
        {"kinds": ["name"], "name_zh": NAME_ZH, "name_en": NAME_EN},
    )
    # MIIT sees it with its decisions; the licence says a change is pending.
    assert client_for(_miit(world)).get(f"{BASE}/{filing.pk}").json() == _name_change_out(
        filing.pk, ["approve", "refuse"]
    )
    panel = client_for(world.applicant).get(f"/api/v1/licences/{NUMBER}").json()["filings"]
    assert (panel["change_pending"], panel["pending_count"], [f["id"] for f in panel["filings"]]) == (
        True,
        1,
        [filing.pk],
    )


def test_a_change_filed_late_is_accepted_and_marked(world: World) -> None:
    world.licence()

    body = _post(client_for(world.applicant), f"{BASE}/change", {**NAME_CHANGE, "changed_on": "2025-06-30"}).json()

    assert (body["late"], body["changed_on"]) == (True, "2025-06-30")


def test_a_change_of_shareholders_is_rechecked_at_once(world: World) -> None:
    world.licence()
    body = {
        "kinds": ["shareholders"],
        "changed_on": "2025-07-20",
        "shareholders": [
            {"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 50},
            {"name": "上海港云投资有限公司", "jurisdiction": "CN", "percent": 50.0},
        ],
    }

    response = _post(client_for(world.applicant), f"{BASE}/change", body)

    assert response.status_code == 201, response.content
    recheck = response.json()["recheck"]
    assert (recheck["eligible"], recheck["ineligible"], recheck["on"]) == (True, [], "2025-07-31")
    stored = LicenceFiling.objects.get().changes["shareholders"]
    assert [(h["name"], h["jurisdiction"], str(h["percent"])) for h in stored] == [
        ("Harbour Cloud Ltd", "HK", "50"),
        ("上海港云投资有限公司", "CN", "50.0"),
    ]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({**NAME_CHANGE, "changed_on": "2025-02-30"}, "/changed_on", "invalid-date"),
        ({**NAME_CHANGE, "changed_on": "1 July 2025"}, "/changed_on", None),
        ({**NAME_CHANGE, "kinds": ["colour"]}, "/kinds/0", None),
        ({**NAME_CHANGE, "colour": "blue"}, "/colour", None),
        ({**NAME_CHANGE, "registered_capital_cny": "100"}, None, None),  # a string is not a number
        ({k: v for k, v in NAME_CHANGE.items() if k != "changed_on"}, "/changed_on", None),
        ({**NAME_CHANGE, "name_zh": ""}, "name_zh", "required"),
        ({**NAME_CHANGE, "kinds": []}, "kinds", "no-change"),
        ({**NAME_CHANGE, "changed_on": "2025-08-01"}, "changed_on", "changed-after-filing"),
        ({**NAME_CHANGE, "kinds": ["capital"]}, "registered_capital_cny", "required"),
        ({**NAME_CHANGE, "kinds": ["capital"], "registered_capital_cny": -5}, "registered_capital_cny", "not-positive"),
    ],
)
def test_a_bad_change_is_a_422_naming_the_field_and_nothing_is_filed(
    world: World, body: dict[str, Any], field: str | None, code: str | None
) -> None:
    world.licence()
    client = client_for(world.applicant)
    before = snapshot()

    response = _post(client, f"{BASE}/change", body)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    if field is not None:
        assert response.json()["field"] == (field if field.startswith("/") else "/" + field)
    if code is not None:
        assert response.json()["code"] == code
    assert snapshot() == before


def test_a_second_pending_change_is_refused(world: World) -> None:
    world.licence()
    _filed_name_change(world)
    client = client_for(world.applicant)
    before = snapshot()

    response = _post(
        client, f"{BASE}/change", {**NAME_CHANGE, "kinds": ["legal_representative"], "legal_representative": "王五"}
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        422,
        "filing-pending",
        "/kinds",
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("miit_reviewer", 403),
        ("local_officer", 403),
        ("cac_reviewer", 403),
        ("other_applicant", 404),
        ("beijing_officer", 404),
    ],
)
def test_only_the_holder_files(world: World, who: str, status: int) -> None:
    world.licence()
    clients = [client_for(_users(world)[who])]
    before = snapshot()

    answers = [
        _post(clients[0], f"{BASE}/change", NAME_CHANGE).status_code,
        _post(clients[0], f"{BASE}/renewal", RENEWAL).status_code,
    ]

    assert answers == [status, status]
    assert snapshot() == before


# --- Filing a renewal -----------------------------------------------------------------------------------


def test_the_holder_files_a_renewal(world: World) -> None:
    world.licence()

    response = _post(
        client_for(world.applicant), f"{BASE}/renewal", {"launched": {"B11": "2025-07-01", "B25-05": None}}
    )

    assert response.status_code == 201
    filing = LicenceFiling.objects.get()
    assert response["Location"] == f"{BASE}/{filing.pk}"
    body = response.json()
    assert (body["kind"], body["status"], body["changed_on"], body["available_actions"]) == (
        "renewal",
        "filed",
        None,
        ["withdraw"],
    )
    assert body["particulars"] == [
        {"label": "B11 launched on", "value": "2025-07-01"},
        {"label": "B25-05 launched on", "value": "never launched"},
    ]
    assert filing.launched == {"B11": "2025-07-01", "B25-05": ""}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"launched": {"B11": "2025-07-01"}}, "launched", "unanswered"),
        ({"launched": {**RENEWAL["launched"], "B21": None}}, "launched", "unknown-service"),
        ({"launched": {"B11": "2025-05-01", "B25-05": None}}, "launched", "launched-outside-validity"),
        ({"launched": {"B11": "2025-07-32", "B25-05": None}}, "/launched", "invalid-date"),
        ({"launched": {"B11": 20250701, "B25-05": None}}, "/launched/B11", None),
        ({}, "/launched", None),
    ],
)
def test_a_bad_renewal_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], field: str, code: str | None
) -> None:
    world.licence()
    client = client_for(world.applicant)
    before = snapshot()

    response = _post(client, f"{BASE}/renewal", body)

    assert (response.status_code, response.json()["field"]) == (422, field if field.startswith("/") else "/" + field)
    if code is not None:
        assert response.json()["code"] == code
    assert snapshot() == before


def test_a_renewal_after_its_deadline_is_refused(world: World, settings: Any) -> None:
    world.licence()
    settings.VATSPILOT_TODAY = date(2030, 3, 5)  # the deadline was 4 March 2030
    client = client_for(world.applicant)
    before = snapshot()

    response = _post(client, f"{BASE}/renewal", RENEWAL)

    assert (response.status_code, response.json()["code"]) == (422, "renewal-late")
    assert snapshot() == before


# --- Reading ---------------------------------------------------------------------------------------------


def test_the_filings_are_listed_newest_first_page_by_page(world: World, settings: Any) -> None:
    world.licence()
    holder = client_for(world.applicant)
    first = _filed_name_change(world)
    assert _post(holder, f"{BASE}/{first}/actions/withdraw", {"expected_version": 1}).status_code == 200
    settings.VATSPILOT_TODAY = date(2025, 8, 1)
    renewal = _post(holder, f"{BASE}/renewal", RENEWAL).json()["id"]
    settings.VATSPILOT_TODAY = date(2025, 8, 2)
    second = _post(holder, f"{BASE}/change", {**NAME_CHANGE, "changed_on": "2025-07-20"}).json()["id"]

    seen: list[tuple[int, str]] = []
    path: str | None = f"{BASE}?limit=2"
    pages = 0
    while path:
        body = client_for(_miit(world)).get(path).json()
        seen += [(item["id"], item["status"]) for item in body["items"]]
        path = body["next"]
        pages += 1

    assert seen == [(second, "filed"), (renewal, "filed"), (first, "withdrawn")]
    assert pages == 2
    bad = client_for(_miit(world)).get(f"{BASE}?cursor=bm90LWEta2V5")
    assert (bad.status_code, bad.json()["field"]) == (422, "/cursor")


def test_filings_not_seen_and_missing_are_the_same_404(world: World) -> None:
    world.licence()
    filing = _filed_name_change(world)

    answers = set()
    for user, path in (
        (world.other_applicant, f"{BASE}/{filing}"),
        (world.outsider, BASE),
        (world.applicant, f"{BASE}/{filing + 1}"),
        (world.applicant, f"/api/v1/licences/B1-20990001/filings/{filing}"),
    ):
        response = client_for(user).get(path)
        answers.add((response.status_code, response["Content-Type"], response.json()["detail"]))

    assert answers == {(404, PROBLEM, "No such resource, or you may not see it.")}


# --- Deciding --------------------------------------------------------------------------------------------


def test_miit_approves_a_name_change_and_the_licence_is_renamed(world: World) -> None:
    world.licence()
    filing = _filed_name_change(world)

    response = _post(
        client_for(_miit(world)), f"{BASE}/{filing}/actions/approve", {"expected_version": 1, "reason": REASON}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"], body["decided_on"], body["decision_note"], body["available_actions"]) == (
        "approved",
        2,
        "2025-07-31",
        REASON,
        [],
    )
    licence = Licence.objects.get(number=NUMBER)
    assert (licence.holder_name_zh, licence.holder_name_en, licence.version) == (NAME_ZH, NAME_EN, 2)


def test_miit_refuses_and_the_holder_withdraws(world: World) -> None:
    world.licence()
    holder = client_for(world.applicant)
    filing = _filed_name_change(world)

    refused = _post(
        client_for(_miit(world)), f"{BASE}/{filing}/actions/refuse", {"expected_version": 1, "reason": REASON}
    ).json()
    renewal = _post(holder, f"{BASE}/renewal", RENEWAL).json()["id"]
    withdrawn = _post(holder, f"{BASE}/{renewal}/actions/withdraw", {"expected_version": 1}).json()

    assert (refused["status"], refused["decision_note"]) == ("refused", REASON)
    assert (withdrawn["status"], withdrawn["version"], withdrawn["decided_on"]) == ("withdrawn", 2, "2025-07-31")
    assert Licence.objects.get(number=NUMBER).version == 1


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("applicant", "approve", 403),
        ("applicant", "refuse", 403),
        ("miit_reviewer", "withdraw", 403),
        ("local_officer", "approve", 403),
        ("local_officer", "withdraw", 403),
        ("cac_reviewer", "refuse", 403),
        ("other_applicant", "withdraw", 404),
        ("beijing_officer", "approve", 404),
    ],
)
def test_a_decision_not_the_callers_is_refused_and_nothing_changes(
    world: World, who: str, action: str, status: int
) -> None:
    world.licence()
    filing = _filed_name_change(world)
    client = client_for(_users(world)[who])
    body: dict[str, Any] = {"expected_version": 1}
    if action != "withdraw":
        body["reason"] = REASON
    before = snapshot()

    response = _post(client, f"{BASE}/{filing}/actions/{action}", body)

    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "body", "status", "field"),
    [
        ("approve", {"expected_version": 1}, 422, "/reason"),
        ("withdraw", {"expected_version": 1, "reason": REASON}, 422, "/reason"),
        ("approve", {"expected_version": True, "reason": REASON}, 422, "/expected_version"),
        ("approve", {"expected_version": 1, "reason": REASON, "note": "x"}, 422, "/note"),
        ("approve", {"expected_version": 2, "reason": REASON}, 409, None),
        ("renew", {"expected_version": 1, "reason": REASON}, 404, None),
    ],
)
def test_bad_decisions_change_nothing(
    world: World, action: str, body: dict[str, Any], status: int, field: str | None
) -> None:
    world.licence()
    filing = _filed_name_change(world)
    client = client_for(world.applicant if action == "withdraw" else _miit(world))
    before = snapshot()

    response = _post(client, f"{BASE}/{filing}/actions/{action}", body)

    assert (response.status_code, response.json().get("field")) == (
        status,
        field if not field or field.startswith("/") else "/" + field,
    )
    assert snapshot() == before


def test_a_decision_on_a_filing_no_longer_pending_is_a_422(world: World) -> None:
    world.licence()
    filing = _filed_name_change(world)
    miit = client_for(_miit(world))
    assert _post(miit, f"{BASE}/{filing}/actions/refuse", {"expected_version": 1, "reason": REASON}).status_code == 200
    before = snapshot()

    response = _post(miit, f"{BASE}/{filing}/actions/approve", {"expected_version": 2, "reason": REASON})

    assert (response.status_code, response.json()["code"]) == (422, "action-not-allowed-in-state")
    assert snapshot() == before


def test_a_read_token_may_read_filings_but_not_file_or_decide(world: World) -> None:
    world.licence()
    filing = _filed_name_change(world)
    holder = _token_client(world.applicant, "read")
    miit = _token_client(_miit(world), "read")
    before = snapshot()

    answers = [
        holder.get(BASE).status_code,
        _post(holder, f"{BASE}/renewal", RENEWAL).status_code,
        _post(holder, f"{BASE}/{filing}/actions/withdraw", {"expected_version": 1}).status_code,
        _post(miit, f"{BASE}/{filing}/actions/approve", {"expected_version": 1, "reason": REASON}).status_code,
    ]

    assert answers == [200, 403, 403, 403]
    assert snapshot() == before


def test_the_filings_list_sends_as_many_queries_for_ten_rows_as_for_one(world: World) -> None:
    world.licence()
    holder = client_for(world.applicant)
    miit = client_for(_miit(world))

    def counted() -> tuple[int, int]:
        assert miit.get(BASE).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = miit.get(BASE)
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries.captured_queries)

    def file_and_withdraw() -> None:
        filing = _filed_name_change(world)
        assert _post(holder, f"{BASE}/{filing}/actions/withdraw", {"expected_version": 1}).status_code == 200

    file_and_withdraw()
    one, queries_for_one = counted()
    for _ in range(9):
        file_and_withdraw()
    ten, queries_for_ten = counted()

    assert (one, ten) == (1, 10)
    assert queries_for_ten == queries_for_one
