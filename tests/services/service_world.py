"""A small pilot world for service tests: one applicant in Pudong, one official of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.services.documents import add_document_version
from vatspilot.store.models import Application, Jurisdiction, Membership, Organisation, StaffRole

ON = date(2025, 6, 3)
# 100% foreign, Pudong: B11 takes the pilot route, so the pilot checklist and the assessment apply.
DOSSIER: dict[str, Any] = {
    "ownership": [{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 100}],
    "services": [{"code": "B11"}, {"code": "B25-05"}],
    "service_area": {"kind": "provincial"},
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    organisation: Organisation
    users: dict[Role, AbstractUser]
    outsider: AbstractUser  # a local officer of another province
    other_applicant: AbstractUser  # a member of another organisation

    def new_application(self) -> Application:
        application = svc.create_application(actor=self.users[Role.APPLICANT], organisation=self.organisation, on=ON)
        return svc.update_dossier(actor=self.users[Role.APPLICANT], application=application, on=ON, **DOSSIER)

    def upload_required(self, application: Application) -> None:
        application.refresh_from_db()
        for kind in application.determination["required_documents"]:
            upload = SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
            add_document_version(
                actor=self.users[Role.APPLICANT], application=application, kind=kind, uploaded_file=upload
            )

    def act(self, role: Role, application: Application, action: Action, **fields: Any) -> Application:
        application.refresh_from_db()
        return svc.perform(
            actor=self.users[role],
            application=application,
            action=action,
            on=ON,
            expected_version=application.version,
            **fields,
        )

    def ready_draft(self) -> Application:
        application = self.new_application()
        self.upload_required(application)
        return application

    def drive_to(self, state: State) -> Application:
        """An application in `state`, reached through the services only."""
        application = self.ready_draft()
        for role, action, fields in PATHS[state]:
            application = self.act(role, application, action, **fields)
        assert application.status == state.value
        return application

    def concur_all(self, application: Application) -> Application:
        for role in (Role.MIIT_REVIEWER, Role.CAC_REVIEWER, Role.MPS_REVIEWER):
            application = self.act(role, application, Action.RECORD_OPINION, opinion="concur")
        return self.act(
            Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="positive", findings="ok"
        )


_TO_SUBMITTED = [(Role.APPLICANT, Action.SUBMIT, {})]
_TO_PRELIMINARY = [*_TO_SUBMITTED, (Role.LOCAL_OFFICER, Action.ACCEPT, {})]
_TO_MINISTERIAL = [
    *_TO_PRELIMINARY,
    (Role.LOCAL_OFFICER, Action.COMPLETE_PRELIMINARY_ASSESSMENT, {"findings": "no findings"}),
]
_BASIS = "MIIT Order No. 42 Art. 11; Notice 107 item 2"
PATHS: dict[State, list[tuple[Role, Action, dict[str, Any]]]] = {
    State.DRAFT: [],
    State.SUBMITTED: _TO_SUBMITTED,
    State.FORMAL_SUPPLEMENT: [*_TO_SUBMITTED, (Role.LOCAL_OFFICER, Action.REQUEST_SUPPLEMENT, {"items": ["x"]})],
    State.PRELIMINARY_ASSESSMENT: _TO_PRELIMINARY,
    State.MINISTERIAL_REVIEW: _TO_MINISTERIAL,
    State.MINISTERIAL_SUPPLEMENT: [*_TO_MINISTERIAL, (Role.MIIT_REVIEWER, Action.REQUEST_SUPPLEMENT, {"items": ["y"]})],
    State.ONSITE_VERIFICATION: [*_TO_MINISTERIAL, (Role.MIIT_REVIEWER, Action.ORDER_ONSITE_VERIFICATION, {})],
    State.APPROVED: [
        *_TO_MINISTERIAL,
        (Role.MIIT_REVIEWER, Action.RECORD_OPINION, {"opinion": "concur"}),
        (
            Role.CAC_REVIEWER,
            Action.RECORD_OPINION,
            {"opinion": "concur_with_conditions", "conditions": "logs 180 days"},
        ),
        (Role.MPS_REVIEWER, Action.RECORD_OPINION, {"opinion": "concur"}),
        (Role.SECURITY_EXPERT, Action.RECORD_SECURITY_ASSESSMENT, {"result": "positive", "findings": "ok"}),
        (Role.MIIT_REVIEWER, Action.APPROVE, {"legal_basis": _BASIS}),
    ],
    State.REFUSED: [*_TO_SUBMITTED, (Role.LOCAL_OFFICER, Action.REFUSE, {"legal_basis": _BASIS, "reasons": "r"})],
    State.WITHDRAWN: [(Role.APPLICANT, Action.WITHDRAW, {})],
}


def build_world() -> World:
    """One organisation in Pudong with its applicant, one official of every role (the local officer for
    Shanghai), a Beijing officer and another organisation's applicant. Needs the jurisdictions loaded."""
    organisation = Organisation.objects.create(
        name="Harbour Cloud (Shanghai) Co., Ltd.",
        uscc="91310115MA1FL1234M",
        division_code="310115",
        zones=[],
        registered_capital_cny=Decimal("10000000"),
    )
    other = Organisation.objects.create(
        name="Other Co.",
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
    return World(organisation, users, outsider, other_applicant)
