"""The client's address (config/client_address.py): X-Forwarded-For believed only as far as the site's own
proxies vouch for it, for the API's rate limits and the sign-in lockout alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory

from config.client_address import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.1"),
        (0, "198.51.100.7", "10.0.0.1"),  # reached directly: a forged header changes nothing
        (1, "198.51.100.7", "198.51.100.7"),  # one proxy: what it saw
        (1, "203.0.113.66, 198.51.100.7", "198.51.100.7"),  # the client's own claim before it is not believed
        (2, "203.0.113.66, 198.51.100.7, 192.0.2.1", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer entries than proxies: the leftmost
        (1, " , ", "10.0.0.1"),  # an empty header: the connection's address
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.VATSPILOT_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_the_sign_in_lockout_counts_by_the_same_address() -> None:
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "config.client_address.client_address"


def test_a_forged_forwarded_for_gets_no_fresh_rate_limit(db: None, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = {"address": "2/min", "caller": "2/min"}

    answers = [Client().get("/api/v1/register", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]

    assert answers == [200, 200, 429]


def test_behind_one_proxy_each_client_has_its_own_limit(db: None, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = {"address": "1/min", "caller": "2/min"}
    settings.VATSPILOT_PROXIES = 1

    first = [Client().get("/api/v1/register", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code for _ in range(2)]
    second = Client().get("/api/v1/register", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code

    assert (first, second) == ([200, 429], 200)
