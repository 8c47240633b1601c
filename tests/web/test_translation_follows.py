"""The "translation follows" mark (issue 21, smaller points): its own element after the Dutch sentence it belongs
to, in both directions (inside the Dutch sentence it landed mid-sentence in a right-to-left page), and tagged with
the language it is written in - the interface's - not with the language the parent reads the plan in."""
import datetime as dt

from sqlmodel import select

from portal import clock
from portal.models import Appointment
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

PURPOSE = "Chantal komt bij u thuis."


def publish(worker, family_id: int) -> None:
    """The duo writes a one-agreement plan in the editor and publishes it (nobody has translated it yet)."""
    url = f"/backoffice/families/{family_id}/plan"
    form = form_values(worker.get(url), "plan-form") | {
        "s1-kind": "acute", "s1-description": "Er is ruzie in huis.", "s1-a-count": "1", "s1-a-0-who": "Oma",
        "s1-a-0-what": "De kinderen slapen bij oma.", "s1-a-0-when": "Altijd.", "s1-a-0-wrong": "Bel de buurvrouw.",
        "action": "publish"}
    response = worker.post(url, data=form)
    assert response.status_code == 302, text_of(response)[:800]


def plan_and_cancel(worker, family_id: int) -> None:
    """The duo plans an appointment for tomorrow and then cancels it, through the appointment pages."""
    url = f"/backoffice/families/{family_id}/appointments"
    day = (clock.today() + dt.timedelta(days=1)).isoformat()
    planned = worker.post(url, data={"csrf_token": csrf_token(worker.get(url).text), "date": day, "time": "09:00",
                                     "duration": "60", "place": "Bij u thuis", "with_whom": "Chantal Pinas",
                                     "purpose": PURPOSE, "audience": "household", "action": "save"})
    assert planned.status_code == 302, text_of(planned)[:800]
    with database(worker.application) as db:
        appointment = db.exec(select(Appointment.id).where(Appointment.family_id == family_id,
                                                           Appointment.purpose == PURPOSE)).one()
    page = f"{url}/{appointment}"
    cancelled = worker.post(page, data={"csrf_token": csrf_token(worker.get(page).text), "action": "cancel"})
    assert cancelled.status_code == 302, text_of(cancelled)[:800]


def choose_interface(client, language: str) -> None:
    chosen = client.post("/language", data={"set_language": language, "next": "/",
                                            "csrf_token": csrf_token(client.get("/").text)})
    assert chosen.status_code == 302


def test_the_mark_follows_the_sentence_in_the_language_it_is_written_in(team_app):
    household = factories.household(team_app, ["ar"])  # she reads the plan in Arabic
    bram, parent = signed_in_client(team_app, "bram"), signed_in_client(team_app, household.usernames[0])
    publish(bram, household.family_id)
    plan_and_cancel(bram, household.family_id)
    for interface, direction in (("ar", "rtl"), ("en", "ltr")):  # her pages in Arabic, then in English
        choose_interface(parent, interface)
        for url in ("/plan", "/appointments"):
            page = soup(parent.get(url))
            assert page.html["lang"] == interface
            marks = page.select("main small.follows")
            assert marks, url
            for mark in marks:
                assert (mark["lang"], mark["dir"]) == (interface, direction), (url, mark)
                assert mark.get_text() == say(team_app, interface, "translation follows")
                assert mark.find_parent("span") is None, (url, mark)  # not inside the Dutch sentence
                sentence = mark.find_previous_sibling()
                assert sentence.name == "span" and "pending" in sentence["class"], (url, mark)
                assert (sentence["lang"], sentence["dir"]) == ("nl", "ltr")
        cancelled = page.select_one("article.cancelled")
        assert PURPOSE in cancelled.get_text() and cancelled.select("small.follows")
