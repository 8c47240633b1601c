"""Kept apart leaves no trace (issue 20): two worlds of one household, made through the pages, share every step that
concerns the household as a whole or parent B, and world one also has steps that concern parent A alone (items,
notes and appointments for A, A's questions (rendered in Dutch or not) and requests to move A's appointments with
the duo's replies, A reading the plan, the duo opening what is A's, the interpreter translating what only A reads).
Whatever the steps, B's pages, print view, history, calendar files, "who looked" and messages are the same in both
worlds, after normalising what differs between any two runs; and so are the pages and messages of the members of the
family's circle on B's side and on the whole household's side, named in what they may carry out and answering, and
of a child of 14 of the household."""
import itertools
import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from sqlmodel import col, select

from portal.models import (
    Account,
    Appointment,
    AppointmentAnswer,
    Interpreter,
    NetworkMember,
    OutboxMessage,
    Parent,
    ParentTextRendering,
    PlanQuestion,
)
from portal.rules.plan_content import PlanContent
from portal.services import circle
from portal.services.plans import current_version, draft_of, load_contents
from support import factories
from support.pages import database, form_values, text_of
from support.plan_editor import posted
from support.sign_in import csrf_token, signed_in_client

pytestmark = pytest.mark.both_databases

DAY = "2031-03-0{}"  # appointments on fixed days: the clock plays no part in what is compared
CHANGE_KINDS = ("help", "agreement", "situation", "change")


