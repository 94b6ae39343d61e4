"""Every page of the demo, read by each of its accounts and by the public, in Chinese and in English: no
rulebook or check id where a name belongs, and on the Chinese pages no ASCII colon, semicolon, bracket or
full stop beside Chinese text (issue 11, "Chinese throughout").

The pages are found as a reader finds them: every link from the home page, followed (GET only) until each
kind of page has been read a few times. Text inside <code>, <pre>, <script> and <style> is left out: an id
shown as a code beside its name, a command or a program is not prose.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from demo_answers import ELIGIBILITY_ANSWERS
from demo_world import demo_built
from django import forms
from django.contrib.auth import get_user_model
from django.utils import translation
from pilot_world import client_for

from vatspilot.demo.data import accounts
from vatspilot.services.notifications.kinds import NotificationKind
from vatspilot.services.notifications.messages import render_stored
from vatspilot.store.models import Notification

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 5)  # a demo day (`vatspilot demo --day` on 2026-12-07)
# Pages whose links are not followed: files, the API, the read-only admin (Django's own), signing out.
NOT_FOLLOWED = re.compile(
    r"^/(static|media|api|admin|i18n)/|/logout/|/export/|\.(csv|xlsx|pdf|json|png|svg)$|/download|/certificate"
    r"|/evidence/|/documents/"
)
# The same kind of page (its path with each number and licence number as N) is read at most this often.
PER_KIND = 3
SKIPPED = {"script", "style", "code", "pre", "template"}
# An id of the rulebook or of a check: "cap:notice-107", "node:outside-mainland" (never a time, never a URL).
AN_ID = re.compile(r"(?<![\w/.-])(?!https?:|mailto:)[a-z][a-z0-9-]*:[a-z][a-z0-9-]*(?![\w/:])")
HAN = "\u4e00-\u9fff"
# ASCII punctuation beside Chinese text: "名称:", "（见上文);", "(季度", "完成." at a sentence's end.
ASCII_BESIDE_HAN = re.compile(rf"[{HAN}][:;)]|[{HAN}]\((?=[{HAN}\d])|\((?=[{HAN}])|[{HAN}]\.(?=\s|$)")


class _Reader(HTMLParser):
    """The text a reader sees (less code) and the links they can follow."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skipping.append(tag)
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag in {"p", "div", "li", "td", "th", "dt", "dd", "br", "h1", "h2", "h3", "tr", "option", "label"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"[ \t]+", " ", "".join(self.parts))


def _kind(path: str) -> str:
    return re.sub(r"[A-Z]\d-\d{8}|VP-[\w-]+|\d+", "N", path.split("?")[0])


def _pages(client: Any, starts: list[str]) -> Iterator[tuple[str, str]]:
    """(path, text) of every page reachable from ``starts``."""
    queue, seen, kinds = deque(starts), set(starts), Counter[str]()
    while queue:
        path = queue.popleft()
        kinds[_kind(path)] += 1
        if kinds[_kind(path)] > PER_KIND:
            continue
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404), f"{path}: HTTP {response.status_code}"
        if response.status_code == 302 and response["Location"] not in seen:
            seen.add(response["Location"])
            queue.append(response["Location"])
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        reader = _Reader()
        reader.feed(response.content.decode())
        yield path, reader.text
        for href in reader.links:
            parts = urlsplit(urljoin(path, href))
            if parts.netloc not in ("", "testserver") or NOT_FOLLOWED.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)


def _lines_around(text: str, match: re.Match[str]) -> str:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return text[start : end if end != -1 else None].strip()[:160]


@pytest.fixture(scope="module")
def _demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with django_db_blocker.unblock(), demo_built(TODAY, tmp_path_factory.mktemp("demo-media")):
        yield


class EmailForm(forms.Form):
    address = forms.EmailField(label="Address")


ELIGIBILITY_RESULT = "/eligibility/?" + ELIGIBILITY_ANSWERS
READERS = [None, *sorted({account.username for account in accounts()})]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("reader", READERS, ids=[reader or "public" for reader in READERS])
def test_no_id_and_no_ascii_punctuation_in_chinese(
    _demo: None, db: None, settings: Any, reader: str | None, language: str
) -> None:
    settings.VATSPILOT_TODAY = TODAY
    user = get_user_model().objects.get(username=reader) if reader else None
    client = client_for(user, language)
    client.cookies["django_language"] = language
    found: list[str] = []
    read = 0
    for path, text in _pages(client, ["/", ELIGIBILITY_RESULT]):
        read += 1
        if path.startswith("/rules/"):  # the rulebook's own pages name each rule by its id on purpose
            continue
        found += [f"{path}: id {m.group()!r} in {_lines_around(text, m)!r}" for m in AN_ID.finditer(text)]
        if language == "zh-hans":
            found += [f"{path}: {m.group()!r} in {_lines_around(text, m)!r}" for m in ASCII_BESIDE_HAN.finditer(text)]
    assert read > 5
    assert found == []


def test_a_form_labels_colon_is_full_width_in_chinese() -> None:
    # Django's forms put _(":") after a label, and Django's own Chinese keeps it ASCII: ours makes it "：".
    with translation.override("zh-hans"):
        chinese = str(EmailForm()["address"].label_tag())
    with translation.override("en"):
        english = str(EmailForm()["address"].label_tag())
    assert (chinese, english) == (
        '<label for="id_address">Address：</label>',
        '<label for="id_address">Address:</label>',
    )


APPROVAL_BASIS_ZH = (
    "工业和信息化部令第42号第十一条；《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》"
    "（工信部通信函〔2024〕107号），安全评估通过是颁发许可证的前提（介绍文章，2025年7月1日）"
)
APPROVAL_BASIS_EN = (
    "MIIT Order No. 42 Art. 11; Pilot Notice (MIIT Communications Letter [2024] No. 107), positive security "
    "assessment a precondition (source article, 2025-07-01)"
)


@pytest.mark.parametrize(("language", "basis"), [("zh-hans", APPROVAL_BASIS_ZH), ("en", APPROVAL_BASIS_EN)])
def test_a_decisions_legal_basis_reads_in_the_readers_language(
    _demo: None, db: None, settings: Any, language: str, basis: str
) -> None:
    """The demo's approvals cite the review table's citation, stored in English: the approval notice in
    the inbox and the decision on the application's page give it in the reader's language."""
    settings.VATSPILOT_TODAY = TODAY
    notice = Notification.objects.filter(kind=NotificationKind.APPROVED).order_by("pk").first()
    assert notice is not None and notice.application is not None
    _subject, body = render_stored(notice, language)
    page = client_for(notice.recipient, language).get(f"/applications/{notice.application.pk}/").content.decode()
    label = "法律依据" if language == "zh-hans" else "Legal basis"
    assert body.endswith(("法律依据：" if language == "zh-hans" else "Legal basis: ") + basis)
    assert f"<dt>{label}</dt><dd>{basis}</dd>" in page
