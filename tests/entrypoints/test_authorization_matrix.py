"""The authorization matrix: every route of the site (pages and the API under /api/v1/) asked by every
kind of person, each answer written down in one table (``RULES``).

The cases are generated from the URL conf (Django's resolver, tests/support/route_matrix.py): a route
without a row in the table fails ``test_every_route_has_a_row`` (and an API operation the OpenAPI
document lists without a row fails ``test_every_api_operation_has_a_row``), so a new route cannot go
unchecked.

Who asks is named relative to the object of the route (see route_matrix.py): ``member`` of the owning
organisation, ``other_member`` (another organisation's applicant), ``officer`` of the object's province,
``other_officer`` (another province's), the national roles, and ``anonymous``. The answers:

- a number: that exact status (200, 201, 204, 302 for a write done or a page that sends on, 400/422 for
  a form refused, 403, 404, 405, 401 for the API without a token);
- ``LOGIN``: a page's redirect to the sign-in page, keeping where the visitor was going.

Objects a person may not see answer 404 exactly as a missing one does (``UNSEEN``); refusals of something
seen are 403 (and audited, web/refusal_audit.py), a lifecycle action the asker's role may not take too
(``LIFECYCLE_REFUSAL``); a refusal by the state or a guard is a 422. Writes are sent with a well-formed
minimal body where the asker could succeed, so that the role's answer, not the form's, is what is checked (the
success is the writer's own tests' business; here its status only). One write is checked for its
refusals only: the eligibility check's "apply" (no answers sent: 422 for everyone signed in).
Every refused write (an unsafe method answered with a 4xx, or a refusal that redirects, ``Row.unchanged``)
is checked to have changed nothing: the store's row counts, versions and statuses and the audit chain's
length (without the deliberate refusal entries and token-use entries) are the same after it.

Pages are asked with the signed-in session (force_login); the API with each person's personal API token
(a write token, ``Authorization: Bearer``), as the systems that use it do; anonymous asks without either.

Beside the table: the lists leave out what their reader may not open (``LISTINGS``), the Django admin's
generated routes open to the administrator only, and a report's page shows its findings only to those who
may open them (those store.access.visible_findings gives its reader). With MATRIX_OBSERVE=<file> the
table test writes
each answer to the file instead of checking it (a help for writing a new route's row).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from pilot_world import DOSSIER
from route_matrix import PDF, ROLES, TODAY, MatrixWorld, build_matrix_world, site_routes, snapshot

from vatspilot.services.licences.signing_key import init_signing_key

LOGIN = "login"
Outcome = int | str
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OFFICIALS = ("officer", "other_officer", "miit", "cac", "mps", "expert", "inspector", "admin")


# The object belongs to another organisation, in another province: it answers as a missing one does.
UNSEEN: dict[str, Outcome] = {"other_member": 404, "other_officer": 404}
# A lifecycle action the asker's role may not take on something they see (code "role-not-allowed",
# services.lifecycle.errors.ROLE_REFUSALS) is a 403 with the reason on the page or in the problem details,
# for applications as for licences, filings, exits, reports and findings; a refusal by the state or a guard
# (the action is the role's, but not now) is a 422.
LIFECYCLE_REFUSAL = 403


def rule(default: Outcome, *, anonymous: Outcome = LOGIN, **overrides: Outcome) -> dict[str, Outcome]:
    """Every role answers ``default`` unless named; anonymous visitors are sent to sign in."""
    answers = {role: default for role in ROLES}
    answers["anonymous"] = anonymous
    answers.update(overrides)
    return answers


def public(code: Outcome = 200, **overrides: Outcome) -> dict[str, Outcome]:
    return rule(code, anonymous=overrides.pop("anonymous", code), **overrides)


def api(default: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    return rule(default, anonymous=overrides.pop("anonymous", 401), **overrides)


@dataclass(frozen=True)
class Row:
    method: str
    expect: dict[str, Outcome]
    kwargs: Callable[[MatrixWorld], dict[str, Any]] = lambda w: {}
    subject: str = "shanghai"  # the demo organisation that owns the object
    # The form (pages) or JSON body (API) sent with a write, or a function of the world making it.
    data: dict[str, Any] | Callable[[MatrixWorld], dict[str, Any]] | None = None
    query: str = ""
    xfail: dict[str, str] = field(default_factory=dict)  # role -> why (a known bug, left for the lead)
    # Roles whose write is refused without an error status (a redirect that says why): checked unchanged too.
    unchanged: tuple[str, ...] = ()
    multipart: bool = False  # the API's body as a multipart form (an upload), not JSON


def app_(w: MatrixWorld) -> dict[str, Any]:
    return {"application_id": w.ids["application"]}


def draft(w: MatrixWorld) -> dict[str, Any]:
    return {"application_id": w.ids["draft"]}


def lic(w: MatrixWorld) -> dict[str, Any]:
    return {"number": w.ids["licence"]}


def a_document(w: MatrixWorld) -> dict[str, Any]:
    """The draft's first required document, a fresh file object for each request."""
    return {"kind": w.ids["draft_kind"], "file": SimpleUploadedFile("matrix.pdf", PDF, content_type="application/pdf")}


