"""Random inspections on the web: /inspections/ for MIIT (nationwide or any province), local officers
(their provinces) and inspectors (no draw form), a 403 for anyone else; a draw made through the form with
declared conflicts; its public page (no sign-in) with the seed, pools, conflicts, teams and a re-run recipe
whose data re-runs, with domain.supervision.draw and with the page's own hashlib program, to the same
teams; the team's page where a member records the inspection and its findings (then the public page shows
the date and the number of findings, never their content); refusals that write nothing; Chinese."""

from __future__ import annotations

import contextlib
import html as html_lib
import io
import json
import re

import pytest
from pilot_world import World, client_for, make_user
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.draw import draw
from vatspilot.store.models import AuditEntry, Finding, Inspection, InspectionDraw, Jurisdiction, Licence

pytestmark = pytest.mark.django_db
SEED = "2025-11 national"
SUMMARY = "Two days on site; the admin console was reachable (private note 7qz)"


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = "2025-11-03"
    make_user("insp_a", Role.INSPECTOR.value)
    make_user("insp_b", Role.INSPECTOR.value)
    return world.licence()


def counts() -> tuple[int, ...]:
    return (
        InspectionDraw.objects.count(),
        Inspection.objects.count(),
        Finding.objects.count(),
        AuditEntry.objects.filter(action__regex=r"^(inspection|finding)\.").count(),
    )


def draw_data(**changes: str) -> dict[str, str]:
    return {
        "draw-jurisdiction": "nationwide",
        "draw-seed": SEED,
        "draw-kind": "penetration_test",
        "draw-licensee_count": "1",
        "draw-inspectors_per_licensee": "2",
        "draw-conflicts": "",
        **{f"draw-{name}": value for name, value in changes.items()},
    }


def drawn(world: World, licence: Licence, **changes: str) -> InspectionDraw:
    response = client_for(world.users[Role.MIIT_REVIEWER]).post("/inspections/", draw_data(**changes))
    record = InspectionDraw.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/inspections/draws/{record.pk}/"
    return record


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


# --- /inspections/ --------------------------------------------------------------------------------------


