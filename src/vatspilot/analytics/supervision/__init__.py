"""Supervision checks over a quarterly report's files: node lists, security logs, IP countries."""
