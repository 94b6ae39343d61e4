"""The demo data set: organisations in the four Notice 107 regions, officials of every role,
applications in every state of the lifecycle and licences in every state of theirs (demo/licences.py),
each brought there through the services (so every step has its timeline event, its audit entry and its
notifications, exactly as in real use).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from vatspilot.demo.licences import create_demo_licences, file_demo_change
from vatspilot.demo.supervision import create_demo_supervision
from vatspilot.domain.applications import Action, State, citations
from vatspilot.services import applications as svc
from vatspilot.services.accounts.identity import create_applicant, create_staff_user
from vatspilot.services.applications.documents import add_document_version
from vatspilot.services.calendar.working_days import ProjectedWorkingDayCalendar
from vatspilot.store.models import Application, Organisation

# Documented demo passwords (README): one per role, never for production.
PASSWORD = "pilot-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    name_zh: str  # the registered Chinese name, which a licence states first
    uscc: str
    division_code: str
    zones: tuple[str, ...]
    capital: int
    ownership: list[dict[str, Any]]
    services: list[dict[str, Any]]


ORGANISATIONS = [
    DemoOrganisation(
        "beijing",
        "Nimbus Cloud Services (Beijing) Co., Ltd.",
        "宁巴斯云服务（北京）有限公司",
        "91110105MA01A2B3C4",
        "110105",
        (),
        20_000_000,
        [{"name": "Nimbus Holdings Pte. Ltd.", "jurisdiction": "SG", "percent": 100}],
        [{"code": "B11"}, {"code": "B12"}],
    ),
    DemoOrganisation(
        "shanghai",
        "Harbour Data Technology (Shanghai) Co., Ltd.",
        "海港数据科技（上海）有限公司",
        "91310115MA1FL1234M",
        "310115",
        ("shanghai-lingang",),
        10_000_000,
        [
            {"name": "Harbour Data Ltd", "jurisdiction": "HK", "percent": 40},
            {
                "name": "Shanghai Lingang Investment Co., Ltd.",
                "jurisdiction": "CN",
                "percent": 60,
                "shareholders": [
                    {"name": "Pacific Ventures LLC", "jurisdiction": "US", "percent": 50},
                    {"name": "Shanghai Municipal Holding", "jurisdiction": "CN", "percent": 50},
                ],
            },
        ],
        [{"code": "B21", "scope": "device-data-processing"}, {"code": "B25-05"}],
    ),
    DemoOrganisation(
        "hainan",
        "Offshore Data Services (Hainan) Co., Ltd.",
        "离岸数据服务（海南）有限公司",
        "91460100MA5T0A1B21",
        "460100",
        ("ftz",),
        10_000_000,
        [{"name": "Offshore Data Inc.", "jurisdiction": "US", "percent": 100}],
        [{"code": "B11"}, {"code": "B14", "scope": "end-user-access"}],
    ),
    DemoOrganisation(
        "shenzhen",
        "Qianhai Connect Technology (Shenzhen) Co., Ltd.",
        "前海互联科技（深圳）有限公司",
        "91440300MA5G1A2B3R",
        "440305",
        (),
        10_000_000,
        [{"name": "Connect Global GmbH", "jurisdiction": "DE", "percent": 100}],
        [{"code": "B25-01"}, {"code": "B21", "scope": "edi"}],
    ),
    # Two holders for the licences whose state reaches beyond the licence (demo/licences.py): the revoked
    # licence's holder goes on the dishonest list, which would fail the eligibility of any other
    # application of its organisation; the oldest licence is issued when the rulebook's coverage begins.
    DemoOrganisation(
        "haidian",
        "Skyline Edge Networks (Beijing) Co., Ltd.",
        "天际边缘网络（北京）有限公司",
        "91110108MA02C3D4EB",
        "110108",
        (),
        10_000_000,
        [{"name": "Skyline Edge Pte. Ltd.", "jurisdiction": "SG", "percent": 100}],
        [{"code": "B11"}, {"code": "B12"}],
    ),
    DemoOrganisation(
        "waigaoqiao",
        "Old Harbour Commerce (Shanghai) Co., Ltd.",
        "旧港商贸（上海）有限公司",
        "91310115MA7K8L9M2M",
        "310115",
        ("ftz",),
        10_000_000,
        [{"name": "Old Harbour Trading Ltd", "jurisdiction": "HK", "percent": 100}],
        [{"code": "B21", "scope": "e-commerce"}],
    ),
]

# No superuser and no Django model permissions for anyone: `admin` holds the administrator role, which
# opens the staff accounts page and lets it look (only) through the read-only Django admin.
STAFF = [
    ("officer-beijing", "local_officer", "110000"),
    ("officer-shanghai", "local_officer", "310000"),
    ("officer-hainan", "local_officer", "460000"),
    ("officer-guangdong", "local_officer", "440000"),
    ("miit", "miit_reviewer", ""),
    ("cac", "cac_reviewer", ""),
    ("mps", "mps_reviewer", ""),
    ("expert", "security_expert", ""),
    ("inspector", "inspector", ""),
    ("admin", "administrator", ""),
]

_PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
# The decisions cite the review table's own citations (shown in the reader's language wherever read).
_APPROVAL_BASIS = citations.APPROVAL
_REFUSAL_BASIS = citations.DECISION

# What the demo's officials write: sample content, in the language the demo's records are kept in.
TOPOLOGY_ILLEGIBLE = "Overseas network topology: the diagram is illegible"
PLAN_UNSIGNED = "Contingency plan: not signed"
REFUSAL_REASONS = (
    "The MPS objects: the security measures for cross-border links do not meet the classified protection requirements."
)
PRELIMINARY_FINDINGS = "Penetration test report on file; no critical findings."
CAC_CONDITIONS = "Keep security logs for 180 days."
ASSESSMENT_FINDINGS = "MLPS level 3; penetration test passed."

# Each demo application: (organisation key, the state it ends in, working days ago it was submitted).
PLAN: list[tuple[str, State, int]] = [
    ("beijing", State.DRAFT, 0),
    ("beijing", State.SUBMITTED, 3),
    ("beijing", State.APPROVED, 55),
    ("shanghai", State.FORMAL_SUPPLEMENT, 6),
    ("shanghai", State.MINISTERIAL_REVIEW, 62),
    ("shanghai", State.WITHDRAWN, 10),
    ("hainan", State.PRELIMINARY_ASSESSMENT, 12),
    ("hainan", State.MINISTERIAL_SUPPLEMENT, 30),
    ("hainan", State.REFUSED, 40),
    ("shenzhen", State.ONSITE_VERIFICATION, 35),
    ("shenzhen", State.MINISTERIAL_REVIEW, 80),
]


def demo_exists() -> bool:
    return get_user_model().objects.filter(username="miit").exists()


def accounts() -> list[DemoAccount]:
    result = [DemoAccount(f"applicant-{o.key}", "applicant", o.name) for o in ORGANISATIONS]
    result += [DemoAccount(name, role, scope or "-") for name, role, scope in STAFF]
    return result


def _working_days_before(today: date, count: int) -> date:
    calendar = ProjectedWorkingDayCalendar()
    day = today
    while count > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def create_demo(today: date, progress: Callable[[str], None] = lambda _: None) -> None:
    """Everything in one transaction: a failed demo leaves the database as it was."""
    with transaction.atomic():
        users = {name: create_staff_user(username=name, password=PASSWORD, role=role, jurisdictions=[s] if s else [],
                                         email=f"{name}@demo.vatspilot.cn")
                 for name, role, s in STAFF}  # fmt: skip
        organisations: dict[str, Organisation] = {}
        for spec in ORGANISATIONS:
            organisation = Organisation.objects.create(
                name=spec.name,
                name_zh=spec.name_zh,
                uscc=spec.uscc,
                division_code=spec.division_code,
                zones=list(spec.zones),
                registered_capital_cny=Decimal(spec.capital),
            )
            organisations[spec.key] = organisation
            users[f"applicant-{spec.key}"] = create_applicant(
                username=f"applicant-{spec.key}",
                password=PASSWORD,
                organisation=organisation,
                email=f"applicant-{spec.key}@demo.vatspilot.cn",
            )
        specs = {s.key: s for s in ORGANISATIONS}

        def approve(key: str, start: date, until: date) -> Application:
            progress(f"{key}: approved (its licence)")
            return _build(users, organisations[key], specs[key], State.APPROVED, start, until)

        # The licences first: their approvals are older than the plan's, and serials follow the days of issue.
        create_demo_licences(today=today, users=users, approve=approve)
        for key, target, ago in PLAN:
            progress(f"{key}: {target.value}")
            _build(users, organisations[key], specs[key], target, _working_days_before(today, ago), today)
        file_demo_change(today=today, users=users)
        progress("supervision: a filed quarterly report with its findings, a rectification order, a draw")
        create_demo_supervision(today=today, users=users)


def _build(
    users: dict[str, Any],
    organisation: Organisation,
    spec: DemoOrganisation,
    target: State,
    start: date,
    until: date,
) -> Application:
    """An application of ``organisation`` made ``start`` and brought to ``target``, its steps spread from
    ``start`` towards ``until`` (an approval's licence is issued on the approval's day)."""
    applicant = users[f"applicant-{spec.key}"]
    officer = next(
        users[name] for name, role, scope in STAFF if role == "local_officer" and scope[:2] == spec.division_code[:2]
    )
    application = svc.create_application(actor=applicant, organisation=organisation, on=start)
    application = svc.update_dossier(
        actor=applicant,
        application=application,
        on=start,
        ownership=spec.ownership,
        services=spec.services,
        service_area={"kind": "cross-regional" if spec.capital >= 10_000_000 else "provincial"},
    )
    for kind in application.determination["required_documents"]:
        upload = SimpleUploadedFile(f"{kind}.pdf", _PDF, content_type="application/pdf")
        add_document_version(actor=applicant, application=application, kind=kind, uploaded_file=upload)
    if target is State.DRAFT:
        return application
    day = iter(_days(start, until))

    def act(user: Any, action: Action, **fields: Any) -> None:
        nonlocal application
        application.refresh_from_db()
        application = svc.perform(
            actor=user,
            application=application,
            action=action,
            on=next(day),
            expected_version=application.version,
            **fields,
        )

    if target is State.WITHDRAWN:
        act(applicant, Action.SUBMIT)
        act(applicant, Action.WITHDRAW)
        return application
    act(applicant, Action.SUBMIT)
    if target is State.SUBMITTED:
        return application
    if target is State.FORMAL_SUPPLEMENT:
        act(officer, Action.REQUEST_SUPPLEMENT, items=[TOPOLOGY_ILLEGIBLE, PLAN_UNSIGNED])
        return application
    if target is State.REFUSED:
        act(officer, Action.ACCEPT)
        act(officer, Action.COMPLETE_PRELIMINARY_ASSESSMENT, findings="Cross-border links need review.")
        act(users["mps"], Action.RECORD_OPINION, opinion="object")
        act(users["miit"], Action.REFUSE, legal_basis=_REFUSAL_BASIS, reasons=REFUSAL_REASONS)
        return application
    act(officer, Action.ACCEPT)
    if target is State.PRELIMINARY_ASSESSMENT:
        return application
    act(officer, Action.COMPLETE_PRELIMINARY_ASSESSMENT, findings=PRELIMINARY_FINDINGS)
    if target is State.MINISTERIAL_SUPPLEMENT:
        act(users["miit"], Action.REQUEST_SUPPLEMENT, items=["Node list of the overseas read-only cache"])
        return application
    if target is State.ONSITE_VERIFICATION:
        act(users["cac"], Action.RECORD_OPINION, opinion="concur")
        act(users["miit"], Action.ORDER_ONSITE_VERIFICATION)
        return application
    if target is State.MINISTERIAL_REVIEW:
        act(users["cac"], Action.RECORD_OPINION, opinion="concur_with_conditions", conditions=CAC_CONDITIONS)
        return application
    act(users["miit"], Action.RECORD_OPINION, opinion="concur")
    act(users["cac"], Action.RECORD_OPINION, opinion="concur_with_conditions", conditions=CAC_CONDITIONS)
    act(users["mps"], Action.RECORD_OPINION, opinion="concur")
    act(users["expert"], Action.RECORD_SECURITY_ASSESSMENT, result="positive", findings=ASSESSMENT_FINDINGS)
    act(users["miit"], Action.APPROVE, legal_basis=_APPROVAL_BASIS)
    return application


def _days(start: date, today: date) -> list[date]:
    """Dates for successive steps: spread from the start towards today, never beyond it."""
    span = max((today - start).days, 0)
    steps = 12
    return [start + timedelta(days=min(span, round(i * span / steps))) for i in range(steps + 1)] + [today] * 8
