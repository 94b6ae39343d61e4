"""Filters for the reviewer's pages (the queue and the application page's clock)."""

from __future__ import annotations

from django import template

from vatspilot.domain.applications import ClockStatus, DeadlineStatus

register = template.Library()


@register.filter
def days_overdue(clock: ClockStatus | None) -> int | None:
    """The working days counted past the period on an overdue clock (None when it is not overdue)."""
    if clock is None or clock.status is not DeadlineStatus.OVERDUE or clock.days_left is None:
        return None
    return -clock.days_left
