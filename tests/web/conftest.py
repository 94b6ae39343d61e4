"""The page tests use the root conftest's `world` (tests/support/pilot_world.py); their pages are
checked in Chinese too, so the catalogue is compiled first."""

from __future__ import annotations

import pytest
from pilot_world import compile_catalogue


@pytest.fixture(scope="session", autouse=True)
def _catalogue() -> None:
    compile_catalogue()
