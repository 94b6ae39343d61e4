"""Who sees what: every role, each allowed and refused case, and refusals that look like absence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from vatspilot.domain.applications import Action
from vatspilot.store.access import (
    SUBMIT_ACTION,
    NotFound,
    access_application,
    access_document,
    access_document_version,
    access_organisation,
    visible_applications,
)
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Document,
    DocumentVersion,
    Membership,
    Organisation,
    Role,
)

pytestmark = pytest.mark.django_db

NATIONAL = [
    Role.MIIT_REVIEWER,
    Role.CAC_REVIEWER,
    Role.MPS_REVIEWER,
    Role.SECURITY_EXPERT,
    Role.INSPECTOR,
    Role.ADMINISTRATOR,
]


def timeline(application: Application, actor, *steps: tuple[str, str, str]) -> Application:
    """The timeline rows the lifecycle would have written: (action, from, to) each."""
    for action, source, target in steps:
        ApplicationEvent.objects.create(
            application=application,
            action=action,
            from_state=source,
            to_state=target,
            on=date(2025, 6, 3),
            at=timezone.now(),
            actor=actor,
            role="applicant",
        )
    return application


SUBMIT = ("submit", "draft", "submitted")


@pytest.fixture
def world(make_user, make_organisation, make_application):
    """Two organisations, Shanghai and Beijing, each with a draft and a submitted application; Shanghai
    also has a draft withdrawn before submission and an application withdrawn after it."""
    shanghai = make_organisation()
    beijing = make_organisation(uscc="91110105MA01ABCD13", division_code="110105", name="北京示例")
    drafts_only = Organisation.objects.create(
        name="Drafts Only",
        uscc="91440300MA5FXY123H",
        division_code="440305",
        registered_capital_cny=Decimal("1"),
    )
    author = make_user("author")
    apps = {
        "sh_draft": make_application(shanghai),
        "sh_submitted": timeline(make_application(shanghai, status="submitted"), author, SUBMIT),
        "sh_withdrawn_draft": timeline(
            make_application(shanghai, status="withdrawn"), author, ("withdraw", "draft", "withdrawn")
        ),
        "sh_withdrawn_submitted": timeline(
            make_application(shanghai, status="withdrawn"), author, SUBMIT, ("withdraw", "submitted", "withdrawn")
        ),
        "bj_draft": make_application(beijing),
        "bj_approved": timeline(
            make_application(beijing, status="approved"), author, SUBMIT, ("approve", "ministerial_review", "approved")
        ),
        "gd_draft": make_application(drafts_only),
        "gd_withdrawn_draft": timeline(
            make_application(drafts_only, status="withdrawn"), author, ("withdraw", "draft", "withdrawn")
        ),
    }
    users = {
        "sh_member": make_user("sh_member", Role.APPLICANT),
        "bj_member": make_user("bj_member", Role.APPLICANT),
        "sh_officer": make_user("sh_officer", Role.LOCAL_OFFICER, jurisdictions=["310000"]),
        "two_province_officer": make_user(
            "two_province_officer", Role.LOCAL_OFFICER, jurisdictions=["310000", "110000"]
        ),
        "gd_officer": make_user("gd_officer", Role.LOCAL_OFFICER, jurisdictions=["440000"]),
        "no_role": make_user("no_role"),
        **{role.value: make_user(role.value, role) for role in NATIONAL},
    }
    Membership.objects.create(user=users["sh_member"], organisation=shanghai)
    Membership.objects.create(user=users["bj_member"], organisation=beijing)
    inactive = make_user("inactive", Role.MIIT_REVIEWER)
    inactive.is_active = False
    inactive.save()
    users["inactive"] = inactive
    users["anonymous"] = AnonymousUser()
    return {"apps": apps, "users": users, "orgs": {"sh": shanghai, "bj": beijing, "gd": drafts_only}}


# Officials see what was ever submitted, withdrawn or not; never a draft, withdrawn or not.
SUBMITTED = {"sh_submitted", "sh_withdrawn_submitted", "bj_approved"}
EXPECTED_APPLICATIONS = {
    "sh_member": {"sh_draft", "sh_submitted", "sh_withdrawn_draft", "sh_withdrawn_submitted"},
    "bj_member": {"bj_draft", "bj_approved"},
    "sh_officer": {"sh_submitted", "sh_withdrawn_submitted"},
    "two_province_officer": SUBMITTED,
    "gd_officer": set(),  # its applications were never submitted: a draft and a withdrawn draft
    "no_role": set(),
    "inactive": set(),
    "anonymous": set(),
    **{role.value: SUBMITTED for role in NATIONAL},
}


def test_the_store_names_the_submission_as_the_lifecycle_does():
    assert Action.SUBMIT.value == SUBMIT_ACTION


@pytest.mark.parametrize("who", sorted(EXPECTED_APPLICATIONS))
def test_visible_applications_for_each_actor(world, who):
    names = {app.pk: name for name, app in world["apps"].items()}

    visible = {names[pk] for pk in visible_applications(world["users"][who]).values_list("pk", flat=True)}

    assert visible == EXPECTED_APPLICATIONS[who]


@pytest.mark.parametrize("who", sorted(EXPECTED_APPLICATIONS))
def test_access_application_returns_what_is_visible_and_refuses_the_rest(world, who):
    actor = world["users"][who]
    for name, application in world["apps"].items():
        if name in EXPECTED_APPLICATIONS[who]:
            assert access_application(actor, application.pk) == application
        else:
            with pytest.raises(NotFound):
                access_application(actor, application.pk)


def refusal(call, *args) -> tuple[type, tuple, str]:
    with pytest.raises(NotFound) as error:
        call(*args)
    return type(error.value), error.value.args, str(error.value)


def test_a_refused_application_looks_exactly_like_a_missing_one(world):
    officer = world["users"]["sh_officer"]
    missing_id = max(app.pk for app in world["apps"].values()) + 1000

    assert (
        refusal(access_application, officer, world["apps"]["sh_draft"].pk)
        == refusal(access_application, officer, missing_id)
        == (NotFound, ("application not found",), "application not found")
    )


@pytest.mark.parametrize("bad_id", ["abc", None, "1; DROP TABLE x", -1])
def test_a_malformed_id_is_missing_too(world, bad_id):
    assert refusal(access_application, world["users"]["sh_member"], bad_id)[2] == "application not found"


def test_access_application_takes_two_queries(world, django_assert_num_queries):
    officer = world["users"]["sh_officer"]
    with django_assert_num_queries(2):  # the actor's roles, then the application with its relations
        application = access_application(officer, world["apps"]["sh_submitted"].pk)
        assert application.organisation.name and application.jurisdiction.code == "310000"


@pytest.fixture
def documents(world, django_user_model):
    uploader = world["users"]["sh_member"]
    result = {}
    for name in ("sh_draft", "sh_submitted", "sh_withdrawn_draft", "sh_withdrawn_submitted"):
        document = Document.objects.create(application=world["apps"][name], kind="business-plan")
        version = DocumentVersion.objects.create(
            document=document,
            number=1,
            file="documents/x.pdf",
            sha256="0" * 64,
            size=1,
            content_type="application/pdf",
            original_name="plan.pdf",
            sanitised_name="plan.pdf",
            uploaded_by=uploader,
            uploaded_at=world["apps"][name].created_at,
        )
        result[name] = (document, version)
    return result


@pytest.mark.parametrize("who", sorted(EXPECTED_APPLICATIONS))
def test_documents_are_seen_by_whoever_sees_their_application(world, documents, who):
    actor = world["users"][who]
    for name, (document, version) in documents.items():
        if name in EXPECTED_APPLICATIONS[who]:
            assert access_document(actor, document.pk) == document
            assert access_document_version(actor, version.pk) == version
        else:
            assert refusal(access_document, actor, document.pk)[2] == "document not found"
            assert refusal(access_document_version, actor, version.pk)[2] == "document version not found"


@pytest.mark.parametrize("draft", ["sh_draft", "sh_withdrawn_draft"])
def test_a_refused_document_looks_exactly_like_a_missing_one(world, documents, draft):
    document, _version = documents[draft]

    assert refusal(access_document, world["users"]["miit_reviewer"], document.pk) == refusal(
        access_document, world["users"]["miit_reviewer"], document.pk + 1000
    )


EXPECTED_ORGANISATIONS = {
    "sh_member": {"sh"},
    "bj_member": {"bj"},
    "sh_officer": {"sh"},
    "two_province_officer": {"sh", "bj"},
    "gd_officer": set(),
    "no_role": set(),
    "inactive": set(),
    "anonymous": set(),
    **{role.value: {"sh", "bj"} for role in NATIONAL if role != Role.ADMINISTRATOR},
    Role.ADMINISTRATOR.value: {"sh", "bj", "gd"},  # manages accounts, so sees every organisation
}


@pytest.mark.parametrize("who", sorted(EXPECTED_ORGANISATIONS))
def test_access_organisation_for_each_actor(world, who):
    actor = world["users"][who]
    for name, organisation in world["orgs"].items():
        if name in EXPECTED_ORGANISATIONS[who]:
            assert access_organisation(actor, organisation.pk) == organisation
        else:
            assert refusal(access_organisation, actor, organisation.pk) == refusal(access_organisation, actor, 10**9)


# --- One jurisdiction rule: visibility (a query) and the guards' roles (Python) agree ---------------------

STATES_SEEN = ("draft", "submitted", "withdrawn_draft")


@pytest.fixture
def places(make_user, make_organisation, make_application):
    """Shanghai (the actors' own) and Beijing (the other), each with a draft, a submitted application
    and a draft withdrawn before submission; one actor per role, a local officer covering Shanghai and
    an applicant member of the Shanghai organisation."""
    shanghai = make_organisation()
    beijing = make_organisation(uscc="91110105MA01ABCD13", division_code="110105", name="北京示例")
    author = make_user("author")
    apps = {}
    for place, organisation in (("own", shanghai), ("other", beijing)):
        apps[place, "draft"] = make_application(organisation)
        apps[place, "submitted"] = timeline(make_application(organisation, status="submitted"), author, SUBMIT)
        apps[place, "withdrawn_draft"] = timeline(
            make_application(organisation, status="withdrawn"), author, ("withdraw", "draft", "withdrawn")
        )
    actors = {role.value: make_user(role.value, role) for role in NATIONAL}
    actors[Role.LOCAL_OFFICER.value] = make_user("local", Role.LOCAL_OFFICER, jurisdictions=["310000"])
    actors[Role.APPLICANT.value] = make_user("member", Role.APPLICANT)
    Membership.objects.create(user=actors[Role.APPLICANT.value], organisation=shanghai)
    return apps, actors


def _expected_roles(role: str, place: str, state: str) -> list[str]:
    """The rule as the module's docstring states it, case by case."""
    if role == Role.APPLICANT:
        return ["applicant"] if place == "own" else []
    if role == Role.LOCAL_OFFICER:
        return ["local_officer"] if place == "own" else []
    return [role]  # the national roles reach every jurisdiction


def _expected_visible(role: str, place: str, state: str) -> bool:
    if role == Role.APPLICANT:
        return place == "own"  # the organisation's own, drafts included
    return bool(_expected_roles(role, place, state)) and state == "submitted"  # officials: once submitted


@pytest.mark.parametrize("state", STATES_SEEN)
@pytest.mark.parametrize("place", ["own", "other"])
@pytest.mark.parametrize("role", [Role.APPLICANT.value, Role.LOCAL_OFFICER.value, *(r.value for r in NATIONAL)])
def test_visibility_and_the_guards_roles_follow_one_rule(places, role, place, state):
    from vatspilot.services.applications.guard_facts import ActorStanding  # the services' side of the rule

    apps, actors = places
    application = Application.objects.get(pk=apps[place, state].pk)
    actor = actors[role]

    roles = [str(r.value) for r in ActorStanding.of(actor).roles_towards(application)]
    visible = visible_applications(actor).filter(pk=application.pk).exists()

    assert roles == _expected_roles(role, place, state)
    assert visible == _expected_visible(role, place, state)
    # The one rule: an application is visible when the actor reaches it as its applicant, or reaches it
    # in an official role and it was ever submitted.
    assert visible == ("applicant" in roles or (bool(roles) and state == "submitted"))