REASON = "Authorization matrix: a reason long enough for every form."
PROFILE = json.loads((Path(settings.BASE_DIR) / "examples" / "profiles" / "shanghai-lingang-jv.json").read_text())
STATISTICS_TABLE = "approvals-by-region"

RULES: dict[str, Row] = {}

RULES.update(
    {
        # --- Public pages and the sign-in machinery ---------------------------------------------------
        "web:home": Row("GET", rule(302, anonymous=200, admin=200)),
        "web:login": Row("GET", public()),
        "web:logout": Row("POST", public(302)),
        "web:account_register": Row("GET", rule(302, anonymous=200)),
        "web:resend_verification": Row("GET", public()),
        "web:verify_email": Row("GET", public(400), lambda w: {"token": "not-a-token"}),
        "web:password_reset": Row("GET", public()),
        "web:password_reset_done": Row("GET", public()),
        "web:password_reset_confirm": Row("GET", public(), lambda w: {"uidb64": "MQ", "token": "not-a-token"}),
        "web:password_reset_complete": Row("GET", public()),
        "web:invitation_accept": Row("GET", public(400), lambda w: {"token": "not-a-token"}),
        # Anyone may switch; a signed-in person's choice is recorded (services.accounts.language).
        "web:set_language": Row("POST", public(302), data={"language": "en", "next": "/"}, unchanged=("anonymous",)),
        "web:register": Row("GET", public()),
        "web:register_export_csv": Row("GET", public()),
        "web:register_export_xlsx": Row("GET", public()),
        "web:register_licence": Row("GET", public(), lic),
        "web:verify": Row("GET", public(), lic),
        "web:lists": Row("GET", public()),
        "web:lists_export_csv": Row("GET", public()),
        "web:lists_export_xlsx": Row("GET", public()),
        "web:track": Row("GET", public()),
        "web:track_application": Row("GET", public(), lambda w: {"number": w.ids["tracking_number"]}),
        "web:statistics": Row("GET", public()),
        "web:statistics_export": Row("GET", public(), lambda w: {"name": STATISTICS_TABLE, "extension": "csv"}),
        "web:statistics_pdf": Row("GET", public()),
        "web:guide": Row("GET", public()),
        "web:rules": Row("GET", public()),
        "web:rules_diff": Row("GET", public()),
        "web:rule": Row("GET", public(), lambda w: {"rule_id": "cap:notice-107"}),
        "web:eligibility": Row("GET", public()),
        "web:eligibility_places": Row("GET", public()),
        "web:eligibility_pdf": Row("GET", public(422)),  # no answers: the same 422 for everyone
        "web:eligibility_apply": Row("POST", rule(422)),  # refusals only: no answers sent
        # --- An organisation's members and invitations ------------------------------------------------
        "web:members": Row("GET", rule(200)),
        "web:invite": Row(
            "POST",
            rule(403, member=302, **UNSEEN),
            lambda w: {"organisation_id": w.ids["organisation"]},
            data={"email": "new.colleague.two@example.cn", "language": "en"},
        ),
        "web:invitation_revoke": Row(
            "POST",
            rule(403, member=302, **UNSEEN),
            lambda w: {"organisation_id": w.ids["organisation"], "invitation_id": w.ids["invitation"]},
        ),
        # --- Applications -----------------------------------------------------------------------------
        "web:applications": Row("GET", rule(200)),
        # Officials and another organisation's member are sent back to the list with the refusal said there.
        "web:application_create": Row(
            "POST",
            rule(302),
            data=lambda w: {"organisation": w.ids["organisation"]},
            unchanged=("other_member", *OFFICIALS),
        ),
        "web:application": Row("GET", rule(200, **UNSEEN), app_),
        "web:dossier": Row("GET", rule(404, member=200), draft, subject="beijing"),
        "web:upload": Row("POST", rule(404, member=302), draft, subject="beijing", data=a_document, multipart=True),
        "web:withdraw_confirm": Row("GET", rule(404, member=200), app_),
        "web:delete_draft": Row("GET", rule(404, member=200), draft, subject="beijing"),
        "web:action": Row(
            "POST",
            rule(LIFECYCLE_REFUSAL, miit=302, **UNSEEN),
            lambda w: {**app_(w), "action": "order_onsite_verification"},
            data=lambda w: {"order_onsite_verification-expected_version": w.ids["application_version"]},
        ),
        "web:download": Row("GET", rule(200, **UNSEEN), lambda w: {"version_id": w.ids["document_version"]}),
        "web:queue": Row("GET", rule(200)),
        # --- Licences, filings, exits -------------------------------------------------------------------
        "web:licences": Row("GET", rule(200)),
        "web:licence": Row("GET", rule(200, **UNSEEN), lic),
        "web:licence_certificate": Row("GET", rule(200, **UNSEEN), lic),
        "web:licence_action": Row(
            "POST",
            rule(403, miit=302, **UNSEEN),
            lambda w: {**lic(w), "action": "suspend"},
            data=lambda w: {"suspend-expected_version": w.ids["licence_version"], "suspend-reason": REASON},
        ),
        "web:filing_change": Row("GET", rule(403, member=200, **UNSEEN), lic),
        "web:filing_renewal": Row("GET", rule(403, member=200, **UNSEEN), lic),
        "web:filing": Row(
            "GET",
            rule(200, **UNSEEN),
            lambda w: {"number": w.ids["filing_licence"], "filing_id": w.ids["filing"]},
            subject="beijing",
        ),
        "web:filing_action": Row(
            "POST",
            rule(403, miit=302, **UNSEEN),
            lambda w: {"number": w.ids["filing_licence"], "filing_id": w.ids["filing"], "action": "approve"},
            subject="beijing",
            data=lambda w: {"approve-expected_version": w.ids["filing_version"], "approve-reason": REASON},
        ),
        "web:exit": Row("GET", rule(200, **UNSEEN), lambda w: {"number": w.ids["exit_licence"]}, subject="haidian"),
        "web:exit_action": Row(
            "POST",
            rule(403, member=302, **UNSEEN),
            lambda w: {"number": w.ids["exit_licence"], "action": "report_progress"},
            subject="haidian",
            data=lambda w: {
                "report_progress-expected_version": w.ids["exit_version"],
                "report_progress-users_migrated": 900,  # the demo's exit reported 830 moved
                "report_progress-note": REASON,
            },
        ),
        "web:exits": Row("GET", rule(403, officer=200, other_officer=200, miit=200)),
        "web:exits_export": Row(
            "GET", rule(403, officer=200, other_officer=200, miit=200), lambda w: {"extension": "csv"}
        ),
        # --- Quarterly reports --------------------------------------------------------------------------
        "web:licence_reports": Row("GET", rule(200, **UNSEEN), lic),
        "web:licence_reports_export": Row("GET", rule(200, **UNSEEN), lambda w: {**lic(w), "extension": "csv"}),
        # The demo's day falls between report windows: the holder's opening is refused for the day (422).
        "web:report_open": Row("POST", rule(403, member=422, **UNSEEN), lic, data={"year": 2026, "quarter": 4}),
        "web:report": Row("GET", rule(200, **UNSEEN), lambda w: {"report_id": w.ids["report"]}),
        "web:report_data": Row("POST", rule(403, member=422, **UNSEEN), lambda w: {"report_id": w.ids["report"]}),
        "web:report_upload": Row(
            "POST", rule(403, member=422, **UNSEEN), lambda w: {"report_id": w.ids["report"], "part": "node_list"}
        ),
        "web:report_run_progress": Row(
            "GET", rule(200, **UNSEEN), lambda w: {"report_id": w.ids["report"], "run_id": w.ids["run"]}
        ),
        "web:report_action": Row(
            "POST",
            rule(403, officer=302, miit=302, **UNSEEN),
            lambda w: {"report_id": w.ids["report"], "action": "accept"},
            data=lambda w: {"accept-expected_version": w.ids["report_version"]},
        ),
        # --- Findings and inspections -------------------------------------------------------------------
        "web:findings": Row("GET", rule(200)),
        "web:findings_export": Row("GET", rule(200), lambda w: {"extension": "csv"}),
        "web:finding": Row(
            "GET", rule(404, member=200, officer=200, miit=200), lambda w: {"finding_id": w.ids["finding"]}
        ),
        "web:finding_evidence": Row(
            "GET",
            rule(404, member=200, officer=200, miit=200),
            lambda w: {"finding_id": w.ids["evidence_finding"], "evidence_id": w.ids["evidence"]},
        ),
        "web:finding_action": Row(
            "POST",
            rule(404, member=403, officer=302, miit=302),
            lambda w: {"finding_id": w.ids["finding"], "action": "dismiss"},
            data=lambda w: {"dismiss-expected_version": w.ids["finding_version"], "dismiss-reason": REASON},
        ),
        "web:inspections": Row("GET", rule(403, officer=200, other_officer=200, miit=200, inspector=200)),
        "web:draw": Row("GET", public(), lambda w: {"draw_id": w.ids["draw"]}),
        "web:inspection": Row(
            "GET",
            rule(404, officer=200, miit=200, inspector=200),
            lambda w: {"inspection_id": w.ids["inspection"]},
            subject="inspection",
        ),
        "web:inspection_record": Row(
            "POST",
            rule(404, officer=403, miit=403, inspector=302),
            lambda w: {"inspection_id": w.ids["inspection"]},
            subject="inspection",
            data={"record-done_on": TODAY.isoformat(), "record-summary": REASON, "record-found": ""},
        ),
        "web:supervision": Row("GET", rule(404, officer=200, other_officer=200, miit=200)),
        "web:supervision_export": Row(
            "GET",
            rule(404, officer=200, other_officer=200, miit=200),
            lambda w: {"name": "late-reports", "extension": "csv"},
        ),
        # --- The signed-in user's own pages -------------------------------------------------------------
        "web:api_tokens": Row("GET", rule(200)),
        "web:api_token_revoke": Row("POST", rule(404, member=302), lambda w: {"token_id": w.ids["token"]}),
        "web:inbox": Row("GET", rule(200)),
        "web:notification_read": Row(
            "POST", rule(404, member=302), lambda w: {"notification_id": w.ids["notification"]}
        ),
        "web:notifications_read_all": Row("POST", rule(302)),
        # --- The administrator's pages ------------------------------------------------------------------
        "web:staff": Row("GET", rule(403, admin=200)),
        "web:staff_create": Row("POST", rule(403, admin=400), data={}),
        "web:staff_account": Row(
            "POST", rule(403, admin=302), lambda w: {"user_id": w.ids["staff_user"], "action": "deactivate"}
        ),
        # --- The API (/api/v1/) ---------------------------------------------------------------------------
        "api:api-root": Row("GET", public(404)),  # django-ninja's root: nothing there, for anyone
        "api:openapi-json": Row("GET", public()),
        "api:openapi-view": Row("GET", public()),
        "api:list_applications": Row("GET", api(200)),
        "api:open_application": Row("POST", api(422, member=201, other_member=201), data={}),
        "api:get_application": Row("GET", api(200, **UNSEEN), app_),
        "api:delete_application": Row("DELETE", api(404, member=204), draft, subject="beijing"),
        "api:act": Row(
            "POST",
            api(LIFECYCLE_REFUSAL, miit=200, **UNSEEN),
            lambda w: {**app_(w), "action": "order_onsite_verification"},
            data=lambda w: {"expected_version": w.ids["application_version"]},
        ),
        "api:put_dossier": Row("PUT", api(404, member=200), draft, subject="beijing", data=DOSSIER),
        "api:list_documents": Row("GET", api(200, **UNSEEN), app_),
        "api:download_document": Row(
            "GET", api(200, **UNSEEN), lambda w: {**app_(w), "version_id": w.ids["document_version"]}
        ),
        "api:upload_document": Row(
            "POST", api(404, member=201), draft, subject="beijing", data=a_document, multipart=True
        ),
        "api:check_eligibility": Row("POST", public(), data=lambda w: PROFILE),
        "api:list_tokens": Row("GET", api(200)),
        "api:revoke_token": Row("POST", api(404, member=200), lambda w: {"token_id": w.ids["token"]}),
        "api:search": Row("GET", public()),
        "api:licence": Row("GET", public(), lic),
    }
)

