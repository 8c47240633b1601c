"""Interpreters translate published plans side by side; the memory saves work; tokens never change."""
import re

import pytest
from sqlmodel import Session, select

from portal import db
from portal.models import Family, Interpreter, InterpreterTeam, PlanVersion, TranslationJob, Worker
from portal.services import publishing
from portal.services.interpreting import segments
from portal.services.plans import current_version, load_contents
from support import factories
from support.sign_in import csrf_token, sign_in, signed_in_client

AGREEMENT = ("Oma haalt Amira en Adam op van school. Zij brengt hen om 17:00 naar huis. Lukt het niet? Dan belt zij "
             "Bram. Youssef gaat naar buiten als hij boos wordt. Hij loopt dan een half uur. Daarna belt hij Bram. "
             "Bij gevaar belt Fatima 112. Wie hulp wil, belt 0800-2000.")


def translate_all(client, job_id: int, change=lambda index, text: text) -> tuple[int, str]:
    """Fill every segment with a pretend translation that keeps names, numbers and times."""
    page = client.get(f"/backoffice/translations/{job_id}")
    sources = re.findall(r'<td lang="nl" dir="ltr">(.*?)</td>', page.text, flags=re.S)
    data = {"csrf_token": csrf_token(page.text)}
    data.update({f"segment-{i}": change(i, "ترجمة: " + source.replace("&#39;", "'").replace("&amp;", "&"))
                 for i, source in enumerate(sources)})
    response = client.post(f"/backoffice/translations/{job_id}", data=data)
    return response.status_code, response.text


@pytest.fixture
def el_idrissi(team_app) -> factories.Household:
    """Fatima and Youssef El Idrissi, who read Arabic and are kept apart, with a published plan whose one agreement
    (AGREEMENT) has eight sentences with times, a name and phone numbers; its Arabic job goes to Samira (tolk-ar)."""
    household = factories.fatima_and_youssef(team_app, children=True)
    factories.published_plan(team_app, household.family_id, what=AGREEMENT)
    return household


def el_idrissi_job(app, family_id: int) -> TranslationJob:
    with app.app_context(), Session(db.engine()) as session:
        version = current_version(session, family_id)
        return session.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                         TranslationJob.language == "ar")).one()


def test_a_changed_phone_number_is_refused_and_the_rest_is_kept(team_app, el_idrissi):
    interpreter = team_app.test_client()
    sign_in(interpreter, "tolk-ar")
    job = el_idrissi_job(team_app, el_idrissi.family_id)
    status, page = translate_all(interpreter, job.id, lambda i, text: text.replace("0800-2000", "0800-2001"))
    assert status == 400
    assert "0800-2000" in page and "0800-2001" in page  # the message names it; the typed text stays
    assert "ترجمة" in page
    with team_app.app_context(), Session(db.engine()) as session:
        assert session.get(TranslationJob, job.id).completed_at is None


def test_complete_translation_reaches_the_parent_with_translator_and_dutch_to_compare(team_app, el_idrissi):
    interpreter = team_app.test_client()
    sign_in(interpreter, "tolk-ar")
    job = el_idrissi_job(team_app, el_idrissi.family_id)
    parent = signed_in_client(team_app, el_idrissi.usernames[1])
    before = parent.get("/plan").text
    assert "ترجمة:" not in before
    assert 'lang="nl" dir="ltr"' in before  # the Dutch text, marked as Dutch, until translated
    status, _page = translate_all(interpreter, job.id)
    assert status == 200
    with team_app.app_context(), Session(db.engine()) as session:
        assert session.get(TranslationJob, job.id).completed_at is not None
    after = parent.get("/plan").text
    assert "ترجمة:" in after
    assert "Samira Benali" in after
    assert "<details class=\"dutch\"" in after  # each section can show the Dutch text, without JavaScript


