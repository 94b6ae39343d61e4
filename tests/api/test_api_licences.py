"""/api/v1/licences: the licences a caller may see, one licence, its certificate and the decisions on it,
each through the read models and writers the web's licence pages use; refusals change nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for, record_event
from register_world import more_licences
from route_matrix import snapshot

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.licences.signing_key import init_signing_key
from vatspilot.store.models import Licence, LicenceEvent, NetworkExit

PROBLEM = "application/problem+json"
TODAY = date(2025, 7, 1)
NUMBER = "B1.B2-20250001"
REASON = "Order 42 Art. 39: rectification of the logging duty (MIIT letter 2025-21)"
AREA_EN = "Shanghai Pudong New Area and Lin-gang"
AREA_ZH = "上海市浦东新区和临港新片区"
ISSUED = {
    "on": "2025-06-03",
    "action": "issue",
    "action_label": "Issued",
    "from_state_label": "",
    "to_state_label": "Valid",
    "note": "",
}


@pytest.fixture(autouse=True)
def _today(settings: Any) -> None:
    settings.VATSPILOT_TODAY = TODAY
    settings.LANGUAGE_CODE = "en"


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _act(client: Client, action: str, body: dict[str, Any], number: str = NUMBER) -> Any:
    return _post(client, f"/api/v1/licences/{number}/actions/{action}", body)


def _miit(world: World) -> AbstractUser:
    return world.users[Role.MIIT_REVIEWER]


def _token_client(user: AbstractUser, scope: str) -> Client:
    secret = create_api_token(actor=user, name=f"test {scope}", scope=scope).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def _field(response: Any) -> str | None:
    return response.json().get("field")


def _pointer(field: str | None) -> str | None:
    """A field named by its name in the cases, as the API names it: a JSON pointer into the body."""
    return field if field is None or field.startswith("/") else "/" + field


def _more_licences(world: World, count: int, first_serial: int = 100) -> list[Licence]:
    """``count`` more licences (register_world), each on an application recorded as submitted, so that
    the officials see them (an official sees an application once it was submitted)."""
    made = more_licences(count, actor=_miit(world), first_serial=first_serial)
    for licence in made:
        record_event(licence.application, "submit", "draft", "submitted", TODAY, actor=world.applicant)
    return made


# --- The list -------------------------------------------------------------------------------------------


def test_the_list_holds_the_licences_the_caller_may_see(world: World) -> None:
    world.licence()
    expected = {
        "number": NUMBER,
        "holder": "Harbour Cloud (Shanghai) Co., Ltd.",
        "holder_name_zh": "Harbour Cloud (Shanghai) Co., Ltd.",
        "holder_name_en": "",
        "uscc": "91310115MA1FL1234M",
        "status": "valid",
        "status_label": "Valid",
        "valid_until": "2030-06-02",
        "days_to_expiry": 1797,  # 1 July 2025 to 2 June 2030
        "services": ["B11", "B25-05"],
        "flags": [],
        "needs_attention": False,
    }
    seen = {}
    for user in (world.applicant, _miit(world), world.users[Role.LOCAL_OFFICER], world.outsider, world.other_applicant):
        response = client_for(user).get("/api/v1/licences")
        assert response.status_code == 200
        seen[user.username] = response.json()

    page = {"items": [expected], "next_cursor": None, "next": None}
    empty = {"items": [], "next_cursor": None, "next": None}
    assert seen == {
        "applicant": page,
        "miit_reviewer": page,
        "local_officer": page,
        "beijing_officer": empty,
        "other_applicant": empty,
    }


def test_the_list_is_filtered_by_status_flag_service_and_text(world: World) -> None:
    world.licence(LicenceState.SUSPENDED)
    client = client_for(_miit(world))

    def numbers(query: str) -> list[str]:
        response = client.get(f"/api/v1/licences?{query}")
        assert response.status_code == 200, response.content
        return [item["number"] for item in response.json()["items"]]

    assert numbers("status=suspended") == [NUMBER]
    assert numbers("status=valid") == []
    assert numbers("flag=attention") == []
    assert numbers("flag=filings_pending") == []
    assert numbers("service=B25-05") == [NUMBER]
    assert numbers("service=B21") == []
    assert numbers("text=harbour") == [NUMBER]
    assert numbers("text=nobody") == []


def test_the_expiring_flag_is_listed_and_filtered(world: World, settings: Any) -> None:
    world.licence()
    settings.VATSPILOT_TODAY = date(2030, 3, 4)  # 90 days before the last valid day

    body = client_for(_miit(world)).get("/api/v1/licences?flag=attention").json()

    assert [(i["number"], i["flags"], i["days_to_expiry"]) for i in body["items"]] == [
        (NUMBER, ["expiring_within_90_days"], 90)
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "/status"),
        ("flag=bad", "/flag"),
        ("service=" + "X" * 21, "/service"),
        ("text=" + "x" * 301, "/text"),
        ("cursor=not-a-cursor", "/cursor"),
        ("limit=0", "/limit"),
    ],
)
def test_a_bad_filter_or_cursor_is_a_422_naming_it(world: World, query: str, field: str) -> None:
    world.licence()  # a cursor is judged against the rows (pagination.page_of_rows): there must be one

    response = client_for(_miit(world)).get(f"/api/v1/licences?{query}")

    assert (response.status_code, response["Content-Type"], _field(response)) == (422, PROBLEM, _pointer(field))


def test_the_list_is_walked_page_by_page(world: World) -> None:
    world.licence()
    _more_licences(world, 3)
    client = client_for(_miit(world))

    numbers: list[str] = []
    path: str | None = "/api/v1/licences?limit=2&service=B11"
    pages = 0
    while path:
        body = client.get(path).json()
        numbers += [item["number"] for item in body["items"]]
        path = body["next"]
        pages += 1

    # All last valid on 2 June 2030, none flagged: by number.
    assert numbers == ["B1-20250100", "B1-20250101", "B1-20250102", NUMBER]
    assert pages == 2


def _counted(client: Client, path: str) -> tuple[list[Any], int]:
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.json()["items"], len(queries.captured_queries)


def test_the_list_sends_as_many_queries_for_ten_rows_as_for_one(world: World) -> None:
    client = client_for(_miit(world))
    world.licence()
    one, queries_for_one = _counted(client, "/api/v1/licences")

    _more_licences(world, 9)
    ten, queries_for_ten = _counted(client, "/api/v1/licences")

    assert (len(one), len(ten)) == (1, 10)
    assert queries_for_ten == queries_for_one


def test_anonymous_is_a_401(db: None) -> None:
    response = Client().get("/api/v1/licences")

    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)


# --- One licence ----------------------------------------------------------------------------------------


def _detail(actions: list[str], can_file: bool) -> dict[str, Any]:
    service = {"areas_en": [AREA_EN], "areas_zh": [AREA_ZH]}
    return {
        "number": NUMBER,
        "holder_name_zh": "Harbour Cloud (Shanghai) Co., Ltd.",
        "holder_name_en": "",
        "uscc": "91310115MA1FL1234M",
        "services": [
            {
                "code": "B11",
                "name_en": "Internet data center (IDC), incl. internet resource collaboration",
                "name_zh": "互联网数据中心业务",
                **service,
            },
            {
                "code": "B25-05",
                "name_en": "Information protection and processing",
                "name_zh": "信息保护和处理服务",
                **service,
            },
        ],
        "conditions": ["logs 180 days"],
        "issued_on": "2025-06-03",
        "valid_until": "2030-06-02",
        "version": 1,
        "status": "valid",
        "status_label": "Valid",
        "cancellation_requested_on": None,
        "events": [ISSUED],
        "available_actions": actions,
        "certificate_available": False,
        "filings": {
            "live": True,
            "can_file": can_file,
            "change_pending": False,
            "renewal_pending": False,
            "renewal_deadline": "2030-03-04",  # the 90th day before 2 June 2030
            "renewal_days_left": 1707,
            "renewal_lead_days": 90,
            "pending_count": 0,
            "filings": [],
        },
        "network_exit": None,
    }


def test_one_licence_as_its_holder_and_as_miit(world: World) -> None:
    licence = world.licence()

    holder = client_for(world.applicant).get(f"/api/v1/licences/{NUMBER}").json()
    miit = client_for(_miit(world)).get(f"/api/v1/licences/{NUMBER}").json()
    officer = client_for(world.users[Role.LOCAL_OFFICER]).get(f"/api/v1/licences/{NUMBER}").json()

    application = {"application_id": licence.application_id}
    assert holder == {**_detail(["request-cancellation"], True), **application}
    assert miit == {**_detail(["suspend", "reduce_scope", "revoke"], False), **application}
    assert officer == {**_detail([], False), **application}


def test_one_licence_in_chinese(world: World) -> None:
    world.licence()

    body = client_for(world.applicant, "zh-hans").get(f"/api/v1/licences/{NUMBER}").json()

    assert (body["status_label"], body["events"][0]["action_label"]) == ("有效", "颁发")


def test_a_licence_not_seen_and_a_missing_one_are_the_same_404(world: World) -> None:
    world.licence()

    answers = []
    for user, number in ((world.other_applicant, NUMBER), (world.outsider, NUMBER), (world.applicant, "B1-20990001")):
        for suffix in ("", "/certificate.pdf"):
            response = client_for(user).get(f"/api/v1/licences/{number}{suffix}")
            body = response.json()
            answers.append((response.status_code, response["Content-Type"], body["title"], body["detail"]))

    assert set(answers) == {(404, PROBLEM, "Not Found", "No such resource, or you may not see it.")}


# --- The certificate ------------------------------------------------------------------------------------


def test_the_certificate_is_the_signed_pdf(world: World, settings: Any, tmp_path: Any) -> None:
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path
    init_signing_key(tmp_path, organisation="vatspilot", common_name="test", now=datetime.now(UTC))
    world.licence()

    for user in (world.applicant, _miit(world), world.users[Role.LOCAL_OFFICER]):
        response = client_for(user).get(f"/api/v1/licences/{NUMBER}/certificate.pdf")
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
        assert response["Content-Disposition"] == f'attachment; filename="licence-{NUMBER}.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"%PDF-")
    assert client_for(world.applicant).get(f"/api/v1/licences/{NUMBER}").json()["certificate_available"] is True


def test_without_a_signing_key_the_certificate_is_a_503_problem(world: World, settings: Any, tmp_path: Any) -> None:
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path / "none"
    world.licence()

    response = client_for(world.applicant).get(f"/api/v1/licences/{NUMBER}/certificate.pdf")

    assert (response.status_code, response["Content-Type"]) == (503, PROBLEM)
    assert response.json()["type"] == "urn:vatspilot:problem:certificate-unavailable"


# --- The decisions --------------------------------------------------------------------------------------


def test_miit_suspends_and_reinstates(world: World) -> None:
    world.licence()
    client = client_for(_miit(world))

    suspended = _act(client, "suspend", {"expected_version": 1, "reason": REASON})

    assert suspended.status_code == 200
    body = suspended.json()
    assert (body["status"], body["version"], body["available_actions"]) == (
        "suspended",
        2,
        ["reinstate", "revoke"],  # a suspended licence's scope is not reduced (the table's rows)
    )
    step = {"on": "2025-07-01", "action": "suspend", "action_label": "Suspended", "note": REASON}
    assert body["events"] == [ISSUED, {**step, "from_state_label": "Valid", "to_state_label": "Suspended"}]

    reinstated = _act(client, "reinstate", {"expected_version": 2, "reason": REASON}).json()

    assert (reinstated["status"], reinstated["version"]) == ("valid", 3)
    assert Licence.objects.get(number=NUMBER).status == "valid"


def test_miit_reduces_the_scope(world: World) -> None:
    world.licence()

    response = _act(
        client_for(_miit(world)),
        "reduce_scope",
        {"expected_version": 1, "reason": REASON, "remove_services": ["B25-05"]},
    )

    assert response.status_code == 200
    assert ([s["code"] for s in response.json()["services"]], response.json()["version"]) == (["B11"], 2)
    event = LicenceEvent.objects.get(action="reduce_scope")
    assert event.details["removed_services"] == ["B25-05"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"remove_services": ["B21"]}, "unknown-service", "remove_services"),
        ({"narrow_areas": {"B11": ["Atlantis"]}}, "unknown-area", "narrow_areas"),
        ({"narrow_areas": {"B11": [AREA_EN]}}, "nothing-narrowed", "narrow_areas"),
        ({}, "nothing-reduced", "remove_services"),
        ({"remove_services": ["B11", "B25-05"]}, "guard-failed:keeps_a_service", "remove_services"),
    ],
)
def test_a_reduction_refused_names_its_field_and_changes_nothing(
    world: World, body: dict[str, Any], code: str, field: str
) -> None:
    world.licence()
    client = client_for(_miit(world))
    before = snapshot()

    response = _act(client, "reduce_scope", {"expected_version": 1, "reason": REASON, **body})

    assert (response.status_code, response.json()["code"], _field(response)) == (422, code, _pointer(field))
    assert snapshot() == before


def test_the_holder_applies_for_cancellation_and_miit_cancels(world: World) -> None:
    world.licence()
    holder = client_for(world.applicant)
    miit = client_for(_miit(world))
    assert _act(miit, "cancel", {"expected_version": 1, "reason": REASON}).json()["code"] == (
        "guard-failed:cancellation_requested"
    )

    applied = _act(holder, "request-cancellation", {"expected_version": 1})

    assert applied.status_code == 200
    assert (applied.json()["cancellation_requested_on"], applied.json()["available_actions"]) == ("2025-07-01", [])
    again = _act(holder, "request-cancellation", {"expected_version": applied.json()["version"]})
    assert (again.status_code, again.json()["code"]) == (422, "already-requested")

    cancelled = _act(miit, "cancel", {"expected_version": applied.json()["version"], "reason": REASON})

    assert cancelled.status_code == 200
    body = cancelled.json()
    assert (body["status"], body["network_exit"]["state"], body["network_exit"]["opened_on"]) == (
        "cancelled",
        "required",
        "2025-07-01",
    )
    assert NetworkExit.objects.filter(licence__number=NUMBER).count() == 1


def test_miit_revokes_and_the_exit_opens(world: World) -> None:
    world.licence()

    body = _act(client_for(_miit(world)), "revoke", {"expected_version": 1, "reason": REASON}).json()

    assert (body["status"], body["available_actions"]) == ("revoked", [])
    assert body["network_exit"] == {
        "state": "required",
        "state_label": body["network_exit"]["state_label"],
        "version": 1,
        "opened_on": "2025-07-01",
        "users_notified_on": None,
        "migration_deadline": None,
        "users_to_migrate": None,
        "users_migrated": 0,
        "confirmed_on": None,
        "overdue": False,
        "days_overdue": 0,
        "awaiting_plan_since": "2025-07-01",
        "available_actions": [],
    }


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("applicant", "suspend", 403),
        ("local_officer", "suspend", 403),
        ("cac_reviewer", "revoke", 403),
        ("miit_reviewer", "request-cancellation", 403),
        ("local_officer", "request-cancellation", 403),
        ("other_applicant", "suspend", 404),
        ("beijing_officer", "request-cancellation", 404),
    ],
)
def test_a_role_that_may_not_is_refused_and_nothing_changes(world: World, who: str, action: str, status: int) -> None:
    world.licence()
    users = {user.username: user for user in (*world.users.values(), world.outsider, world.other_applicant)}
    body: dict[str, Any] = {"expected_version": 1}
    if action != "request-cancellation":
        body["reason"] = REASON
    client = client_for(users[who])  # signing in is audited: before the snapshot
    before = snapshot()

    response = _act(client, action, body)

    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "body", "status", "field"),
    [
        ("suspend", {"expected_version": 1}, 422, "/reason"),
        ("suspend", {"expected_version": 1, "reason": REASON, "remove_services": ["B11"]}, 422, "/remove_services"),
        ("request-cancellation", {"expected_version": 1, "reason": REASON}, 422, "/reason"),
        ("suspend", {"expected_version": "1", "reason": REASON}, 422, "/expected_version"),
        ("suspend", {"expected_version": 1, "reason": REASON, "until": "2025-08-01"}, 422, "/until"),
        ("suspend", {"reason": REASON}, 422, "/expected_version"),
        ("suspend", {"expected_version": 1, "reason": "x" * 4001}, 422, "/reason"),
        ("suspend", {"expected_version": 1, "reason": "   "}, 422, "reason"),  # the writer's refusal
        ("expire", {"expected_version": 1}, 404, None),
        ("approve_change", {"expected_version": 1, "reason": REASON}, 404, None),
        ("fly", {"expected_version": 1}, 404, None),
    ],
)
def test_bad_input_and_unknown_actions_change_nothing(
    world: World, action: str, body: dict[str, Any], status: int, field: str | None
) -> None:
    world.licence()
    client = client_for(world.applicant if action == "request-cancellation" else _miit(world))
    before = snapshot()

    response = _act(client, action, body)

    assert (response.status_code, _field(response)) == (status, _pointer(field))
    assert snapshot() == before


def test_a_stale_version_is_a_409_and_changes_nothing(world: World) -> None:
    world.licence()
    client = client_for(_miit(world))
    assert _act(client, "suspend", {"expected_version": 1, "reason": REASON}).status_code == 200
    before = snapshot()

    response = _act(client, "reinstate", {"expected_version": 1, "reason": REASON})

    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (409, PROBLEM, "conflict")
    assert snapshot() == before


def test_a_read_token_may_read_but_not_decide(world: World) -> None:
    world.licence()
    client = _token_client(_miit(world), "read")
    assert client.get(f"/api/v1/licences/{NUMBER}").status_code == 200
    before = snapshot()

    response = _act(client, "suspend", {"expected_version": 1, "reason": REASON})

    assert (response.status_code, response.json()["type"]) == (403, "urn:vatspilot:problem:token-scope")
    assert snapshot() == before
    assert _act(_token_client(_miit(world), "write"), "suspend", {"expected_version": 1, "reason": REASON}).json()[
        "status"
    ] == ("suspended")
