"""/api/v1/rules: the public rulebook pages (/rules/, /rules/<rule_id>/, /rules/diff/) without signing in:
the rules in force on a date, one rule with its every dated entry, the changes between two dates
(queries.rulebook_pages, the same diff as `vatspilot rules diff`) and the pilot's milestones; and
/api/v1/guide, the service guide drawn from the rulebook in force today (queries.service_guide).

Each title, summary and label is given in English and Chinese (the read model asked once in each), each
citation in both languages with its confidence code. A date is written YYYY-MM-DD and not before the
rulebook's first day, else 422 naming the parameter (queries.rule_dates, as the pages read it). Rate
limited per address, as every request without sign-in is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router

from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.portal_schemas import MilestoneOut, RuleOut, RulesDiffOut, RulesInForceOut, ServiceGuideOut
from vatspilot.api.problems import FieldProblem
from vatspilot.api.schemas import ProblemOut
from vatspilot.domain.shared.text import Lang
from vatspilot.queries import rulebook_pages
from vatspilot.queries.rule_dates import BadRuleDate, rule_date
from vatspilot.queries.rulebook_pages import (
    RuleLink,
    RuleRow,
    RuleVersion,
    milestones,
    rules_diff_page,
    rules_in_force_page,
)
from vatspilot.queries.service_guide import Item, service_guide
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound

router = Router(tags=["rules"], auth=None)
# /api/v1/guide: the service guide, drawn from the rulebook in force today (queries.service_guide).
guide_router = Router(tags=["rules"], auth=None)

ERRORS: dict[int | str, Any] = {422: ProblemOut, 429: ProblemOut}
DATE_LENGTH = 32  # longer than any date; the detail of a 422 quotes what was sent
T = TypeVar("T")
ON = "The date (YYYY-MM-DD, not before the rulebook's first day); today when left out."


def _in_both(build: Callable[[Lang], T]) -> tuple[T, T]:
    """The read model's answer in English and in Chinese (its labels follow the active language)."""
    with translation.override("en"):
        english = build("en")
    with translation.override("zh-hans"):
        chinese = build("zh")
    return english, chinese


def _date(field: str, text: str, default: date | None) -> date | None:
    try:
        return rule_date(field, text, default)
    except BadRuleDate as error:
        raise FieldProblem(error.field, error.code, error.message) from None


def _version(en: RuleVersion, zh: RuleVersion) -> dict[str, Any]:
    return {
        "start": en.start,
        "end": en.end,
        "in_force": en.in_force,
        "citation_en": en.citation_en,
        "citation_zh": en.citation_zh,
        "confidence": en.confidence,
        "confidence_label_en": en.confidence_label,
        "confidence_label_zh": zh.confidence_label,
        "summary_en": en.summary,
        "summary_zh": zh.summary,
    }


def _history_version(en: RuleVersion, zh: RuleVersion) -> dict[str, Any]:
    return {**_version(en, zh), "day_before": en.day_before}


@router.get(
    "",
    response={200: RulesInForceOut, **ERRORS},
    summary="The rules in force on a date",
    description="As the rules page lists them (by kind, in its order), a page at a time (cursor pagination: "
    "follow `next`): each rule's title, its entry in force on `on` (today when left out) with its period, "
    "citation in both languages, confidence and summary, and every period it has had. With the rulebook's "
    "version, its first day and its known gaps.",
)
def list_rules_in_force(
    request: HttpRequest, page: Query[PageIn], on: str = Query("", max_length=DATE_LENGTH, description=ON)
) -> Any:
    day = _date("on", on, legal_today())
    assert day is not None
    english, chinese = _in_both(lambda lang: rules_in_force_page(day, lang))
    # The page's order; a cursor holds a rule's position in it (the rulebook is a file: it does not move).
    rows = list(
        enumerate(
            _rule_row(en_section.heading, zh_section.heading, en_row, zh_row)
            for en_section, zh_section in zip(english.sections, chinese.sections, strict=True)
            for en_row, zh_row in zip(en_section.rules, zh_section.rules, strict=True)
        )
    )
    chosen = page_of_rows(rows, lambda row: (row[0],), page)
    items = [item for _position, item in chosen.items]
    return {
        "on": day,
        "rulebook_start": english.start,
        "rulebook_version": english.version,
        "count": english.count,
        "gaps": [
            {
                "title_en": en_gap.title,
                "title_zh": zh_gap.title,
                "source_en": en_gap.source,
                "source_zh": zh_gap.source,
                "confidence": en_gap.confidence,
                "confidence_label_en": en_gap.confidence_label,
                "confidence_label_zh": zh_gap.confidence_label,
            }
            for en_gap, zh_gap in zip(english.gaps, chinese.gaps, strict=True)
        ],
        **payload(request, chosen, items),
    }


