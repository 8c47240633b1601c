"""An interpreter's translation that swaps a household member's name is refused on the page: the message names
the token, the typed text stays, and nothing enters the translation memory."""
from sqlmodel import func, select

from portal.models import TranslationJob, TranslationSegment
from portal.services.plans import current_version
from support import factories
from support.pages import database, form_values, say, soup
from support.sign_in import signed_in_client


def arabic_job(app) -> int:
    """The Arabic translation job of a published plan of a household with an Arabic-speaking father, Youssef, and two
    children, Amira and Adam, whom the plan names."""
    household = factories.household(app, ["ar", "nl"], names=("Youssef El Idrissi", "Fatima El Idrissi"),
                                     children=("Amira El Idrissi", "Adam El Idrissi"))
    factories.published_plan(app, household.family_id, what="Amira en Adam slapen bij oma als het thuis te druk is.")
    with database(app) as db:
        version = current_version(db, household.family_id)
        return db.exec(select(TranslationJob.id).where(TranslationJob.version_id == version.id,
                                                       TranslationJob.language == "ar")).one()


def test_a_swapped_household_name_is_refused_with_the_token_named_and_the_text_kept(team_app):
    interpreter = signed_in_client(team_app, "tolk-ar")
    url = f"/backoffice/translations/{arabic_job(team_app)}"
    page = interpreter.get(url)
    locale = soup(page).html["lang"]
    dutch = {box["name"]: box.find_parent("tr").select_one('td[lang="nl"]').get_text(" ", strip=True)
             for box in soup(page).select("form#translate-form textarea")}
    field, source = next((name, text) for name, text in dutch.items() if text.startswith("Amira en Adam"))
    typed = "ترجمة: " + source.replace("Amira", "Youssef")  # a child's name swapped for the father's
    with database(team_app) as db:
        stored = db.exec(select(func.count()).select_from(TranslationSegment)).one()

    values = form_values(page, "translate-form")
    values.update({name: "" for name in dutch}, **{field: typed})
    refused = interpreter.post(url, data=values)

    assert refused.status_code == 400
    error = soup(refused).select_one(f"#{field}-error").get_text(" ", strip=True)
    assert error == " ".join([say(team_app, locale, "Keep exactly as in Dutch: %(tokens)s", tokens="Amira"),
                              say(team_app, locale, "Not in the Dutch text: %(tokens)s", tokens="Youssef")])
    assert soup(refused).select_one(f"textarea[name={field}]").get_text() == typed
    with database(team_app) as db:
        assert db.exec(select(func.count()).select_from(TranslationSegment)).one() == stored
        assert db.exec(select(TranslationSegment).where(TranslationSegment.text == typed)).first() is None
