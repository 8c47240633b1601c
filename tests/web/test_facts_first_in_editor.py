"""Facts first in the plan editor: guesses and judgements marked while typing and on save, publishing still
possible, and the published version counts the marks for the duo and never shows them to parents."""
from flask_babel import force_locale, ngettext
from sqlmodel import select

from portal.models import PlanVersion, SafetyPlan
from portal.rules.facts_first import HINTS
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client


def said(app, one: str, many: str, count: int, **values) -> str:
    """A counted interface text as the Dutch worker reads it."""
    with app.test_request_context(), force_locale("nl"):
        return ngettext(one, many, count, **values)

TYPED = ('Vader was agressief tijdens het huisbezoek en moeder lijkt overbelast. '
         'Moeder zegt: "Ik denk dat hij weer drinkt." Op 3 maart om 22.00 uur belde de buurvrouw de politie.')


def marks_in(html_part) -> list[str]:
    return [mark.get_text() for mark in html_part.select("ul.facts-first li.finding mark")]


def test_an_interpretation_is_marked_live_and_publishing_counts_the_marks(team_app):
    # A household whose two parents are kept apart, with a published plan the worker goes on writing.
    household = factories.household(team_app, ["ar", "ar"], kept_apart=True)
    family = household.family_id
    factories.published_plan(team_app, family)
    client = signed_in_client(team_app, "anouk")
    editor = client.get(f"/backoffice/families/{family}/plan")
    live = client.post(f"/backoffice/families/{family}/plain-language", data={"s1-description": TYPED},
                       headers={"HX-Request": "true", "HX-Trigger-Name": "s1-description",
                                "X-CSRFToken": csrf_token(editor.text)})
    assert live.status_code == 200
    # Next to the plain-language help, in the same fragment: the guess and the judgement, not the quote or the fact.
    assert marks_in(soup(live)) == ["agressief", "lijkt", "overbelast"]
    assert soup(live).select_one("p.plain-ok"), "the plain-language help is still there"
    assert all(say(team_app, "nl", hint) in text_of(live) for hint in HINTS.values())

    # Without JavaScript: the same marks under the field after saving, and a word that publishing stays possible.
    form = form_values(editor, "plan-form")
    form["s1-description"] = TYPED
    saved = client.post(f"/backoffice/families/{family}/plan", data=dict(form, action="save"))
    assert saved.status_code == 200
    assert marks_in(soup(saved).select_one("#s1-description-help")) == ["agressief", "lijkt", "overbelast"]
    shown = len(soup(saved).select("ul.facts-first li.finding"))  # every field of the plan, the demo's text too

    publish = dict(form_values(saved, "plan-form"), action="publish")
    publish["note-audience"] = "household"  # the parents are kept apart: a note needs its audience
    published = client.post(f"/backoffice/families/{family}/plan", data=publish)
    assert published.status_code == 302
    with database(team_app) as db:
        version = db.exec(select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                          .where(SafetyPlan.family_id == family).order_by(PlanVersion.number.desc())).first()
    assert version.interpretations_marked == shown >= 3
    # The duo reads the count after publishing and in the family file's list of versions.
    compare = client.get(published.headers["Location"])
    assert said(team_app, "Facts first: %(num)d guess or judgement was marked in version %(number)s when it was "
                          "published.", "Facts first: %(num)d guesses or judgements were marked in version %(number)s "
                          "when it was published.", shown, number=version.number) in text_of(compare)
    family_file = client.get(f"/backoffice/families/{family}")
    assert said(team_app, "%(num)d guess or judgement marked", "%(num)d guesses or judgements marked",
                shown) in text_of(family_file)

    # The parents read the plan as published, without any mark or count.
    for parent in household.usernames:
        plan = signed_in_client(team_app, parent).get("/plan")
        assert plan.status_code == 200
        assert "agressief tijdens het huisbezoek" in text_of(plan)
        assert not soup(plan).select(".facts-first") and "judgement" not in text_of(plan)