# The public portal's data and the supervisors' dashboard (api/routers/statistics.py, tracking.py, rules.py,
# supervision_dashboard.py): public to everyone, token or none; the dashboard as web:supervision.
RULES.update(
    {
        "api:list_statistics_tables": Row("GET", public()),
        "api:list_published_figures": Row("GET", public()),
        "api:get_statistics_table": Row("GET", public(), lambda w: {"name": STATISTICS_TABLE}),
        "api:track_application": Row("GET", public(), lambda w: {"tracking_number": w.ids["tracking_number"]}),
        "api:list_rules_in_force": Row("GET", public()),
        "api:get_rule": Row("GET", public(), lambda w: {"rule_id": "cap:notice-107"}),
        "api:diff_rules": Row("GET", public(), query="from=2024-10-22"),
        "api:list_rule_milestones": Row("GET", public()),
        "api:get_service_guide": Row("GET", public()),
        "api:get_supervision_dashboard": Row("GET", api(404, officer=200, other_officer=200, miit=200)),
    }
)


def _report(w: MatrixWorld) -> dict[str, Any]:
    return {"report_id": w.ids["report"]}


# Quarterly reports (api/routers/reports.py), as their pages answer: the demo's report is submitted and
# the demo's day falls between report windows, so the holder's writes are refused for the day (422).
RULES.update(
    {
        "api:list_licence_obligations": Row("GET", api(200, **UNSEEN), lic),
        "api:open_licence_report": Row("POST", api(403, member=422, **UNSEEN), lic, data={"year": 2026, "quarter": 4}),
        "api:get_report": Row("GET", api(200, **UNSEEN), _report),
        "api:put_report_data": Row(
            "PUT", api(403, member=422, **UNSEEN), _report, data=lambda w: {"expected_version": w.ids["report_version"]}
        ),
        "api:upload_report_part": Row(
            "POST",
            api(403, member=422, **UNSEEN),
            lambda w: {**_report(w), "part": "node_list"},
            data=lambda w: {
                "expected_version": str(w.ids["report_version"]),
                "file": SimpleUploadedFile("nodes.csv", b"id,address,role,location\n"),
            },
            multipart=True,
        ),
        "api:get_report_run": Row("GET", api(200, **UNSEEN), lambda w: {**_report(w), "run_id": w.ids["run"]}),
        "api:take_report_action": Row(
            "POST",
            api(403, officer=200, miit=200, **UNSEEN),
            lambda w: {**_report(w), "action": "accept"},
            data=lambda w: {"expected_version": w.ids["report_version"]},
        ),
    }
)

