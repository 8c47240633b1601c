"""SQL queries per case timeline page, a household of 1 month against one of 5 years of history; budget: the same.

Each household gets, per week of its history, a published plan version (a full Top 3) that each parent reads and
most agree with, a Turkish translation, two appointments with each parent's answer (a request to move one gets the
duo's reply) and every other week a question with its reply; every half year a new contact person and a change of a
member's details, every year an emergency access, and a closing and reopening halfway. Rows go in with multi-row
INSERTs. The team lead opens the timeline (first and second page, newest first, by kind, by member) and the factual
file of the last year.
"""
import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time

from sqlalchemy import func, insert
from sqlmodel import Session, select

from benchmarks.common import Codes, scratch_app, sign_in_client
from benchmarks.queries import QueryCounter
from portal import clock, demo
from portal.models import (
    Account,
    Acknowledgement,
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentResponse,
    AppointmentStatus,
    AuditEvent,
    BreakGlass,
    CaseClosure,
    DuoAssignment,
    DuoRole,
    Family,
    Parent,
    PlanItem,
    PlanQuestion,
    PlanSection,
    PlanVersion,
    SafetyAgreement,
    SafetyPlan,
    TranslationJob,
    UnsafeKind,
    UnsafeSituation,
    VersionStatus,
    Worker,
)

LEAD = "teamlead"  # sees every household of the demo team
CHUNK = 200  # rows per INSERT statement: under SQLite's limit of bound values
TIMED_RUNS = 5
SHORT_PAGE = 20  # entries on the page whose next page is measured: a month of history fills more than one
NEXT_PAGE = re.compile(r'id="next-page" href="([^"]+)"')


class Rows:
    """Rows per table with ids given here (so children can name their parents before anything is inserted)."""

    def __init__(self, session: Session, models):
        self.next = {model: (session.exec(select(func.max(model.id))).one() or 0) + 1 for model in models}
        self.rows = {model: [] for model in models}

    def add(self, model, **values) -> int:
        ident = self.next[model]
        self.next[model] += 1
        self.rows[model].append({"id": ident, **values})
        return ident

    def insert(self, session: Session) -> int:
        count = 0
        for model, rows in self.rows.items():
            for first in range(0, len(rows), CHUNK):
                session.execute(insert(model).values(rows[first:first + CHUNK]))
            count += len(rows)
        session.commit()
        return count


