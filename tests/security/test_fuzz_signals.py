"""The partners' forms and their JSON interface, fed hostile text and odd values (hypothesis), on SQLite and on
PostgreSQL: the signal form, the form that adds to a signal, and the same signal as JSON from a partner's system.
For every example the portal never answers 500, never runs what was typed, stores nothing of a refused signal or
addition, and stores no control or bidi character. The portal is the team alone (`team_app`) with the wijkagent of
its police district (support/factories.py), signed in once per test."""
import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from security_kit import FUZZ, Portal, assert_not_executable, database, forbidden_in, hostile_text, numberish
from sqlmodel import func, select

from portal import clock
from portal.models import Signal, SignalAddition
from support import factories
from support.routes import signal_about

pytestmark = pytest.mark.both_databases

URGENCIES = st.one_of(st.sampled_from(["urgent", "soon", "normal"]), hostile_text)
# A moment as a form sends it: a real one of the past year now and then, else anything.
DAYS = st.one_of(st.sampled_from(["", "2026-02-30", "0001-01-01", "9999-12-31"]), hostile_text)


@pytest.fixture
def wijkagent(team_app) -> Portal:
    return Portal(team_app, factories.partner(team_app).username)


def rows(app, model) -> int:
    with database(app) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def clean(app) -> None:
    """Nothing stored of signals and additions holds a control or bidi character."""
    with database(app) as db:
        for signal in db.exec(select(Signal)):
            for text in (signal.people, signal.what, signal.observed_by, signal.call_back, signal.postcode,
                         signal.house_number):
                assert not forbidden_in(text), (signal.id, text[:80])
        for addition in db.exec(select(SignalAddition)):
            assert not forbidden_in(addition.text), addition.text[:80]


def today() -> str:
    return clock.local_now().date().isoformat()


@FUZZ
@given(names=st.lists(hostile_text, min_size=0, max_size=3), born=st.lists(numberish, min_size=3, max_size=3),
       count=numberish, postcode=st.one_of(st.just("1074 AB"), hostile_text), house_number=hostile_text,
       what=hostile_text, day=st.one_of(st.none(), DAYS), time=st.one_of(st.just("09:00"), hostile_text),
       observed_by=hostile_text, urgency=URGENCIES, call_back=st.one_of(st.just("06-24681357"), hostile_text))
@example(names=["Yusuf Elidrissi"], born=["1986", "", ""], count="1", postcode="1074 AB", house_number="12",
         what="Geschreeuw gehoord.", day=None, time="00:00", observed_by="wijkagent", urgency="urgent",
         call_back="06-24681357")
def test_signal_form(wijkagent, names, born, count, postcode, house_number, what, day, time, observed_by, urgency,
                     call_back):
    app = wijkagent.app
    before = rows(app, Signal)
    form = {"person-count": count, "postcode": postcode, "house_number": house_number, "what": what,
            "day": today() if day is None else day, "time": time, "observed_by": observed_by, "urgency": urgency,
            "call_back": call_back}
    for number, name in enumerate(names):
        form |= {f"person-{number}-name": name, f"person-{number}-born": born[number]}
    response = wijkagent.post("/partner/", form)
    assert response.status_code in (302, 400, 413), response.status_code
    assert_not_executable(response)
    assert rows(app, Signal) == before + (response.status_code == 302)
    clean(app)


@pytest.fixture
def receipt(team_app) -> tuple[Portal, str]:
    """The wijkagent, signed in, and the address of his signal about a household (linked to it)."""
    person = factories.partner(team_app)
    signal = signal_about(team_app, factories.household(team_app, ["nl"]).family_id, person)
    return Portal(team_app, person.username), f"/partner/signals/{signal}"


@FUZZ
@given(text=hostile_text)
@example(text="Vanochtend opnieuw geschreeuw.")
def test_addition_form(receipt, text):
    wijkagent, url = receipt
    app = wijkagent.app
    before = rows(app, SignalAddition)
    response = wijkagent.post(url, {"text": text})
    assert response.status_code in (302, 400, 413), response.status_code
    assert_not_executable(response)
    assert rows(app, SignalAddition) == before + (response.status_code == 302)
    clean(app)


# --- the same signal as JSON -------------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False), hostile_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)


def a_moment() -> st.SearchStrategy:
    now = dt.datetime.now(dt.UTC)
    return st.one_of(st.just((now - dt.timedelta(minutes=30)).isoformat()), st.just(now.isoformat()[:19]),
                     st.just("2999-01-01T00:00:00+00:00"), json_values)


people = st.one_of(json_values, st.lists(st.one_of(json_values, st.fixed_dictionaries(
    {}, optional={"name": st.one_of(st.just("Lotte Vermeulen"), json_values),
                  "born": st.one_of(st.just("2015"), json_values)})), max_size=8))
bodies = st.one_of(json_values, st.fixed_dictionaries({}, optional={
    "people": people, "postcode": json_values, "house_number": json_values,
    "what": st.one_of(st.just("Lotte stond alleen bij het hek."), json_values), "happened_at": a_moment(),
    "observed_by": st.one_of(st.just("juf Petra"), json_values), "urgency": st.one_of(URGENCIES, json_values),
    "call_back": st.one_of(st.just("020-555 77 00"), json_values)}))


@pytest.fixture
def police_system(team_app) -> str:
    return factories.partner_token(team_app, factories.partner(team_app).organisation_id)[1]


@FUZZ
@given(body=bodies)
@example(body={"people": [{"name": "Lotte Vermeulen", "born": "2015"}], "what": "Alleen bij het hek.",
               "happened_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)).isoformat(),
               "observed_by": "juf Petra", "urgency": "normal", "call_back": "020-555 77 00"})
def test_the_interface_takes_any_json(team_app, police_system, body):
    before = rows(team_app, Signal)
    response = team_app.test_client().post("/api/v1/signals", json=body,
                                           headers={"Authorization": f"Bearer {police_system}"})
    assert response.status_code in (201, 400, 413, 415), (response.status_code, response.get_data()[:300])
    assert response.is_json, response.get_data()[:300]  # a system reads JSON, whatever it sent
    answer = response.get_json()
    assert isinstance(answer, dict) and isinstance(answer.get("status" if response.status_code == 201 else "error"),
                                                   str), answer
    assert rows(team_app, Signal) == before + (response.status_code == 201)
    clean(team_app)
