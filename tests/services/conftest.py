"""The `world` fixture: the pilot world of tests/support/pilot_world.py."""

from __future__ import annotations

import pytest
from pilot_world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()
