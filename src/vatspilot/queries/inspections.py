"""Random inspections as the pages show them: the draws ("double random, one public": each draw's page is
public, with everything needed to re-run it), the inspections a reader may see (the supervisors in their
reach, an inspector their team's: store.access.visible_inspections), one inspection for its team, and
what a supervisor may draw for.

What a public draw shows, and why: the seed, the algorithm, the two pools, the conflicts and the teams,
since re-running the draw needs every one of them exactly (domain.supervision.draw ranks inspectors by a
hash of their identifier). Inspectors are identified by their platform usernames, the identifiers the
draw ranked: a regulator publishes its inspectors' names in China's double-random practice, and the
username is the least that makes the draw checkable (no name, e-mail or role history). Once an
inspection is recorded the page adds its date and how many findings it raised, never what they say (the
holder and the supervisors read that on the finding's page).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch
from django.utils.translation import get_language

from vatspilot.services.vocabulary import FINDING_SEVERITIES, FINDING_STATES
from vatspilot.store.access import NotFound, Reach, visible_inspections
from vatspilot.store.models import Jurisdiction, Role
from vatspilot.store.models.supervision import Finding, Inspection, InspectionDraw, InspectionKind

__all__ = [
    "DrawOptions",
    "DrawSummary",
    "InspectionDetail",
    "InspectionFinding",
    "InspectionRow",
    "PublicDraw",
    "PublicTeam",
    "draw_options",
    "draws",
    "inspection_detail",
    "inspections_in_reach",
    "public_draw",
    "rerun_snippet",
    "team_size_asked",
    "uses_inspections",
]


def _kind_label(kind: str) -> str:
    return str(dict(InspectionKind.choices).get(kind, kind))


def _jurisdiction_name(jurisdiction: Jurisdiction | None) -> str:
    return jurisdiction.name if jurisdiction is not None else ""


@dataclass(frozen=True)
class DrawOptions:
    """What a supervisor may draw for: nationwide (MIIT) and the jurisdictions offered."""

    nationwide: bool
    jurisdictions: tuple[Jurisdiction, ...]


def draw_options(actor: User | AnonymousUser) -> DrawOptions | None:
    """An MIIT reviewer draws nationwide or for any jurisdiction, a local officer for the jurisdictions on
    their role; None for anyone else (the service decides again when the draw is made)."""
    reach = Reach.of(actor)
    if Role.MIIT_REVIEWER in reach.national:
        return DrawOptions(nationwide=True, jurisdictions=tuple(Jurisdiction.objects.order_by("code")))
    covered = frozenset().union(*(ids for role, ids in reach.local if role == Role.LOCAL_OFFICER))
    if not covered:
        return None
    return DrawOptions(nationwide=False, jurisdictions=tuple(Jurisdiction.objects.filter(pk__in=covered)))


def uses_inspections(actor: User | AnonymousUser) -> bool:
    """Whether /inspections/ is the reader's: an MIIT reviewer, a local officer or an inspector."""
    reach = Reach.of(actor)
    return bool(
        {Role.MIIT_REVIEWER, Role.INSPECTOR} & set(reach.national)
        or any(role == Role.LOCAL_OFFICER for role, _ids in reach.local)
    )


@dataclass(frozen=True)
class DrawSummary:
    pk: int
    drawn_on: date
    jurisdiction: str  # "" nationwide
    seed: str
    kind: str
    licensees: int
    recorded: int  # inspections recorded so far


def draws() -> list[DrawSummary]:
    """Every draw, the newest first: public, as each draw's page is. Two queries."""
    records = InspectionDraw.objects.select_related("jurisdiction").prefetch_related("inspections")
    rows = []
    for record in records.order_by("-drawn_on", "-pk"):
        inspections = list(record.inspections.all())
        rows.append(
            DrawSummary(
                pk=record.pk,
                drawn_on=record.drawn_on,
                jurisdiction=_jurisdiction_name(record.jurisdiction),
                seed=record.seed,
                kind=_kind_label(inspections[0].kind) if inspections else "",
                licensees=len(record.result.get("teams", [])) if isinstance(record.result, dict) else 0,
                recorded=sum(1 for inspection in inspections if inspection.done_on is not None),
            )
        )
    return rows


@dataclass(frozen=True)
class PublicTeam:
    licensee: str  # the licence number
    holder: str
    inspectors: tuple[str, ...]  # usernames, in the order drawn
    short: bool
    done_on: date | None
    findings: int  # how many findings the inspection raised (never what they say)


