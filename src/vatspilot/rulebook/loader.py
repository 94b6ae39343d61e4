"""Loads the rulebook from YAML, refusing any file that lacks a citation or overlaps a rule's periods."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from vatspilot.contracts import schema
from vatspilot.domain.policy.rules import OPENINGS, CapTier, Rulebook, RuleEntry, opening_of, where_covers
from vatspilot.domain.shared.text import LocalizedText
from vatspilot.rulebook import parse
from vatspilot.rulebook.errors import RulebookError

T = TypeVar("T", bound=RuleEntry)

# file name -> (field on Rulebook, parser)
_KINDS: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "catalogue": ("services", parse.service),
    "regions": ("regions", parse.region),
    "caps": ("caps", parse.cap),
    "prohibitions": ("prohibitions", parse.prohibition),
    "conditions": ("conditions", parse.condition),
    "notes": ("notes", parse.note),
    "documents": ("documents", parse.documents),
    "parameters": ("parameters", parse.parameter),
}


def default_data_dir() -> Path:
    return Path(str(resources.files("vatspilot.rulebook").joinpath("data")))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulebookError(path.name, None, "file not found") from None
    except yaml.YAMLError as exc:
        raise RulebookError(path.name, None, f"not valid YAML: {exc}") from None


def _entries(doc: Any, file: str) -> list[Any]:
    if not isinstance(doc, Mapping) or not isinstance(doc.get("entries"), list):
        raise RulebookError(file, None, "must have an 'entries' list")
    return list(doc["entries"])


def load_rulebook(data_dir: Path | None = None, scenario: Path | None = None) -> Rulebook:
    """The rulebook in `data_dir` (the shipped one by default), with a what-if scenario applied on top."""
    data_dir = data_dir or default_data_dir()
    manifest = _read_yaml(data_dir / "manifest.yaml")
    if not isinstance(manifest, Mapping) or "version" not in manifest or "start" not in manifest:
        raise RulebookError("manifest.yaml", None, "needs 'version', 'start' and 'files'")
    digest = hashlib.sha256()
    raw: dict[str, list[Any]] = {}
    for name in manifest.get("files", []):
        if name not in _KINDS:
            raise RulebookError("manifest.yaml", None, f"unknown rule file '{name}'")
        path = data_dir / f"{name}.yaml"
        digest.update(path.read_bytes())
        raw[name] = _entries(_read_yaml(path), path.name)
    version = f"{manifest['version']}+{digest.hexdigest()[:12]}"
    if scenario is not None:
        raw, label = apply_scenario(raw, scenario)
        version = f"{version}+scenario.{label}"
    raw = _resolve_settings(raw)
    parsed: dict[str, tuple[Any, ...]] = {}
    for name, (field, parser) in _KINDS.items():
        file = f"{name}.yaml"
        parsed[field] = tuple(parser(entry, file) for entry in raw.get(name, []))
        _check_periods(parsed[field], file)
    start = manifest["start"]
    provinces_doc = _read_yaml(data_dir / "provinces.yaml")
    messages_doc = _read_yaml(data_dir / "messages.yaml")
    gaps_path = data_dir / "gaps.yaml"
    gaps = (
        tuple(parse.gap(g, "gaps.yaml") for g in _entries(_read_yaml(gaps_path), "gaps.yaml"))
        if gaps_path.is_file()
        else ()
    )
    rulebook = Rulebook(
        version=version,
        start=start if isinstance(start, date) else date.fromisoformat(str(start)),
        provinces={str(k): _text(v, "provinces.yaml", str(k)) for k, v in provinces_doc["provinces"].items()},
        messages={str(k): _text(v, "messages.yaml", str(k)) for k, v in messages_doc["messages"].items()},
        gaps=gaps,
        **parsed,
    )
    _check_references(rulebook)
    return rulebook


@cache
def default_rulebook() -> Rulebook:
    return load_rulebook()


SETTING_PREFIX = "@"


def _resolve_settings(raw: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A date written `@parameter:...` is that parameter's value, so that a start that is a setting (the
    comprehensive pilot's) lives once and a scenario can move it."""
    values: dict[str, Any] = {}
    for entry in raw.get("parameters", []):
        if isinstance(entry, Mapping) and "id" in entry:
            values.setdefault(str(entry["id"]), entry.get("value"))
    resolved: dict[str, list[Any]] = {}
    for name, entries in raw.items():
        out = []
        for entry in entries:
            if isinstance(entry, Mapping) and any(
                isinstance(entry.get(k), str) and entry[k].startswith(SETTING_PREFIX) for k in ("from", "to")
            ):
                entry = dict(entry)
                for key in ("from", "to"):
                    value = entry.get(key)
                    if isinstance(value, str) and value.startswith(SETTING_PREFIX):
                        setting = value[len(SETTING_PREFIX) :]
                        if setting not in values:
                            raise RulebookError(
                                f"{name}.yaml", str(entry.get("id")), f"'{key}' names no parameter {setting}"
                            )
                        entry[key] = values[setting]
            out.append(entry)
        resolved[name] = out
    return resolved


