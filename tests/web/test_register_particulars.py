"""The register's "Particulars" of a licence's history (web/templatetags/vatspilot_language.py): every key a
licence event's public ``details`` may hold has a name in both languages, and each value is written for the
reader (kinds of filing and change by their names, days in the reader's format, services by their names, a
flag as words, a filing by its kind and day rather than the store's number); the "Change" column has its
own translation, not the language switch's."""

from __future__ import annotations

import ast
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from pilot_world import World, client_for
from pytest_django.fixtures import Settings

import vatspilot.services.licences as licence_services
from vatspilot.domain.applications import Role
from vatspilot.services.licences.filings import file_change
from vatspilot.store.models import Licence
from vatspilot.web.templatetags import vatspilot_language as filters

NUMBER = "B1.B2-20250001"
TODAY = date(2025, 8, 1)


# --- Every key a service writes is named ----------------------------------------------------------------------


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


class _Keys:
    """The constant keys of the dicts that reach a ``details=`` argument in one module: dict literals, the
    names they are assigned to (with their ``name[...] =`` stores and ``name.update(...)`` keywords), the
    ``**`` spreads inside them, the module's own functions they are returned from (a tuple's element when
    the call is unpacked), and what the module's callers pass for a parameter that reaches it."""

    def __init__(self, source: str) -> None:
        self.tree = ast.parse(source)
        self.functions = _functions(self.tree)

    def written(self) -> set[str]:
        keys: set[str] = set()
        for function in self.functions.values():
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg == "details":
                            keys |= self.of(keyword.value, function, set())
        return keys

    def of(self, expr: ast.expr, function: ast.FunctionDef, seen: set[str], index: int | None = None) -> set[str]:
        if isinstance(expr, ast.Dict):
            keys: set[str] = set()
            for key, value in zip(expr.keys, expr.values, strict=True):
                if key is None:
                    keys |= self.of(value, function, seen)
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.add(key.value)
            return keys
        if isinstance(expr, ast.Tuple) and index is not None and index < len(expr.elts):
            return self.of(expr.elts[index], function, seen)
        if isinstance(expr, ast.Name):
            return self._name(expr.id, function, seen)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
            if expr.func.id == "dict":
                return {keyword.arg for keyword in expr.keywords if keyword.arg}
            called = self.functions.get(expr.func.id)
            if called is not None and f"{called.name}:{index}" not in seen:
                seen = seen | {f"{called.name}:{index}"}
                return set().union(
                    *(
                        self.of(node.value, called, seen, index)
                        for node in ast.walk(called)
                        if isinstance(node, ast.Return) and node.value is not None
                    )
                )
        return set()

    def _name(self, name: str, function: ast.FunctionDef, seen: set[str]) -> set[str]:
        if f"{function.name}.{name}" in seen:
            return set()
        seen = seen | {f"{function.name}.{name}"}
        keys: set[str] = set()
        parameters = [argument.arg for argument in function.args.args + function.args.kwonlyargs]
        if name in parameters:  # what each caller in the module passes for it
            position = parameters.index(name)
            for caller in self.functions.values():
                for node in ast.walk(caller):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function.name:
                        passed = [keyword.value for keyword in node.keywords if keyword.arg == name]
                        if not passed and position < len(node.args):
                            passed = [node.args[position]]
                        for value in passed:
                            keys |= self.of(value, caller, seen)
        for node in ast.walk(function):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        keys |= self.of(node.value, function, seen)
                    elif isinstance(target, ast.Tuple):
                        for position, element in enumerate(target.elts):
                            if isinstance(element, ast.Name) and element.id == name:
                                keys |= self.of(node.value, function, seen, position)
                    elif (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == name
                        and isinstance(target.slice, ast.Constant)
                        and isinstance(target.slice.value, str)
                    ):
                        keys.add(target.slice.value)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name
            ):
                keys |= {keyword.arg for keyword in node.keywords if keyword.arg}
        return keys


def _written_by_the_licence_services() -> dict[str, set[str]]:
    folder = Path(licence_services.__file__).parent
    return {path.name: _Keys(path.read_text(encoding="utf-8")).written() for path in sorted(folder.glob("*.py"))}


