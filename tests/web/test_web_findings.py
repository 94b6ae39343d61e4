"""Findings on the web (/findings/, /findings/<id>/): who sees which finding (the holder, the province's
officer and MIIT; another organisation, an officer elsewhere and an inspector get the 404 of a finding
nobody has; anonymous readers are sent to sign in), the page's facts (rule, citation in both languages,
details, deadline, rung, evidence, timeline), a form per action open to the reader with the finding's
version hidden, refusals that change nothing (a 403 for a role that may not, a 422 naming the field, a
409 for a stale form), the holder's remediation with several evidence files and their access-checked
download, and the ladder walked through the pages to a scope reduction (the licence page then lists
fewer services) and a revocation behind a confirmation page; the list with its filters; Chinese."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pilot_world import PDF, World, client_for, make_user
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.licences.lists import list_enterprise
from vatspilot.services.supervision.findings import raise_finding
from vatspilot.store.models import AuditEntry, Finding, FindingEvidence, Licence, LicenceEvent, SupervisionEvent

pytestmark = pytest.mark.django_db
RAISED = date(2025, 10, 16)  # critical: remediation due 2025-10-31
CITATION_ZH = "《网络安全法》第二十二条"


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = "2025-10-20"
    return world.licence()


@pytest.fixture
def finding(licence: Licence) -> Finding:
    made, _new = raise_finding(
        actor=None,
        licence=licence,
        rule="node:outside-mainland",
        citation="Pilot Notice: node lists (test basis)",
        severity=Severity.CRITICAL,
        fingerprint="report:1:node:outside-mainland",
        on=RAISED,
        details={
            "nodes": 2,
            "listed": [{"id": "n-7", "line": 8, "detail": "203.0.113.9 resolves to US"}],
            "confidence": "U",
            "citation_zh": CITATION_ZH,
        },
    )
    return made


def url(finding: Finding, tail: str = "") -> str:
    return f"/findings/{finding.pk}/{tail}"


def forms_on(html: str) -> list[str]:
    return re.findall(r'id="finding-action-([a-z_]+)"', html)


def unchanged(finding: Finding) -> tuple[object, ...]:
    row = Finding.objects.filter(pk=finding.pk).values_list("status", "version", "rectification_due_on").get()
    licence = Licence.objects.filter(pk=finding.licence_id).values_list("status", "version", "services").get()
    return (
        row,
        licence,
        SupervisionEvent.objects.count(),
        LicenceEvent.objects.count(),
        FindingEvidence.objects.count(),
        # The writes' entries (a refused request's and a sign-in's are audited too, and are not writes).
        AuditEntry.objects.filter(action__regex=r"^(finding|licence|credit_list|network_exit)\.").count(),
    )


def same_page(one: bytes, other: bytes) -> bool:
    """Two pages alike in their content (the header carries a fresh CSRF token and the address)."""

    def main(page: bytes) -> bytes:
        return page[page.index(b"<main") : page.index(b"</main>")]

    return main(one) == main(other)


def evidence(name: str = "patch-report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Who sees what ---------------------------------------------------------------------------------------


def test_the_holder_reads_the_finding_and_may_report_its_remediation(world: World, finding: Finding) -> None:
    response = client_for(world.applicant).get(url(finding))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Finding #{finding.pk}</h1>" in html
    assert 'data-status="open"' in html
    assert '<dd id="finding-rule" data-rule="node:outside-mainland">Node outside mainland China</dd>' in html
    # The basis once, in the reader's language.
    assert '<dd id="finding-basis">Pilot Notice: node lists (test basis)</dd>' in html
    assert CITATION_ZH not in html
    assert "2025-10-31: 11 days left" in html
    assert '<li class="ladder__rung ladder__rung--reached ladder__rung--current" data-rung="open"' in html
    assert "<td>n-7</td><td>8</td><td>203.0.113.9 resolves to US</td>" in html
    assert '<dt>Nodes concerned</dt><dd data-detail="nodes">2</dd>' in html
    assert forms_on(html) == ["report_remediation"]
    assert f'name="report_remediation-expected_version" value="{finding.version}"' in html
    assert 'enctype="multipart/form-data"' in html


def test_the_province_officer_and_miit_read_it_with_their_actions(world: World, finding: Finding) -> None:
    for role in (Role.LOCAL_OFFICER, Role.MIIT_REVIEWER):
        html = client_for(world.users[role]).get(url(finding)).content.decode()
        assert ">Node outside mainland China</dd>" in html
        # Not overdue yet (due 2025-10-31): only the dismissal.
        assert forms_on(html) == ["dismiss"], role


@pytest.mark.parametrize("who", ["other_applicant", "outsider", "inspector", "cac"])
def test_others_get_the_404_of_a_finding_nobody_has(world: World, finding: Finding, who: str) -> None:
    user = {
        "other_applicant": world.other_applicant,
        "outsider": world.outsider,
        "inspector": world.users[Role.INSPECTOR],
        "cac": world.users[Role.CAC_REVIEWER],
    }[who]
    client = client_for(user)
    missing = client.get("/findings/999999/")
    response = client.get(url(finding))
    assert (response.status_code, missing.status_code) == (404, 404)
    assert same_page(response.content, missing.content)
    before = unchanged(finding)
    posted = client.post(url(finding, "dismiss/"), {"dismiss-expected_version": "1", "dismiss-reason": "x"})
    assert posted.status_code == 404
    assert unchanged(finding) == before


def test_anonymous_readers_are_sent_to_sign_in(finding: Finding) -> None:
    before = unchanged(finding)
    for response in (
        client_for(None).get(url(finding)),
        client_for(None).get("/findings/"),
        client_for(None).post(url(finding, "dismiss/"), {"dismiss-expected_version": "1", "dismiss-reason": "x"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert unchanged(finding) == before


# --- Remediation and the decisions on it -------------------------------------------------------------------


def test_the_holder_reports_with_two_files_and_the_download_is_access_checked(world: World, finding: Finding) -> None:
    holder = client_for(world.applicant)
    response = holder.post(
        url(finding, "report_remediation/"),
        {
            "report_remediation-expected_version": "1",
            "report_remediation-note": "Node n-7 moved to Shanghai (ticket 4411)",
            "report_remediation-evidence": [evidence("a.pdf"), evidence("b.pdf")],
        },
        follow=True,
    )
    assert response.redirect_chain == [(url(finding), 302)]
    html = response.content.decode()
    assert "Done: Remediation reported." in html
    assert 'data-status="remediation_reported"' in html
    assert "Node n-7 moved to Shanghai (ticket 4411)" in html
    items = list(FindingEvidence.objects.filter(finding=finding).order_by("pk"))
    assert [item.filename for item in items] == ["a.pdf", "b.pdf"]
    assert f'href="/findings/{finding.pk}/evidence/{items[0].pk}/">a.pdf</a>' in html
    assert forms_on(html) == []
    download = holder.get(url(finding, f"evidence/{items[0].pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="a.pdf"'
    officer = client_for(world.users[Role.LOCAL_OFFICER])
    assert officer.get(url(finding, f"evidence/{items[1].pk}/")).status_code == 200
    for user in (world.other_applicant, world.outsider, world.users[Role.INSPECTOR]):
        assert client_for(user).get(url(finding, f"evidence/{items[0].pk}/")).status_code == 404
    assert holder.get(url(finding, "evidence/999999/")).status_code == 404
    # The officer rejects it: open again; the holder reports again; the officer accepts.
    html = officer.get(url(finding)).content.decode()
    assert forms_on(html) == ["accept_remediation", "reject_remediation"]
    officer.post(
        url(finding, "reject_remediation/"),
        {"reject_remediation-expected_version": "2", "reject_remediation-reason": "n-7 still answers from US"},
    )
    assert Finding.objects.get(pk=finding.pk).status == "open"
    holder.post(
        url(finding, "report_remediation/"),
        {
            "report_remediation-expected_version": "3",
            "report_remediation-note": "Decommissioned",
            "report_remediation-evidence": evidence("c.pdf"),
        },
    )
    response = officer.post(
        url(finding, "accept_remediation/"),
        {"accept_remediation-expected_version": "4", "accept_remediation-reason": "Verified by scan"},
        follow=True,
    )
    html = response.content.decode()
    assert Finding.objects.get(pk=finding.pk).status == "resolved"
    assert re.findall(r'<tr data-action="([a-z_]+)">', html) == [
        "report_remediation",
        "reject_remediation",
        "report_remediation",
        "accept_remediation",
    ]
    assert "Off the ladder" in html


def test_refused_remediations_change_nothing(world: World, finding: Finding) -> None:
    holder = client_for(world.applicant)
    before = unchanged(finding)
    response = holder.post(
        url(finding, "report_remediation/"),
        {"report_remediation-expected_version": "1", "report_remediation-note": "done"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert '<div class="alert alert--error" role="alert"><p>Evidence: This field is required.</p></div>' in html
    response = holder.post(
        url(finding, "report_remediation/"),
        {
            "report_remediation-expected_version": "1",
            "report_remediation-note": "done",
            "report_remediation-evidence": SimpleUploadedFile("empty.pdf", b""),
        },
    )
    assert response.status_code == 422
    assert "Evidence: The submitted file is empty." in response.content.decode()
    response = holder.post(
        url(finding, "report_remediation/"),
        {
            "report_remediation-expected_version": "7",
            "report_remediation-note": "done",
            "report_remediation-evidence": evidence(),
        },
    )
    assert response.status_code == 409
    assert "Someone else changed this finding" in response.content.decode()
    # The holder may not decide on it; nor may the officer report its remediation.
    response = holder.post(url(finding, "dismiss/"), {"dismiss-expected_version": "1", "dismiss-reason": "no"})
    assert response.status_code == 403
    response = client_for(world.users[Role.LOCAL_OFFICER]).post(
        url(finding, "report_remediation/"),
        {
            "report_remediation-expected_version": "1",
            "report_remediation-note": "x",
            "report_remediation-evidence": evidence(),
        },
    )
    assert response.status_code == 403
    assert holder.post(url(finding, "no_such_action/"), {}).status_code == 404
    assert unchanged(finding) == before


def test_a_dismissal_needs_a_reason(world: World, finding: Finding) -> None:
    officer = client_for(world.users[Role.LOCAL_OFFICER])
    before = unchanged(finding)
    response = officer.post(url(finding, "dismiss/"), {"dismiss-expected_version": "1", "dismiss-reason": " "})
    assert response.status_code == 422
    assert "Why the finding is unfounded: This field is required." in response.content.decode()
    assert unchanged(finding) == before
    officer.post(url(finding, "dismiss/"), {"dismiss-expected_version": "1", "dismiss-reason": "CDN anycast"})
    assert Finding.objects.get(pk=finding.pk).status == "dismissed"


# --- The ladder ---------------------------------------------------------------------------------------------


def test_the_ladder_through_the_pages_to_a_scope_reduction_and_a_revocation(
    world: World, finding: Finding, settings: Settings
) -> None:
    officer = client_for(world.users[Role.LOCAL_OFFICER])
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    number = finding.licence.number
    # On the deadline day itself nothing may be escalated yet.
    settings.VATSPILOT_TODAY = "2025-10-31"
    before = unchanged(finding)
    response = officer.post(
        url(finding, "order_rectification/"),
        {
            "order_rectification-expected_version": "1",
            "order_rectification-deadline": "2025-11-30",
            "order_rectification-reason": "r",
        },
    )
    assert response.status_code == 422
    assert "The remediation deadline (2025-10-31) has not passed yet." in response.content.decode()
    assert unchanged(finding) == before
    settings.VATSPILOT_TODAY = "2025-11-01"
    html = officer.get(url(finding)).content.decode()
    assert "overdue by 1 day" in html
    assert forms_on(html) == ["dismiss", "order_rectification"]
    response = officer.post(
        url(finding, "order_rectification/"),
        {
            "order_rectification-expected_version": "1",
            "order_rectification-deadline": "2025-11-01",
            "order_rectification-reason": "r",
        },
    )
    assert response.status_code == 422
    assert "Deadline: The deadline must be after the day of the decision." in response.content.decode()
    assert unchanged(finding) == before
    response = officer.post(
        url(finding, "order_rectification/"),
        {
            "order_rectification-expected_version": "1",
            "order_rectification-deadline": "2025-11-30",
            "order_rectification-reason": "Rectification order 2025-03 (SH CA)",
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'data-status="rectification_ordered"' in html
    assert "Rectification ordered (deadline 2025-11-30)" in html
    assert 'ladder__rung--current" data-rung="rectification_ordered"' in html
    # The officer may not reduce the licence; MIIT may once the rectification deadline has passed.
    settings.VATSPILOT_TODAY = "2025-12-01"
    assert forms_on(officer.get(url(finding)).content.decode()) == []
    html = miit.get(url(finding)).content.decode()
    assert forms_on(html) == ["reduce_scope"]
    # The licence page's reduction fields, reused: services to remove and areas to withdraw.
    assert 'name="reduce_scope-remove_services" value="B25-05"' in html
    assert 'name="reduce_scope-narrow_areas"' in html
    assert 'name="reduce_scope-deadline"' in html
    before = unchanged(finding)
    response = officer.post(
        url(finding, "reduce_scope/"),
        {
            "reduce_scope-expected_version": "2",
            "reduce_scope-deadline": "2025-12-31",
            "reduce_scope-remove_services": "B25-05",
            "reduce_scope-reason": "r",
        },
    )
    assert response.status_code == 403
    response = miit.post(
        url(finding, "reduce_scope/"),
        {
            "reduce_scope-expected_version": "2",
            "reduce_scope-deadline": "2025-12-31",
            "reduce_scope-remove_services": ["B11", "B25-05"],
            "reduce_scope-reason": "r",
        },
    )
    assert response.status_code == 422
    assert "Services to remove: " in response.content.decode()
    assert unchanged(finding) == before
    response = miit.post(
        url(finding, "reduce_scope/"),
        {
            "reduce_scope-expected_version": "2",
            "reduce_scope-deadline": "2025-12-31",
            "reduce_scope-remove_services": "B25-05",
            "reduce_scope-reason": "Decision 2025-12: B25-05 withdrawn",
        },
        follow=True,
    )
    assert response.redirect_chain == [(url(finding), 302)]
    html = response.content.decode()
    assert 'data-status="scope_reduced"' in html
    assert (
        "The scope reduction of 2025-12-01 is an administrative penalty: the enterprise is to be listed on the "
        "bad-record list within 30 days, by 2025-12-31 (Order 42 Art. 42)." in html
    )
    assert '<p data-listed="0">Not listed yet.</p>' in html
    licence_page = client_for(world.applicant).get(f"/licences/{number}/").content.decode()
    assert "<strong>B11</strong>" in licence_page
    assert "<strong>B25-05</strong>" not in licence_page
    assert [service["code"] for service in Licence.objects.get(number=number).services] == ["B11"]
    # The listing MIIT makes shows on the page; past its due day an unmade one is flagged.
    settings.VATSPILOT_TODAY = "2026-01-01"
    html = miit.get(url(finding)).content.decode()
    assert "Listing overdue" in html
    list_enterprise(
        actor=world.users[Role.MIIT_REVIEWER],
        list="bad_record",
        name="上海港云",
        uscc=finding.licence.uscc,
        licence_number=number,
        listed_on=date(2025, 12, 20),
        reason="Scope reduction 2025-12-01",
        penalty_decided_on=date(2025, 12, 1),
    )
    html = miit.get(url(finding)).content.decode()
    assert '<p data-listed="1">Listed on 2025-12-20.</p>' in html
    # Revocation: a confirmation page first, which changes nothing.
    assert forms_on(html) == ["revoke"]
    before = unchanged(finding)
    response = miit.post(url(finding, "revoke/"), {"revoke-expected_version": "3", "revoke-reason": "Order: revoke"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<section class="panel" id="confirm-revocation">' in html
    assert '<input type="hidden" name="revoke-confirmed" value="on">' in html
    assert 'name="revoke-reason" value="Order: revoke"' in html
    assert unchanged(finding) == before
    response = miit.post(
        url(finding, "revoke/"),
        {"revoke-expected_version": "3", "revoke-reason": "Order: revoke", "revoke-confirmed": "on"},
        follow=True,
    )
    assert 'data-status="revoked"' in response.content.decode()
    assert Licence.objects.get(number=number).status == "revoked"


# --- The list --------------------------------------------------------------------------------------------


def test_the_list_by_role_with_filters_and_the_overdue_flagged(
    world: World, finding: Finding, settings: Settings
) -> None:
    settings.VATSPILOT_TODAY = "2025-11-03"
    later, _new = raise_finding(
        actor=None,
        licence=finding.licence,
        rule="inspection:code-audit",
        citation="Pilot Notice: inspections",
        severity=Severity.LOW,
        fingerprint="inspection:1:0",
        on=date(2025, 11, 1),
        details={"description": "hard-coded key"},
    )

    def rows(user: object, query: str = "") -> list[str]:
        html = client_for(user).get(f"/findings/{query}").content.decode()
        return re.findall(r'data-finding="(\d+)"', html)

    both = [str(finding.pk), str(later.pk)]  # the oldest first
    assert rows(world.users[Role.MIIT_REVIEWER]) == both
    assert rows(world.users[Role.LOCAL_OFFICER]) == both
    assert rows(world.applicant) == both
    for user in (world.other_applicant, world.outsider, world.users[Role.INSPECTOR]):
        assert rows(user) == []
    officer = world.users[Role.LOCAL_OFFICER]
    assert rows(officer, "?severity=low") == [str(later.pk)]
    assert rows(officer, "?overdue=on") == [str(finding.pk)]
    assert rows(officer, "?status=resolved") == []
    html = client_for(officer).get("/findings/").content.decode()
    assert f'data-finding="{finding.pk}" data-status="open" data-severity="critical" data-overdue="1"' in html
    assert "Overdue by 3 days" in html
    assert "The findings on the licences you supervise" in html
    assert "The findings on your organisation" in client_for(world.applicant).get("/findings/").content.decode()
    response = client_for(officer).get("/findings/?severity=urgent")
    assert response.status_code == 400
    assert "Severity: Select a valid choice. urgent is not one of the available choices." in response.content.decode()


def test_a_new_local_officer_of_the_province_sees_it_and_one_of_another_does_not(finding: Finding) -> None:
    shanghai = make_user("sh2", Role.LOCAL_OFFICER.value, jurisdictions=["310000"])
    guangdong = make_user("gd", Role.LOCAL_OFFICER.value, jurisdictions=["440000"])
    assert client_for(shanghai).get(url(finding)).status_code == 200
    assert client_for(guangdong).get(url(finding)).status_code == 404


def test_the_pages_in_chinese(world: World, finding: Finding) -> None:
    html = client_for(world.applicant, "zh-hans").get(url(finding)).content.decode()
    assert f"<h1>发现问题 #{finding.pk}</h1>" in html
    assert "整改升级阶梯" in html
    assert "报告整改" in html
    listing = client_for(world.users[Role.LOCAL_OFFICER], "zh-hans").get("/findings/").content.decode()
    assert "严重" in listing and "待整改" in listing


def test_the_list_exports_to_csv_and_xlsx_with_its_filters(world: World, finding: Finding, settings: Settings) -> None:
    from tests.web.xlsx_cells import XLSX, rows_as_csv

    settings.VATSPILOT_TODAY = "2025-11-03"
    number = finding.licence.number
    officer = client_for(world.users[Role.LOCAL_OFFICER])
    page = officer.get("/findings/?severity=critical&overdue=on").content.decode()
    assert 'href="/findings/export.csv?severity=critical&amp;overdue=on"' in page
    response = officer.get("/findings/export.csv?severity=critical&overdue=on")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="findings-2025-11-03.csv"'
    expected = [
        [
            "finding",
            "licence_number",
            "holder",
            "rule",
            "severity",
            "status",
            "raised_on",
            "age_days",
            "deadline",
            "days_left",
            "overdue",
            "rung",
        ],
        [
            str(finding.pk),
            number,
            "Harbour Cloud (Shanghai) Co., Ltd.",
            "node:outside-mainland",
            "critical",
            "open",
            "2025-10-16",
            "18",
            "2025-10-31",
            "-3",
            "yes",
            "0",
        ],
    ]
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == expected
    xlsx = officer.get("/findings/export.xlsx?severity=critical&overdue=on")
    assert xlsx["Content-Type"] == XLSX
    assert rows_as_csv(xlsx.content) == expected
    assert officer.get("/findings/export.csv?severity=low").content.decode("utf-8-sig").splitlines() == [
        ",".join(expected[0])
    ]
    assert officer.get("/findings/export.csv?severity=urgent").status_code == 400
    assert officer.get("/findings/export.pdf").status_code == 404
    # Another organisation's member exports nothing of it.
    other = client_for(world.other_applicant).get("/findings/export.csv").content.decode("utf-8-sig")
    assert other.splitlines() == [",".join(expected[0])]


def test_a_finding_from_a_report_links_to_it(world: World, licence: Licence) -> None:
    from vatspilot.store.models import QuarterlyReport

    report = QuarterlyReport.objects.create(
        licence=licence,
        year=2025,
        quarter=3,
        due_on=date(2025, 10, 15),
        cure_deadline=date(2025, 10, 30),
        rulebook_version="test",
    )
    made, _new = raise_finding(
        actor=None,
        licence=licence,
        rule="log:incident-reported-late",
        citation="CAC Measures on incident reporting, Arts. 2-4",
        severity=Severity.HIGH,
        fingerprint=f"report:{report.pk}:log:incident-reported-late:4",
        on=RAISED,
        report=report,
        details={"line": 4, "detail": "reported 6 h after the incident"},
    )
    html = client_for(world.applicant).get(url(made)).content.decode()
    assert f'(<a href="/reports/{report.pk}/">automatic check of a quarterly report</a>)' in html
    assert '<dt>Line in the file</dt><dd data-detail="line">4</dd>' in html


def test_the_licence_page_leads_to_its_findings(world: World, finding: Finding) -> None:
    number = finding.licence.number
    page = client_for(world.applicant).get(f"/licences/{number}/").content.decode()
    assert f'href="/findings/?licence={number}">Open the findings on this licence</a>' in page
    html = client_for(world.applicant).get(f"/findings/?licence={number}").content.decode()
    assert re.findall(r'data-finding="(\d+)"', html) == [str(finding.pk)]
    html = client_for(world.applicant).get("/findings/?licence=B9-20990001").content.decode()
    assert re.findall(r'data-finding="(\d+)"', html) == []
    assert "No finding matches the filter." in html