def test_who_may_open_the_page_and_what_they_may_draw_for(world: World, licence: Licence) -> None:
    for user in (world.applicant, world.other_applicant, world.users[Role.CAC_REVIEWER]):
        assert client_for(user).get("/inspections/").status_code == 403
    anonymous = client_for(None).get("/inspections/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    miit = main_of(client_for(world.users[Role.MIIT_REVIEWER]).get("/inspections/").content.decode())
    assert '<option value="nationwide">Nationwide</option>' in miit
    assert miit.count("<option value=") == 1 + 31 + 4  # nationwide, the provinces, the inspection kinds
    beijing = Jurisdiction.objects.get(code="110000")
    officer = client_for(world.outsider).get("/inspections/").content.decode()
    assert f'<option value="{beijing.pk}">Beijing</option>' in officer
    assert "Nationwide</option>" not in officer
    assert re.search(r'name="draw-seed"[^>]* value="2025-11-03-[0-9a-f]{16}"', officer)
    inspector = client_for(world.users[Role.INSPECTOR]).get("/inspections/")
    assert inspector.status_code == 200
    assert 'id="draw-form"' not in inspector.content.decode()


def test_miit_draws_with_a_declared_conflict_and_the_public_page_re_runs(world: World, licence: Licence) -> None:
    record = drawn(world, licence, conflicts=f"insp_a: {licence.number}\n")
    assert record.conflicts == {"insp_a": [licence.number]}
    assert record.licensee_pool == [licence.number]
    assert record.inspector_pool == ["insp_a", "insp_b", "inspector"]
    inspection = Inspection.objects.get(draw=record)
    team = sorted(inspection.inspectors.values_list("username", flat=True))
    assert team == ["insp_b", "inspector"]
    # Public: no sign-in.
    response = client_for(None).get(f"/inspections/draws/{record.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<code id="draw-seed">{SEED}</code>' in page
    assert "<code>sha256-rank/v1</code>" in page
    assert '<p class="draw-pool" id="inspector-pool">insp_a, insp_b, inspector</p>' in page
    assert f"<li>insp_a: {licence.number}</li>" in page
    assert "Not yet recorded" in page
    data = json.loads(html_lib.unescape(re.search(r'<pre id="draw-data">(.*?)</pre>', page, re.S).group(1)))
    assert data == {
        "conflicts": {"insp_a": [licence.number]},
        "inspectors": ["insp_a", "insp_b", "inspector"],
        "inspectors_per_licensee": 2,
        "licensee_count": 1,
        "licensees": [licence.number],
        "seed": SEED,
    }
    again = draw(
        seed=data["seed"],
        licensees=data["licensees"],
        inspectors=data["inspectors"],
        conflicts=data["conflicts"],
        licensee_count=data["licensee_count"],
        inspectors_per_licensee=data["inspectors_per_licensee"],
    )
    assert again.to_dict() == record.result
    [published] = record.result["teams"]
    assert f'data-team="{",".join(published["inspectors"])}"' in page
    # The page's own program, standard library only, prints the same team.
    program = html_lib.unescape(re.search(r'<pre id="rerun-snippet"><code>(.*?)</code></pre>', page, re.S).group(1))
    assert re.findall(r"^import (\w+)", program, re.M) == ["hashlib", "json"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(program, {})  # the page's published program, run as a reader would
    assert printed.getvalue() == f"{licence.number} {', '.join(published['inspectors'])}\n"
    # Nothing personal: no e-mail, not who drew it.
    assert "@example.cn" not in page and "miit_reviewer" not in page
    listing = client_for(world.users[Role.INSPECTOR]).get("/inspections/").content.decode()
    assert f'<a href="/inspections/draws/{record.pk}/">#{record.pk}</a>' in listing
    assert f'<a href="/inspections/{inspection.pk}/">#{inspection.pk}</a>' in listing


def test_refused_draws_write_nothing(world: World, licence: Licence) -> None:
    before = counts()
    beijing = Jurisdiction.objects.get(code="110000")
    officer = client_for(world.users[Role.LOCAL_OFFICER])
    response = officer.post("/inspections/", draw_data(jurisdiction=str(beijing.pk)))
    assert response.status_code == 422
    assert f"Drawn for: Select a valid choice. {beijing.pk} is not one of the available choices." in (
        response.content.decode()
    )
    shanghai = Jurisdiction.objects.get(code="310000")
    response = officer.post("/inspections/", draw_data(jurisdiction=str(shanghai.pk), licensee_count="2"))
    assert response.status_code == 422
    assert "Licensees to inspect: only 1 licensees are eligible" in response.content.decode()
    response = officer.post("/inspections/", draw_data(jurisdiction=str(shanghai.pk), conflicts="insp_a B1-1"))
    assert response.status_code == 422
    assert (
        "Declared conflicts of interest: Line 1: write it as inspector_username: LICENCE-NUMBER."
        in response.content.decode()
    )
    response = officer.post("/inspections/", draw_data(jurisdiction=str(shanghai.pk), seed=" "))
    assert response.status_code == 422
    assert "Seed: This field is required." in response.content.decode()
    for user in (world.applicant, world.users[Role.INSPECTOR], world.users[Role.CAC_REVIEWER]):
        assert client_for(user).post("/inspections/", draw_data()).status_code == 403
    assert counts() == before


def test_a_missing_draw_is_a_404(licence: Licence) -> None:
    assert client_for(None).get("/inspections/draws/999999/").status_code == 404


# --- The team's page -------------------------------------------------------------------------------------


def test_who_sees_an_inspection_and_who_records_it(world: World, licence: Licence) -> None:
    record = drawn(world, licence, conflicts=f"insp_a: {licence.number}")
    inspection = Inspection.objects.get(draw=record)
    url = f"/inspections/{inspection.pk}/"
    member = client_for(world.users[Role.INSPECTOR])
    page = member.get(url).content.decode()
    assert 'id="record-form"' in page
    assert '<dd id="inspection-team">insp_b, inspector</dd>' in page
    for user in (world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]):
        response = client_for(user).get(url)
        assert response.status_code == 200 and 'id="record-form"' not in response.content.decode()
    insp_a = client_for(make_user("insp_c", Role.INSPECTOR.value))
    missing = member.get("/inspections/999999/")
    for user in (world.applicant, world.other_applicant, world.outsider, world.users[Role.CAC_REVIEWER]):
        response = client_for(user).get(url)
        assert response.status_code == 404
    assert insp_a.get(url).status_code == 404 and missing.status_code == 404
    before = counts()
    post = {"record-done_on": "2025-11-03", "record-summary": "x", "record-found": ""}
    assert insp_a.post(f"{url}record/", post).status_code == 404
    assert client_for(world.users[Role.LOCAL_OFFICER]).post(f"{url}record/", post).status_code == 403
    response = member.post(f"{url}record/", {**post, "record-found": "inspection:pt | high | y\nbad line"})
    assert response.status_code == 422
    assert "Findings: Line 2: write it as rule | severity | what was found." in response.content.decode()
    response = member.post(f"{url}record/", {**post, "record-found": "Bad Rule | high | y"})
    assert "Findings: Line 1: the rule is lower-case letters, digits and : . _ - (at most 100)." in (
        response.content.decode()
    )
    response = member.post(f"{url}record/", {**post, "record-found": "inspection:pt | urgent | y"})
    assert "Findings: Line 1: the severity is one of critical, high, medium, low." in response.content.decode()
    response = member.post(f"{url}record/", {**post, "record-done_on": "2025-11-02"})
    assert response.status_code == 422
    assert "Done on: An inspection is done after it is drawn." in response.content.decode()
    response = member.post(f"{url}record/", {**post, "record-done_on": "2025-11-04"})
    assert "Done on: The inspection cannot be recorded before it is done." in response.content.decode()
    assert counts() == before
    response = member.post(
        f"{url}record/",
        {
            "record-done_on": "2025-11-03",
            "record-summary": SUMMARY,
            "record-found": "inspection:penetration-test | high | Admin console reachable from the internet\n\n"
            "inspection:penetration-test | LOW | TLS 1.0 still offered",
        },
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "The inspection is recorded." in page and SUMMARY in page
    findings = list(Finding.objects.filter(inspection=inspection).order_by("pk"))
    assert [(f.rule, f.severity, f.details["description"]) for f in findings] == [
        ("inspection:penetration-test", "high", "Admin console reachable from the internet"),
        ("inspection:penetration-test", "low", "TLS 1.0 still offered"),
    ]
    assert 'id="record-form"' not in page
    # The team member reads what was found but does not open the findings' pages (the supervisors' and
    # the holder's); the supervisor does.
    assert f'<th scope="row">#{findings[0].pk}</th>' in page
    officer_page = client_for(world.users[Role.LOCAL_OFFICER]).get(url).content.decode()
    assert f'<a href="/findings/{findings[0].pk}/">#{findings[0].pk}</a>' in officer_page
    # The holder sees the findings raised on its licence.
    assert client_for(world.applicant).get(f"/findings/{findings[0].pk}/").status_code == 200
    # The public page: the date and how many, nothing of what.
    public = client_for(None).get(f"/inspections/draws/{record.pk}/").content.decode()
    assert '<td class="nowrap">2025-11-03</td>\n          <td>2</td>' in public
    assert "Admin console" not in public and "7qz" not in public
    # Once only.
    before = counts()
    response = member.post(f"{url}record/", post)
    assert response.status_code == 422
    assert "This inspection was recorded on 2025-11-03." in response.content.decode()
    assert counts() == before


def test_the_public_draw_page_in_chinese(world: World, licence: Licence) -> None:
    record = drawn(world, licence)
    page = main_of(client_for(None, "zh-hans").get(f"/inspections/draws/{record.pk}/").content.decode())
    assert "如何重新运行本次抽取" in page
    assert "全国" in page
