"""The daily supervision sweep as a background task (the logic is services.supervision.obligation_sweep's)."""

from __future__ import annotations

from django_tasks import task

from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.supervision.obligation_sweep import sweep_obligations


@task()
def run_supervision_sweep() -> dict[str, int]:
    """Remind and propose for today's date in China: the counts of each."""
    result = sweep_obligations(legal_today())
    return {"reminded": result.reminded, "proposed": result.proposed}
