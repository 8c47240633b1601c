"""A parent's history of their plan (issue 16, point 4): each version with its date, what changed within that
parent's audience (in their language once translated) and their own answers, never a trace of the other parent."""
import re

from sqlalchemy import event, func
from sqlmodel import select

from portal.models import Acknowledgement, TranslationJob
from portal.services import plan_history
from portal.services.plans import current_version
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

HISTORY = "/plan/history"
TRANSLATED = "ترجمة: "


def publish(bram, family_id: int, change) -> None:
    """Open the editor, change its fields as the duo would (`change(form)`), and publish."""
    url = f"/backoffice/families/{family_id}/plan"
    form = form_values(bram.get(url), "plan-form")
    change(form)
    response = bram.post(url, data=form | {"action": "publish"})
    assert response.status_code == 302, text_of(response)[:1500]


def translate(app, family_id: int) -> None:
    """The Arabic interpreter translates the current version through their page: every sentence, names kept."""
    with database(app) as db:
        version = current_version(db, family_id)
        job = db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                   TranslationJob.language == "ar")).one()
    interpreter = signed_in_client(app, "tolk-ar")
    page = interpreter.get(f"/backoffice/translations/{job.id}")
    sources = re.findall(r'<td lang="nl" dir="ltr">(.*?)</td>', page.text, flags=re.S)
    data = {f"segment-{i}": TRANSLATED + source.replace("&#39;", "'").replace("&amp;", "&")
            for i, source in enumerate(sources)}
    response = interpreter.post(f"/backoffice/translations/{job.id}", data=data | {"csrf_token": csrf_token(page.text)})
    assert response.status_code in (200, 302), text_of(response)[:1500]
    with database(app) as db:
        assert db.get(TranslationJob, job.id).completed_at is not None


def versions(response) -> dict[str, object]:
    """Each version's section by its heading's number."""
    return {section.h2["id"]: section for section in soup(response).select("section.version")}


def receipts(app) -> int:
    with database(app) as db:
        return db.exec(select(func.count(Acknowledgement.id))).one()


def test_each_parent_reads_only_their_own_history(team_app):
    made = factories.household(team_app, ["ar", "nl"], kept_apart=True)
    fatima, youssef = made.parent_ids  # Fatima reads Arabic; the item for her must never reach Youssef
    everyone, only_fatima = "household", f"parents:{fatima}"
    bram = signed_in_client(team_app, "bram")

    def first(form):
        form |= {"s1-kind": "acute", "s1-description": "Er wordt thuis geschreeuwd.", "s1-audience": everyone,
                 "help-count": "2", "help-0-text": "Fatima slaapt bij haar zus in Noord.",
                 "help-0-audience": only_fatima, "help-1-text": "Samen naar de huisarts.", "help-1-audience": everyone}
    publish(bram, made.family_id, first)
    translate(team_app, made.family_id)
    parents = [signed_in_client(team_app, username) for username in made.usernames]
    # Fatima agrees; Youssef asks a question. Each opens the plan first (the read receipt).
    for client, answer, comment in ((parents[0], "agree", ""), (parents[1], "question", "Mag ik de kinderen zien?")):
        sent = client.post("/plan", data={"csrf_token": csrf_token(client.get("/plan").text), "answer": answer,
                                          "comment": comment})
        assert sent.status_code == 302

    def second(form):
        form |= {"help-0-text": "Fatima slaapt bij haar tante in Oost.", "help-count": "3",
                 "help-1-text": "Samen naar de huisarts en de tandarts.",
                 "help-2-text": "Een opvangplek als het thuis niet veilig is.", "help-2-audience": only_fatima,
                 "note": "Het adres voor Fatima is veranderd.", "note-audience": only_fatima}
    publish(bram, made.family_id, second)

    before = receipts(team_app)
    theirs = parents[1].get(HISTORY)
    assert theirs.status_code == 200
    page = text_of(theirs)
    for secret in ("zus", "tante", "Noord", "Oost", "opvangplek", "adres", "Fatima"):
        assert secret not in page, secret  # no item, no note, no name of what is only for Fatima
    shown = versions(theirs)
    assert list(shown) == ["version-2", "version-1"]  # newest first
    assert [li.get_text(" ", strip=True) for li in shown["version-2"].select("ul.changes li")] == [
        say(team_app, "nl", "Changed:") + " Samen naar de huisarts. Samen naar de huisarts en de tandarts."]
    assert say(team_app, "nl", "The first version of your plan.") in shown["version-1"].get_text()
    assert "Mag ik de kinderen zien?" in shown["version-1"].get_text()  # their own question, on its version
    assert say(team_app, "nl", "You said: I have read it and I agree.") not in page  # Fatima's answer is hers

    mine = parents[0].get(HISTORY)
    shown = versions(mine)
    assert "Mag ik de kinderen zien?" not in text_of(mine)
    assert say(team_app, "ar", "You said: I have read it and I agree.") in shown["version-1"].get_text()
    # Version 2 is not translated yet. As on the plan page, sentence by sentence: what version 1 said is in Arabic
    # (translated then); its new sentences are in Dutch, marked as Dutch, each with "translation follows".
    changes = shown["version-2"].select("ul.changes li")
    assert len(changes) == 3
    texts = [text for li in changes for text in li.select("span.text > span")]
    translated = [text for text in texts if text["lang"] == "ar"]
    waiting = [text for text in texts if text["lang"] == "nl"]
    assert [text.get_text() for text in translated] == [TRANSLATED + "Fatima slaapt bij haar zus in Noord.",
                                                         TRANSLATED + "Samen naar de huisarts."]
    assert len(waiting) == 3 and len(texts) == 5
    assert all("pending" in text["class"] and text.find_next_sibling().get("lang") == "ar"
               and text.find_next_sibling().get("class") == ["follows"] for text in waiting)  # the mark, after it
    assert "Fatima slaapt bij haar tante in Oost." in shown["version-2"].get_text()
    assert "Het adres voor Fatima is veranderd." in shown["version-2"].get_text()  # the note for her
    assert shown["version-2"].select_one('p.notice span.pending[lang="nl"] + small.follows')  # in Dutch, marked

    translate(team_app, made.family_id)
    shown = versions(parents[0].get(HISTORY))
    texts = shown["version-2"].select("ul.changes li span.text > span")
    assert len(texts) == 5 and all(element["lang"] == "ar" and element["dir"] == "rtl" for element in texts)
    assert not shown["version-2"].select("ul.changes small.follows")
    assert all(element.get_text().startswith(TRANSLATED) for element in texts)
    assert TRANSLATED + "Fatima slaapt bij haar tante in Oost." in shown["version-2"].get_text()
    note = shown["version-2"].select_one("p.notice span[lang]")  # the duo's note in her language too
    assert (note["lang"], note["dir"]) == ("ar", "rtl")
    assert note.get_text() == TRANSLATED + "Het adres voor Fatima is veranderd."
    # Youssef's history stays as it was: nothing of Fatima's translated items either.
    assert "Fatima" not in text_of(parents[1].get(HISTORY))
    assert receipts(team_app) == before  # the history is no read receipt of any version