class World:
    """One household of the demo team in its own database: parent A (Arabic) and parent B, kept apart."""

    def __init__(self, app, b_language: str):
        self.app, self.b_language = app, b_language
        made = factories.household(app, ["ar", b_language], kept_apart=True)
        self.family_id, (self.a, self.b) = made.family_id, made.parent_ids
        self.names = {made.usernames[0]: "PARENT-A", made.usernames[1]: "PARENT-B"}
        self.duo = signed_in_client(app, "bram")
        self.token = csrf_token(self.duo.get("/backoffice/").text)  # the duo's session: one token for its posts
        self.parents = {self.a: signed_in_client(app, made.usernames[0]),
                        self.b: signed_in_client(app, made.usernames[1])}
        with database(app) as db:
            self.phones = [db.get(Parent, number).phone for number in (self.a, self.b)]
            self.household_name = f"Gezin Proef {made.usernames[0].split('-')[2]}"
        # The family's circle: a member on B's side and one on the whole household's side (B's world too).
        self.circle = {side: factories.circle_member(app, self.family_id, name=f"Netwerk {side}",
                                                     side=self.audience(side)) for side in ("B", "all")}
        self.members = {side: signed_in_client(app, made.username) for side, made in self.circle.items()}
        self.child = signed_in_client(app, factories.child_with_account(app, self.family_id).username)

    def audience(self, who: str) -> str:
        return "household" if who == "all" else f"parents:{self.a if who == 'A' else self.b}"

    # --- the duo -------------------------------------------------------------------------------

    def publish(self, who: str, kind: str, marker: str, note: bool) -> None:
        """The duo adds (or changes) one plan item for `who` and publishes, as the plan editor posts it."""
        url = f"/backoffice/families/{self.family_id}/plan"
        if who == "A":
            # Opening the editor is a look at the whole plan (B's items too): a step of its own, for both worlds
            # (look_at_household). Work for A alone starts from the same form, as the editor would show it.
            with database(self.app) as db:
                shown = draft_of(db, self.family_id) or current_version(db, self.family_id)
                content = load_contents(db, [shown.id])[shown.id] if shown else PlanContent()
                revision = shown.revision if shown and shown.number is None else 1
            form = posted(self.app, content) | {"csrf_token": self.token, "revision": str(revision)}
        else:
            form = form_values(self.duo.get(url), "plan-form")
        audience = self.audience(who)
        situations = [rank for rank in (1, 2, 3) if form.get(f"s{rank}-description")]
        # At most one situation for A alone and two for the others, and each step chooses among the situations
        # its reader may read: a shared step does the same in both worlds.
        alone = [rank for rank in situations if form.get(f"s{rank}-audience") == self.audience("A")]
        room = not alone if who == "A" else len(situations) - len(alone) < 2
        eligible = [rank for rank in situations if form.get(f"s{rank}-audience") in ("household", audience)]
        if room and (kind == "situation" or kind == "agreement" and not eligible):
            rank = len(situations) + 1
            form |= {f"s{rank}-kind": "acute", f"s{rank}-description": f"Situatie {marker}.",
                     f"s{rank}-audience": audience, f"s{rank}-a-count": "0"}
        elif kind == "agreement" and eligible:
            rank = eligible[0]
            i = int(form.get(f"s{rank}-a-count", "0"))
            form |= {f"s{rank}-a-{i}-who": "Ouder", f"s{rank}-a-{i}-what": f"Afspraak {marker}.",
                     f"s{rank}-a-{i}-audience": audience, f"s{rank}-a-count": str(i + 1)}
        else:
            count = int(form.get("help-count", "0"))
            mine = [i for i in range(count) if form.get(f"help-{i}-audience") == audience]
            i = mine[0] if kind == "change" and mine else count
            form |= {f"help-{i}-text": f"Hulp {marker}.", f"help-{i}-audience": audience,
                     "help-count": str(max(count, i + 1))}
        form |= {"action": "publish", "note": f"Notitie {marker}." if note else "",
                 "note-audience": audience}
        response = self.duo.post(url, data=form)
        assert response.status_code == 302, text_of(response)[:600]

    def appointment(self, who: str, day: int, safe: bool, marker: str) -> None:
        url = f"/backoffice/families/{self.family_id}/appointments"
        response = self.duo.post(url, data={
            "csrf_token": self.token, "date": DAY.format(day), "time": "10:00", "duration": "60",
            "place": f"Plek {marker}", "with_whom": "Bram de Wit", "purpose": f"Gesprek {marker}",
            "safe_place": "1" if safe else "", "audience": self.audience(who)})
        assert response.status_code == 302, text_of(response)[:600]

    def look_at_household(self) -> None:
        """The duo opens the file, the plan editor and the appointments: looks at the whole household."""
        for page in ("", "/plan", "/appointments", "/answers"):
            assert self.duo.get(f"/backoffice/families/{self.family_id}{page}").status_code == 200

    def look_at_appointments_of(self, who: str) -> None:
        """The duo opens each appointment that is for this parent alone."""
        with database(self.app) as db:
            ids = db.exec(select(Appointment.id).where(Appointment.family_id == self.family_id,
                                                       Appointment.audience == self.audience(who))).all()
        for number in ids:
            assert self.duo.get(f"/backoffice/families/{self.family_id}/appointments/{number}").status_code == 200

    # --- the parents -----------------------------------------------------------------------------

    def ask(self, parent_id: int, marker: str) -> bool:
        """A parent asks a question about their plan and the duo replies; False when they have no plan yet."""
        parent = self.parents[parent_id]
        page = parent.get("/plan")
        if 'name="answer"' not in page.text:
            return False
        asked = parent.post("/plan", data={"csrf_token": csrf_token(page.text), "answer": "question",
                                           "comment": f"Vraag {marker}?"})
        assert asked.status_code == 302
        with database(self.app) as db:
            question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == parent_id)
                               .order_by(col(PlanQuestion.id).desc())).first()
        replied = self.duo.post(f"/backoffice/families/{self.family_id}/questions/{question.id}",
                                data={"csrf_token": self.token, "reply": f"Antwoord {marker}."})
        assert replied.status_code == 302
        return True

    def render_last_question(self, parent_id: int, marker: str) -> None:
        """The duo asks for the parent's last question in Dutch, and the interpreter given it renders it."""
        with database(self.app) as db:
            question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == parent_id)
                               .order_by(col(PlanQuestion.id).desc())).first()
        if question is None:
            return
        asked = self.duo.post(f"/backoffice/families/{self.family_id}/questions/{question.id}/rendering",
                              data={"csrf_token": self.token})
        assert asked.status_code == 302, text_of(asked)[:600]
        with database(self.app) as db:
            rendering, username = db.exec(
                select(ParentTextRendering.id, Account.username)
                .join(Interpreter, Interpreter.id == ParentTextRendering.interpreter_id)
                .join(Account, Account.id == Interpreter.account_id)
                .where(ParentTextRendering.kind == "question", ParentTextRendering.text_id == question.id)).one()
        interpreter, url = signed_in_client(self.app, username), f"/backoffice/renderings/{rendering}"
        page = interpreter.get(url)
        done = interpreter.post(url, data={"csrf_token": csrf_token(page.text), "rendering": f"Vraag {marker}?"})
        assert done.status_code in (200, 302), text_of(done)[:600]

    def ask_to_move_own_appointment(self, marker: str) -> None:
        """A asks to move an appointment that is A's alone, and the duo replies on its page."""
        with database(self.app) as db:
            item = db.exec(select(Appointment).where(Appointment.family_id == self.family_id,
                                                     Appointment.audience == self.audience("A"),
                                                     Appointment.safe_place.is_(False))).first()
        if item is None:
            return
        parent, url = self.parents[self.a], f"/appointments/{item.key}"
        moved = parent.post(url, data={"csrf_token": csrf_token(parent.get(url).text),
                                       "response": "move_requested", "reason": f"Verzet {marker}."})
        assert moved.status_code == 302, text_of(moved)[:600]
        with database(self.app) as db:
            answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.appointment_id == item.id)).one()
        staff_url = f"/backoffice/families/{self.family_id}/appointments/{item.id}"
        replied = self.duo.post(staff_url, data=form_values(self.duo.get(staff_url), "appointment-form")
                                | {f"reply-{answer.id}": f"Antwoord {marker}."})
        assert replied.status_code == 302, text_of(replied)[:600]

    def read_plan(self, parent_id: int) -> None:
        assert self.parents[parent_id].get("/plan").status_code == 200

    # --- the interpreter -------------------------------------------------------------------------

    def translate(self, language: str) -> None:
        """The team's interpreter of this language opens each open job and translates every sentence."""
        interpreter = signed_in_client(self.app, f"tolk-{language}")
        home = BeautifulSoup(interpreter.get("/backoffice/").text, "html.parser")
        for link in home.select("a[href*='/backoffice/translations/']"):
            page = interpreter.get(link["href"])
            soup = BeautifulSoup(page.text, "html.parser")
            form = form_values(page, "translate-form")
            for row in soup.select("form#translate-form tr"):
                source, field = row.select_one("td[lang=nl]"), row.select_one("textarea[name^=segment-]")
                if source is not None and field is not None and not form.get(field["name"]):
                    form[field["name"]] = f"ترجمة {source.get_text()}"
            assert interpreter.post(link["href"], data=form).status_code == 200

    def name_the_circle(self) -> None:
        """The duo names each member in every agreement of the published plan it may name them in."""
        with self.app.app_context(), database(self.app) as db:
            for made in self.circle.values():
                member = db.get(NetworkMember, made.member_id)
                circle.name_in(db, member, {offer.agreement.key for offer in circle.offers(db, member)}, None)
            db.commit()

    def circle_answers(self) -> None:
        """Each member says "I will do this" to every agreement on their page, on its form."""
        for client in self.members.values():
            page = client.get("/circle")
            for form in BeautifulSoup(page.text, "html.parser").select("form[id^=answer-]"):
                answered = client.post("/circle", data=form_values(page, form["id"]) | {"commitment": "will"})
                assert answered.status_code == 302

    # --- what B can reach ------------------------------------------------------------------------

    def seen_by(self, parent_id: int) -> dict[str, str]:
        """Every page, print view, calendar file and message this parent can reach, normalised."""
        client = self.parents[parent_id]
        pages = {url: client.get(url) for url in ("/", "/plan?print-name=1", "/plan/history", "/appointments",
                                                  "/who-looked")}
        listed = BeautifulSoup(pages["/appointments"].text, "html.parser").select("a[href^='/appointments/']")
        for position, link in enumerate(listed):
            pages[f"appointment link {position}"] = client.get(link["href"])
        pages["/plan"] = client.get("/plan")  # last: reading it changes the home page's notice
        seen = {url: self.normalised(text_of(response)) for url, response in pages.items()}
        with database(self.app) as db:
            account_id = db.get(Parent, parent_id).account_id
            messages = db.exec(select(OutboxMessage).where(OutboxMessage.account_id == account_id)
                               .order_by(OutboxMessage.id)).all()
        seen["messages"] = "\n".join(f"{message.channel}: {message.body}" for message in messages)
        return seen

    def seen_by_circle(self) -> dict[str, str]:
        """Every page and message of the members on B's and the whole household's side, and of the household's child
        of 14, normalised."""
        seen = {}
        for side, client in self.members.items():
            for url in ("/circle", "/circle/who-looked"):
                seen[f"{side} {url}"] = self.normalised(text_of(client.get(url)))
            with database(self.app) as db:
                account_id = db.get(NetworkMember, self.circle[side].member_id).account_id
                bodies = db.exec(select(OutboxMessage.body).where(OutboxMessage.account_id == account_id)
                                 .order_by(OutboxMessage.id)).all()
            seen[f"{side} messages"] = "\n".join(bodies)
        for url in ("/me", "/me/who-looked"):  # a child of the household: their own page and who looked
            seen[f"child {url}"] = self.normalised(text_of(self.child.get(url)))
        return seen

    def normalised(self, text: str) -> str:
        """Only what differs between any two runs: tokens, nonces, the household's own names, the clock."""
        for original, neutral in (*self.names.items(), (self.household_name, "HOUSEHOLD"),
                                  *((phone, "PHONE") for phone in self.phones)):
            text = text.replace(original, neutral)
        text = re.sub(r'(name="csrf_token"[^>]*value=|nonce=|data-expires-in=)"[^"]*"', r'\1"X"', text)
        text = re.sub(r"[0-9a-f]{32}", "KEY", text)  # random keys (appointments, agreements)
        text = re.sub(r"\b\d{1,2}:\d{2}\b", "HH:MM", text)  # times of day (who looked, sent at)
        text = re.sub(r"\b\d{1,2} \w+ \d{4}\b", "DATE", text)
        return re.sub(r"\b\d{4}-\d{2}-\d{2}(T[\d:.+]+)?\b|\b\d{8}T\d{6}Z?\b", "DATE", text)


