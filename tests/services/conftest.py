"""The `world` fixture: see service_world.py."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from service_world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
    return build_world()
