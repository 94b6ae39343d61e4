"""The texts the checks write into a finding's details, each a template in both languages.

A check writes the English (`DetailTemplate.expr`, a Polars ``pl.format`` of the template's placeholders in
their order) and the finding keeps it as written. The pages show it in the reader's language
(services.legal_text.detail_in): the stored English matched against the template, each placeholder's value
put into Chinese (`WORDS_ZH`, dates the Chinese way), the Chinese template filled. Each template is written
once, here, for both.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

__all__ = ["WORDS_ZH", "DetailTemplate"]


@dataclass(frozen=True, slots=True)
class DetailTemplate:
    """A detail's text: ``en`` with named placeholders (``{node}``), ``zh`` with the same ones."""

    en: str
    zh: str

    @property
    def names(self) -> tuple[str, ...]:
        """The placeholders of the English, in their order (a name may not repeat)."""
        return tuple(name for _literal, name, _spec, _conv in string.Formatter().parse(self.en) if name is not None)

    def expr(self, **values: pl.Expr | str) -> pl.Expr:
        """The English as a Polars expression: each placeholder the column (a name) or expression given."""
        positional = "".join(
            literal + ("{}" if name is not None else "")
            for literal, name, _spec, _conv in string.Formatter().parse(self.en)
        )
        return pl.format(positional, *(values[name] for name in self.names))


# The words a placeholder's value is written in, English (as the check writes it) -> Chinese, by the
# placeholder's name. A value not listed is shown as written (an id, an address, a number).
WORDS_ZH: Mapping[str, Mapping[str, str]] = {
    "severity": {"critical": "严重", "high": "高危", "medium": "中危", "low": "低危", "info": "提示"},
    "status": {"open": "未修复", "in-progress": "修复中", "fixed": "已修复", "closed": "已关闭"},
    "grade": {"general": "一般", "major": "较大", "serious": "重大", "especially-serious": "特别重大"},
    "country": {"unknown": "未知"},
}