def test_a_page_of_versions_costs_the_same_queries_and_pages_older_ones(team_app, monkeypatch):
    made = factories.household(team_app, ["nl"])
    bram = signed_in_client(team_app, "bram")
    parent = signed_in_client(team_app, made.usernames[0])
    engine = team_app.extensions["engine"]

    def publish_number(number: int) -> None:
        publish(bram, made.family_id, lambda form: form.update({
            "s1-kind": "acute", "s1-description": f"Ruzie thuis, versie {number}.", "s1-audience": "household"}))

    def queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert parent.get(HISTORY).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    for number in (1, 2):
        publish_number(number)
    few = queries()
    for number in range(3, 8):
        publish_number(number)
    assert queries() == few

    monkeypatch.setattr(plan_history, "VERSIONS_SHOWN", 3)
    newest = parent.get(HISTORY)
    assert list(versions(newest)) == ["version-7", "version-6", "version-5"]
    # Version 5 still says what changed: the version before it is read too.
    assert "versie 5" in versions(newest)["version-5"].select_one("ul.changes").get_text()
    older = soup(newest).find("a", string=say(team_app, "nl", "Older versions"))
    assert older is not None
    page_three = parent.get(HISTORY + "?page=3")
    assert list(versions(page_three)) == ["version-1"]
    assert soup(page_three).find("a", string=say(team_app, "nl", "Older versions")) is None
    # A number that is no page number shows the first page.
    for hostile in ("99999999999999999999", "-1", "٣", "0"):
        assert list(versions(parent.get(f"{HISTORY}?page={hostile}"))) == ["version-7", "version-6", "version-5"]

    # The plan page links to the history.
    assert soup(parent.get("/plan")).select_one(f"a[href='{HISTORY}']") is not None


def test_publishing_the_first_version_lands_on_what_it_holds(team_app):
    """Not "version 1 against version 1: no changes": the first version is compared with nothing, so all of it is
    new; a later one lands on what changed since the version before it."""
    made = factories.household(team_app, ["nl"])
    bram = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{made.family_id}/plan"
    form = form_values(bram.get(url), "plan-form") | {
        "s1-kind": "acute", "s1-description": "Er wordt geschreeuwd.", "s1-risks": "Geldzorgen",
        "help-0-text": "Samen naar de huisarts."}
    first = bram.post(url, data=form | {"action": "publish"})
    assert first.status_code == 302
    landing = bram.get(first.headers["Location"])
    changes = [li.get_text(" ", strip=True) for li in soup(landing).select("ul.changes li")]
    new = say(team_app, "nl", "New")
    assert changes == [f"{new}: Er wordt geschreeuwd. | Geldzorgen", f"{new}: Samen naar de huisarts."]
    first_one = say(team_app, "nl", "Version %(number)s is the first: everything in it is new.", number=1)
    assert first_one in text_of(landing)
    form = form_values(bram.get(url), "plan-form") | {"help-0-text": "Samen naar de huisarts en de tandarts."}
    second = bram.get(bram.post(url, data=form | {"action": "publish"}).headers["Location"])
    assert [li.get_text(" ", strip=True) for li in soup(second).select("ul.changes li")] == [
        say(team_app, "nl", "Changed") + ": Samen naar de huisarts. Samen naar de huisarts en de tandarts."]
    assert [option.get_text() for option in soup(second).select("#a option[selected], #b option[selected]")] == [
        "1", "2"]
