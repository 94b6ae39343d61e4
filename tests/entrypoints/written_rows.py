"""What a refused request must leave as it was: the rows of every store table, and the application."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from vatspilot.store.models import Application


def store_rows() -> dict[str, int]:
    """The number of rows in every table of the store app, and of users and sessions."""
    models = [*apps.get_app_config("store").get_models(), apps.get_model("auth", "User")]
    return {model._meta.label: model.objects.count() for model in models}


def application_state(application: Application) -> tuple[Any, ...]:
    row = Application.objects.get(pk=application.pk)
    return (row.version, row.status, row.ownership, row.services, row.service_area, row.determination)