def _rule_row(heading_en: str, heading_zh: str, en: RuleRow, zh: RuleRow) -> dict[str, Any]:
    return {
        "rule_id": en.rule_id,
        "kind": en.kind,
        "kind_heading_en": heading_en,
        "kind_heading_zh": heading_zh,
        "title_en": en.title,
        "title_zh": zh.title,
        "version": _version(en.version, zh.version),
        "versions": en.versions,
        "periods": [{"start": start, "end": end} for start, end in en.periods],
    }


def _links(en: tuple[RuleLink, ...], zh: tuple[RuleLink, ...]) -> list[dict[str, str]]:
    return [
        {"rule_id": english.rule_id, "title_en": english.title, "title_zh": chinese.title}
        for english, chinese in zip(en, zh, strict=True)
    ]


MilestonePageOut = page_schema(MilestoneOut, "MilestonePageOut")


@router.get(
    "/milestones",
    response={200: MilestonePageOut, **ERRORS},
    summary="The pilot's legal milestones",
    description="The timeline on the rules page, in date order, a page at a time (cursor pagination: follow "
    "`next`): the sourced facts (each with its source and confidence) beside the days the rulebook's entries "
    "start, change or end (`from_rulebook`, with the rules concerned).",
)
def list_rule_milestones(request: HttpRequest, page: Query[PageIn]) -> Any:
    english, chinese = _in_both(milestones)
    # In date order; a cursor holds a milestone's position in it (the rulebook and its facts are files).
    rows = list(
        enumerate(
            {
                "on": en.on,
                "text_en": en.text,
                "text_zh": zh.text,
                "source_en": en.source,
                "source_zh": zh.source,
                "confidence": en.confidence,
                "confidence_label_en": en.confidence_label,
                "confidence_label_zh": zh.confidence_label,
                "from_rulebook": en.from_rulebook,
                "browsable": en.browsable,
                "started": _links(en.started, zh.started),
                "changed": _links(en.changed, zh.changed),
                "ended": _links(en.ended, zh.ended),
            }
            for en, zh in zip(english, chinese, strict=True)
        )
    )
    chosen = page_of_rows(rows, lambda row: (row[0],), page)
    return payload(request, chosen, [item for _position, item in chosen.items])


@router.get(
    "/diff",
    response={200: RulesDiffOut, **ERRORS},
    by_alias=True,
    summary="The changes to the rulebook between two dates",
    description="As the rules' changes page (/rules/diff/) and `vatspilot rules diff` give them: each rule "
    "that took effect, ended or changed from `from` to `to` (today when left out), with the changed fields "
    "and its entries on both dates.",
)
def diff_rules(
    request: HttpRequest,
    from_: str = Query(..., alias="from", max_length=DATE_LENGTH, description="The first date (YYYY-MM-DD)."),
    to: str = Query("", max_length=DATE_LENGTH, description="The second date (YYYY-MM-DD); today when left out."),
) -> Any:
    first = _date("from", from_, None)
    if first is None:
        raise FieldProblem("from", "required", _("from: write the first date as YYYY-MM-DD."))
    second = _date("to", to, legal_today())
    assert second is not None
    english, chinese = _in_both(lambda lang: rules_diff_page(first, second, lang))
    return {
        "from": first,
        "to": second,
        "changes": [
            {
                "kind": en.kind,
                "rule_id": en.rule_id,
                "title_en": en.title,
                "title_zh": zh.title,
                "fields_en": list(en.fields),
                "fields_zh": list(zh.fields),
                "before": _version(en.before, zh.before) if en.before and zh.before else None,
                "after": _version(en.after, zh.after) if en.after and zh.after else None,
            }
            for en, zh in zip(english.changes, chinese.changes, strict=True)
        ],
    }


