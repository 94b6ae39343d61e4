"""The language switch: Django's own view (the cookie, the redirect back), and for a signed-in person
their choice recorded (services.accounts.language), so that what the platform writes to them later,
notifications and their e-mails, is in the language they read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import i18n
from django.views.decorators.http import require_POST

from vatspilot.services.accounts.language import LANGUAGE_CODES, record_language


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in LANGUAGE_CODES:
        record_language(actor=request.user, language=language)  # type: ignore[arg-type]
    return response
