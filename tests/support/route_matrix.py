"""Support for the authorization matrix (tests/entrypoints/test_authorization_matrix.py): the site's
routes as Django's URL resolver lists them, the people who ask for them, the objects they ask about, and
a snapshot of the store for "a refusal changed nothing".

The world is the demo data set (vatspilot.demo, built through the services), which holds an object of
every kind the routes name: applications in every state, documents, licences in every state, a change
filing, a network exit, a filed quarterly report with its ingestion runs and findings, an inspection draw
and its inspection. Tokens, an invitation, a finding's evidence are added here, and the Shanghai
applicant is made its organisation's admin member (as the user who registers an enterprise is).

Who asks is named relative to the object asked about (its *subject*): the object belongs to an
organisation registered in one province, so

- ``member`` is an applicant of that organisation (the object is their own),
- ``other_member`` an applicant of another organisation (Hainan's: the object is another organisation's),
- ``officer`` the local officer of the object's province,
- ``other_officer`` a local officer of another province (Hainan's: the object is another jurisdiction's),

and the national roles (``miit``, ``cac``, ``mps``, ``expert``, ``inspector``, ``admin``) and
``anonymous``. One object per route with these relations covers {own, another organisation's, another
jurisdiction's} without building each object three times. Routes without an object use Shanghai's people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, Sum
from django.urls import URLPattern, URLResolver, get_resolver

from vatspilot.demo.data import create_demo
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.accounts.invitations import invite_member
from vatspilot.services.supervision.findings import report_remediation
from vatspilot.store.models import (
    Application,
    AuditEntry,
    DocumentVersion,
    Licence,
    LicenceFiling,
    Membership,
    NetworkExit,
    Notification,
    Organisation,
    QuarterlyReport,
)
from vatspilot.store.models.supervision import Finding, FindingEvidence, IngestionRun, Inspection, InspectionDraw

TODAY = date(2026, 11, 27)
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
ROLES = (
    "anonymous",
    "member",
    "other_member",
    "officer",
    "other_officer",
    "miit",
    "cac",
    "mps",
    "expert",
    "inspector",
    "admin",
)
NATIONAL = {
    "miit": "miit",
    "cac": "cac",
    "mps": "mps",
    "expert": "expert",
    "inspector": "inspector",
    "admin": "admin",
}
# The demo organisations' keys by province (their officers are officer-<province name>).
OFFICER_OF_PROVINCE = {
    "11": "officer-beijing",
    "31": "officer-shanghai",
    "46": "officer-hainan",
    "44": "officer-guangdong",
}
OUTSIDER_KEY = "hainan"  # the other organisation and the other jurisdiction: never a subject here
# Audit entries a refused request writes deliberately: the refusal itself (web/refusal_audit.py) and the
# API token's use (services/accounts/api_tokens.py), neither a change of the store's records.
NOT_CHANGES = ("access.refused", "api_token.used")


def site_routes() -> dict[str, str]:
    """Every named route of the site, namespaced (``web:home``, ``api:get_application``), with its pattern;
    the Django admin's generated routes (``admin:...``, one set per registered model) are left out of the
    table: the matrix test asks for the admin's index and every model's list as each role instead."""
    routes: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), name)
            elif isinstance(pattern, URLPattern) and pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes.setdefault(key, prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "", None)
    return {name: route for name, route in routes.items() if not name.startswith("admin:")}


@dataclass
class Subject:
    """An object's organisation, and so who stands in which relation to it."""

    key: str  # the demo organisation's key (applicant-<key> is its member)
    province: str  # two digits

    def username(self, role: str) -> str | None:
        if role == "anonymous":
            return None
        if role == "member":
            return f"applicant-{self.key}"
        if role == "other_member":
            return f"applicant-{OUTSIDER_KEY}"
        if role == "officer":
            return OFFICER_OF_PROVINCE[self.province]
        if role == "other_officer":
            return OFFICER_OF_PROVINCE["46"]
        return NATIONAL[role]


SHANGHAI = Subject("shanghai", "31")


@dataclass
class MatrixWorld:
    """The demo plus the ids the routes are asked with (``ids``) and each user's API token."""

    users: dict[str, AbstractUser]
    ids: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)


def _subject_of(organisation: Organisation) -> Subject:
    member = organisation.memberships.select_related("user").get().user
    return Subject(member.username.removeprefix("applicant-"), organisation.division_code[:2])