def household(session: Session, name: str, days: int, now: dt.datetime) -> tuple[int, int]:
    """A household of the demo team, opened `days` ago, with two parents and a history up to now: its id and rows."""
    workers = session.exec(select(Worker.id).join(Account, Account.id == Worker.account_id)
                           .where(Account.role == "worker").order_by(Worker.id)).all()
    lead = session.exec(select(Account).where(Account.username == LEAD)).one()
    team = session.exec(select(Worker.team_id).where(Worker.account_id == lead.id)).one()
    opened = now - dt.timedelta(days=days)
    rows = Rows(session, [Family, Parent, SafetyPlan, PlanVersion, UnsafeSituation, SafetyAgreement, PlanItem,
                          Acknowledgement, PlanQuestion, TranslationJob, Appointment, AppointmentAnswer, DuoAssignment,
                          BreakGlass, CaseClosure, AuditEvent])
    family = rows.add(Family, team_id=team, name=name, interpreter_needed=True, parents_kept_apart=False,
                      created_at=opened, closed_at=None)
    parents = [rows.add(Parent, family_id=family, account_id=None, name=f"{name} ouder {n}", language=language,
                        phone=None) for n, language in ((1, "nl"), (2, "tr"))]
    plan = rows.add(SafetyPlan, family_id=family)
    rows.add(AuditEvent, at=opened, actor_id=lead.id, actor_name=lead.display_name, role="teamlead",
             action="family.create", object=f"family:{family}", family_id=family, result="ok", origin="bench")
    for week in range(days // 7 + 1):
        day = opened + dt.timedelta(days=7 * week, hours=1)
        if day > now:
            break
        contact = workers[(week // 26) % len(workers)]
        if week % 26 == 0:  # a new contact person every half year; the partner stays
            if week:
                rows.rows[DuoAssignment][-1] |= {"end": day.date() - dt.timedelta(days=1), "ended_by": lead.id}
            else:
                rows.add(DuoAssignment, family_id=family, worker_id=workers[-1], role=DuoRole.partner,
                         start=day.date(), end=None, assigned_by=lead.id, ended_by=None)
            rows.add(DuoAssignment, family_id=family, worker_id=contact, role=DuoRole.contact, start=day.date(),
                     end=None, assigned_by=lead.id, ended_by=None)
            rows.add(AuditEvent, at=day, actor_id=lead.id, actor_name=lead.display_name, role="teamlead",
                     action="family.members", object=f"parent:{parents[week % 2]}", family_id=family, result="ok",
                     origin="bench")
        version = rows.add(PlanVersion, plan_id=plan, number=week + 1, status=VersionStatus.published, revision=1,
                           note_for_family="", note_audience="household", change_summary=f"Veranderd: week {week}.",
                           created_at=day, updated_at=day, updated_by=contact, published_at=day, published_by=contact)
        for rank in (1, 2, 3):
            situation = rows.add(UnsafeSituation, version_id=version, key=f"s{rank}", rank=rank,
                                 kind=UnsafeKind.acute if rank < 3 else UnsafeKind.structural,
                                 description=f"Situatie {rank} in week {week}.", risk_factors="Stress",
                                 audience="household")
            for position in (0, 1):
                rows.add(SafetyAgreement, situation_id=situation, key=f"a{rank}{position}", position=position,
                         who="Ouder", what=f"Afspraak {position + 1} bij situatie {rank}.", when="Altijd.",
                         if_it_goes_wrong="Ouder belt 112.", audience="household")
        for position, section in enumerate((PlanSection.help, PlanSection.future)):
            rows.add(PlanItem, version_id=version, key=f"i{position}", section=section, position=0,
                     text=f"Hulp in week {week}.", who="Sociaal team", audience="household")
        rows.add(TranslationJob, version_id=version, language="tr", interpreter_id=None, opened_at=day,
                 completed_at=day + dt.timedelta(days=2))
        for n, parent in enumerate(parents):
            read = day + dt.timedelta(hours=5 + n)
            agrees = (week + n) % 3 != 0
            rows.add(Acknowledgement, parent_id=parent, version_id=version, read_at=read,
                     answer=Answer.agree if agrees else None, answered_at=read if agrees else None)
        if week % 2 == 0:
            rows.add(PlanQuestion, parent_id=parents[week % 4 // 2], version_id=version, kind=Answer.question,
                     text=f"Vraag in week {week}.", asked_at=day + dt.timedelta(days=1),
                     reply=f"Antwoord in week {week}.", replied_by=contact, replied_at=day + dt.timedelta(days=2),
                     handled_at=day + dt.timedelta(days=2))
        for slot in (2, 4):
            starts = day + dt.timedelta(days=slot, hours=9)
            appointment = rows.add(Appointment, family_id=family, key=f"appointment-{name}-{week}-{slot}",
                                   starts_at=starts, duration_minutes=60, safe_place=False, place="Kantoor",
                                   with_whom="Contactpersoon", purpose=f"Gesprek in week {week}.",
                                   interpreter_language=None, interpreter_id=None, status=AppointmentStatus.planned,
                                   audience="household", reminder_sent_at=None, created_at=day, planned_by=lead.id)
            for n, parent in enumerate(parents):
                moving = (week + slot + n) % 5 == 0
                rows.add(AppointmentAnswer, appointment_id=appointment, parent_id=parent,
                         response=AppointmentResponse.move_requested if moving else AppointmentResponse.confirmed,
                         reason="Ik werk dan." if moving else "", answered_at=day + dt.timedelta(hours=8),
                         answered_about=starts, reply="Ik bel u." if moving else "",
                         replied_by=contact if moving else None,
                         replied_at=day + dt.timedelta(hours=9) if moving else None,
                         replied_about=starts if moving else None)
        if week % 52 == 51:
            rows.add(BreakGlass, worker_id=workers[0], family_id=family, reason="Melding van de politie in de nacht.",
                     at=day, until=day + dt.timedelta(hours=4))
        if week == days // 14 and days > 60:  # a closing and reopening halfway
            rows.add(CaseClosure, family_id=family, closed_on=day.date(), reason="Het gaat goed, we sluiten af.",
                     closed_by=lead.id, reopened_at=day + dt.timedelta(days=3), reopen_reason="Nieuwe melding.",
                     reopened_by=lead.id)
    return family, rows.insert(session)


def pages(client, family: int, parent: int, today: dt.date) -> dict[str, str]:
    """The pages measured, by label: the second page's address comes from the link on a first page of 20."""
    base = f"/backoffice/families/{family}"
    first = client.get(f"{base}/timeline?size={SHORT_PAGE}")
    found = NEXT_PAGE.search(first.text)
    year = f"from={(today - dt.timedelta(days=365)).isoformat()}&to={today.isoformat()}"
    shown = {"timeline": f"{base}/timeline", "newest first": f"{base}/timeline?order=newest",
             "answers only": f"{base}/timeline?kind=answers", "one parent": f"{base}/timeline?member=parent-{parent}",
             "factual file, a year": f"{base}/factual-file?{year}"}
    if found:
        shown["second page"] = found.group(1).replace("&amp;", "&")
    return shown


def timed(client, path: str) -> float:
    """The median time of the page in milliseconds."""
    runs = []
    for _ in range(TIMED_RUNS):
        began = time.perf_counter()
        client.get(path)
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print the statements of every page")
    args = parser.parse_args()

    instance = tempfile.TemporaryDirectory(prefix="portal-bench-")
    try:
        app = scratch_app(instance.name)
        engine = app.extensions["engine"]
        now, today = clock.now(), clock.today()
        with app.app_context(), Session(engine) as session:
            demo.load(session)
            short, short_rows = household(session, "Maand", 30, now)
            long, long_rows = household(session, "Jaren", round(365.25 * args.years), now)
            short_parent, long_parent = (session.exec(select(Parent.id).where(Parent.family_id == family)
                                                      .order_by(Parent.id)).first() for family in (short, long))
        counter = QueryCounter(engine)
        client = app.test_client()
        codes = Codes()
        sign_in_client(client, LEAD, lambda: codes.next(LEAD), base="/backoffice")
        results = {}
        for label, family, parent in (("1 month", short, short_parent), (f"{args.years} years", long, long_parent)):
            results[label] = {page: (*counter.measure(client, path), timed(client, path))
                              for page, path in pages(client, family, parent, today).items()}
        engine.dispose()
    finally:
        instance.cleanup()

    (short_label, short_pages), (long_label, long_pages) = results.items()
    print(f"SQL queries per case timeline page (the team lead, repeat visit): a household with {short_label} "
          f"({short_rows} rows) and one with {long_label} of history ({long_rows} rows)")
    print(f"{'page':<22} {short_label:>8} {long_label:>8} {'ms ' + short_label:>11} {'ms ' + long_label:>11} "
          f"{'bytes':>8}")
    differ = []
    for page in long_pages:
        if page not in short_pages:
            print(f"{page:<22} {'-':>8} {long_pages[page][0]:>8}   (a month fits on one page)")
            continue
        (count_short, _bytes, statements_short, ms_short) = short_pages[page]
        (count_long, size, statements_long, ms_long) = long_pages[page]
        flag = "" if count_short == count_long else "  DIFFERS"
        print(f"{page:<22} {count_short:>8} {count_long:>8} {ms_short:>11.1f} {ms_long:>11.1f} {size:>8}{flag}")
        if flag:
            differ.append(page)
        if flag or args.show:
            for label, statements in ((short_label, statements_short), (long_label, statements_long)):
                print(f"  {label}:")
                for statement in statements:
                    print("    " + " ".join(statement.split())[:160])
    print("Budget: the same number of queries whatever the history's length. "
          + ("Met." if not differ else f"Missed on {len(differ)} pages: {', '.join(differ)}."))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