# The API: network exits, the public credit lists, the inbox (api/routers/network_exits.py, credit_lists.py,
# inbox.py): as web:exits, web:exit, web:exit_action, web:lists, web:inbox and its marks.
RULES.update(
    {
        "api:list_exits": Row("GET", api(403, officer=200, other_officer=200, miit=200)),
        "api:get_licence_exit": Row(
            "GET", api(200, **UNSEEN), lambda w: {"number": w.ids["exit_licence"]}, subject="haidian"
        ),
        "api:take_exit_action": Row(
            "POST",
            api(403, member=200, **UNSEEN),
            lambda w: {"number": w.ids["exit_licence"], "action": "report_progress"},
            subject="haidian",
            data=lambda w: {"expected_version": w.ids["exit_version"], "users_migrated": 900, "note": REASON},
        ),
        "api:list_credit_entries": Row("GET", public()),
        "api:list_notifications": Row("GET", api(200)),
        "api:mark_notification_read": Row(
            "POST", api(404, member=200), lambda w: {"notification_id": w.ids["notification"]}
        ),
        "api:mark_all_notifications_read": Row("POST", api(200)),
    }
)


def _finding(w: MatrixWorld) -> dict[str, Any]:
    return {"finding_id": w.ids["finding"]}


def _inspection(w: MatrixWorld) -> dict[str, Any]:
    return {"inspection_id": w.ids["inspection"]}


