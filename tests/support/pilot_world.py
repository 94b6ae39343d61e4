"""The one pilot world of the test suite and the benchmarks: every test folder builds its people,
organisations and applications here, never by hand.

Two levels:
- the builders (``load_jurisdictions``, ``make_organisation``, ``make_user``, ``place_application``,
  ``record_event``) write single rows, for tests about what one row does (the store, routing, the jobs);
- ``build_world`` makes the standard world through them: one applicant organisation in Pudong, an account
  of every role, a Beijing officer and a Beijing applicant who must see nothing of Shanghai's. Its
  applications are made and moved through the services (never mocked): ``drive_to`` reaches any state.
  With ``password=`` every account can sign in through the login form (the browser tests).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from vatspilot.domain.applications import Action, Role, State
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services import applications as svc
from vatspilot.services.applications.documents import add_document_version
from vatspilot.services.licences.actions import revoke_licence, suspend_licence
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Jurisdiction,
    Licence,
    Membership,
    Organisation,
    StaffRole,
)

ON = date(2025, 6, 3)
# 100% foreign, Pudong: B11 takes the pilot route, so the pilot checklist and the assessment apply.
DOSSIER: dict[str, Any] = {
    "ownership": [{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 100}],
    "services": [{"code": "B11"}, {"code": "B25-05"}],
    "service_area": {"kind": "provincial"},
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BASIS = "MIIT Order No. 42 Art. 11"
LICENCE_REASON = "Order 42: rectification of the logging duty (MIIT letter 2025-17)"
# The writers that take a freshly issued licence to each state, in order (all MIIT's, with a reason).
LICENCE_PATHS: dict[LicenceState, list[Any]] = {
    LicenceState.VALID: [],
    LicenceState.SUSPENDED: [suspend_licence],
    LicenceState.REVOKED: [suspend_licence, revoke_licence],
}
# 60% Hong Kong and 40% a Chinese company held by one Chinese person: the look-through walks a level.
NESTED_DOSSIER: dict[str, Any] = {
    "ownership": [
        {"name": "Example Holdings Ltd", "jurisdiction": "HK", "percent": 60},
        {
            "name": "上海示例科技有限公司",
            "jurisdiction": "CN",
            "percent": 40,
            "shareholders": [{"name": "张三", "jurisdiction": "CN", "percent": 100}],
        },
    ],
    "services": [{"code": "B11"}, {"code": "B21", "scope": "e-commerce"}],
    "service_area": {"kind": "provincial"},
}


@dataclass(frozen=True)
class Place:
    """Where an organisation is registered: a valid Unified Social Credit Code (check digit from
    stdnum.cn.uscc.calc_check_digit) and county-level division in one province."""

    province: str  # the province-level jurisdiction's code, as local officers cover it
    division_code: str
    uscc: str
    name: str


SHANGHAI = Place("310000", "310115", "91310115MA1FL1234M", "Harbour Cloud (Shanghai) Co., Ltd.")
BEIJING = Place("110000", "110105", "91110105MA01B2C3DL", "Northern Data (Beijing) Co., Ltd.")

Step = tuple[Role, Action, dict[str, Any]]
_SUBMIT: list[Step] = [(Role.APPLICANT, Action.SUBMIT, {})]
_ACCEPT: list[Step] = [*_SUBMIT, (Role.LOCAL_OFFICER, Action.ACCEPT, {})]
_MINISTERIAL: list[Step] = [
    *_ACCEPT,
    (Role.LOCAL_OFFICER, Action.COMPLETE_PRELIMINARY_ASSESSMENT, {"findings": "no findings"}),
]
PATHS: dict[State, list[Step]] = {
    State.DRAFT: [],
    State.SUBMITTED: _SUBMIT,
    State.FORMAL_SUPPLEMENT: [
        *_SUBMIT,
        (Role.LOCAL_OFFICER, Action.REQUEST_SUPPLEMENT, {"items": ["Articles of association, signed copy"]}),
    ],
    State.PRELIMINARY_ASSESSMENT: _ACCEPT,
    State.MINISTERIAL_REVIEW: _MINISTERIAL,
    State.MINISTERIAL_SUPPLEMENT: [
        *_MINISTERIAL,
        (Role.MIIT_REVIEWER, Action.REQUEST_SUPPLEMENT, {"items": ["Node list of the overseas cache"]}),
    ],
    State.ONSITE_VERIFICATION: [*_MINISTERIAL, (Role.MIIT_REVIEWER, Action.ORDER_ONSITE_VERIFICATION, {})],
    State.APPROVED: [
        *_MINISTERIAL,
        (Role.MIIT_REVIEWER, Action.RECORD_OPINION, {"opinion": "concur"}),
        (
            Role.CAC_REVIEWER,
            Action.RECORD_OPINION,
            {"opinion": "concur_with_conditions", "conditions": "logs 180 days"},
        ),
        (Role.MPS_REVIEWER, Action.RECORD_OPINION, {"opinion": "concur"}),
        (Role.SECURITY_EXPERT, Action.RECORD_SECURITY_ASSESSMENT, {"result": "positive", "findings": "ok"}),
        (Role.MIIT_REVIEWER, Action.APPROVE, {"legal_basis": BASIS}),
    ],
    State.REFUSED: [*_SUBMIT, (Role.LOCAL_OFFICER, Action.REFUSE, {"legal_basis": BASIS, "reasons": "r"})],
    State.WITHDRAWN: [(Role.APPLICANT, Action.WITHDRAW, {})],
}


# --- Single rows ---------------------------------------------------------------------------------------


def load_jurisdictions() -> None:
    """The 31 province-level jurisdictions as migration 0002 loads them (a transactional test's flush
    empties every table, so a test that needs them loads them again)."""
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)


def make_organisation(
    place: Place = SHANGHAI,
    *,
    name: str | None = None,
    uscc: str | None = None,
    division_code: str | None = None,
    zones: Iterable[str] = (),
    capital: Decimal = Decimal("10000000"),
) -> Organisation:
    """An organisation registered at ``place`` (each field may be overridden)."""
    return Organisation.objects.create(
        name=place.name if name is None else name,
        uscc=place.uscc if uscc is None else uscc,
        division_code=place.division_code if division_code is None else division_code,
        zones=list(zones),
        registered_capital_cny=capital,
    )


def make_user(
    username: str,
    *roles: str,
    jurisdictions: Iterable[str] = (),
    email: str | None = None,
    active: bool = True,
    password: str | None = None,
    organisation: Organisation | None = None,
) -> AbstractUser:
    """A user holding ``roles`` (a local officer covers the province codes ``jurisdictions``), a member
    of ``organisation`` when one is given. The e-mail is <username>@example.cn unless given ("" for none).
    Without ``password`` the account cannot sign in, which keeps Argon2's deliberate slowness out of
    tests that never do."""
    user: AbstractUser = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=f"{username}@example.cn" if email is None else email,
        is_active=active,
    )
    for role in roles:
        staff_role = StaffRole.objects.create(user=user, role=role)
        if role == Role.LOCAL_OFFICER.value:
            staff_role.jurisdictions.set(Jurisdiction.objects.filter(code__in=list(jurisdictions)))
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation)
    return user


def place_application(organisation: Organisation, status: str = "draft", **fields: Any) -> Application:
    """An application row put straight into ``status``: for tests about what a status means (who sees it,
    who hears of it, which clock runs), not about how it was reached (that is ``World.drive_to``)."""
    return Application.objects.create(organisation=organisation, status=status, **fields)


def record_event(
    application: Application,
    action: str,
    from_state: str,
    to_state: str,
    on: date,
    *,
    actor: AbstractUser,
    role: str = "applicant",
    at: datetime | None = None,
) -> ApplicationEvent:
    """A timeline event written straight in, dated ``on`` (recorded ``at``, now unless given)."""
    return ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_state=from_state,
        to_state=to_state,
        on=on,
        at=timezone.now() if at is None else at,
        actor=actor,
        role=role,
    )


# --- The standard world --------------------------------------------------------------------------------


@dataclass
class World:
    organisation: Organisation
    users: dict[Role, AbstractUser]
    outsider: AbstractUser  # a local officer of Beijing
    other_applicant: AbstractUser  # a member of a Beijing organisation
    other_organisation: Organisation
    base_url: str = ""  # where the pages are served: the live server's address in the browser tests

    @property
    def applicant(self) -> AbstractUser:
        return self.users[Role.APPLICANT]

    def new_application(self, *, on: date = ON, organisation: Organisation | None = None) -> Application:
        organisation = organisation or self.organisation
        actor = self.applicant if organisation == self.organisation else self.other_applicant
        application = svc.create_application(actor=actor, organisation=organisation, on=on)
        return svc.update_dossier(actor=actor, application=application, on=on, **DOSSIER)

    def upload_required(self, application: Application) -> None:
        application.refresh_from_db()
        actor = Membership.objects.filter(organisation=application.organisation).first().user
        for kind in application.determination["required_documents"]:
            upload = SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
            add_document_version(actor=actor, application=application, kind=kind, uploaded_file=upload)

    def act(self, role: Role, application: Application, action: Action, *, on: date = ON, **fields: Any) -> Application:
        application.refresh_from_db()
        return svc.perform(
            actor=self.users[role],
            application=application,
            action=action,
            on=on,
            expected_version=application.version,
            **fields,
        )

    def ready_draft(self) -> Application:
        application = self.new_application()
        self.upload_required(application)
        return application

    def concur_all(self, application: Application) -> Application:
        """Every agency concurs and the security assessment is positive: approval is now possible."""
        for role in (Role.MIIT_REVIEWER, Role.CAC_REVIEWER, Role.MPS_REVIEWER):
            application = self.act(role, application, Action.RECORD_OPINION, opinion="concur")
        return self.act(
            Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="positive", findings="ok"
        )

    def drive_to(self, state: State, *, on: date = ON, dates: list[date] | None = None) -> Application:
        """An application in ``state``, reached through the services: made and filled ``on``, with its
        documents; step i of ``PATHS[state]`` happens on dates[i] (on ``on`` without ``dates``)."""
        application = self.new_application(on=on)
        self.upload_required(application)
        steps = PATHS[state]
        for index, (role, action, fields) in enumerate(steps):
            day = dates[index] if dates else on
            application = self.act(role, application, action, on=day, **fields)
        assert application.status == state.value
        return application

    def licence(
        self, state: LicenceState = LicenceState.VALID, *, on: date = ON, reason: str = LICENCE_REASON
    ) -> Licence:
        """A licence in ``state``: an application approved ``on`` (which issues it), then MIIT's decisions
        through the services, on the same day: suspended, or suspended and revoked."""
        self.drive_to(State.APPROVED, on=on)
        licence = Licence.objects.get(application__organisation=self.organisation, status=LicenceState.VALID.value)
        miit = self.users[Role.MIIT_REVIEWER]
        for writer in LICENCE_PATHS[state]:
            licence = writer(actor=miit, licence=licence, on=on, expected_version=licence.version, reason=reason)
        assert licence.status == state.value
        return licence


def build_world(*, password: str | None = None, base_url: str = "") -> World:
    """The standard world. Accounts are named after their role (``Role.APPLICANT.value`` ...), plus
    "beijing_officer" and "other_applicant"; with ``password`` every one of them can sign in."""
    load_jurisdictions()
    organisation = make_organisation(SHANGHAI)
    other = make_organisation(BEIJING)
    users: dict[Role, AbstractUser] = {}
    for role in Role:
        if role is Role.APPLICANT:
            users[role] = make_user(role.value, role.value, password=password, organisation=organisation)
        elif role is Role.LOCAL_OFFICER:
            users[role] = make_user(role.value, role.value, jurisdictions=[SHANGHAI.province], password=password)
        else:
            users[role] = make_user(role.value, role.value, password=password)
    outsider = make_user(
        "beijing_officer", Role.LOCAL_OFFICER.value, jurisdictions=[BEIJING.province], email="", password=password
    )
    other_applicant = make_user("other_applicant", email="", password=password, organisation=other)
    return World(organisation, users, outsider, other_applicant, other, base_url)


def client_for(user: AbstractUser | None, language: str = "en", **kwargs: Any) -> Client:
    """A browser signed in as ``user`` (anonymous for None) that asks for ``language`` (en, zh-hans)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def compile_catalogue() -> None:
    """Compile locale/zh_Hans/LC_MESSAGES/django.po when its .mo is missing or older (make messages
    does this too; running pytest alone must not test untranslated pages)."""
    po = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    with po.open("rb") as source:
        catalogue = read_po(source)
    with mo.open("wb") as target:
        write_mo(target, catalogue)
