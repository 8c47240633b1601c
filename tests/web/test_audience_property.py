"""The audience rule, generated: households of one to three parents, items, appointments, questions and
replies with random audiences, made by the duo through the back office's forms. For every parent, nothing
outside their audience appears in any page, print view, appointment, calendar file, translation or
notification; what a parent says reaches the duo and comes back to that parent only. Members of the family's
circle, one on the whole household's side and one on each parent's, named in every agreement the duo may name them
in, read those agreements of the current plan and nothing else of it; a child of 12 or over reads none of it."""
import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from portal import clock
from portal.models import (
    Account,
    Appointment,
    NetworkMember,
    OutboxMessage,
    Parent,
    PlanQuestion,
    TranslationJob,
)
from portal.policy import plan_for_language
from portal.rules.audience import only_for
from portal.services import circle, parent_versions
from portal.services.interpreting import remember, segments
from portal.services.plans import current_version, load_contents
from support import factories
from support.pages import database, text_of
from support.sign_in import csrf_token, signed_in_client

pytestmark = pytest.mark.both_databases  # issue 12: the audience rule holds on both databases

EVERYONE = None  # an audience in the model: None for the whole household, else a set of parent positions
numbers = itertools.count(1000)


@dataclass
class World:
    """What was made, and who may read each marker text."""

    family_id: int
    parent_ids: list[int]
    languages: list[str]
    allowed: dict[str, set[int] | None] = field(default_factory=dict)  # marker -> parent ids (None: all)
    agreements: set[str] = field(default_factory=set)  # the markers of the current plan's agreements

    def audience_value(self, chosen) -> str:
        return "household" if chosen is EVERYONE else "parents:" + ",".join(
            str(self.parent_ids[i]) for i in sorted(chosen))

    def readers(self, chosen) -> set[int] | None:
        return None if chosen is EVERYONE else {self.parent_ids[i] for i in chosen}

    def forbidden_for(self, parent_id: int) -> list[str]:
        return [marker for marker, who in self.allowed.items() if who is not None and parent_id not in who]


def new_household(app, parents: int, languages: list[str], kept_apart: bool) -> World:
    """A household of the demo team with Bram as contact person and Anouk as partner."""
    made = factories.household(app, languages[:parents], kept_apart)
    return World(made.family_id, made.parent_ids, languages[:parents])


def audiences(parents: int, safe_place: bool = False):
    """Everyone, or a non-empty set of parent positions (a safe place: exactly one parent)."""
    one = st.integers(0, parents - 1).map(lambda i: frozenset({i}))
    if safe_place:
        return one
    return st.one_of(st.just(EVERYONE), st.frozensets(st.integers(0, parents - 1), min_size=1))


@st.composite
def scenarios(draw):
    parents = draw(st.integers(1, 3))
    languages = draw(st.lists(st.sampled_from(["nl", "ar"]), min_size=3, max_size=3))
    actions = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["appointment", "plan", "question"]))
        if kind == "appointment":
            safe = draw(st.booleans())
            actions.append(("appointment", safe, draw(audiences(parents, safe))))
        elif kind == "plan":
            actions.append(("plan", draw(audiences(parents)),
                            draw(st.lists(audiences(parents), min_size=0, max_size=3)),
                            draw(st.lists(audiences(parents), min_size=0, max_size=2)), draw(audiences(parents))))
        else:
            actions.append(("question", draw(st.integers(0, parents - 1))))
    return parents, languages, draw(st.booleans()), actions


def marker(prefix: str) -> str:
    return f"{prefix}{next(numbers)}X"


def make_appointment(bram, world: World, safe: bool, chosen) -> None:
    url = f"/backoffice/families/{world.family_id}/appointments"
    purpose, place = marker("AFSPRAAK"), marker("PLEK")
    day = (clock.today() + dt.timedelta(days=3)).isoformat()
    response = bram.post(url, data={"csrf_token": csrf_token(bram.get(url).text), "date": day, "time": "10:00",
                                    "duration": "60", "place": place, "with_whom": "Bram de Wit", "purpose": purpose,
                                    "safe_place": "1" if safe else "", "audience": world.audience_value(chosen)})
    assert response.status_code == 302, text_of(response)[:500]
    world.allowed[purpose] = world.readers(chosen)
    world.allowed[place] = set() if safe else world.readers(chosen)  # a safe place's address: nobody