def build_matrix_world() -> MatrixWorld:
    """The demo on TODAY, and the few rows it lacks. Call inside a transaction the caller rolls back."""
    create_demo(TODAY)
    users = {user.username: user for user in get_user_model().objects.all()}
    world = MatrixWorld(users=users)
    members = {key: users[f"applicant-{key}"] for key in ("beijing", "shanghai", "hainan", "shenzhen", "haidian")}

    def organisation_of(key: str) -> Organisation:
        return Organisation.objects.get(memberships__user=members[key])

    # Applications: Shanghai's submitted one in ministerial review; Beijing's draft (private to its members).
    submitted = Application.objects.filter(organisation=organisation_of("shanghai"), status="ministerial_review").get()
    draft = Application.objects.filter(organisation=organisation_of("beijing"), status="draft").get()
    world.ids["application"] = submitted.pk
    world.ids["application_version"] = submitted.version
    world.ids["tracking_number"] = submitted.tracking_number
    world.ids["draft"] = draft.pk
    world.ids["draft_kind"] = draft.determination["required_documents"][0]
    world.ids["document_version"] = DocumentVersion.objects.filter(document__application=submitted).first().pk
    # Licences: Shanghai's valid licence (reports, findings, the draw); Beijing's with its change filing;
    # Haidian's revoked licence with its exit under way.
    licence = Licence.objects.filter(organisation=organisation_of("shanghai"), status="valid").get()
    world.ids["licence"] = licence.number
    world.ids["licence_version"] = licence.version
    filing = LicenceFiling.objects.select_related("licence").get(licence__organisation=organisation_of("beijing"))
    world.ids["filing_licence"] = filing.licence.number
    world.ids["filing"] = filing.pk
    world.ids["filing_version"] = filing.version
    network_exit = NetworkExit.objects.select_related("licence").get()
    world.ids["exit_licence"] = network_exit.licence.number
    world.ids["exit_version"] = network_exit.version
    run = IngestionRun.objects.select_related("report").filter(report__licence=licence).first()
    world.ids["report"] = run.report_id
    world.ids["run"] = str(run.pk)
    finding = Finding.objects.filter(licence=licence, status="open").order_by("pk").first()
    evidence_finding = Finding.objects.filter(licence=licence, status="open").order_by("pk").last()
    report_remediation(
        actor=members["shanghai"],
        finding=evidence_finding,
        on=TODAY,
        expected_version=evidence_finding.version,
        note="Nodes moved into the licensed area.",
        evidence=[SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")],
    )
    world.ids["finding"] = finding.pk
    world.ids["finding_version"] = Finding.objects.get(pk=finding.pk).version
    world.ids["report_version"] = QuarterlyReport.objects.get(pk=run.report_id).version
    world.ids["evidence_finding"] = evidence_finding.pk
    world.ids["evidence"] = FindingEvidence.objects.get(finding=evidence_finding).pk
    inspection = Inspection.objects.select_related("licence__organisation").get()
    world.ids["inspection"] = inspection.pk
    world.ids["draw"] = InspectionDraw.objects.get().pk
    world.ids["organisation"] = organisation_of("shanghai").pk
    # The Shanghai applicant is its organisation's admin member, as the user who registers an enterprise is.
    Membership.objects.filter(user=members["shanghai"]).update(is_admin=True)
    invitation = invite_member(
        actor=members["shanghai"],
        organisation=organisation_of("shanghai"),
        email="new.colleague@example.cn",
        language="en",
    )
    world.ids["invitation"] = invitation.pk
    world.ids["notification"] = Notification.objects.filter(recipient=members["shanghai"]).order_by("pk").first().pk
    world.ids["staff_user"] = users["officer-guangdong"].pk
    for name, user in users.items():
        world.tokens[name] = create_api_token(actor=user, name="matrix", scope="write").secret
    world.ids["token"] = (
        apps.get_model("store", "ApiToken").objects.filter(user=members["shanghai"]).values_list("pk", flat=True).get()
    )
    world.subjects = {
        "shanghai": SHANGHAI,
        "beijing": Subject("beijing", "11"),
        "haidian": Subject("haidian", "11"),
        "inspection": _subject_of(inspection.licence.organisation),
    }
    return world


def snapshot() -> dict[str, Any]:
    """What a refusal must not change: every store table's row count and, where rows carry a version,
    the versions' sum and maximum; the audit chain's length without the refusal entries (which the site
    writes deliberately for every 403, web/refusal_audit.py); the users and their memberships."""
    state: dict[str, Any] = {}
    for model in [*apps.get_app_config("store").get_models(), get_user_model()]:
        label = model._meta.label
        if model is AuditEntry:
            state[label] = model.objects.exclude(action__in=NOT_CHANGES).count()
            continue
        queryset = model._default_manager.all()
        state[label] = queryset.count()
        if any(f.name == "version" for f in model._meta.get_fields()):
            state[f"{label}.version"] = tuple(queryset.aggregate(Sum("version"), Max("version")).values())
        if any(f.name == "status" for f in model._meta.get_fields()):
            state[f"{label}.status"] = sorted(queryset.values_list("status", flat=True))
    state["users.active"] = get_user_model().objects.filter(is_active=True).count()
    return state


__all__ = ["PDF", "ROLES", "TODAY", "MatrixWorld", "Subject", "build_matrix_world", "site_routes", "snapshot"]
