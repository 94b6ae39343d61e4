"""vatspilot: the pilot for opening value-added telecommunications services to foreign investment."""

__version__ = "0.1.0"
