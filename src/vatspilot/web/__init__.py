"""The server-rendered pages: Django templates, with htmx for small in-page updates."""
