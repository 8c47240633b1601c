"""What a parent's pages and the duo's home say about answers and requests, each only to whom it belongs: the duo's
"with whom" is marked Dutch on a parent's pages in any language, "your duo answered" goes once the parent has seen
the answer, and a parent's request to move an appointment waits on the duo's home until the duo moved it."""
import datetime as dt

import pytest
from sqlmodel import select

from portal.clock import AMSTERDAM
from portal.models import Appointment
from support import factories
from support.pages import database, form_values, parent_named, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

pytestmark = pytest.mark.both_databases

QUESTION = "Wie haalt de kinderen op woensdag?"


def el_idrissi(app) -> factories.Household:
    """Fatima and Youssef El Idrissi, who read Arabic and are kept apart, with Bram de Wit and Anouk Visser as their
    duo, a published plan and an appointment in four days for them both."""
    household = factories.fatima_and_youssef(app)
    factories.published_plan(app, household.family_id)
    factories.appointment(app, household.family_id)
    return household


def coming_for_both(app, household: factories.Household) -> Appointment:
    """The household's appointment that both parents know of."""
    with database(app) as db:
        return db.exec(select(Appointment).where(Appointment.family_id == household.family_id)).one()


def test_with_whom_is_marked_dutch_on_every_page_of_a_parent_who_reads_arabic(team_app):
    household = el_idrissi(team_app)
    fatima, item = signed_in_client(team_app, household.usernames[0]), coming_for_both(team_app, household)
    with database(team_app) as db:
        names = {row.with_whom for row in db.exec(select(Appointment).where(
            Appointment.family_id == household.family_id))}
    # Where each page shows appointments: the next one on the home, each one in the list, the one answered.
    for url, where in (("/", "section[aria-labelledby=next]"), ("/appointments", "article.appointment"),
                       (f"/appointments/{item.key}", "main")):
        page = soup(fatima.get(url))
        assert page.html["lang"] == "ar"
        shown = [text for part in page.select(where)
                 for text in part.find_all(string=lambda s: s and s.strip() in names)]
        assert shown, url
        for text in shown:
            marked = text.find_parent(attrs={"lang": True})
            assert (marked["lang"], marked.get("dir")) == ("nl", "ltr"), (url, str(text.parent))


def notices(response) -> list[str]:
    return [" ".join(p.get_text(" ").split()) for p in soup(response).select("p.notice")]


def reply_to_fatima(app, family: int, text: str) -> None:
    """Bram answers Fatima's question on the answers page."""
    bram = signed_in_client(app, "bram")
    page = bram.get(f"/backoffice/families/{family}/answers")
    question = next(div for div in soup(page).select("#questions div.question") if QUESTION in div.get_text())
    question = next(form for form in question.select("form") if form.select_one("[name=reply]"))["action"]
    assert bram.post(question, data={"reply": text, "csrf_token": csrf_token(page.text)}).status_code == 302


def test_your_duo_answered_goes_once_the_parent_has_seen_the_answer(team_app):
    household = el_idrissi(team_app)
    fatima, youssef = (signed_in_client(team_app, username) for username in household.usernames)
    notice = say(team_app, "ar", "Your duo answered your question.")
    youssef_home = notices(youssef.get("/"))  # his own notices: Fatima's change nothing
    token = csrf_token(fatima.get("/plan").text)
    assert fatima.post("/plan", data={"answer": "question", "comment": QUESTION,
                                      "csrf_token": token}).status_code == 302
    reply_to_fatima(team_app, household.family_id, "Oma haalt hen op.")
    assert notice in text_of(fatima.get("/")) and notice in text_of(fatima.get("/"))  # looking home is not seeing
    assert fatima.head("/plan").status_code == 200  # a HEAD request shows nothing: nothing was seen
    assert notice in text_of(fatima.get("/"))
    assert "Oma haalt hen op." in text_of(fatima.get("/plan"))
    assert notice not in text_of(fatima.get("/"))
    # A new reply is news again; Youssef never hears of Fatima's question or its answer.
    reply_to_fatima(team_app, household.family_id, "Oma haalt hen op, en ik bel u vrijdag.")
    assert notice in text_of(fatima.get("/"))
    assert notices(youssef.get("/")) == youssef_home


def test_a_request_to_move_waits_on_the_duos_home_until_the_duo_moves_the_appointment(team_app):
    household = el_idrissi(team_app)
    fatima, bram = signed_in_client(team_app, household.usernames[0]), signed_in_client(team_app, "bram")
    item, family = coming_for_both(team_app, household), household.family_id
    edit_url = f"/backoffice/families/{family}/appointments/{item.id}"
    token = csrf_token(fatima.get(f"/appointments/{item.key}").text)
    asked = fatima.post(f"/appointments/{item.key}", data={"response": "move_requested", "csrf_token": token,
                                                           "reason": "Dan moet ik werken."})
    assert asked.status_code == 302

    # The duo's home names the household, the parent and the appointment, linked to where the duo moves it.
    waiting = soup(bram.get("/backoffice/")).select_one("#move-requests")
    assert waiting is not None
    request = waiting.select_one(f"a[href='{edit_url}']")
    assert request is not None and "Fatima El Idrissi" in waiting.get_text() and household.name in waiting.get_text()
    listed = text_of(bram.get(f"/backoffice/families/{family}/appointments"))
    assert say(team_app, "nl", "asks to move") in listed

    # The duo moves it a day later: the request is settled, on the home and in the list.
    page = bram.get(edit_url)
    form = form_values(page, "appointment-form")
    later = item.starts_at.astimezone(AMSTERDAM) + dt.timedelta(days=1)
    moved = bram.post(edit_url, data=form | {"date": later.strftime("%Y-%m-%d"), "action": "save",
                                              "csrf_token": csrf_token(page.text)})
    assert moved.status_code == 302
    home = soup(bram.get("/backoffice/"))
    assert home.select_one(f"#move-requests a[href='{edit_url}']") is None
    listed = text_of(bram.get(f"/backoffice/families/{family}/appointments"))
    assert say(team_app, "nl", "asks to move") not in listed
    assert say(team_app, "nl", "asked to move, moved since") in listed

    # Asked again after the move: waiting again. Youssef's pages never show Fatima's request.
    token = csrf_token(fatima.get(f"/appointments/{item.key}").text)
    fatima.post(f"/appointments/{item.key}", data={"response": "move_requested", "csrf_token": token,
                                                   "reason": "Ook dan moet ik werken."})
    assert soup(bram.get("/backoffice/")).select_one(f"#move-requests a[href='{edit_url}']") is not None
    youssef = signed_in_client(team_app, household.usernames[1])
    for url in ("/", "/appointments", f"/appointments/{item.key}"):
        assert "moet ik werken" not in text_of(youssef.get(url))
    assert parent_named(team_app, "Youssef El Idrissi").family_id == family
