"""The "double random, one public" draw: which licensees are inspected, and by whom.

Reproducible by anyone from what is published (the seed, the two pools and the conflicts), in any
language, without this code: every candidate is ranked by the SHA-256 of a text made of the seed and its
identifier, and the lowest hashes win. No random-number generator is involved, so no library's version
can change a result.

- Licensees: rank each eligible licensee by ``sha256("{seed}|licensee|{id}")``; the first
  ``licensees`` are drawn, in that order.
- Inspectors, licensee by licensee in the drawn order: the inspectors not in conflict with that licensee
  (an inspector never inspects an enterprise they reviewed or were recused from) and not yet on its team
  are ranked first by how many teams they already sit on (the work is spread evenly), then by
  ``sha256("{seed}|inspector|{licensee id}|{inspector id}")``; the first ``inspectors_per_licensee`` make
  the team.

A licensee with fewer non-conflicted inspectors than a team needs gets a short team, and the draw says
so (`short_teams`): the authority sees it before publishing, rather than the rule being bent silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

ALGORITHM = "sha256-rank/v1"


def _rank(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Team:
    licensee: str
    inspectors: tuple[str, ...]


@dataclass(frozen=True)
class Draw:
    seed: str
    algorithm: str
    teams: tuple[Team, ...]
    short_teams: tuple[str, ...]  # licensees whose team is smaller than asked (too many conflicts)

    def to_dict(self) -> dict[str, object]:
        """The published form: enough, with the pools, for anyone to re-run it."""
        return {
            "seed": self.seed,
            "algorithm": self.algorithm,
            "teams": [{"licensee": team.licensee, "inspectors": list(team.inspectors)} for team in self.teams],
            "short_teams": list(self.short_teams),
        }


class DrawError(ValueError):
    """The draw's request cannot be met as asked (named field, reason)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def draw(
    *,
    seed: str,
    licensees: Collection[str],
    inspectors: Collection[str],
    conflicts: Mapping[str, Collection[str]],
    licensee_count: int,
    inspectors_per_licensee: int,
) -> Draw:
    """Draw ``licensee_count`` licensees and a team of ``inspectors_per_licensee`` for each.

    ``conflicts`` maps an inspector to the licensees they may not inspect. Identifiers are compared as
    given; duplicates in a pool count once."""
    if not seed.strip():
        raise DrawError("seed", "the seed is empty")
    if licensee_count < 1:
        raise DrawError("licensee_count", "draw at least one licensee")
    if inspectors_per_licensee < 1:
        raise DrawError("inspectors_per_licensee", "a team has at least one inspector")
    pool = sorted(set(licensees))
    if licensee_count > len(pool):
        raise DrawError("licensee_count", f"only {len(pool)} licensees are eligible")
    staff = sorted(set(inspectors))
    if not staff:
        raise DrawError("inspectors", "no inspector is eligible")

    drawn = sorted(pool, key=lambda licensee: _rank(f"{seed}|licensee|{licensee}"))[:licensee_count]
    load = dict.fromkeys(staff, 0)
    teams: list[Team] = []
    short: list[str] = []
    for licensee in drawn:
        free = [person for person in staff if licensee not in set(conflicts.get(person, ()))]
        free.sort(key=lambda person: (load[person], _rank(f"{seed}|inspector|{licensee}|{person}")))
        team = tuple(free[:inspectors_per_licensee])
        for person in team:
            load[person] += 1
        if len(team) < inspectors_per_licensee:
            short.append(licensee)
        teams.append(Team(licensee, team))
    return Draw(seed=seed, algorithm=ALGORITHM, teams=tuple(teams), short_teams=tuple(short))
