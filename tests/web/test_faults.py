"""Faults: an unreachable database keeps what was typed; a crash while publishing publishes nothing."""
import pytest
from sqlmodel import Session, select

from portal import db
from portal.models import Family, PlanVersion, VersionStatus, Worker
from portal.services import publishing
from portal.services.plans import draft_of
from support import factories
from support.pages import form_values, soup
from support.rows import every_row
from support.sign_in import csrf_token, sign_in, signed_in_client

# Dialect-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def test_unreachable_database_shows_calm_page_and_keeps_typed_text(demo_app, monkeypatch):
    client = demo_app.test_client()
    sign_in(client, "ouder-sanne")
    token = csrf_token(client.get("/plan").text)
    engine = demo_app.extensions["engine"]
    engine.dispose()
    broken = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    monkeypatch.setitem(demo_app.extensions, "engine", broken)
    typed = "Mijn vraag: wie haalt Thomas op als ik ziek ben?"
    page = client.post("/plan", data={"answer": "question", "comment": typed, "csrf_token": token})
    assert page.status_code == 503
    assert "Mijn vraag: wie haalt Thomas op als ik ziek ben?" in page.text
    assert "112" in page.text
    assert 'lang="nl"' in page.text


def test_a_crash_while_publishing_leaves_the_draft_a_draft(demo_app, monkeypatch):
    with demo_app.app_context(), Session(db.engine()) as session:
        family = session.exec(select(Family).where(Family.name.contains("El Idrissi"))).one()
        worker = session.exec(select(Worker).where(Worker.name.startswith("Bram"))).one()
        draft = draft_of(session, family.id)
        draft_id = draft.id
        numbers_before = sorted(v.number for v in session.exec(select(PlanVersion)) if v.number)

        def crash(*_args):
            raise RuntimeError("power cut")

        monkeypatch.setattr(publishing, "open_jobs", crash)
        with pytest.raises(RuntimeError):
            publishing.publish(session, draft, draft.revision, family.id, worker.id, "")
        session.rollback()
    with demo_app.app_context(), Session(db.engine()) as session:
        again = session.get(PlanVersion, draft_id)
        assert again.status is VersionStatus.draft and again.number is None and again.published_at is None
        assert sorted(v.number for v in session.exec(select(PlanVersion)) if v.number) == numbers_before


def test_a_plan_form_refused_for_a_text_too_long_starts_no_draft(demo_app):
    """A failed form changes nothing: the first save of a household without a plan opens its draft only with it."""
    household = factories.household(demo_app, ["nl"])
    bram = signed_in_client(demo_app, "bram")
    url = f"/backoffice/families/{household.family_id}/plan"
    form = form_values(bram.get(url), "plan-form") | {
        "help-0-text": "Hulp van de buurvrouw. " * 400, "help-0-audience": "household", "help-count": "1"}
    before = every_row(demo_app)
    refused = bram.post(url, data=form)
    assert refused.status_code == 400
    assert soup(refused).select_one("#help-0-text").get_text() == form["help-0-text"]  # kept as typed
    assert every_row(demo_app) == before  # no plan, no draft


def test_a_crash_while_telling_the_parents_saves_and_publishes_nothing_of_that_request(demo_app, monkeypatch):
    """Save, publish, translation work and the parents' messages are one transaction: all of it, or none."""
    family = factories.household(demo_app, ["ar"])
    bram = signed_in_client(demo_app, "bram")
    url = f"/backoffice/families/{family.family_id}/plan"
    first = form_values(bram.get(url), "plan-form") | {
        "help-0-text": "Hulp van de buurvrouw.", "help-0-audience": "household", "help-count": "1",
        "action": "save"}
    assert bram.post(url, data=first).status_code == 200  # a draft, saved
    before = every_row(demo_app)

    def crash(*_args, **_kwargs):
        raise RuntimeError("the message queue is gone")

    monkeypatch.setattr(publishing.notifications, "tell_parents", crash)
    again = form_values(bram.get(url), "plan-form") | {"help-0-text": "Hulp van oma.", "action": "publish"}
    demo_app.testing = False  # the error page, as a worker would see it
    failed = bram.post(url, data=again)
    assert failed.status_code == 500
    assert every_row(demo_app) == before  # the draft still says "buurvrouw", nothing published, no job
