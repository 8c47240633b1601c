"""The team lead's overview against the nine months (issue 16, point 3): households started and plans published
through the back office, their dates moved into the past, and what the team lead then reads on /backoffice/team."""
import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import event, update
from sqlmodel import select

from portal import clock
from portal.models import Account, AuditEvent, DuoAssignment, DuoRole, Family, PlanQuestion, Role, Worker
from portal.services import team_overview
from portal.services.plans import current_version
from support import factories
from support.pages import database, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

# The figures are aggregated in SQL (grouped and correlated subqueries, dates): on both databases.
pytestmark = pytest.mark.both_databases
OVERVIEW = "/backoffice/team"


def workers(app) -> dict[str, int]:
    with database(app) as db:
        rows = db.exec(select(Worker, Account).join(Account, Account.id == Worker.account_id))
        return {account.username: worker.id for worker, account in rows}


def start_household(app, lead, name: str, parents: list[tuple[str, str]], days_ago: int) -> int:
    """Intake through the team lead's form (Chantal contact person, Dirk partner), started `days_ago` days ago."""
    ids = workers(app)
    form = {"name": name, "parent-count": str(len(parents)), "child-count": "0", "other-count": "0",
            "contact": str(ids["chantal"]), "partner": str(ids["dirk"])}
    for i, (parent, language) in enumerate(parents):
        form |= {f"parent-{i}-name": parent, f"parent-{i}-language": language, f"parent-{i}-phone": ""}
    page = "/backoffice/households/new"
    response = lead.post(page, data=dict(form, csrf_token=csrf_token(lead.get(page).text)))
    assert response.status_code == 302, text_of(response)[:1000]
    with database(app) as db:
        family = db.exec(select(Family).where(Family.name == name)).one()
        # Days on the Amsterdam wall clock: across a change to or from summer time, 24-hour days would end an hour
        # off, and near midnight on another day.
        family.created_at = clock.local_now() - dt.timedelta(days=days_ago)
        db.add(family)
        db.exec(update(DuoAssignment).where(DuoAssignment.family_id == family.id)
                .values(start=clock.today() - dt.timedelta(days=days_ago)))
        db.commit()
        return family.id


def publish(app, client, family_id: int, text: str, days_ago: int = 0) -> int:
    """Publish a plan version through the editor; its publication moved `days_ago` days back."""
    url = f"/backoffice/families/{family_id}/plan"
    page = client.get(url)
    revision = soup(page).select_one("input[name=revision]")["value"] or "1"
    response = client.post(url, data={"csrf_token": csrf_token(page.text), "revision": revision, "action": "publish",
                                      "s1-kind": "acute", "s1-description": text, "s1-a-count": "0",
                                      "help-count": "0", "future-count": "0"})
    assert response.status_code == 302, text_of(response)[:1000]
    with database(app) as db:
        version = current_version(db, family_id)
        version.published_at = clock.local_now() - dt.timedelta(days=days_ago)
        db.add(version)
        db.commit()
        return version.id


def ask(app, username: str, text: str, days_ago: int) -> int:
    """A parent opens the plan (the read receipt) and asks a question, `days_ago` days ago."""
    parent = signed_in_client(app, username)
    asked = parent.post("/plan", data={"csrf_token": csrf_token(parent.get("/plan").text), "answer": "question",
                                       "comment": text})
    assert asked.status_code == 302
    with database(app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.text == text)).one()
        question.asked_at = clock.local_now() - dt.timedelta(days=days_ago)
        db.add(question)
        db.commit()
        return question.id


def section(page, name: str):
    found = soup(page).select_one(f"section[aria-labelledby={name}]")
    assert found is not None, name
    return found


def household_rows(page) -> dict[str, list[str]]:
    """The households table: each row's cells (as read) by household name."""
    rows = section(page, "households").select("tbody tr")
    return {row.th.get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row.select("td")]
            for row in rows if row.th}


def caseload(page) -> dict[str, tuple[int, int]]:
    return {row.th.get_text(strip=True): tuple(int(cell.get_text()) for cell in row.select("td")[:2])
            for row in section(page, "caseload").select("tbody tr")}