def _text(value: Any, file: str, key: str) -> LocalizedText:
    if not isinstance(value, Mapping) or not value.get("en") or not value.get("zh"):
        raise RulebookError(file, key, "needs both an 'en' and a 'zh' text")
    return LocalizedText(str(value["en"]), str(value["zh"]))


def _check_periods(entries: Iterable[RuleEntry], file: str) -> None:
    """A change in the law is a new dated entry under the same id; two of them may never overlap."""
    by_id: dict[str, list[RuleEntry]] = defaultdict(list)
    for entry in entries:
        for other in by_id[entry.meta.id]:
            if other.meta.period.overlaps(entry.meta.period):
                raise RulebookError(
                    file,
                    entry.meta.id,
                    f"periods overlap: {other.meta.period} and {entry.meta.period}",
                )
        by_id[entry.meta.id].append(entry)


def _check_references(rulebook: Rulebook) -> None:
    scopes = {s.code: set(s.scopes) for s in rulebook.services}
    region_ids = {r.id for r in rulebook.regions}
    for rule in rulebook.caps:
        _check_where(rule.where, region_ids, "caps.yaml", rule.meta.id)
        for grant in rule.grants:
            for code in grant.codes:
                if code not in scopes:
                    raise RulebookError("caps.yaml", rule.meta.id, f"grants an unknown code {code}")
                if grant.scope is not None and grant.scope not in scopes[code]:
                    raise RulebookError("caps.yaml", rule.meta.id, f"scope {grant.scope} is not a scope of {code}")
        if rule.tier is not CapTier.OPENING and rule.where != "everywhere":
            raise RulebookError("caps.yaml", rule.meta.id, "national rules apply everywhere")
        if rule.tier is CapTier.OPENING and rule.opening not in OPENINGS:
            raise RulebookError("caps.yaml", rule.meta.id, f"an opening rule's region is one of {', '.join(OPENINGS)}")
    for region in rulebook.regions:
        if opening_of(region.id) not in OPENINGS:
            raise RulebookError("regions.yaml", region.id, f"a region's id starts with one of {', '.join(OPENINGS)}")
    for code in scopes:
        periods = [
            r.meta.period
            for r in rulebook.caps
            if r.tier is not CapTier.OPENING and any(code in g.codes for g in r.grants)
        ]
        spans = sorted({(p.start, p.end) for p in periods}, key=lambda span: (span[0], span[1] or date.max))
        _check_covered(spans, rulebook.start, code)
    contents = set(schema("profile")["$defs"]["service"]["properties"]["content"]["items"]["enum"])
    for p in rulebook.prohibitions:
        _check_where(p.where, region_ids, "prohibitions.yaml", p.meta.id)
        if set(p.contents) - contents:
            raise RulebookError(
                "prohibitions.yaml", p.meta.id, f"unknown content {', '.join(sorted(set(p.contents) - contents))}"
            )
        for content in p.contents:
            if f"content.{content}" not in rulebook.messages:
                raise RulebookError("messages.yaml", None, f"no name for content.{content}")
    decision = schema("decision")["properties"]
    known_documents = set(decision["required_documents"]["items"]["enum"])
    known_assessments = set(decision["required_assessments"]["items"]["enum"])
    for requirement in rulebook.documents:
        unknown = (set(requirement.documents) - known_documents) | (set(requirement.assessments) - known_assessments)
        if unknown:
            raise RulebookError(
                "documents.yaml",
                requirement.meta.id,
                f"not in the decision contract: {', '.join(sorted(unknown))}",
            )


