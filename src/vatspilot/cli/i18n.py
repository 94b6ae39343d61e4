"""The command line's own words, through gettext (catalogue compiled by `make messages`)."""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

from vatspilot.domain.shared.text import Lang

_LOCALE_DIR = Path(__file__).parent / "locale"
_LANGUAGES: dict[str, list[str]] = {"en": ["en"], "zh": ["zh_Hans"]}


@cache
def translator(lang: Lang) -> _gettext.NullTranslations:
    return _gettext.translation("vatspilot", localedir=_LOCALE_DIR, languages=_LANGUAGES[lang], fallback=True)
