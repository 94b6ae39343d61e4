"""The styles of the PDFs the pages render with WeasyPrint (the eligibility result, the statistics): CSS
files beside this module, given to WeasyPrint as stylesheets, because the templates may hold no inline
style (the Content Security Policy; tests/entrypoints/test_templates_content_policy.py)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import CSS


@cache
def pdf_stylesheet(name: str) -> CSS:
    """The stylesheet ``name`` (e.g. "statistics.css"), parsed once per process."""
    from weasyprint import CSS  # imported here: a heavy library only the PDFs need

    return CSS(string=resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
