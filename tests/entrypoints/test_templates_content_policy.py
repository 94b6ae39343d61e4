"""The Content Security Policy allows no inline script or style: no template may need one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "vatspilot" / "web" / "templates"
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "on* handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx hx-on": re.compile(r"\shx-on", re.IGNORECASE),
}
FILES = sorted(TEMPLATES.rglob("*.html"))


def test_there_are_templates_to_check() -> None:
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=[str(path.relative_to(TEMPLATES)) for path in FILES])
def test_no_template_needs_inline_script_or_style(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    found = [name for name, pattern in INLINE.items() if pattern.search(text)]

    assert found == []


def test_the_checks_catch_what_they_look_for() -> None:
    samples = [
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p style="color:red">',
        '<button onclick="x()">',
        '<a href="javascript:x()">',
        '<div hx-on:click="x()">',
    ]
    assert [any(p.search(sample) for p in INLINE.values()) for sample in samples] == [True] * 6
    assert not any(p.search('<script src="/static/vendor/htmx.min.js" defer></script>') for p in INLINE.values())