def test_the_team_lead_sees_each_household_against_the_nine_months(any_hour, team_app):
    lead = signed_in_client(team_app, "teamlead")
    before = lead.get(OVERVIEW)
    assert before.status_code == 200
    loads_before = caseload(before)

    late = start_household(team_app, lead, "Gezin Laat", [("Els Laat", "nl")], days_ago=300)
    quick = start_household(team_app, lead, "Gezin Vlot", [("Ingrid Vlot", "nl"), ("Kerem Vlot", "tr")], days_ago=200)
    publish(team_app, lead, quick, "Ruzie thuis als de kinderen erbij zijn.", days_ago=140)
    # The contact person of Gezin Laat left the duo yesterday, and nobody took over.
    with database(team_app) as db:
        contact = db.exec(select(DuoAssignment).where(DuoAssignment.family_id == late,
                                                      DuoAssignment.role == DuoRole.contact)).one()
    end_role = f"/backoffice/families/{late}/duo/{contact.id}/end"
    ended = lead.post(end_role, data={"csrf_token": csrf_token(lead.get(end_role).text),
                                      "end": (clock.today() - dt.timedelta(days=1)).isoformat()})
    assert ended.status_code == 302

    page = lead.get(OVERVIEW)
    rows = household_rows(page)
    # Days since intake, days to the first plan: 300 and none (over nine months, marked); 200 and 60.
    assert rows["Gezin Laat"][1:3] == ["300", say(team_app, "nl", "No plan after nine months")]
    assert rows["Gezin Vlot"][1:3] == ["200", "60"]
    over = [row.th.get_text(strip=True) for row in section(page, "households").select("tbody tr.over")]
    assert over == ["Gezin Laat"]
    # Without a contact person now: Gezin Laat, in its row and in the list.
    assert rows["Gezin Laat"][3] == say(team_app, "nl", "None")
    assert rows["Gezin Vlot"][3] == "Chantal Pinas"
    assert "Gezin Laat" in section(page, "no-contact").get_text()
    assert "Gezin Vlot" not in section(page, "no-contact").get_text()
    # Oldest intake first.
    names = list(rows)
    assert names.index("Gezin Laat") < names.index("Gezin Vlot")
    # Kerem reads Turkish: his version waits for its translation; nobody of Gezin Vlot has read it after 140 days.
    assert rows["Gezin Vlot"][4:7] == ["0", "2", "1"]
    translations = section(page, "translations").get_text(" ", strip=True)
    assert "Gezin Vlot" in translations and "Türkçe" in translations
    unread = section(page, "unread").get_text(" ", strip=True)
    assert "Ingrid Vlot" in unread and "Kerem Vlot" in unread

    # Caseload: Chantal is contact person of Gezin Vlot only (she left Gezin Laat), Dirk partner of both.
    loads = caseload(page)
    assert loads["Chantal Pinas"] == (loads_before["Chantal Pinas"][0] + 1, loads_before["Chantal Pinas"][1])
    assert loads["Dirk Hoekstra"] == (loads_before["Dirk Hoekstra"][0], loads_before["Dirk Hoekstra"][1] + 2)

    # The trend: the month of each intake, as a table and as bars in the inline SVG chart.
    trend = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.select("td")]
             for row in section(page, "trend").select("tbody tr")}
    with team_app.test_request_context():
        from flask_babel import format_date

        month_of = {name: format_date(clock.today() - dt.timedelta(days=days), "MMMM y")
                    for name, days in (("Gezin Vlot", 200), ("Gezin Laat", 300))}
    assert len(trend) == team_overview.TREND_MONTHS
    assert trend[month_of["Gezin Vlot"]] == ["1", "1", "60"]
    assert trend[month_of["Gezin Laat"]] == ["1", "0", "–"]
    chart = section(page, "trend").select_one("svg[role=img]")
    assert chart.title is not None and chart.title.get_text()
    assert "60" in [text.get_text() for text in chart.select("text")]
    assert chart.select("rect.bar") and not soup(page).select("script:not([src])")


def test_open_questions_oldest_first_and_unread_after_seven_days(any_hour, team_app):
    made = factories.household(team_app, ["nl", "nl", "nl"])
    bram = signed_in_client(team_app, "bram")
    publish(team_app, bram, made.family_id, "Er wordt geschreeuwd als papa gedronken heeft.", days_ago=8)
    ask(team_app, made.usernames[0], "Wanneer komt u langs?", days_ago=3)
    oldest = ask(team_app, made.usernames[1], "Mag oma ook oppassen?", days_ago=20)
    with database(team_app) as db:
        name = db.get(Family, made.family_id).name

    lead = signed_in_client(team_app, "teamlead")
    page = lead.get(OVERVIEW)
    rows = section(page, "questions").select("tbody tr")
    waiting = [int(row.select("td")[-1].get_text()) for row in rows]
    assert waiting == sorted(waiting, reverse=True)  # the one waiting longest on top
    ours = [int(row.select("td")[-1].get_text()) for row in rows if name in row.get_text()]
    assert ours == [20, 3]
    assert household_rows(page)[name][4] == "2"
    # Parents 0 and 1 opened the version (published 8 days ago); parent 2 did not.
    unread = section(page, "unread").get_text(" ", strip=True)
    assert "Ouder 2 Proef" in unread and "Ouder 0 Proef" not in unread and "Ouder 1 Proef" not in unread

    # Bram answers the oldest question: it is no longer open.
    answers = f"/backoffice/families/{made.family_id}/answers"
    sent = bram.post(f"/backoffice/families/{made.family_id}/questions/{oldest}",
                     data={"csrf_token": csrf_token(bram.get(answers).text), "reply": "Ja, dat mag."})
    assert sent.status_code == 302
    rows = section(lead.get(OVERVIEW), "questions").select("tbody tr")
    assert [int(row.select("td")[-1].get_text()) for row in rows if name in row.get_text()] == [3]

    # A version published three days ago is not late yet: nobody is listed for it.
    publish(team_app, bram, made.family_id, "Er wordt geschreeuwd in de nacht.", days_ago=3)
    assert name not in section(lead.get(OVERVIEW), "unread").get_text()