def test_one_changed_sentence_costs_one_segment_of_work(team_app, el_idrissi):
    interpreter = team_app.test_client()
    sign_in(interpreter, "tolk-ar")
    assert translate_all(interpreter, el_idrissi_job(team_app, el_idrissi.family_id).id)[0] == 200
    with team_app.app_context(), Session(db.engine()) as session:
        family = session.get(Family, el_idrissi.family_id)
        bram = session.exec(select(Worker).where(Worker.name.startswith("Bram"))).one()
        published = current_version(session, family.id)
        content = load_contents(session, [published.id])[published.id]
        draft = publishing.open_draft(session, family.id, bram.id)
        publishing.save(session, draft, draft.revision, content, bram.id)  # start from what was translated
        draft = session.get(PlanVersion, draft.id, populate_existing=True)
        first = content.situations[0]
        changed = first.__class__(**{**first.__dict__, "description": first.description + " Dat is eng."})
        content = content.__class__((changed,) + content.situations[1:], content.items)
        publishing.save(session, draft, draft.revision, content, bram.id)
        draft = session.get(PlanVersion, draft.id, populate_existing=True)
        publishing.publish(session, draft, draft.revision, family.id, bram.id, "")
        session.commit()
        assert len(segments(content)) > 10
    token = csrf_token(interpreter.get("/backoffice/").text)
    interpreter.post("/language", data={"set_language": "en", "csrf_token": token, "next": "/backoffice/"})
    page = interpreter.get(f"/backoffice/translations/{el_idrissi_job(team_app, el_idrissi.family_id).id}")
    assert "1 segment still needs a translation." in page.text
    # Every other row (the plan's sentences, and what the appointments are for and where) comes from the memory.
    assert page.text.count("From the translation memory") == page.text.count('<td lang="nl" dir="ltr">') - 1


def test_interpreters_only_see_their_own_work(team_app, el_idrissi):
    other = team_app.test_client()
    sign_in(other, "tolk-tr")
    assert other.get(f"/backoffice/translations/{el_idrissi_job(team_app, el_idrissi.family_id).id}").status_code == 404


def test_a_second_interpreter_verifies_a_translation(team_app, el_idrissi):
    interpreter = team_app.test_client()
    sign_in(interpreter, "tolk-ar")
    job = el_idrissi_job(team_app, el_idrissi.family_id)
    translate_all(interpreter, job.id)
    with team_app.app_context(), Session(db.engine()) as session:
        second = Interpreter(name="Nadia Amrani", languages="ar")
        session.add(second)
        session.commit()
        # She works for the household's team, as every interpreter given its work must.
        team_id = session.get(Family, el_idrissi.family_id).team_id
        session.add(InterpreterTeam(interpreter_id=second.id, team_id=team_id))
        session.get(TranslationJob, job.id).interpreter_id = second.id
        session.commit()
        second_id = second.id
    # The second interpreter signs in through a fresh account bound to the new interpreter row.
    from portal.accounts.secrets import hash_password
    from portal.models import Account, Role
    with team_app.app_context(), Session(db.engine()) as session:
        account = Account(username="tolk-ar2", role=Role.interpreter, display_name="Nadia Amrani",
                          password_hash=hash_password("een lange zin als wachtwoord"),
                          totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", totp_enrolled=True)
        session.add(account)
        session.commit()
        session.get(Interpreter, second_id).account_id = account.id
        session.commit()
    import pyotp
    client = team_app.test_client()
    token = csrf_token(client.get("/backoffice/sign-in").text)
    client.post("/backoffice/sign-in", data={"username": "tolk-ar2", "password": "een lange zin als wachtwoord",
                                             "csrf_token": token})
    client.post("/backoffice/sign-in/code", data={"code": pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now(),
                                                  "csrf_token": token})
    page = client.get(f"/backoffice/translations/{job.id}")
    assert "I checked this translation" in page.text or "verify-0" in page.text
    data = {"csrf_token": csrf_token(page.text)}
    for index, text in enumerate(re.findall(r'<textarea id="segment-\d+" name="segment-\d+" rows="2">(.*?)</textarea>',
                                            page.text, flags=re.S)):
        data[f"segment-{index}"] = text.replace("&#39;", "'").replace("&amp;", "&")
    data["verify-0"] = "1"
    client.post(f"/backoffice/translations/{job.id}", data=data)
    assert "Nadia Amrani" in client.get(f"/backoffice/translations/{job.id}").text
