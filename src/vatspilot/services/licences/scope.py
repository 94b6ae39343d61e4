"""What a licence covers, in both languages: the approved services of a decision with their catalogue
names and their areas.

The decision's determination is stored in English (services.applications.dossier): each eligible
service of a v2 determination has its `area`, a label the engine wrote from the rulebook (a region's
`licence_area`, a province's name, several provinces joined, or "Nationwide"). The Chinese label is the
same rulebook entry's other language, so it is looked up, never translated. A v1 determination has no
per-service area: every service gets the decision's `licence_area`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from vatspilot.domain.licences.certificate import LicensedService
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.text import LocalizedText

# How the engine joins several provinces in one area label (domain.policy.eligibility._area), and how a
# decision joins several area labels in its `licence_area` (services.applications.decisions).
_PROVINCE_SEPARATOR = ", "
_DECISION_AREA_SEPARATOR = "; "


@dataclass(frozen=True)
class AreaNames:
    """Every area label the engine can write in English, with its Chinese."""

    zh_of: Mapping[str, str]

    @classmethod
    def of(cls, rulebook: Rulebook) -> AreaNames:
        labels: dict[str, str] = {}
        texts: list[LocalizedText] = [
            *rulebook.provinces.values(),
            *(region.licence_area for region in rulebook.regions),
        ]
        nationwide = rulebook.messages.get("area.nationwide")
        if nationwide is not None:
            texts.append(nationwide)
        for text in texts:
            labels[text.en] = text.zh
        return cls(labels)

    def both(self, label: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The areas an English label names, (English, Chinese), one item per area: a region or a province
        stays whole; provinces joined by the engine are listed apart. A label the rulebook does not know
        is kept as it is in both, rather than guessed."""
        if label in self.zh_of:
            return (label,), (self.zh_of[label],)
        parts = label.split(_PROVINCE_SEPARATOR)
        if len(parts) > 1 and all(part in self.zh_of for part in parts):
            return tuple(parts), tuple(self.zh_of[part] for part in parts)
        return (label,), (label,)


def licensed_services(
    determination: Mapping[str, object], licence_area: str, rulebook: Rulebook, on: date
) -> tuple[LicensedService, ...]:
    """The eligible services of ``determination`` in the order listed, named as the catalogue in force
    ``on`` names them (a scope's name after the service's), each with its areas."""
    catalogue = rulebook.in_force(on).services
    names = AreaNames.of(rulebook)
    fallback = [area for area in licence_area.split(_DECISION_AREA_SEPARATOR) if area]
    services: list[LicensedService] = []
    for entry in _entries(determination.get("services")):
        if entry.get("outcome") != "eligible":
            continue
        code = str(entry.get("code", ""))
        scope = entry.get("scope")
        definition = catalogue.get(code)
        name = definition.name if definition else LocalizedText(code, code)
        if definition is not None and isinstance(scope, str) and scope in definition.scope_names:
            scope_name = definition.scope_names[scope]
            name = LocalizedText(f"{name.en} ({scope_name.en})", f"{name.zh}（{scope_name.zh}）")
        area = entry.get("area")
        labels = [area] if isinstance(area, str) and area else fallback
        areas_en: list[str] = []
        areas_zh: list[str] = []
        for label in labels:
            en, zh = names.both(label)
            areas_en.extend(en)
            areas_zh.extend(zh)
        services.append(LicensedService(code, name.en, name.zh, tuple(areas_en), tuple(areas_zh)))
    return tuple(services)


def _entries(value: object) -> Sequence[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]