def publish_plan(bram, world: World, situation, agreements, items, note) -> None:
    url = f"/backoffice/families/{world.family_id}/plan"
    world.agreements = set()
    form = {"csrf_token": csrf_token(bram.get(url).text), "revision": "1", "action": "publish",
            "s1-kind": "acute", "s1-description": marker("SITUATIE"), "s1-audience": world.audience_value(situation),
            "s1-a-count": str(len(agreements)), "help-count": str(len(items)), "note": marker("NOTITIE"),
            "note-audience": world.audience_value(note)}
    world.allowed[form["s1-description"]] = world.readers(situation)
    world.allowed[form["note"]] = world.readers(note)
    for i, chosen in enumerate(agreements):
        text = marker("AFSPRAAKPLAN")
        form |= {f"s1-a-{i}-who": "Ouder", f"s1-a-{i}-what": text, f"s1-a-{i}-audience": world.audience_value(chosen)}
        # An agreement is read inside its situation: both audiences must let the parent in.
        inner, outer = world.readers(chosen), world.readers(situation)
        world.allowed[text] = inner if outer is None else (outer if inner is None else inner & outer)
        world.agreements.add(text)
    for i, chosen in enumerate(items):
        text = marker("HULP")
        form |= {f"help-{i}-text": text, f"help-{i}-audience": world.audience_value(chosen)}
        world.allowed[text] = world.readers(chosen)
    response = bram.post(url, data=form)
    assert response.status_code == 302, text_of(response)[:800]
    translate_everything(bram.application, world)


def translate_everything(app, world: World) -> None:
    """What an interpreter does for the newest version: every segment of the job, marked as Arabic."""
    with database(app) as db:
        version = current_version(db, world.family_id)
        job = db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                   TranslationJob.language == "ar")).first()
        if job is None:
            return
        content = plan_for_language(db, world.family_id, "ar", load_contents(db, [version.id])[version.id])
        for text in segments(content):
            remember(db, text, "ar", "ترجمة " + text, job.interpreter_id, world.family_id, True)
        job.completed_at = clock.now()
        db.add(job)
        db.commit()


def ask_and_answer(app, bram, world: World, position: int) -> None:
    parent_id = world.parent_ids[position]
    with database(app) as db:
        if parent_versions.latest(db, db.get(Parent, parent_id)) is None:
            return  # nothing for this parent to ask about yet
        username = db.exec(select(Account.username).join(Parent, Parent.account_id == Account.id)
                           .where(Parent.id == parent_id)).one()
    parent = signed_in_client(app, username)
    question, reply = marker("VRAAG"), marker("ANTWOORD")
    asked = parent.post("/plan", data={"csrf_token": csrf_token(parent.get("/plan").text), "answer": "question",
                                       "comment": question})
    assert asked.status_code == 302
    with database(app) as db:
        row = db.exec(select(PlanQuestion).where(PlanQuestion.text == question)).one()
    answers = f"/backoffice/families/{world.family_id}/answers"
    sent = bram.post(f"/backoffice/families/{world.family_id}/questions/{row.id}",
                     data={"csrf_token": csrf_token(bram.get(answers).text), "reply": reply})
    assert sent.status_code == 302
    world.allowed[question] = world.allowed[reply] = {parent_id}


def pages_of(app, world: World, parent_id: int) -> dict[str, str]:
    """Everything this parent can open: pages, the print view, every appointment and its calendar file."""
    with database(app) as db:
        username = db.exec(select(Account.username).join(Parent, Parent.account_id == Account.id)
                           .where(Parent.id == parent_id)).one()
        appointments = db.exec(select(Appointment).where(Appointment.family_id == world.family_id)).all()
    client = signed_in_client(app, username)
    pages = {url: client.get(url) for url in ("/", "/plan", "/plan?print-name=1", "/appointments", "/who-looked")}
    for item in appointments:
        for url in (f"/appointments/{item.key}", f"/appointments/{item.key}.ics"):
            pages[url] = client.get(url)
            readers = world.allowed[item.purpose]
            expected = 200 if readers is None or parent_id in readers else 404
            assert pages[url].status_code == expected, (url, parent_id, readers)
    return {url: response.get_data(as_text=True) for url, response in pages.items()}


