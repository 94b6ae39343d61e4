"""Every user-facing string has its Simplified Chinese: the messages the code and the templates mark for
translation (extracted as Django's makemessages does: templates through Django's templatize, then GNU
xgettext) must each have a non-empty translation in locale/zh_Hans/LC_MESSAGES/django.po.

The CLI keeps its own catalogue (src/vatspilot/cli/locale/zh_Hans/LC_MESSAGES/vatspilot.po), so its modules
are checked against that one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "vatspilot"
WEB_CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CLI_CATALOGUE = SOURCE / "cli" / "locale" / "zh_Hans" / "LC_MESSAGES" / "vatspilot.po"
# As Django's makemessages calls xgettext for Python files and for templatized templates.
KEYWORDS = [
    # The alias the code imports the lazy gettext under (`gettext_lazy as _lazy`): xgettext knows only `_`
    # and the functions' own names, so a string marked with an alias would go unchecked (held below).
    "--keyword=_lazy",
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is a Makefile system package")


def _extract(tmp_path: Path, files: list[Path]) -> set[tuple[str | None, str]]:
    inputs = []
    for path in files:
        if path.suffix == ".html":
            target = tmp_path / (path.relative_to(SOURCE).as_posix().replace("/", "__") + ".py")
            target.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
            inputs.append(target)
        else:
            inputs.append(path)
    out = tmp_path / "extracted.po"
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--no-wrap",
            *KEYWORDS,
            "-o",
            str(out),
            *map(str, inputs),
        ],
        check=True,
        capture_output=True,
    )
    if not out.exists():
        return set()
    # xgettext's header is a template ("nplurals=INTEGER", "charset=CHARSET") that Babel will not read.
    text = out.read_text(encoding="utf-8").replace("nplurals=INTEGER; plural=EXPRESSION;", "nplurals=2; plural=n != 1;")
    out.write_text(text.replace("charset=CHARSET", "charset=UTF-8"), encoding="utf-8")
    with out.open("rb") as handle:
        catalogue = read_po(handle)
    return {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalogue
        if message.id
    }


def _translated(path: Path) -> set[tuple[str | None, str]]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    done = set()
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if all(strings) and not message.fuzzy:
            done.add((message.context, message.id if isinstance(message.id, str) else message.id[0]))
    return done


def _untranslated(tmp_path: Path, files: list[Path], catalogue: Path) -> list[str]:
    missing = _extract(tmp_path, files) - _translated(catalogue)
    return sorted(f"{context}|{text}" if context else text for context, text in missing)


def test_every_page_and_service_string_has_its_chinese(tmp_path: Path) -> None:
    files = [
        path
        for path in sorted(SOURCE.rglob("*"))
        if path.suffix in (".py", ".html") and "cli" not in path.relative_to(SOURCE).parts[:1]
    ]
    assert _untranslated(tmp_path, files, WEB_CATALOGUE) == []


def test_every_alias_of_a_translation_function_is_extracted() -> None:
    """An alias the extraction does not know would let its strings go untranslated unnoticed."""
    known = {"_"} | {keyword.split("=")[1].split(":")[0] for keyword in KEYWORDS}
    aliases = {
        alias
        for path in SOURCE.rglob("*.py")
        for alias in re.findall(
            r"from django\.utils\.translation import \w*gettext\w* as (\w+)", path.read_text(encoding="utf-8")
        )
    }
    assert aliases - known == set()


def test_every_command_line_string_has_its_chinese(tmp_path: Path) -> None:
    files = sorted((SOURCE / "cli").rglob("*.py"))
    assert _untranslated(tmp_path, files, CLI_CATALOGUE) == []


def _fuzzy(path: Path) -> list[str]:
    with path.open("rb") as handle:
        return sorted(
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(handle)
            if message.id and message.fuzzy
        )


@pytest.mark.parametrize("catalogue", [WEB_CATALOGUE, CLI_CATALOGUE], ids=["web", "cli"])
def test_no_message_is_fuzzy(catalogue: Path) -> None:
    """A fuzzy entry is a guess msgfmt and Django leave out: the page would show English. Every entry,
    whether the code still uses it or not, is either translated for sure or absent."""
    assert _fuzzy(catalogue) == []


def test_a_fuzzy_message_is_caught(tmp_path: Path) -> None:
    catalogue = tmp_path / "django.po"
    catalogue.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Review queue"\nmsgstr "待办审查"\n\nmsgid "Inbox"\nmsgstr "消息"\n',
        encoding="utf-8",
    )
    assert _fuzzy(catalogue) == ["Review queue"]
    assert ("Review queue" not in {text for _, text in _translated(catalogue)}) is True
