"""A licence's area as GB/T 2260 division codes, for the node checks: the union of its services' areas.

Each area label on a licence was written from the rulebook (services.licences.scope): the nationwide
label, a province's name, or a region's licence area. A province is its code followed by 0000; a region
is the division prefixes it is matched by, each padded to six digits (a region matched only by a declared
zone has no prefix, and then its province is used: the zone lies inside it). A label the rulebook does not
know makes the area unknown rather than guessed, and the check treats the licence as nationwide-only-
mainland (never a false "outside the area")."""

from __future__ import annotations

from vatspilot.domain.policy.rules import Rulebook
from vatspilot.store.models import Licence


def division_codes(licence: Licence, rulebook: Rulebook) -> list[str] | None:
    """The six-digit codes covering the licence's area, or None when it is nationwide or unknown."""
    nationwide = rulebook.messages.get("area.nationwide")
    provinces = {name.en: code for code, name in rulebook.provinces.items()}
    regions = {region.licence_area.en: region for region in rulebook.regions}
    codes: set[str] = set()
    for service in licence.licensed_services():
        for label in service.areas_en:
            if nationwide is not None and label == nationwide.en:
                return None
            if label in provinces:
                codes.add(provinces[label].ljust(6, "0"))
            elif label in regions:
                region = regions[label]
                prefixes = region.prefixes or (licence.organisation.division_code[:2],)
                codes.update(prefix.ljust(6, "0") for prefix in prefixes)
            else:
                return None
    return sorted(codes) or None
