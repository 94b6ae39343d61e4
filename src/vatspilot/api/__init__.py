"""The REST API (django-ninja), at /api/: session authentication with CSRF, errors as RFC 9457
problem details."""
