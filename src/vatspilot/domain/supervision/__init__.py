"""Supervision after licensing: obligations, reports, findings, inspections (pure)."""
