"""What the benchmarked requests cost in SQL (bench/api_load.py drives them over HTTP): an application's
detail with a token and with a session, the register's search and one licence, anonymously. Each is
requested once to warm up (the token's last use, the session), then its statements are captured with
Django's CaptureQueriesContext and pinned, statement by statement: a repeat or a new query fails here.

Each statement is named by its verb and the first table it reads or writes. The savepoints are the test's
transaction around a write (in production, the write is its own transaction and sends no savepoint).
The rate limits are hourly here, so that no window ends between two requests of a test."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pilot_world import World, client_for
from register_world import more_licences

from vatspilot.api.throttles import AddressThrottle, count_request
from vatspilot.domain.applications import Role
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import ApiToken, Application

RATES = {"address": "1000/hour", "caller": "1000/hour"}

# The application's detail, after the caller is known (a token's or a session's statements first):
DETAIL = [
    "SELECT store_staffrole",  # the actor's reach, to fetch the application (store.access.access_application)
    "SELECT store_application",  # the application with its organisation and jurisdiction
    "SELECT store_documentversion",  # the document hashes: what is missing, and the guards' facts ...
    "SELECT store_membership",  # the actor's standing: memberships and roles (guard_facts.ActorStanding)
    "SELECT store_securityassessment",  # ... the assessments, opinions and formal notices in force
    "SELECT store_applicationevent",  # the events with their actors: the timeline and the clock
    "SELECT store_decision",  # the decision
]
TOKEN = ["SELECT store_apitoken"]  # the token with its user (its last use stamped at most once a minute)
SESSION = ["SELECT django_session", "SELECT auth_user"]
# SESSION_SAVE_EVERY_REQUEST: the session's expiry moves on at every request (settings.py).
SESSION_SAVED = ["SAVEPOINT", "UPDATE django_session", "RELEASE"]
# The rate limit per address: one statement (vatspilot.api.throttles) ...
COUNTED = ["INSERT vatspilot_throttle"]
# ... and at the first request of a window, the rows whose window has ended deleted.
NEW_WINDOW = ["INSERT vatspilot_throttle", "DELETE vatspilot_throttle"]


def _label(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper()
    if verb in {"SAVEPOINT", "RELEASE"}:
        return verb
    found = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
    assert found, sql
    return f"{verb} {found.group(1)}"


def _statements(client: Client, path: str, *, warm: bool = True, **headers: str) -> tuple[Any, list[str]]:
    """The answer to ``path`` and the statements it sent (after a first request to warm up)."""
    if warm:
        assert client.get(path, headers=headers).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content
    return response.json(), [_label(query["sql"]) for query in queries.captured_queries]


@pytest.fixture
def approved(world: World, settings: Any) -> Application:
    settings.VATSPILOT_API_RATES = RATES
    return Application.objects.get(pk=world.licence().application_id)


def test_an_applications_detail_with_a_token_costs_eight_statements(world: World, approved: Application) -> None:
    secret = create_api_token(actor=world.applicant, name="read", scope="read").secret

    body, statements = _statements(Client(), f"/api/v1/applications/{approved.pk}", Authorization=f"Bearer {secret}")

    assert body["status"] == "approved" and body["decision"]["outcome"] == "approved"
    assert statements == TOKEN + DETAIL
    assert len(statements) == 8


def test_a_tokens_last_use_is_written_once_a_minute_at_most(world: World, approved: Application) -> None:
    made = create_api_token(actor=world.applicant, name="read", scope="read")
    path = f"/api/v1/applications/{approved.pk}"
    assert Client().get(path, headers={"Authorization": f"Bearer {made.secret}"}).status_code == 200
    # Two minutes on (the same day in China: the world's tokens are used in the morning of their day).
    stamped = ApiToken.objects.get(pk=made.token.pk).last_used_at
    assert stamped is not None
    ApiToken.objects.filter(pk=made.token.pk).update(last_used_at=stamped - timedelta(minutes=2))

    _body, statements = _statements(Client(), path, warm=False, Authorization=f"Bearer {made.secret}")
    _body, again = _statements(Client(), path, warm=False, Authorization=f"Bearer {made.secret}")

    if timezone.localdate(stamped - timedelta(minutes=2)) == timezone.localdate(stamped):
        assert statements == [*TOKEN, "UPDATE store_apitoken", *DETAIL]
    assert again == TOKEN + DETAIL


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.MIIT_REVIEWER])
def test_an_applications_detail_with_a_session_costs_twelve_statements(
    world: World, approved: Application, role: Role
) -> None:
    body, statements = _statements(client_for(world.users[role]), f"/api/v1/applications/{approved.pk}")

    assert body["id"] == approved.pk
    assert statements == SESSION + DETAIL + SESSION_SAVED
    assert len(statements) == 12


def test_the_register_search_costs_two_statements(world: World, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = RATES
    more_licences(10, actor=world.users[Role.MIIT_REVIEWER], first_serial=110)

    body, statements = _statements(Client(), "/api/v1/register?text=Extra+Holder+11")

    assert len(body["items"]) == 10
    assert statements == [*COUNTED, "SELECT store_licence"]  # the licences with their holders


def test_one_licence_on_the_register_costs_two_statements(world: World, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = RATES
    (licence,) = more_licences(1, actor=world.users[Role.MIIT_REVIEWER])

    body, statements = _statements(Client(), f"/api/v1/register/{licence.number}")

    assert body["number"] == licence.number
    # The licence with its holder (its history is the web page's, not the API's).
    assert statements == [*COUNTED, "SELECT store_licence"]


def test_the_first_request_of_a_window_deletes_the_ended_windows(world: World, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = RATES
    now = timezone.now()
    count_request("rate:address:192.0.2.2", seconds=3600, now=now)  # still counting
    count_request("rate:address:192.0.2.1", seconds=60, now=now - timedelta(minutes=5))  # ended 4 minutes ago
    assert len(_counts()) == 2

    _body, statements = _statements(Client(), "/api/v1/register?text=nothing", warm=False)

    assert statements == [*NEW_WINDOW, "SELECT store_licence"]
    assert _counts() == {":1:rate:address:192.0.2.2": "1", ":1:rate:address:127.0.0.1": "1"}


def _counts() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM vatspilot_throttle WHERE cache_key LIKE %s", [":1:rate:%"])
        return dict(cursor.fetchall())


def test_a_window_counts_every_request_and_starts_again_at_one_when_it_ends(db: None) -> None:
    start = timezone.now()

    counts = [count_request("rate:k", seconds=60, now=start + timedelta(seconds=s))[0] for s in (0, 1, 59)]
    count, end, _now = count_request("rate:k", seconds=60, now=start + timedelta(seconds=60))

    assert counts == [1, 2, 3]
    assert count == 1  # the window ended at start + 60 s: a new one
    assert abs((end - (start + timedelta(seconds=120))).total_seconds()) < 0.001


def test_retry_after_is_the_time_left_in_the_window(db: None, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = {"address": "2/min", "caller": "2/min"}
    start = timezone.now()
    throttle = AddressThrottle()
    moments = iter([start, start + timedelta(seconds=10), start + timedelta(seconds=20.5)])
    throttle.clock = lambda: next(moments)  # type: ignore[method-assign]
    request = RequestFactory().get("/api/v1/register")

    allowed = [throttle.allow_request(request) for _ in range(3)]

    assert allowed == [True, True, False]
    assert throttle.wait() == pytest.approx(39.5, abs=0.001)


def test_a_long_address_is_counted_under_its_hash(db: None, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = {"address": "1/min", "caller": "1/min"}
    # Longer than a cache key may be (an address is never this long, but whatever the server is given as
    # one, such as a socket's path, must not break the count).
    address = "unix:/" + "/very-long-socket-directory" * 12

    answers = [Client().get("/api/v1/register", REMOTE_ADDR=address).status_code for _ in range(2)]

    assert answers == [200, 429]
    (key,) = _counts()
    assert key.startswith(":1:rate:sha256:") and len(key) < 100


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_lose_no_count() -> None:
    """Eight connections at once (as eight workers would, on any machines) count 25 requests each under
    one key: every count from 1 to 200 is given out exactly once."""
    key = "rate:test:concurrent"
    given: list[int] = []
    lock = threading.Lock()
    now = timezone.now()

    def worker() -> None:
        try:
            for _ in range(25):
                count, _end, _at = count_request(key, seconds=3600, now=now)
                with lock:
                    given.append(count)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:  # (the cache table is no model: the flush after the test leaves it)
        cursor.execute("DELETE FROM vatspilot_throttle WHERE cache_key LIKE %s", [":1:rate:%"])

    assert sorted(given) == list(range(1, 201))
