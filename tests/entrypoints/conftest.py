"""Fixtures for the entry-point tests: the pilot world of the page and API tests."""

from __future__ import annotations

import pytest
from pilot_world import World, build_world, compile_catalogue


@pytest.fixture(scope="session", autouse=True)
def _catalogue() -> None:
    compile_catalogue()


@pytest.fixture
def world(db: None) -> World:
    return build_world()
