"""From YAML mappings to the domain's rule types, checking each field on the way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from vatspilot.domain.policy.periods import Confidence, Period, RuleMeta
from vatspilot.domain.policy.rules import (
    OPENINGS,
    CapRule,
    CapTier,
    Condition,
    ConditionKind,
    ContentEffect,
    ContentProhibition,
    DocumentRequirement,
    DocumentTrigger,
    Grant,
    KnownGap,
    Note,
    NoteKind,
    Parameter,
    RegionDef,
    ServiceDef,
)
from vatspilot.domain.shared.text import LocalizedText
from vatspilot.rulebook.errors import RulebookError

_E = TypeVar("_E")
_META_KEYS = {"id", "citation", "from", "to", "confidence", "note"}


class EntryReader:
    """Reads one entry of one file; every complaint names both."""

    def __init__(self, file: str, raw: Any, allowed: set[str]) -> None:
        self.file = file
        if not isinstance(raw, Mapping):
            raise RulebookError(file, None, "every entry must be a mapping")
        self.raw = raw
        self.id = str(raw.get("id") or "")
        if not self.id:
            raise RulebookError(file, None, "an entry has no id")
        unknown = set(raw) - allowed - _META_KEYS - {"<<"}
        if unknown:
            self.fail(f"unknown field(s): {', '.join(sorted(unknown))}")

    def fail(self, problem: str) -> RulebookError:
        raise RulebookError(self.file, self.id, problem)

    def meta(self) -> RuleMeta:
        # Every citation names the instrument and article in English and in Chinese: a reader sees the
        # law in their own language.
        if not isinstance(self.raw.get("citation"), Mapping):
            self.fail("has no citation: it needs an 'en' and a 'zh' text")
        citation = self.text("citation")
        start = self.date("from", required=True)
        end = self.date("to", required=False)
        assert start is not None
        if end is not None and end < start:
            self.fail(f"ends ({end}) before it starts ({start})")
        try:
            confidence = Confidence(str(self.raw.get("confidence")))
        except ValueError:
            self.fail("confidence must be one of C1, C2, M, U")
        return RuleMeta(self.id, citation, Period(start, end), confidence, str(self.raw.get("note", "")))

    def date(self, key: str, *, required: bool) -> date | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.fail(f"has no '{key}' date")
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{key}' is not a date (YYYY-MM-DD): {value!r}")
            raise

    def text(self, key: str) -> LocalizedText:
        value = self.raw.get(key)
        if (
            not isinstance(value, Mapping)
            or not str(value.get("en") or "").strip()
            or not str(value.get("zh") or "").strip()
        ):
            self.fail(f"'{key}' needs both an 'en' and a 'zh' text")
        assert isinstance(value, Mapping)
        return LocalizedText(str(value["en"]).strip(), str(value["zh"]).strip())

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"'{key}' must be a list of strings")
        return tuple(value)

    def get(self, key: str) -> Any:
        if key not in self.raw:
            self.fail(f"has no '{key}'")
        return self.raw[key]

    def enum(self, key: str, kind: Callable[[str], _E]) -> _E:
        try:
            return kind(str(self.get(key)))
        except ValueError:
            self.fail(f"'{key}' has an unknown value {self.raw.get(key)!r}")
            raise


def _number(reader: EntryReader, value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        reader.fail(f"{what} must be a number")
    try:
        # Through str, so that a YAML 33.33 stays 33.33 rather than its binary neighbour.
        number = Decimal(str(value))
    except InvalidOperation:
        reader.fail(f"{what} must be a number")
        raise
    if not number.is_finite():
        reader.fail(f"{what} must be a finite number")
    return number


def service(raw: Any, file: str) -> ServiceDef:
    r = EntryReader(file, raw, {"code", "name", "scopes"})
    scopes_raw = r.raw.get("scopes", {})
    if not isinstance(scopes_raw, Mapping):
        r.fail("'scopes' maps each scope to its name and definition in 'en' and 'zh'")
    names = {}
    for scope, text in scopes_raw.items():
        if not isinstance(text, Mapping) or not text.get("en") or not text.get("zh"):
            r.fail(f"scope {scope} needs both an 'en' and a 'zh' text")
        names[str(scope)] = LocalizedText(str(text["en"]), str(text["zh"]))
    return ServiceDef(r.meta(), str(r.get("code")), r.text("name"), tuple(names), names)


def region(raw: Any, file: str) -> RegionDef:
    r = EntryReader(file, raw, {"name", "licence_area", "prefixes", "zones"})
    prefixes, zones = r.strings("prefixes"), r.strings("zones")
    if not prefixes and not zones:
        r.fail("a region needs division-code prefixes or zones")
    if any(not p.isdigit() or not 2 <= len(p) <= 6 for p in prefixes):
        r.fail("prefixes are 2 to 6 digits of a GB/T 2260 code")
    return RegionDef(r.meta(), r.text("name"), r.text("licence_area"), prefixes, zones)


def cap(raw: Any, file: str) -> CapRule:
    r = EntryReader(file, raw, {"tier", "where", "grants", "message"})
    grants_raw = r.get("grants")
    if not isinstance(grants_raw, list) or not grants_raw:
        r.fail("'grants' must be a non-empty list")
    grants = []
    for g in grants_raw:
        if not isinstance(g, Mapping) or set(g) - {"codes", "cap", "scope"} or "codes" not in g or "cap" not in g:
            r.fail("each grant has 'codes', 'cap' and optionally 'scope'")
        value = _number(r, g["cap"], "a grant's cap")
        if not 0 <= value <= 100:
            r.fail("a cap is a percentage from 0 to 100")
        grants.append(Grant(tuple(str(c) for c in g["codes"]), value, g.get("scope")))
    return CapRule(r.meta(), r.enum("tier", CapTier), str(r.get("where")), tuple(grants), r.text("message"))


def prohibition(raw: Any, file: str) -> ContentProhibition:
    r = EntryReader(file, raw, {"contents", "codes", "where", "message", "effect", "opening"})
    effect = r.enum("effect", ContentEffect)
    opening = r.raw.get("opening")
    if (effect is ContentEffect.EXCLUDES_OPENING) != (opening is not None):
        r.fail("'opening' names the measure an 'excludes-opening' entry excludes, and only then")
    if opening is not None and opening not in OPENINGS:
        r.fail(f"'opening' must be one of {', '.join(OPENINGS)}")
    return ContentProhibition(
        r.meta(),
        r.strings("contents"),
        r.strings("codes"),
        str(r.get("where")),
        r.text("message"),
        effect,
        opening,
    )


def note(raw: Any, file: str) -> Note:
    r = EntryReader(file, raw, {"kind", "message", "opening", "opens_on", "jurisdictions"})
    kind = r.enum("kind", NoteKind)
    opening = r.raw.get("opening")
    opens_on = r.date("opens_on", required=kind is NoteKind.OPENING_NOT_YET_OPEN)
    if kind is NoteKind.OPENING_NOT_YET_OPEN and opening not in OPENINGS:
        r.fail(f"'opening' must be one of {', '.join(OPENINGS)}")
    jurisdictions = r.strings("jurisdictions")
    if kind is NoteKind.CEPA and not jurisdictions:
        r.fail("a CEPA note names the holders' jurisdictions it concerns")
    return Note(r.meta(), kind, r.text("message"), opening, opens_on, jurisdictions)


def condition(raw: Any, file: str) -> Condition:
    r = EntryReader(file, raw, {"kind", "minimum_by_area", "message_met", "message_failed"})
    kind = r.enum("kind", ConditionKind)
    minimum: dict[str, Decimal] = {}
    if kind is ConditionKind.REGISTERED_CAPITAL:
        table = r.get("minimum_by_area")
        if not isinstance(table, Mapping) or set(table) != {"provincial", "cross-regional"}:
            r.fail("'minimum_by_area' needs exactly 'provincial' and 'cross-regional'")
        minimum = {str(k): _number(r, v, "a minimum") for k, v in table.items()}
    return Condition(r.meta(), kind, r.text("message_met"), r.text("message_failed"), minimum)


def documents(raw: Any, file: str) -> DocumentRequirement:
    r = EntryReader(file, raw, {"trigger", "openings", "documents", "assessments", "message"})
    trigger = r.enum("trigger", DocumentTrigger)
    openings = r.strings("openings")
    if (trigger is DocumentTrigger.OPENING) != bool(openings):
        r.fail("'openings' lists the measures an 'opening' trigger concerns, and only then")
    if set(openings) - set(OPENINGS):
        r.fail(f"'openings' must be among {', '.join(OPENINGS)}")
    return DocumentRequirement(
        r.meta(), trigger, r.strings("documents"), r.strings("assessments"), r.text("message"), openings
    )


def parameter(raw: Any, file: str) -> Parameter:
    r = EntryReader(file, raw, {"value", "description"})
    return Parameter(r.meta(), r.get("value"), r.text("description"))


def gap(raw: Any, file: str) -> KnownGap:
    """A known gap: reported by one source, not encoded (rulebook-spec section 4)."""
    r = EntryReader(file, raw, {"description", "source"})
    unknown = {"citation", "from", "to", "note"} & set(r.raw)
    if unknown:
        r.fail(f"a gap is not a rule: no {', '.join(sorted(unknown))}")
    try:
        confidence = Confidence(str(r.raw.get("confidence")))
    except ValueError:
        r.fail("confidence must be one of C1, C2, M, U")
        raise
    return KnownGap(r.id, r.text("description"), r.text("source"), confidence.value)
