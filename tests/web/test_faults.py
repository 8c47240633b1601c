"""Faults: an unreachable database keeps what was typed; a crash while publishing publishes nothing."""
import pytest
from sqlmodel import Session, select

from portal import db
from portal.models import Family, PlanVersion, VersionStatus, Worker
from portal.services import plan_versions
from portal.services.plans import draft_of
from support.sign_in import csrf_token, sign_in

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

        monkeypatch.setattr(plan_versions, "open_jobs", crash)
        with pytest.raises(RuntimeError):
            plan_versions.publish(session, draft, draft.revision, family.id, worker.id, "")
        session.rollback()
    with demo_app.app_context(), Session(db.engine()) as session:
        again = session.get(PlanVersion, draft_id)
        assert again.status is VersionStatus.draft and again.number is None and again.published_at is None
        assert sorted(v.number for v in session.exec(select(PlanVersion)) if v.number) == numbers_before