# Findings and inspections (api/routers/findings.py, inspections.py), as web:finding*, web:inspection*:
# the holder's remediation (multipart, with its evidence) and the authority's dismissal; a nationwide draw
# is MIIT's alone; the team's inspector records the inspection.
RULES.update(
    {
        "api:list_findings": Row("GET", api(200)),
        "api:get_finding": Row("GET", api(404, member=200, officer=200, miit=200), _finding),
        "api:get_finding_evidence": Row(
            "GET",
            api(404, member=200, officer=200, miit=200),
            lambda w: {"finding_id": w.ids["evidence_finding"], "evidence_id": w.ids["evidence"]},
        ),
        "api:report_finding_remediation": Row(
            "POST",
            api(404, member=200, officer=403, miit=403),
            _finding,
            data=lambda w: {
                "expected_version": str(w.ids["finding_version"]),
                "note": REASON,
                "evidence": SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf"),
            },
            multipart=True,
        ),
        "api:take_finding_action": Row(
            "POST",
            api(404, member=403, officer=200, miit=200),
            lambda w: {**_finding(w), "action": "dismiss"},
            data=lambda w: {"expected_version": w.ids["finding_version"], "reason": REASON},
        ),
        "api:list_inspections": Row("GET", api(403, officer=200, other_officer=200, miit=200, inspector=200)),
        "api:make_draw": Row(
            "POST",
            api(403, miit=201),
            data={"jurisdiction": "nationwide", "seed": "matrix", "kind": "on_site", "licensee_count": 1},
        ),
        "api:get_draw": Row("GET", public(), lambda w: {"draw_id": w.ids["draw"]}),
        "api:get_inspection": Row(
            "GET", api(404, officer=200, miit=200, inspector=200), _inspection, subject="inspection"
        ),
        "api:record_inspection_done": Row(
            "POST",
            api(404, officer=403, miit=403, inspector=200),
            _inspection,
            subject="inspection",
            data={"done_on": TODAY.isoformat(), "summary": REASON},
        ),
    }
)