def _check_where(where: str, region_ids: set[str], file: str, entry: str) -> None:
    if where == "everywhere" or any(where_covers(where, r) for r in region_ids):
        return
    raise RulebookError(file, entry, f"'where' names no region: {where}")


def _check_covered(periods: list[tuple[date, date | None]], start: date, code: str) -> None:
    """Every code needs a national cap (the default or a rule of its own) on every date the rulebook covers."""
    cursor: date | None = start
    for begin, end in periods:
        if cursor is None:
            break
        if begin > cursor:
            break
        if end is None:
            cursor = None
        elif end >= cursor:
            cursor = date.fromordinal(end.toordinal() + 1)
    if cursor is not None:
        raise RulebookError("caps.yaml", None, f"no national cap for {code} from {cursor}")


def apply_scenario(raw: dict[str, list[Any]], path: Path) -> tuple[dict[str, list[Any]], str]:
    """A what-if: entries whose id exists replace every version of that id; new ids are added; `remove` drops ids."""
    doc = _read_yaml(path)
    file = path.name
    if not isinstance(doc, Mapping) or not isinstance(doc.get("scenario"), str) or not doc["scenario"].strip():
        raise RulebookError(file, None, "a scenario needs a 'scenario' name")
    unknown = set(doc) - {"scenario", "description", "entries", "remove"}
    if unknown:
        raise RulebookError(file, None, f"unknown key(s): {', '.join(sorted(unknown))}")
    overrides = doc.get("entries") or {}
    if not isinstance(overrides, Mapping) or set(overrides) - set(_KINDS):
        raise RulebookError(file, None, f"'entries' is keyed by rule file: {', '.join(_KINDS)}")
    removed = {str(i) for i in doc.get("remove") or []}
    known_ids = {str(e.get("id")) for entries in raw.values() for e in entries if isinstance(e, Mapping)}
    missing = removed - known_ids
    if missing:
        raise RulebookError(file, None, f"'remove' names unknown id(s): {', '.join(sorted(missing))}")
    result: dict[str, list[Any]] = {}
    for name in _KINDS:
        base = [e for e in raw.get(name, []) if not (isinstance(e, Mapping) and str(e.get("id")) in removed)]
        new = list(overrides.get(name) or [])
        replaced = {str(e.get("id")) for e in new if isinstance(e, Mapping)}
        merged: list[Any] = []
        placed: set[str] = set()
        for entry in base:
            entry_id = str(entry.get("id")) if isinstance(entry, Mapping) else ""
            if entry_id in replaced:
                if entry_id not in placed:
                    # The replacement takes the place of the first base version, so rule order holds.
                    merged.extend(e for e in new if isinstance(e, Mapping) and str(e.get("id")) == entry_id)
                    placed.add(entry_id)
                continue
            merged.append(entry)
        merged.extend(e for e in new if not (isinstance(e, Mapping) and str(e.get("id")) in placed))
        result[name] = merged
    label = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    return result, f"{doc['scenario'].strip()}.{label}"
