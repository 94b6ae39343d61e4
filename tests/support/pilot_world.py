"""A small pilot world for the service, web and API tests and the benchmarks, built through the services
(never mocked): one applicant organisation in Pudong, an official of every role, a Beijing officer and a
Beijing applicant who must see nothing of Shanghai's."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
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

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.services.applications.documents import add_document_version
from vatspilot.store.models import Application, Jurisdiction, Membership, Organisation, StaffRole

ON = date(2025, 6, 3)
# 100% foreign, Pudong: B11 takes the pilot route, so the pilot checklist and the assessment apply.
DOSSIER: dict[str, Any] = {
    "ownership": [{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 100}],
    "services": [{"code": "B11"}, {"code": "B25-05"}],
    "service_area": {"kind": "provincial"},
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BASIS = "MIIT Order No. 42 Art. 11"

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


@dataclass
class World:
    organisation: Organisation
    users: dict[Role, AbstractUser]
    outsider: AbstractUser  # a local officer of Beijing
    other_applicant: AbstractUser  # a member of a Beijing organisation
    other_organisation: Organisation

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

    def drive_to(self, state: State, *, dates: list[date] | None = None) -> Application:
        """An application in ``state``, reached through the services; step i happens on dates[i]."""
        application = self.new_application()
        self.upload_required(application)
        steps = PATHS[state]
        for index, (role, action, fields) in enumerate(steps):
            on = dates[index] if dates else ON
            application = self.act(role, application, action, on=on, **fields)
        assert application.status == state.value
        return application


def build_world() -> World:
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
    organisation = Organisation.objects.create(
        name="Harbour Cloud (Shanghai) Co., Ltd.",
        uscc="91310115MA1FL1234M",
        division_code="310115",
        zones=[],
        registered_capital_cny=Decimal("10000000"),
    )
    other = Organisation.objects.create(
        name="Northern Data (Beijing) Co., Ltd.",
        uscc="91110105MA01B2C3DL",
        division_code="110105",
        zones=[],
        registered_capital_cny=Decimal("10000000"),
    )
    make = get_user_model().objects.create_user
    users: dict[Role, AbstractUser] = {}
    for role in Role:
        user = make(username=role.value, password=None, email=f"{role.value}@example.cn")
        if role is Role.APPLICANT:
            StaffRole.objects.create(user=user, role=role.value)
            Membership.objects.create(user=user, organisation=organisation)
        else:
            staff = StaffRole.objects.create(user=user, role=role.value)
            if role is Role.LOCAL_OFFICER:
                staff.jurisdictions.set(Jurisdiction.objects.filter(code="310000"))
        users[role] = user
    outsider = make(username="beijing_officer", password=None)
    StaffRole.objects.create(user=outsider, role=Role.LOCAL_OFFICER.value).jurisdictions.set(
        Jurisdiction.objects.filter(code="110000")
    )
    other_applicant = make(username="other_applicant", password=None)
    Membership.objects.create(user=other_applicant, organisation=other)
    return World(organisation, users, outsider, other_applicant, other)


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
