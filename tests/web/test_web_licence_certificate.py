"""The holder downloads the licence certificate: a member gets the signed PDF (which verifies), another
organisation's member the same 404 as for a number nobody has, the anonymous visitor the sign-in page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pilot_world import World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.services.licences.certificate import CertificateVerdict, verify_certificate
from vatspilot.services.licences.signing_key import init_signing_key

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
URL = f"/licences/{NUMBER}/certificate.pdf"


@pytest.fixture
def approved(world: World, settings: object, tmp_path: Path):
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path  # type: ignore[attr-defined]
    init_signing_key(tmp_path, organisation="vatspilot", common_name="test", now=datetime.now(UTC))
    return world.drive_to(State.APPROVED)


def test_a_member_downloads_a_certificate_that_verifies(world: World, approved) -> None:
    response = client_for(world.applicant).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="licence-{NUMBER}.pdf"'
    verdict = verify_certificate(response.content, offline=False, today=date(2026, 12, 1))
    assert (verdict.verdict, verdict.number) == (CertificateVerdict.VALID, NUMBER)


def test_the_application_page_links_to_it_in_both_languages(world: World, approved) -> None:
    english = client_for(world.applicant).get(f"/applications/{approved.pk}/")
    assert f'href="{URL}">Download the licence certificate {NUMBER} (PDF)</a>' in english.content.decode()
    chinese = client_for(world.applicant, "zh-hans").get(f"/applications/{approved.pk}/")
    assert f'href="{URL}">下载许可证 {NUMBER} 的证书（PDF）</a>' in chinese.content.decode()


def test_no_link_before_approval(world: World, approved) -> None:
    draft = world.new_application()
    assert "certificate.pdf" not in client_for(world.applicant).get(f"/applications/{draft.pk}/").content.decode()


def test_an_official_who_sees_the_application_downloads_it_too(world: World, approved) -> None:
    assert client_for(world.users[Role.MIIT_REVIEWER]).get(URL).status_code == 200


def test_another_organisation_gets_the_404_of_a_number_nobody_has(world: World, approved) -> None:
    other = client_for(world.other_applicant)
    theirs = other.get(URL)
    nobodys = other.get("/licences/B1-20259999/certificate.pdf")
    assert (theirs.status_code, nobodys.status_code) == (404, 404)
    assert b"%PDF" not in theirs.content
    assert client_for(world.outsider).get(URL).status_code == 404  # Beijing's officer


def test_the_anonymous_visitor_is_sent_to_sign_in(approved) -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_without_a_signing_key_the_member_is_told_on_the_application_page(
    world: World, approved, settings: object, tmp_path: Path
) -> None:
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path / "none"  # type: ignore[attr-defined]
    response = client_for(world.applicant).get(URL, follow=True)
    assert response.redirect_chain == [(f"/applications/{approved.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The certificate cannot be made now: the platform has no signing key yet. Please tell the administrator."
    ]