@dataclass(frozen=True)
class PublicDraw:
    pk: int
    seed: str
    algorithm: str
    drawn_on: date
    jurisdiction: str  # "" nationwide
    kind: str
    licensee_pool: tuple[str, ...]
    inspector_pool: tuple[str, ...]
    conflicts: tuple[tuple[str, tuple[str, ...]], ...]  # inspector -> licence numbers, by inspector
    licensee_count: int
    inspectors_per_licensee: int
    teams: tuple[PublicTeam, ...]
    data_json: str  # the draw's inputs as JSON, exactly as domain.supervision.draw.draw takes them
    snippet: str  # a Python program using only hashlib that re-runs the draw and prints the teams


def team_size_asked(teams: Sequence[Sequence[str]], short: Sequence[bool]) -> int:
    """The team size the draw was asked for, read back from its result: a full team's size; when every
    team is short, one more than the largest (any larger number re-runs to the same teams, since every
    short team took all the inspectors free of conflict)."""
    full = [len(team) for team, is_short in zip(teams, short, strict=True) if not is_short]
    if full:
        return full[0]
    return max((len(team) for team in teams), default=0) + 1


_SNIPPET = """import hashlib
import json

data = json.loads(DATA)  # the JSON above, pasted between triple quotes


def rank(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


seed = data["seed"]
licensees = sorted(set(data["licensees"]))
inspectors = sorted(set(data["inspectors"]))
drawn = sorted(licensees, key=lambda licensee: rank(f"{seed}|licensee|{licensee}"))
drawn = drawn[: data["licensee_count"]]
load = {person: 0 for person in inspectors}
for licensee in drawn:
    free = [person for person in inspectors if licensee not in data["conflicts"].get(person, [])]
    free.sort(key=lambda person: (load[person], rank(f"{seed}|inspector|{licensee}|{person}")))
    team = free[: data["inspectors_per_licensee"]]
    for person in team:
        load[person] += 1
    print(licensee, ", ".join(team))
"""


def rerun_snippet(data_json: str) -> str:
    """The re-run program with the draw's data in it (the page shows this, ready to run)."""
    return f'DATA = """{data_json}"""\n' + _SNIPPET


def public_draw(draw_id: int | str) -> PublicDraw:
    """The public page of a draw; NotFound for none. Three queries (the draw, its inspections with their
    licences, their findings counted)."""
    try:
        record = InspectionDraw.objects.select_related("jurisdiction").get(pk=draw_id)
    except (InspectionDraw.DoesNotExist, ValueError, TypeError):
        raise NotFound("draw not found") from None
    inspections = {
        inspection.licence.number: inspection
        for inspection in Inspection.objects.filter(draw=record)
        .select_related("licence")
        .annotate(finding_count=Count("findings"))
    }
    result = record.result if isinstance(record.result, dict) else {}
    short = set(result.get("short_teams", []))
    zh = (get_language() or "").startswith("zh")
    teams = []
    for team in result.get("teams", []):
        number = str(team["licensee"])
        inspection = inspections.get(number)
        licence = inspection.licence if inspection is not None else None
        holder = ""
        if licence is not None:
            holder = licence.holder_name_zh if zh else (licence.holder_name_en or licence.holder_name_zh)
        teams.append(
            PublicTeam(
                licensee=number,
                holder=holder,
                inspectors=tuple(str(name) for name in team["inspectors"]),
                short=number in short,
                done_on=inspection.done_on if inspection is not None else None,
                findings=getattr(inspection, "finding_count", 0) if inspection is not None else 0,
            )
        )
    conflicts = {str(person): sorted(str(n) for n in numbers) for person, numbers in dict(record.conflicts).items()}
    per_team = team_size_asked([team.inspectors for team in teams], [team.short for team in teams])
    data = {
        "seed": record.seed,
        "licensees": list(record.licensee_pool),
        "inspectors": list(record.inspector_pool),
        "conflicts": conflicts,
        "licensee_count": len(teams),
        "inspectors_per_licensee": per_team,
    }
    data_json = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    kinds = {inspection.kind for inspection in inspections.values()}
    return PublicDraw(
        pk=record.pk,
        seed=record.seed,
        algorithm=record.algorithm,
        drawn_on=record.drawn_on,
        jurisdiction=_jurisdiction_name(record.jurisdiction),
        kind=_kind_label(kinds.pop()) if len(kinds) == 1 else "",
        licensee_pool=tuple(record.licensee_pool),
        inspector_pool=tuple(record.inspector_pool),
        conflicts=tuple((person, tuple(numbers)) for person, numbers in sorted(conflicts.items())),
        licensee_count=len(teams),
        inspectors_per_licensee=per_team,
        teams=tuple(teams),
        data_json=data_json,
        snippet=rerun_snippet(data_json),
    )