def test_every_key_a_licence_service_writes_into_an_events_details_is_named() -> None:
    written = _written_by_the_licence_services()
    every = set().union(*written.values())
    # The scan finds what each writer writes (it would find nothing if it stopped reading them).
    assert {"basis", "removed_services", "narrowed_areas"} <= written["actions.py"]
    assert {"filing", "kind", "changes", "changed_on", "late", "renewal_deadline"} <= written["filings.py"]
    assert {"services_before", "services", "valid_until_before", "valid_until"} <= written["filings.py"]
    assert {"users_notified_on", "migration_deadline", "users_to_migrate", "users_migrated"} <= written["exits.py"]
    assert "confirmed_on" in written["exits.py"]
    unnamed = sorted(key for key in every if key not in filters.DETAIL_NAMES)
    assert unnamed == []
    # Each name differs between the two languages (a name with no Chinese would read the same in both).
    for key, name in filters.DETAIL_NAMES.items():
        with translation.override("en"):
            english = str(name)
        with translation.override("zh-hans"):
            chinese = str(name)
        assert english != chinese, key
        assert not re.search(r"[A-Za-z]", chinese), (key, chinese)


def test_the_scan_finds_a_new_key_and_the_check_would_fail() -> None:
    source = (
        "def _public(x):\n"
        "    details = {'basis': x}\n"
        "    details['spare_parts'] = 1\n"
        "    return details\n"
        "def _record(details):\n"
        "    LicenceEvent.objects.create(details=details)\n"
        "def write(x):\n"
        "    extra = {'shelf_life': 2}\n"
        "    LicenceEvent.objects.create(details={**_public(x), **extra, 'tint': 3})\n"
        "    _record({'kind': x, 'colour': x})\n"
    )
    written = _Keys(source).written()
    assert written == {"basis", "spare_parts", "shelf_life", "tint", "kind", "colour"}
    unnamed = sorted(key for key in written if key not in filters.DETAIL_NAMES)
    assert unnamed == ["colour", "shelf_life", "spare_parts", "tint"]


# --- Each value written for the reader ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "stored", "english", "chinese"),
    [
        ("kind", "change", "Change filing", "变更申请"),
        ("kind", "renewal", "Renewal filing", "延续申请"),
        (
            "changes",
            ["capital", "legal_representative"],
            "Registered capital, Legal representative",
            "注册资本、法定代表人",
        ),
        ("changed_on", "2026-09-25", "2026-09-25", "2026年9月25日"),
        ("valid_until", "2035-06-02", "2035-06-02", "2035年6月2日"),
        ("removed_services", ["B25-05"], "B25-05 Information protection and processing", "B25-05 信息保护和处理服务"),
        (
            "narrowed_areas",
            {"B11": ["Beijing", "Shanghai"]},
            "B11 Internet data center (IDC), incl. internet resource collaboration (Beijing, Shanghai)",
            "B11 互联网数据中心业务（北京市、上海市）",
        ),
        ("narrowed_areas", {}, "", ""),
        ("late", False, "", ""),
        ("late", True, "Filed late", "逾期提出"),
        ("filing", 1, "", ""),  # never the store's number
        ("users_migrated", 830, "830", "830"),
    ],
)
def test_a_particular_is_written_for_the_reader(key: str, stored: object, english: str, chinese: str) -> None:
    with translation.override("en"):
        assert filters.detail_value(key, stored) == english
    with translation.override("zh-hans"):
        assert filters.detail_value(key, stored) == chinese


def test_an_events_particulars_in_order_with_the_filing_named_by_its_kind_and_day() -> None:
    filings = {7: filters.FiledAs(kind="change", on=date(2026, 10, 2))}
    filed = (("changed_on", "2026-09-25"), ("changes", ["capital"]), ("filing", 7), ("kind", "change"))
    decided = (("changes", ["capital"]), ("filing", 7), ("kind", "change"), ("late", True))
    with translation.override("zh-hans"):
        assert filters.particulars((*filed, ("late", False)), filings, action="filing.file", on=date(2026, 10, 2)) == [
            ("申请类型", "变更申请"),
            ("变更事项", "注册资本"),
            ("变更发生之日", "2026年9月25日"),
        ]
        assert filters.particulars(decided, filings, action="filing.approve", on=date(2026, 10, 9)) == [
            ("申请", "2026年10月2日提出的变更申请"),
            ("变更事项", "注册资本"),
            ("变更发生后超过30日提出（逾期）", ""),
        ]
    with translation.override("en"):
        assert filters.particulars(decided, filings, action="filing.approve", on=date(2026, 10, 9)) == [
            ("Filing", "Change filing of 2026-10-02"),
            ("What changed", "Registered capital"),
            ("Filed more than 30 days after the change", ""),
        ]