def circle_of(app, world: World) -> dict[str, int | None]:
    """A member of the circle on the whole household's side and one on each parent's side, each named by the duo in
    every agreement of the current plan it may name them in: their usernames, with the parent of their side."""
    members: dict[str, int | None] = {}
    for parent_id in (None, *world.parent_ids):
        made = factories.circle_member(app, world.family_id, name=marker("NETWERK"),
                                       side="household" if parent_id is None else only_for([parent_id]))
        with app.app_context(), database(app) as db:
            member = db.get(NetworkMember, made.member_id)
            bram = db.exec(select(Account.id).where(Account.username == "bram")).one()
            circle.name_in(db, member, {offer.agreement.key for offer in circle.offers(db, member)}, bram)
            db.commit()
        members[made.username] = parent_id
    return members


def member_may_read(world: World, text: str, side_parent: int | None) -> bool:
    """An agreement of the current plan its side may read: the whole household's side only what is for everyone."""
    readers = world.allowed[text]
    return text in world.agreements and (readers is None or (side_parent is not None and side_parent in readers))


def notifications_of(app, world: World, parent_id: int) -> list[OutboxMessage]:
    with database(app) as db:
        account_id = db.get(Parent, parent_id).account_id
        return db.exec(select(OutboxMessage).where(OutboxMessage.account_id == account_id)).all()


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scenario=scenarios())
def test_no_parent_ever_receives_anything_outside_their_audience(team_app, scenario):
    parents, languages, kept_apart, actions = scenario
    world = new_household(team_app, parents, languages, kept_apart)
    bram = signed_in_client(team_app, "bram")
    for action in actions:
        if action[0] == "appointment":
            make_appointment(bram, world, *action[1:])
        elif action[0] == "plan":
            publish_plan(bram, world, *action[1:])
        else:
            ask_and_answer(team_app, bram, world, action[1])
    for parent_id in world.parent_ids:
        forbidden = world.forbidden_for(parent_id)
        for url, body in pages_of(team_app, world, parent_id).items():
            leaked = [text for text in forbidden if text in body]
            assert not leaked, f"parent {parent_id} of {world.parent_ids} reads {leaked} on {url}"
        for message in notifications_of(team_app, world, parent_id):
            assert not [text for text in world.allowed if text in message.body], message.body
            about = message.dedupe_key or ""
            for kind, model in (("appointment", Appointment), ("question", PlanQuestion)):
                if about.startswith(kind + ":"):
                    with database(team_app) as db:
                        row = db.get(model, int(about.split(":")[1]))
                    text = row.purpose if kind == "appointment" else row.text
                    readers = world.allowed[text]
                    assert readers is None or parent_id in readers, f"{parent_id} was told about {about}"
    for username, side_parent in circle_of(team_app, world).items():
        client = signed_in_client(team_app, username)
        for url in ("/circle", "/circle/who-looked"):
            body = client.get(url).get_data(as_text=True)
            leaked = [text for text in world.allowed if text in body and not member_may_read(world, text, side_parent)]
            assert not leaked, f"a member on the side of {side_parent} reads {leaked} on {url}"
        page = client.get("/circle").get_data(as_text=True)
        theirs = [text for text in world.agreements if member_may_read(world, text, side_parent)]
        assert all(text in page for text in theirs), (side_parent, theirs)  # hidden from others, not lost
    child = signed_in_client(team_app, factories.child_with_account(team_app, world.family_id).username)
    for url in ("/me", "/me/who-looked"):  # a child reads their own plan and words: nothing of the household's
        body = child.get(url).get_data(as_text=True)
        assert not [text for text in world.allowed if text in body], url
    # Every parent still reads what is theirs: the rule hides, it does not lose.
    for parent_id in world.parent_ids:
        plan_page = pages_of(team_app, world, parent_id)["/plan"]
        with database(team_app) as db:
            version = current_version(db, world.family_id)
        if version is not None:
            mine = [text for text, who in world.allowed.items() if text.startswith("VRAAG")
                    and who == {parent_id}]
            assert all(text in plan_page for text in mine), (parent_id, mine)
