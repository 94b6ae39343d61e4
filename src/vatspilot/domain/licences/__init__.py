"""Licences: what a pilot licence states, its number and its lifecycle."""
