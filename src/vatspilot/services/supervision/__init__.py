"""Supervision after licensing (issue 10): the quarterly reports, their uploads and checks, the findings
and their escalation ladder, the random draws and inspections. Each writer is one transaction with its
audit entry; statuses move by the tables of vatspilot.domain.supervision through the one machine."""