def _filing(w: MatrixWorld) -> dict[str, Any]:
    return {"number": w.ids["filing_licence"], "filing_id": w.ids["filing"]}


def _renewal(w: MatrixWorld) -> dict[str, Any]:
    """Every service of the Shanghai licence launched on the day: a renewal its holder may file."""
    from vatspilot.store.models import Licence

    services = Licence.objects.get(number=w.ids["licence"]).licensed_services()
    return {"launched": {service.code: TODAY.isoformat() for service in services}}


# Licences and their filings (api/routers/licences.py, licence_filings.py), as web:licences, web:licence,
# web:licence_certificate, web:licence_action, web:filing_change/web:filing_renewal (filed: 201),
# web:filing and web:filing_action answer.
RULES.update(
    {
        "api:list_licences": Row("GET", api(200)),
        "api:get_licence": Row("GET", api(200, **UNSEEN), lic),
        "api:get_licence_certificate": Row("GET", api(200, **UNSEEN), lic),
        "api:take_licence_action": Row(
            "POST",
            api(403, miit=200, **UNSEEN),
            lambda w: {**lic(w), "action": "suspend"},
            data=lambda w: {"expected_version": w.ids["licence_version"], "reason": REASON},
        ),
        "api:list_licence_filings": Row("GET", api(200, **UNSEEN), lic),
        "api:file_licence_change": Row(
            "POST",
            api(403, member=201, **UNSEEN),
            lic,
            data={"kinds": ["legal_representative"], "changed_on": TODAY.isoformat(), "legal_representative": "王五"},
        ),
        "api:file_licence_renewal": Row("POST", api(403, member=201, **UNSEEN), lic, data=_renewal),
        "api:get_licence_filing": Row("GET", api(200, **UNSEEN), _filing, subject="beijing"),
        "api:take_licence_filing_action": Row(
            "POST",
            api(403, miit=200, **UNSEEN),
            lambda w: {**_filing(w), "action": "approve"},
            subject="beijing",
            data=lambda w: {"expected_version": w.ids["filing_version"], "reason": REASON},
        ),
    }
)

# The accounts and the staff accounts over the API (api/routers/accounts.py, staff.py): an organisation's
# members for its members, its invitations for its admin members (the Shanghai applicant); those who see
# the organisation but are not its members are refused (403), the rest do not see it (404); the staff
# accounts for the administrator alone.
RULES.update(
    {
        "api:get_me": Row("GET", api(200)),
        "api:list_members": Row(
            "GET", api(403, member=200, **UNSEEN), lambda w: {"organisation_id": w.ids["organisation"]}
        ),
        "api:list_invitations": Row(
            "GET", api(403, member=200, **UNSEEN), lambda w: {"organisation_id": w.ids["organisation"]}
        ),
        "api:invite_member": Row(
            "POST",
            api(403, member=201, **UNSEEN),
            lambda w: {"organisation_id": w.ids["organisation"]},
            data={"email": "new.colleague.three@example.cn", "language": "en"},
        ),
        "api:revoke_invitation": Row(
            "POST",
            api(403, member=200, **UNSEEN),
            lambda w: {"organisation_id": w.ids["organisation"], "invitation_id": w.ids["invitation"]},
        ),
        "api:list_staff_accounts": Row("GET", api(403, admin=200)),
        "api:create_staff_account": Row(
            "POST", api(403, admin=201), data={"username": "matrix-new-official", "role": "inspector"}
        ),
        "api:take_staff_account_action": Row(
            "POST",
            api(403, admin=200),
            lambda w: {"user_id": w.ids["staff_user"], "action": "deactivate"},
            data={},
        ),
    }
)

# --- end of the API rows (helpers add their blocks above) ---


# --- The world, built once for the module ------------------------------------------------------------


@pytest.fixture(scope="module")
def _built(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MatrixWorld]:
    """The demo and its additions, built once inside a transaction rolled back after the module; each case
    runs in its own transaction nested in it (the ``db`` fixture), so a write let through is undone."""
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            VATSPILOT_REPORT_DIR=media / "reports",
            PASSWORD_HASHERS=FAST_HASHING,
            VATSPILOT_TODAY=TODAY,
        ),
        transaction.atomic(),
    ):
        importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
        world = build_matrix_world()
        world.ids["media"] = media
        init_signing_key(media / "keys", organisation="vatspilot", common_name="matrix", now=datetime.now(UTC))
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def matrix(_built: MatrixWorld, db: None, settings: Any) -> MatrixWorld:
    settings.VATSPILOT_TODAY = TODAY
    settings.MEDIA_ROOT = _built.ids["media"]
    settings.VATSPILOT_REPORT_DIR = _built.ids["media"] / "reports"
    settings.VATSPILOT_SIGNING_KEY_DIR = _built.ids["media"] / "keys"
    return _built