markers = itertools.count(1000)


class TwoWorlds(RuleBasedStateMachine):
    """Steps for the household or B happen in both worlds; steps for A alone only in world one."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    @initialize(b_language=st.sampled_from(["nl", "ar", "pl"]))
    def households(self, b_language):
        self.both = self.make(b_language)
        self.one = self.both[0]

    def shared(self, step, *args):
        for world in self.both:
            getattr(world, step)(*args)

    @rule(kind=st.sampled_from(CHANGE_KINDS), note=st.booleans())
    def publish_for_everyone(self, kind, note):
        self.shared("publish", "all", kind, f"H{next(markers)}", note)

    @rule(kind=st.sampled_from(CHANGE_KINDS), note=st.booleans())
    def publish_for_b(self, kind, note):
        self.shared("publish", "B", kind, f"B{next(markers)}", note)

    @rule(kind=st.sampled_from(CHANGE_KINDS), note=st.booleans())
    def publish_for_a_alone(self, kind, note):
        self.one.publish("A", kind, f"A{next(markers)}", note)

    @rule(day=st.integers(1, 9), who=st.sampled_from(["all", "B"]))
    def appointment_for_everyone_or_b(self, day, who):
        self.shared("appointment", who, day, False, f"{who}{next(markers)}")

    @rule(day=st.integers(1, 9), safe=st.booleans())
    def appointment_for_a_alone(self, day, safe):
        self.one.appointment("A", day, safe, f"A{next(markers)}")

    @rule()
    def b_asks(self):
        marker = f"B{next(markers)}"
        asked = [world.ask(world.b, marker) for world in self.both]
        assert asked[0] == asked[1]

    @rule(rendered=st.booleans())
    def a_asks_alone(self, rendered):
        marker = f"A{next(markers)}"
        if self.one.ask(self.one.a, marker) and rendered:
            self.one.render_last_question(self.one.a, marker)

    @rule()
    def a_asks_to_move_an_appointment_alone(self):
        self.one.ask_to_move_own_appointment(f"A{next(markers)}")

    @rule()
    def b_reads(self):
        for world in self.both:
            world.read_plan(world.b)

    @rule()
    def a_reads_alone(self):
        self.one.read_plan(self.one.a)

    @rule()
    def duo_names_the_circle(self):
        self.shared("name_the_circle")

    @rule()
    def circle_answers(self):
        self.shared("circle_answers")

    @rule()
    def duo_looks_at_the_household(self):
        self.shared("look_at_household")

    @rule()
    def duo_opens_what_is_a_s(self):
        self.one.look_at_appointments_of("A")

    @rule(language=st.sampled_from(["ar", "pl"]))
    def interpreter_translates(self, language):
        # Arabic is A's language: translating it is work for A alone, unless B reads Arabic too.
        if language == "ar" and self.both[1].b_language != "ar":
            self.one.translate("ar")
        else:
            self.shared("translate", language)

    def teardown(self):
        """B's pages are compared once, at the end: comparing after every step would take minutes."""
        if not hasattr(self, "both"):
            return
        one, two = ({**world.seen_by(world.b), **world.seen_by_circle()} for world in self.both)
        assert one.keys() == two.keys(), (sorted(one), sorted(two))
        for url in one:
            assert one[url] == two[url], _first_difference(url, one[url], two[url])