# --- On the register's page ------------------------------------------------------------------------------------


def _history(html: str) -> list[str]:
    """The history table's rows, each cell's text joined by " | " (a line break inside a cell as " / ")."""
    table = html[html.index('<table class="table register-history">') :]
    table = table[: table.index("</table>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append(" | ".join(re.sub(r"<[^>]+>", "", cell.replace("<br>", " / ")).strip() for cell in cells))
    return rows


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = TODAY.isoformat()
    return world.licence()


def test_the_register_shows_a_late_change_filed_and_approved_in_both_languages(world: World, licence: Licence) -> None:
    filing = file_change(
        actor=world.applicant,
        licence=licence,
        on=TODAY,
        changed_on=date(2025, 6, 20),  # 42 days before: late
        kinds=["name", "legal_representative"],
        name_zh="新港湾云（上海）有限公司",
        name_en="New Harbour Cloud (Shanghai) Co., Ltd.",
        legal_representative="李四",
    )
    response = client_for(world.users[Role.MIIT_REVIEWER]).post(
        f"/licences/{NUMBER}/filings/{filing.pk}/approve/",
        {"approve-expected_version": "1", "approve-reason": "Order 42: examined"},
    )
    assert response.status_code == 302

    english = client_for(None).get(f"/register/{NUMBER}/").content.decode()
    assert '<th scope="col">Change</th>' in english
    assert _history(english)[1:] == [
        "2025-08-01 | Filing made by the holder | Valid | Valid | "
        "Kind of filing: Change filing / What changed: Company name, Legal representative / "
        "The change took effect on: 2025-06-20 / Filed more than 30 days after the change",
        "2025-08-01 | Change approved | Valid | Valid | "
        "Filing: Change filing of 2025-08-01 / What changed: Company name, Legal representative / "
        "Legal basis: MIIT Order No. 42 (changes filed within 30 days; article unverified)",
        "2025-08-01 | Filing approved | Valid | Valid | "
        "Filing: Change filing of 2025-08-01 / What changed: Company name, Legal representative / "
        "Filed more than 30 days after the change",
    ]

    chinese = client_for(None, "zh-hans").get(f"/register/{NUMBER}/").content.decode()
    assert '<th scope="col">变更事项</th>' in chinese
    assert "切换" not in chinese[chinese.index("<main") :]
    history = _history(chinese)[1:]
    assert history[0] == (
        "2025年8月1日 | 持证企业提出申请 | 有效 | 有效 | "
        "申请类型：变更申请 / 变更事项：公司名称、法定代表人 / 变更发生之日：2025年6月20日 / "
        "变更发生后超过30日提出（逾期）"
    )
    assert history[1].startswith(
        "2025年8月1日 | 变更获准 | 有效 | 有效 | "
        "申请：2025年8月1日提出的变更申请 / 变更事项：公司名称、法定代表人 / 法律依据："
    )
    assert history[2] == (
        "2025年8月1日 | 申请获批准 | 有效 | 有效 | "
        "申请：2025年8月1日提出的变更申请 / 变更事项：公司名称、法定代表人 / 变更发生后超过30日提出（逾期）"
    )
    # No key, no raw value, no number of the store's.
    for raw in ("changed on", "changes", "kind", "late", "false", "true", "capital"):
        assert raw not in " ".join(history)
    assert "李四" not in chinese


def test_a_capital_change_in_time_says_nothing_of_lateness(world: World, licence: Licence) -> None:
    file_change(
        actor=world.applicant,
        licence=licence,
        on=TODAY,
        changed_on=date(2025, 7, 20),
        kinds=["capital"],
        registered_capital_cny=Decimal("50000000"),
    )
    chinese = client_for(None, "zh-hans").get(f"/register/{NUMBER}/").content.decode()
    assert _history(chinese)[-1] == (
        "2025年8月1日 | 持证企业提出申请 | 有效 | 有效 | "
        "申请类型：变更申请 / 变更事项：注册资本 / 变更发生之日：2025年7月20日"
    )
