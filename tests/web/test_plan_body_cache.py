"""The plan's text on a parent's plan page is rendered once per key (issue 23, point 2: family_pages.plan_body), so
the key must hold everything the text depends on. Each test fills the cache with a page, changes one part of the key
(the version, the parent's audience, the page's language, the household's translation memory, the version read
before) and sees the next page change; and the caches are bounded. Where a part could change along with another
(a parent's own audience brings their own translation), the parents read Dutch, so that the part changes alone;
leaving any one part out of the key makes its test fail.

Each test makes the household whose pages differ in its way, on the team alone (support/factories.py): Fatima and
Youssef with one version holding an agreement for Fatima only (her safe address); a household reading Somali whose
plan waits for its translation; Fatima reading version 2 after version 1. Versions are published through the plan
editor (`published_plan`), or through its services where an item is for one parent (`published_content`)."""
from sqlmodel import col, delete, select

from portal.models import Acknowledgement, Parent, ParentVersion, TranslationSegment
from portal.models.plans import new_key
from portal.rules.audience import only_for
from portal.rules.plan_content import Agreement, PlanContent, Situation
from portal.rules.sentences import sentences
from portal.services.family_pages import Kept
from portal.services.interpreting import source_hash
from support import factories
from support.pages import database, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

SAFE_ADDRESS = "Fatima heeft een veilig adres."


def plan_page(client) -> str:
    response = client.get("/plan")
    assert response.status_code == 200
    return text_of(response)


def newest_version(app, parent_id: int) -> int:
    with database(app) as db:
        return db.exec(select(ParentVersion.version_id).where(ParentVersion.parent_id == parent_id)
                       .order_by(ParentVersion.number.desc())).first()


def shown_again(client) -> str:
    """The plan page re-rendered for a refused answer: it records no reading, so the version read before stays."""
    response = client.post("/plan", data={"csrf_token": csrf_token(client.get("/about-leave-quickly").text)})
    assert response.status_code == 400
    return text_of(response)


def reads_dutch(app, *parent_ids: int) -> None:
    """These parents read the plan in Dutch (no translation in the key), their pages stay in their account's language:
    one part of the key can change alone."""
    with database(app) as db:
        for found in db.exec(select(Parent).where(col(Parent.id).in_(parent_ids))):
            found.language = "nl"
            db.add(found)
        db.commit()


def plan_with_a_safe_address_for(fatima: int) -> PlanContent:
    """One acute situation for the household, with an agreement for the household and one for Fatima alone: her safe
    address (SAFE_ADDRESS)."""
    walk_away = Agreement(new_key(), "Youssef", "Youssef gaat naar buiten als hij boos wordt.", "Elke keer.",
                          "Fatima gaat met de kinderen naar een andere kamer.")
    safe_address = Agreement(new_key(), "Fatima", f"{SAFE_ADDRESS} Bram weet het adres.", "Dag en nacht.",
                             "Fatima belt Bram. Bij gevaar belt zij 112.", audience=only_for([fatima]))
    return PlanContent((Situation(new_key(), 1, "acute", "Fatima en Youssef hebben vaak harde ruzie.",
                                  ("Zorgen over geld",), (walk_away, safe_address)),))


def test_a_new_version_shows_its_text(team_app):
    household = factories.household(team_app, ["nl"])
    factories.published_plan(team_app, household.family_id, what="De kinderen slapen bij oma.")
    client = signed_in_client(team_app, household.usernames[0])
    assert "De kinderen slapen bij oma." in shown_again(client)
    factories.published_plan(team_app, household.family_id, what="De kinderen slapen bij opa.")
    assert "De kinderen slapen bij opa." in shown_again(client)  # read before: none, as for the first


def test_each_parent_reads_their_own_audience_of_one_version(team_app):
    made = factories.fatima_and_youssef(team_app)
    fatima, youssef = made.parent_ids
    reads_dutch(team_app, fatima, youssef)
    factories.published_content(team_app, made.family_id, plan_with_a_safe_address_for(fatima))
    assert newest_version(team_app, fatima) == newest_version(team_app, youssef)  # the same version
    fatima_name, youssef_name = made.usernames
    assert SAFE_ADDRESS not in shown_again(signed_in_client(team_app, youssef_name))  # his view of it first
    assert SAFE_ADDRESS in shown_again(signed_in_client(team_app, fatima_name))
    assert SAFE_ADDRESS not in shown_again(signed_in_client(team_app, youssef_name))


def test_another_language_of_the_page_shows_the_plan_in_it(team_app):
    made = factories.fatima_and_youssef(team_app)  # they read Arabic: the page is in Arabic
    factories.published_plan(team_app, made.family_id)
    client = signed_in_client(team_app, made.usernames[0])
    agreed = {locale: say(team_app, locale, "What we agreed") for locale in ("ar", "nl")}
    assert agreed["ar"] != agreed["nl"]
    page = plan_page(client)
    assert agreed["ar"] in page and agreed["nl"] not in page
    client.post("/language", data={"set_language": "nl", "csrf_token": csrf_token(client.get("/plan").text),
                                   "next": "/plan"})
    page = plan_page(client)
    assert agreed["nl"] in page and agreed["ar"] not in page


def test_a_sentence_translated_for_the_household_is_shown_translated(team_app):
    household = factories.household(team_app, ["so"], names=("Faadumo Abdi",))
    factories.published_plan(team_app, household.family_id)
    client = signed_in_client(team_app, household.usernames[0])
    waiting = soup(client.get("/plan")).select_one("span.pending")
    assert waiting is not None, "Faadumo's plan waits for its Somali translation"
    sentence = sentences(waiting.get_text())[0]
    assert "Turjumaad tijaabo ah." not in plan_page(client)
    with database(team_app) as db:
        db.add(TranslationSegment(source_hash=source_hash(sentence), language="so", source_text=sentence,
                                  text="Turjumaad tijaabo ah.", family_id=household.family_id, protected=True))
        db.commit()
    assert "Turjumaad tijaabo ah." in plan_page(client)


def test_what_changed_follows_the_version_read_before(team_app):
    made = factories.fatima_and_youssef(team_app)  # her page is in Arabic, the plan in Dutch
    fatima = made.parent_ids[0]
    reads_dutch(team_app, fatima)
    client = signed_in_client(team_app, made.usernames[0])
    factories.published_plan(team_app, made.family_id, what="De kinderen slapen bij oma.")
    plan_page(client)  # she reads version 1
    factories.published_plan(team_app, made.family_id, what="De kinderen slapen bij opa.")
    changed = say(team_app, "ar", "What changed since the version you read before")
    assert changed in plan_page(client)  # she read version 1; the page records that she read version 2
    newest = newest_version(team_app, fatima)
    with database(team_app) as db:  # as if she had never read an earlier version
        db.exec(delete(Acknowledgement).where(Acknowledgement.parent_id == fatima,
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
