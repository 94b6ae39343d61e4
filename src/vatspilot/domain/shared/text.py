"""Text a user reads, carried in both languages the platform speaks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@dataclass(frozen=True, slots=True)
class LocalizedText:
    en: str
    zh: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def format(self, lang: Lang, **params: object) -> str:
        # Templates come from the rulebook data, never from code, so str.format is the whole mechanism.
        return self.get(lang).format(**params)