def _cases() -> Iterator[Any]:
    for name in sorted(RULES):
        row = RULES[name]
        for role in ROLES:
            marks = []
            if role in row.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=row.xfail[role]))
            yield pytest.param(name, role, id=f"{name}-{role}", marks=marks)


def _ask(matrix: MatrixWorld, name: str, role: str) -> tuple[Any, str, dict[str, Any] | None]:
    """The request's answer, its path, and the snapshot of the store taken just before it was sent (after
    signing in, which is audited) when it is a write."""
    row = RULES[name]
    subject = matrix.subjects[row.subject]
    username = subject.username(role)
    user = matrix.users[username] if username else None
    path = reverse(name, kwargs=row.kwargs(matrix)) + (f"?{row.query}" if row.query else "")
    is_api = name.startswith("api:")
    headers: dict[str, str] = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if is_api and user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {matrix.tokens[user.username]}"
    client = Client(**headers)
    if user is not None and not is_api:
        client.force_login(user)
    method = row.method.lower()
    data = row.data(matrix) if callable(row.data) else row.data
    before = snapshot() if row.method in UNSAFE else None
    if is_api and data is not None and not row.multipart:
        response = getattr(client, method)(path, data=json.dumps(data), content_type="application/json")
    elif row.method == "GET":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, data=data or {})
    return response, path, before


def _outcome(response: Any) -> Outcome:
    if response.status_code == 302 and response["Location"].startswith(reverse("web:login") + "?next="):
        return LOGIN
    return int(response.status_code)


OBSERVE = os.environ.get("MATRIX_OBSERVE")
# The API's own routes that are not operations of its document: the document, its docs page, the root.
API_DOCUMENTS = ("api-root", "openapi-json", "openapi-view")


def test_every_route_has_a_row() -> None:
    """A route added to the URL conf without its row here fails: say who may reach it."""
    assert set(site_routes()) == set(RULES)


def test_every_api_operation_has_a_row(client: Client) -> None:
    """Every operation of the OpenAPI document is a row, asked with the operation's method (django-ninja
    names an operation's route after its function, which ends the operation's id)."""
    document = client.get(reverse("api:openapi-json")).json()
    operations = sorted(
        (operation["operationId"], method.upper())
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    )
    api_rows = {name.removeprefix("api:"): row.method for name, row in RULES.items() if name.startswith("api:")}
    unmatched = [
        (operation_id, method)
        for operation_id, method in operations
        if [name for name, row_method in api_rows.items() if operation_id.endswith(f"_{name}") and row_method == method]
        == []
    ]
    assert unmatched == []
    assert len(operations) == len(api_rows) - len(API_DOCUMENTS)


@pytest.mark.parametrize(("name", "role"), list(_cases()))
def test_route_answers_as_the_matrix_says(matrix: MatrixWorld, name: str, role: str) -> None:
    row = RULES[name]
    response, path, before = _ask(matrix, name, role)
    outcome = _outcome(response)
    if OBSERVE:
        with open(OBSERVE, "a") as out:
            out.write(json.dumps([name, role, outcome, response.status_code]) + "\n")
        return
    assert (row.method, path, role, outcome) == (row.method, path, role, row.expect[role])
    if before is not None and (response.status_code >= 400 or role in row.unchanged):
        assert snapshot() == before, f"{row.method} {path} as {role} was refused but changed the store"


# --- Lists: what a person may not open is not listed either ---------------------------------------------


@dataclass(frozen=True)
class Listing:
    """A list route, the text that would name the object there (a link, an id), the roles it is shown to
    (checked first: otherwise the absence below would prove nothing) and the roles it must not be shown to."""

    route: str
    marker: Callable[[MatrixWorld], str]
    shown_to: tuple[str, ...]
    hidden_from: tuple[str, ...]
    subject: str = "shanghai"


def _link(route: str, key: str, argument: str) -> Callable[[MatrixWorld], str]:
    return lambda w: f'href="{reverse(route, kwargs={argument: w.ids[key]})}"'


def _row(key: str) -> Callable[[MatrixWorld], str]:
    return lambda w: f">#{w.ids[key]}</a>"


def _api_id(key: str) -> Callable[[MatrixWorld], str]:
    return lambda w: str(w.ids[key])


