"""Building an ownership tree in the editor (static/web/ownership_editor.js), as a person does: add a
holder, type its name, code and share, and for a Chinese holder add its own holders. The editor writes the
JSON into the form's (hidden) field; ``written_tree`` reads it back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from playwright.sync_api import Page, expect


def fill_ownership(
    page: Page, holders: Sequence[dict[str, Any]], path: tuple[int, ...] = (), parent: str = "", *, after: int = 0
) -> None:
    """Add ``holders`` (the contract's shape) at the level ``path`` (the top level by default), after the
    ``after`` holders already there; a holder's own holders are added under it."""
    for index, holder in enumerate(holders):
        here = (*path, after + index + 1)
        add = f"Add a shareholder of {parent}" if path else "Add a shareholder"
        page.get_by_role("button", name=add, exact=True).click()
        group = page.get_by_role("group", name="Shareholder " + ".".join(map(str, here)), exact=True)
        name = group.get_by_label("Name", exact=True).first
        expect(name).to_be_focused()
        name.fill(holder["name"])
        group.get_by_label("Country or region (ISO code)", exact=True).first.fill(holder["jurisdiction"])
        group.get_by_label("Share in per cent", exact=True).first.fill(str(holder["percent"]))
        if holder.get("shareholders"):
            fill_ownership(page, holder["shareholders"], here, holder["name"])


def written_tree(page: Page) -> Any:
    """What the editor wrote into the form's field."""
    return json.loads(page.locator('textarea[name="ownership"]').input_value())
