"""Fixtures for the store tests, over the builders of tests/support/pilot_world.py: users with roles,
organisations with valid codes, application rows in a given status."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from pilot_world import NESTED_DOSSIER, SHANGHAI, load_jurisdictions, make_organisation, make_user, place_application

from vatspilot.store.models import Application, Organisation, Role


@pytest.fixture
def jurisdictions(db: None) -> None:
    """The 31 province-level jurisdictions. Migration 0002 loads them, but a transactional test's
    flush empties every table, so tests that need them ask for this fixture."""
    load_jurisdictions()


@pytest.fixture(name="make_user")
def make_user_fixture(db: None) -> Callable[..., AbstractUser]:
    """A user holding ``roles`` (local officers covering ``jurisdictions``), with no e-mail and without a
    usable password: nothing here logs in."""

    def make(username: str, *roles: str, jurisdictions: Iterable[str] = ()) -> AbstractUser:
        return make_user(username, *roles, jurisdictions=jurisdictions, email="")

    return make


@pytest.fixture(name="make_organisation")
def make_organisation_fixture(jurisdictions: None) -> Callable[..., Organisation]:
    def make(
        uscc: str = SHANGHAI.uscc, division_code: str = SHANGHAI.division_code, name: str = "上海示例网络科技有限公司"
    ) -> Organisation:
        return make_organisation(SHANGHAI, name=name, uscc=uscc, division_code=division_code, zones=["ftz"])

    return make


@pytest.fixture
def make_application() -> Callable[..., Application]:
    def make(organisation: Organisation, status: str = "draft") -> Application:
        return place_application(organisation, status, **NESTED_DOSSIER)

    return make


@pytest.fixture
def applicant(make_organisation: Callable[..., Organisation]) -> Any:
    """A member of a Shanghai organisation: (user, organisation)."""
    organisation = make_organisation()
    return make_user("applicant", Role.APPLICANT, email="", organisation=organisation), organisation