NOT_MINE = ("other_member", "other_officer")
LISTINGS = {
    "applications": Listing("web:applications", _row("application"), ("member",), ("other_member",)),
    "applications-draft": Listing(
        "web:applications", _row("draft"), ("member",), ("other_member", *OFFICIALS), subject="beijing"
    ),
    "queue": Listing("web:queue", _link("web:application", "application", "application_id"), ("miit",), NOT_MINE),
    "api-applications": Listing(
        "api:list_applications", _api_id("application"), ("member", "officer", "miit"), NOT_MINE
    ),
    "api-applications-draft": Listing(
        "api:list_applications", _api_id("draft"), ("member",), ("other_member", *OFFICIALS), subject="beijing"
    ),
    "licences": Listing(
        "web:licences", _link("web:licence", "licence", "number"), ("member", "officer", "miit"), NOT_MINE
    ),
    "api-licences": Listing("api:list_licences", _api_id("licence"), ("member", "officer", "miit"), NOT_MINE),
    "findings": Listing(
        "web:findings",
        _link("web:finding", "finding", "finding_id"),
        ("member", "officer", "miit"),
        (*NOT_MINE, "cac", "mps", "expert", "inspector", "admin"),
    ),
    "inspections": Listing(
        "web:inspections",
        _link("web:inspection", "inspection", "inspection_id"),
        ("officer", "miit", "inspector"),
        ("other_officer",),
        subject="inspection",
    ),
    "api-findings": Listing(
        "api:list_findings",
        _api_id("finding"),
        ("member", "officer", "miit"),
        (*NOT_MINE, "cac", "mps", "expert", "inspector", "admin"),
    ),
    "api-inspections": Listing(
        "api:list_inspections",
        _api_id("inspection"),
        ("officer", "miit", "inspector"),
        ("other_officer",),
        subject="inspection",
    ),
}

# The inbox holds its reader's notifications only (api/routers/inbox.py).
LISTINGS["api-inbox"] = Listing(
    "api:list_notifications", _api_id("notification"), ("member",), ("other_member", "officer", "miit", "admin")
)


def _listed(response: Any, marker: str, is_api: bool) -> bool:
    if is_api:
        body = response.json()
        items = body if isinstance(body, list) else body.get("items", [])
        # An item is named by its id, or a licence by its number.
        return any(str(item.get("id", item.get("number"))) == marker for item in items)
    return marker in response.content.decode()


@pytest.mark.parametrize("listing", sorted(LISTINGS))
def test_lists_leave_out_what_the_asker_may_not_open(matrix: MatrixWorld, listing: str) -> None:
    spec = LISTINGS[listing]
    subject = matrix.subjects[spec.subject]
    marker = spec.marker(matrix)
    seen = {}
    for role in (*spec.shown_to, *spec.hidden_from):
        user = matrix.users[subject.username(role) or ""]
        if spec.route.startswith("api:"):
            client = Client(HTTP_AUTHORIZATION=f"Bearer {matrix.tokens[user.username]}")
        else:
            client = Client()
            client.force_login(user)
        response = client.get(reverse(spec.route))
        assert response.status_code == 200, (listing, role)
        seen[role] = _listed(response, marker, spec.route.startswith("api:"))
    assert seen == {**dict.fromkeys(spec.shown_to, True), **dict.fromkeys(spec.hidden_from, False)}


def test_the_snapshot_sees_a_write(matrix: MatrixWorld) -> None:
    """The "changed nothing" check can fail: the administrator's deactivation, let through, changes it."""
    response, _path, before = _ask(matrix, "web:staff_account", "admin")
    assert response.status_code == 302
    assert before is not None and snapshot() != before


# --- The Django admin: its generated routes, for the administrator only --------------------------------


def _admin_pages() -> list[str]:
    """The admin's index and every registered model's list (the admin only shows records)."""
    from django.contrib import admin

    return [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_django_admin_opens_to_the_administrator_only(matrix: MatrixWorld, role: str) -> None:
    username = matrix.subjects["shanghai"].username(role)
    client = Client()
    if username:
        client.force_login(matrix.users[username])
    answers = {}
    for path in _admin_pages():
        response = client.get(path)
        answers[path] = response.status_code, response.get("Location")
    expected = 200, None
    assert answers == {
        path: expected if role == "admin" else (302, f"{reverse('admin:login')}?next={path}") for path in answers
    }


# --- A page showing another kind of object shows only what its reader may open -------------------------


@pytest.mark.parametrize(
    "role",
    ["member", "officer", "miit", "cac", "mps", "expert", "inspector", "admin"],
)
def test_a_report_page_shows_its_findings_only_to_who_may_open_them(matrix: MatrixWorld, role: str) -> None:
    user = matrix.users[matrix.subjects["shanghai"].username(role) or ""]
    client = Client()
    client.force_login(user)
    page = client.get(reverse("web:report", kwargs={"report_id": matrix.ids["report"]}))
    finding = client.get(reverse("web:finding", kwargs={"finding_id": matrix.ids["finding"]}))
    link = f'href="{reverse("web:finding", kwargs={"finding_id": matrix.ids["finding"]})}"'
    assert (page.status_code, link in page.content.decode()) == (200, finding.status_code == 200)
