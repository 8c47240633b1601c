"""The plan's text on a parent's plan page is rendered once per key (issue 23, point 2: family_pages.plan_body), so
the key must hold everything the text depends on. Each test fills the cache with a page, changes one part of the key
(the version, the parent's audience, the page's language, the household's translation memory, the version read
before) and sees the next page change; and the caches are bounded. Where a part could change along with another
(a parent's own audience brings their own translation), the parents read Dutch, so that the part changes alone;
leaving any one part out of the key makes its test fail.

The demo gives the households whose pages differ in these ways (Fatima's safe address, for her only; Faadumo's plan
waiting for its Somali translation; Fatima's version 2 after reading version 1); a new version is published through
the plan editor on a household made for the test (support/factories.py)."""
from sqlmodel import col, delete, select

from portal.models import Acknowledgement, Parent, ParentVersion, TranslationSegment
from portal.rules.sentences import sentences
from portal.services.family_pages import Kept
from portal.services.interpreting import source_hash
from support import factories
from support.pages import database, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client


def plan_page(client) -> str:
    response = client.get("/plan")
    assert response.status_code == 200
    return text_of(response)


def parent(app, name: str) -> Parent:
    with database(app) as db:
        return db.exec(select(Parent).where(Parent.name == name)).one()


def newest_version(app, parent_id: int) -> int:
    with database(app) as db:
        return db.exec(select(ParentVersion.version_id).where(ParentVersion.parent_id == parent_id)
                       .order_by(ParentVersion.number.desc())).first()


def shown_again(client) -> str:
    """The plan page re-rendered for a refused answer: it records no reading, so the version read before stays."""
    response = client.post("/plan", data={"csrf_token": csrf_token(client.get("/about-leave-quickly").text)})
    assert response.status_code == 400
    return text_of(response)


def reads_dutch(app, *names: str) -> None:
    """These parents read the plan in Dutch (no translation in the key): one part of the key can change alone."""
    with database(app) as db:
        for found in db.exec(select(Parent).where(col(Parent.name).in_(names))):
            found.language = "nl"
            db.add(found)
        db.commit()


def test_a_new_version_shows_its_text(team_app):
    household = factories.household(team_app, ["nl"])
    factories.published_plan(team_app, household.family_id, what="De kinderen slapen bij oma.")
    client = signed_in_client(team_app, household.usernames[0])
    assert "De kinderen slapen bij oma." in shown_again(client)
    factories.published_plan(team_app, household.family_id, what="De kinderen slapen bij opa.")
    assert "De kinderen slapen bij opa." in shown_again(client)  # read before: none, as for the first


def test_each_parent_reads_their_own_audience_of_one_version(demo_app):
    reads_dutch(demo_app, "Fatima El Idrissi", "Youssef El Idrissi")
    fatima, youssef = parent(demo_app, "Fatima El Idrissi"), parent(demo_app, "Youssef El Idrissi")
    assert newest_version(demo_app, fatima.id) == newest_version(demo_app, youssef.id)  # the same version
    safe_address = "Fatima heeft een veilig adres."
    assert safe_address not in shown_again(signed_in_client(demo_app, "ouder-youssef"))  # his view of it first
    assert safe_address in shown_again(signed_in_client(demo_app, "ouder-fatima"))
    assert safe_address not in shown_again(signed_in_client(demo_app, "ouder-youssef"))


def test_another_language_of_the_page_shows_the_plan_in_it(demo_app):
    client = signed_in_client(demo_app, "ouder-fatima")
    agreed = {locale: say(demo_app, locale, "What we agreed") for locale in ("ar", "nl")}
    assert agreed["ar"] != agreed["nl"]
    page = plan_page(client)
    assert agreed["ar"] in page and agreed["nl"] not in page
    client.post("/language", data={"set_language": "nl", "csrf_token": csrf_token(client.get("/plan").text),
                                   "next": "/plan"})
    page = plan_page(client)
    assert agreed["nl"] in page and agreed["ar"] not in page


def test_a_sentence_translated_for_the_household_is_shown_translated(demo_app):
    client = signed_in_client(demo_app, "ouder-faadumo")
    waiting = soup(client.get("/plan")).select_one("span.pending")
    assert waiting is not None, "Faadumo's plan waits for its Somali translation"
    sentence = sentences(waiting.get_text())[0]
    assert "Turjumaad tijaabo ah." not in plan_page(client)
    faadumo = parent(demo_app, "Faadumo Abdi")
    with database(demo_app) as db:
        db.add(TranslationSegment(source_hash=source_hash(sentence), language="so", source_text=sentence,
                                  text="Turjumaad tijaabo ah.", family_id=faadumo.family_id, protected=True))
        db.commit()
    assert "Turjumaad tijaabo ah." in plan_page(client)


def test_what_changed_follows_the_version_read_before(demo_app):
    reads_dutch(demo_app, "Fatima El Idrissi")
    client = signed_in_client(demo_app, "ouder-fatima")
    changed = say(demo_app, "ar", "What changed since the version you read before")
    assert changed in plan_page(client)  # she read version 1; the page records that she read version 2
    fatima = parent(demo_app, "Fatima El Idrissi")
    newest = newest_version(demo_app, fatima.id)
    with database(demo_app) as db:  # as if she had never read an earlier version
        db.exec(delete(Acknowledgement).where(Acknowledgement.parent_id == fatima.id,
                                              Acknowledgement.version_id != newest))
        db.commit()
    assert changed not in plan_page(client)


def test_the_caches_keep_a_bounded_number_of_values():
    kept, made = Kept(3), []
    for key in range(10):
        assert kept.get(key, lambda key=key: made.append(key) or key * 2) == key * 2
    assert len(kept) == 3 and made == list(range(10))
    assert kept.get(9, lambda: "made again") == 18  # the newest stay
    assert kept.get(0, lambda: "made again") == "made again"  # the oldest left