def _first_difference(url: str, one: str, two: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(one, two, strict=False)) if a != b), min(len(one), len(two)))
    return (f"B tells the worlds apart on {url}: …{one[max(0, at - 300):at + 200]}… "
            f"against …{two[max(0, at - 300):at + 200]}…")


def test_a_parent_cannot_tell_whether_anything_happened_for_the_other_parent_alone(database_url, databases,
                                                                                     make_app, backend):
    def make(b_language: str) -> tuple[World, World]:
        worlds = []
        for _ in range(2):
            url = databases.create(backend, "team")
            worlds.append(World(make_app(url), b_language))
        return tuple(worlds)

    run_state_machine_as_test(lambda: TwoWorlds(make), settings=settings(
        max_examples=8, stateful_step_count=15, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))


def test_a_publish_for_one_parent_is_no_new_version_for_the_other(team_app):
    """The finding itself: the duo changes only A's own safety agreement; B's home, plan, number and history stay."""
    world = World(team_app, "nl")
    world.publish("all", "situation", "H1", False)
    world.read_plan(world.b)
    before = world.seen_by(world.b)
    world.publish("A", "agreement", "A1", True)
    after = world.seen_by(world.b)
    assert after == before  # no notice, number, history entry, who-looked line or message
    assert "Afspraak A1" in world.parents[world.a].get("/plan").text


def test_the_first_version_for_a_alone_does_not_decide_when_b_reads_an_appointment_translated(database_url,
                                                                                                  databases, make_app,
                                                                                                  backend):
    """A sequence hypothesis found: the household's appointments rode in the job of the current version, and only
    world one had a version (A's alone), so only there was B's appointment translated."""
    def make(b_language: str) -> tuple[World, World]:
        return tuple(World(make_app(databases.create(backend, "team")), b_language) for _ in range(2))

    machine = TwoWorlds(make)
    machine.households("ar")
    machine.publish_for_a_alone("change", False)
    machine.appointment_for_everyone_or_b(7, "all")
    machine.interpreter_translates("ar")
    machine.teardown()