def test_a_list_at_its_cap_says_only_the_oldest_are_listed(team_app, monkeypatch):
    made = factories.household(team_app, ["nl", "nl"])
    bram = signed_in_client(team_app, "bram")
    publish(team_app, bram, made.family_id, "Er wordt geschreeuwd als papa gedronken heeft.", days_ago=9)
    ask(team_app, made.usernames[0], "Wanneer komt u langs?", days_ago=2)
    ask(team_app, made.usernames[1], "Mag oma ook oppassen?", days_ago=30)
    lead = signed_in_client(team_app, "teamlead")
    below_cap = section(lead.get(OVERVIEW), "questions")
    waiting = [row.select("td")[-1].get_text() for row in below_cap.select("tbody tr")]
    assert len(waiting) >= 2 and "30" in waiting
    assert say(team_app, "nl", "Only the oldest %(count)s are listed.", count=team_overview.LIST_SHOWN) \
        not in below_cap.get_text()

    monkeypatch.setattr(team_overview, "LIST_SHOWN", 1)
    questions = section(lead.get(OVERVIEW), "questions")
    (row,) = questions.select("tbody tr")
    assert row.select("td")[-1].get_text() == max(waiting, key=int)  # the one waiting longest
    assert say(team_app, "nl", "Only the oldest %(count)s are listed.", count=1) in questions.get_text()


def test_only_the_team_leads_own_team_audited_and_refused_to_others(team_app):
    ours_made = factories.household(team_app, ["nl"])  # a household of our team, with a parent who reads Dutch
    other = factories.other_team(team_app)
    lead = signed_in_client(team_app, "teamlead")
    with database(team_app) as db:
        since = db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first() or 0
        ours = set(db.exec(select(Family.id).where(Family.team_id != db.get(Family, other.family_id).team_id,
                                                   Family.closed_at.is_(None))))
    page = lead.get(OVERVIEW)
    assert page.status_code == 200
    assert "Gezin Zuidoost" not in text_of(page)
    with database(team_app) as db:
        events = db.exec(select(AuditEvent).where(AuditEvent.id > since)).all()
    looked = {event.family_id for event in events if event.action == "team.overview.view" and event.family_id}
    assert ours_made.family_id in ours and looked == ours and other.family_id not in looked
    assert all(event.result == "ok" and event.actor_name == "Marieke Smit" for event in events
               if event.action == "team.overview.view")
    # A parent of the team sees it on "who looked", in plain words.
    who_looked = text_of(signed_in_client(team_app, ours_made.usernames[0]).get("/who-looked"))
    assert say(team_app, "nl", "saw your file in the team overview") in who_looked

    # The other team's lead sees their own household, none of ours.
    theirs = signed_in_client(team_app, other.lead).get(OVERVIEW)
    assert "Gezin Zuidoost" in text_of(theirs) and ours_made.name not in text_of(theirs)

    # A worker and an interpreter get what other team-lead pages give them: not found, and the refusal on record.
    for username in ("bram", "tolk-ar"):
        client = signed_in_client(team_app, username)
        with database(team_app) as db:
            since = db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first() or 0
        assert client.get(OVERVIEW).status_code == client.get("/backoffice/staff").status_code == 404
        with database(team_app) as db:
            refused = db.exec(select(AuditEvent).where(AuditEvent.id > since)).all()
        assert [(e.action, e.result, e.object) for e in refused][:1] == [("access.role", "refused", OVERVIEW)]

    # The team lead's home links to the overview.
    assert soup(lead.get("/backoffice/")).select_one(f"a[href='{OVERVIEW}']") is not None


def test_the_overview_reads_the_same_number_of_queries_however_many_households(team_app):
    def queries(lead) -> int:
        statements = []
        engine = team_app.extensions["engine"]
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with database(team_app) as db:
                team_overview.overview(db, lead, clock.now())
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    with database(team_app) as db:  # the team lead of Bram's team, as the policy reads a signed-in user
        worker = db.exec(select(Worker).join(Account, Account.id == Worker.account_id)
                         .where(Account.username == "teamlead")).one()
        lead = SimpleNamespace(role=Role.teamlead, worker=worker)
        assert worker.team_id == db.exec(select(Worker.team_id).where(Worker.name == "Bram de Wit")).one()
    bram = signed_in_client(team_app, "bram")

    def household_with_plan_and_question() -> None:
        made = factories.household(team_app, ["nl", "ar"])
        publish(team_app, bram, made.family_id, "Er wordt geschreeuwd.", days_ago=10)
        ask(team_app, made.usernames[0], f"Wat betekent dit voor gezin {made.family_id}?", days_ago=2)

    household_with_plan_and_question()
    few = queries(lead)
    for _ in range(4):
        household_with_plan_and_question()
    assert queries(lead) == few == 7
