"""Fixtures for the page tests: the `world` (see web_world.py), and the compiled Chinese catalogue."""

from __future__ import annotations

import pytest
from pilot_world import World, build_world, compile_catalogue


@pytest.fixture(scope="session", autouse=True)
def _catalogue() -> None:
    compile_catalogue()


@pytest.fixture
def world(db: None) -> World:
    return build_world()
