"""Faults: an unreachable database keeps what was typed; a crash while publishing publishes nothing."""
import pytest
from sqlmodel import Session, select

from portal import db
from portal.models import AuditEvent, PlanVersion, VersionStatus, Worker
from portal.services import publishing
from portal.services.plans import draft_of
from support import factories
from support.pages import form_values, soup
from support.rows import every_row
from support.sign_in import csrf_token, signed_in_client

# Dialect-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def test_unreachable_database_shows_calm_page_and_keeps_typed_text(team_app, monkeypatch):
    household = factories.household(team_app, ["nl"])  # a parent who reads Dutch, with a published plan
    factories.published_plan(team_app, household.family_id)
    client = signed_in_client(team_app, household.usernames[0])
    token = csrf_token(client.get("/plan").text)
    engine = team_app.extensions["engine"]
    engine.dispose()
    broken = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    monkeypatch.setitem(team_app.extensions, "engine", broken)
    typed = "Mijn vraag: wie haalt Thomas op als ik ziek ben?"
    page = client.post("/plan", data={"answer": "question", "comment": typed, "csrf_token": token})
    assert page.status_code == 503
    assert "Mijn vraag: wie haalt Thomas op als ik ziek ben?" in page.text
    assert "112" in page.text
    assert 'lang="nl"' in page.text


def test_a_crash_while_publishing_leaves_the_draft_a_draft(team_app, monkeypatch):
    household = factories.household(team_app, ["ar", "ar"], kept_apart=True)  # a published plan and a new draft
    factories.published_plan(team_app, household.family_id)
    factories.saved_draft(team_app, household.family_id, what="De kinderen slapen bij oma en opa.")
    with team_app.app_context(), Session(db.engine()) as session:
        worker = session.exec(select(Worker).where(Worker.name.startswith("Bram"))).one()
        draft = draft_of(session, household.family_id)
        draft_id = draft.id
        numbers_before = sorted(v.number for v in session.exec(select(PlanVersion)) if v.number)

        def crash(*_args):
            raise RuntimeError("power cut")

        monkeypatch.setattr(publishing, "open_jobs", crash)
        with pytest.raises(RuntimeError):
            publishing.publish(session, draft, draft.revision, household.family_id, worker.id, "")
        session.rollback()
    with team_app.app_context(), Session(db.engine()) as session:
        again = session.get(PlanVersion, draft_id)
        assert again.status is VersionStatus.draft and again.number is None and again.published_at is None
        assert sorted(v.number for v in session.exec(select(PlanVersion)) if v.number) == numbers_before


def test_a_plan_form_refused_for_a_text_too_long_starts_no_draft(team_app):
    """A failed form changes nothing: the first save of a household without a plan opens its draft only with it."""
    household = factories.household(team_app, ["nl"])
    bram = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/plan"
    form = form_values(bram.get(url), "plan-form") | {
        "help-0-text": "Hulp van de buurvrouw. " * 400, "help-0-audience": "household", "help-count": "1"}
    before = every_row(team_app)
    refused = bram.post(url, data=form)
    assert refused.status_code == 400
    assert soup(refused).select_one("#help-0-text").get_text() == form["help-0-text"]  # kept as typed
    assert every_row(team_app) == before  # no plan, no draft


def test_a_refused_plan_form_is_on_record_as_the_same_look_as_the_page(team_app):
    """Published, no draft yet: the editor shows the published version, and a form refused there is a look at that
    same version, not at "the household" (a draft is no longer opened for it)."""
    household = factories.household(team_app, ["nl"])
    factories.published_plan(team_app, household.family_id)
    bram = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/plan"
    page = bram.get(url)
    shown = looks_at_the_plan(team_app, household.family_id)
    assert shown[-1].startswith("version:")
    refused = bram.post(url, data=form_values(page, "plan-form") | {"s1-description": "Ruzie. " * 400})
    assert refused.status_code == 400
    assert looks_at_the_plan(team_app, household.family_id)[-1] == shown[-1]


def looks_at_the_plan(app, family_id: int) -> list[str]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(AuditEvent.object).where(
            AuditEvent.family_id == family_id, AuditEvent.action == "plan.view").order_by(AuditEvent.id)))


def test_a_crash_while_telling_the_parents_saves_and_publishes_nothing_of_that_request(team_app, monkeypatch):
    """Save, publish, translation work and the parents' messages are one transaction: all of it, or none."""
    family = factories.household(team_app, ["ar"])
    factories.saved_draft(team_app, family.family_id, what="De buurvrouw haalt de kinderen op.")
    bram = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{family.family_id}/plan"
    before = every_row(team_app)

    def crash(*_args, **_kwargs):
        raise RuntimeError("the message queue is gone")

    monkeypatch.setattr(publishing.notifications, "tell_parents", crash)
    again = form_values(bram.get(url), "plan-form") | {"s1-a-0-what": "Oma haalt de kinderen op.", "action": "publish"}
    team_app.testing = False  # the error page, as a worker would see it
    failed = bram.post(url, data=again)
    assert failed.status_code == 500
    assert every_row(team_app) == before  # the draft still says "buurvrouw", nothing published, no job
