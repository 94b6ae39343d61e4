"""The one place the platform reads today's date for judging clocks, deadlines and rules in force."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# The rules are China's, so "today" is the date in China, whatever the server's or the user's zone.
LEGAL_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def legal_today() -> date:
    """Today's date in China: the one place views, the API and jobs read the date they judge clocks on.

    Tests (and a demonstration) pin it with the setting VATSPILOT_TODAY (a date or YYYY-MM-DD); otherwise
    it is `timezone.now()` in China.
    """
    pinned: object = getattr(settings, "VATSPILOT_TODAY", None)
    if isinstance(pinned, date):
        return pinned.date() if isinstance(pinned, datetime) else pinned
    if isinstance(pinned, str) and pinned:
        return date.fromisoformat(pinned)
    now: datetime = timezone.localtime(timezone.now(), LEGAL_TIME_ZONE)
    return now.date()
