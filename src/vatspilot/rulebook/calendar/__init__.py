"""The working-day calendar's data: one ``<year>.yaml`` per official notice, and ``statutory.yaml``."""