@router.get(
    "/{rule_id}",
    response={200: RuleOut, 404: ProblemOut, **ERRORS},
    summary="One rule with its history",
    description="As the rule's page (/rules/{rule_id}/) shows it: its title, its entry in force on `on` (today "
    "when left out; null when none is) and every dated entry it has had, oldest first. 404 for an id no "
    "entry has.",
)
def get_rule(request: HttpRequest, rule_id: str, on: str = Query("", max_length=DATE_LENGTH, description=ON)) -> Any:
    day = _date("on", on, legal_today())
    assert day is not None
    english, chinese = _in_both(lambda lang: rulebook_pages.rule_page(rule_id, day, lang))
    if english is None or chinese is None:
        raise NotFound
    history = [_history_version(en, zh) for en, zh in zip(english.history, chinese.history, strict=True)]
    current = None
    if english.current is not None and chinese.current is not None:
        current = _history_version(english.current, chinese.current)
    return {
        "rule_id": english.rule_id,
        "kind": english.kind,
        "kind_heading_en": english.kind_heading,
        "kind_heading_zh": chinese.kind_heading,
        "title_en": english.title,
        "title_zh": chinese.title,
        "on": day,
        "current": current,
        "history": history,
    }


def _item(en: Item, zh: Item) -> dict[str, Any]:
    return {
        "text_en": en.text,
        "text_zh": zh.text,
        "basis_en": en.basis,
        "basis_zh": zh.basis,
        "confidence": en.confidence,
        "confidence_label_en": en.confidence_label,
        "confidence_label_zh": zh.confidence_label,
        "rule_id": en.rule_id,
        "points_en": list(en.points),
        "points_zh": list(zh.points),
    }


def _items(en: tuple[Item, ...], zh: tuple[Item, ...]) -> list[dict[str, Any]]:
    return [_item(english, chinese) for english, chinese in zip(en, zh, strict=True)]


@guide_router.get(
    "",
    response={200: ServiceGuideOut, 429: ProblemOut},
    summary="The service guide",
    description="The public service guide (办事指南, /guide/) as the rulebook stands today, in English and "
    "Chinese: what the pilot is, the opening-up measures in force with their services and regions, who may "
    "apply, the documents, the steps and time limits, and where to turn. Every statement names the rule "
    "(`rule_id`, its citation as `basis`, its confidence) or the source it rests on.",
)
def get_service_guide(request: HttpRequest) -> Any:
    day = legal_today()
    english, chinese = _in_both(lambda lang: service_guide(day, lang))
    return {
        "on": english.on,
        "rulebook_version": english.version,
        "about": _items(english.about, chinese.about),
        "openings": [
            {
                "code": en.code,
                "name_en": en.name,
                "name_zh": zh.name,
                "cap": _item(en.cap, zh.cap),
                "regions": [
                    {
                        "name_en": en_region.name,
                        "name_zh": zh_region.name,
                        "licence_area_en": en_region.licence_area,
                        "licence_area_zh": zh_region.licence_area,
                    }
                    for en_region, zh_region in zip(en.regions, zh.regions, strict=True)
                ],
                "regions_basis": _items(en.regions_basis, zh.regions_basis),
                "exclusions": _items(en.exclusions, zh.exclusions),
            }
            for en, zh in zip(english.openings, chinese.openings, strict=True)
        ],
        "not_yet_open": _items(english.not_yet_open, chinese.not_yet_open),
        "who_may_apply": _items(english.who_may_apply, chinese.who_may_apply),
        "documents": _items(english.documents, chinese.documents),
        "steps": [
            {"heading_en": en.heading, "heading_zh": zh.heading, "items": _items(en.items, zh.items)}
            for en, zh in zip(english.steps, chinese.steps, strict=True)
        ],
        "contacts": _items(english.contacts, chinese.contacts),
    }
