"""Fixtures for the API tests: the same `world` as the page tests (tests/web/web_world.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from pilot_world import World, build_world, compile_catalogue


@pytest.fixture(scope="session", autouse=True)
def _catalogue() -> None:
    compile_catalogue()


@pytest.fixture
def world(db: None) -> World:
    return build_world()