@dataclass(frozen=True)
class InspectionRow:
    pk: int
    licence_number: str
    holder: str
    kind: str
    draw_id: int | None
    drawn_on: date | None
    team: tuple[str, ...]
    done_on: date | None
    findings: int


def inspections_in_reach(actor: User | AnonymousUser) -> list[InspectionRow]:
    """The inspections ``actor`` may see: those not yet recorded first, then the newest. Three queries
    (the reach, the inspections with their counts, their teams)."""
    reach = Reach.of(actor)
    team = Prefetch("inspectors", queryset=User.objects.order_by("username"))
    inspections = (
        visible_inspections(actor, reach=reach)
        .select_related("licence", "draw")
        .prefetch_related(team)
        .annotate(finding_count=Count("findings"))
    )
    zh = (get_language() or "").startswith("zh")
    rows = [
        InspectionRow(
            pk=inspection.pk,
            licence_number=inspection.licence.number,
            holder=inspection.licence.holder_name_zh
            if zh
            else (inspection.licence.holder_name_en or inspection.licence.holder_name_zh),
            kind=_kind_label(inspection.kind),
            draw_id=inspection.draw_id,
            drawn_on=inspection.draw.drawn_on if inspection.draw is not None else None,
            team=tuple(user.username for user in inspection.inspectors.all()),
            done_on=inspection.done_on,
            findings=getattr(inspection, "finding_count", 0),
        )
        for inspection in inspections
    ]
    return sorted(rows, key=lambda row: (row.done_on is not None, -(row.pk)))


@dataclass(frozen=True)
class InspectionFinding:
    pk: int
    rule: str
    severity_label: str
    state_label: str
    description: str


@dataclass(frozen=True)
class InspectionDetail:
    pk: int
    licence_number: str
    holder: str
    kind: str
    draw_id: int | None
    drawn_on: date | None
    team: tuple[str, ...]
    done_on: date | None
    summary: str
    findings: tuple[InspectionFinding, ...]
    may_record: bool  # the reader is on the team, holds the inspector role, and it is not recorded yet
    may_open_findings: bool  # the reader supervises the licence (the findings' pages are theirs)


def inspection_detail(actor: User | AnonymousUser, inspection: Inspection) -> InspectionDetail:
    """The team's page of ``inspection`` (already fetched through store.access.access_inspection)."""
    reach = Reach.of(actor)
    team = list(inspection.inspectors.order_by("username"))
    on_team = isinstance(actor, User) and any(member.pk == actor.pk for member in team)
    findings = Finding.objects.filter(inspection=inspection).order_by("pk")
    licence = inspection.licence
    zh = (get_language() or "").startswith("zh")
    jurisdiction_id = licence.application.jurisdiction_id
    supervises = Role.MIIT_REVIEWER in reach.national or (
        jurisdiction_id is not None and Role.LOCAL_OFFICER in reach.roles_towards(jurisdiction_id)
    )
    return InspectionDetail(
        pk=inspection.pk,
        licence_number=licence.number,
        holder=licence.holder_name_zh if zh else (licence.holder_name_en or licence.holder_name_zh),
        kind=_kind_label(inspection.kind),
        draw_id=inspection.draw_id,
        drawn_on=inspection.draw.drawn_on if inspection.draw is not None else None,
        team=tuple(member.username for member in team),
        done_on=inspection.done_on,
        summary=inspection.summary,
        findings=tuple(
            InspectionFinding(
                pk=finding.pk,
                rule=finding.rule,
                severity_label=str(FINDING_SEVERITIES.get(finding.severity, finding.severity)),
                state_label=str(FINDING_STATES.get(finding.status, finding.status)),
                description=str(finding.details.get("description", "")) if isinstance(finding.details, dict) else "",
            )
            for finding in findings
        ),
        may_record=on_team and Role.INSPECTOR in reach.national and inspection.done_on is None,
        may_open_findings=supervises,
    )
