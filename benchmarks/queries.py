"""SQL queries per family page before/after 200 plan versions + 1,000 appointments; budget: the same count."""
import argparse
import datetime as dt
import sys
import tempfile
import uuid

from sqlalchemy import event
from sqlmodel import Session, select

from benchmarks.common import Codes, scratch_app, sign_in_client
from portal import clock, demo
from portal.demo.people import NAMES
from portal.models import (
    Appointment,
    AppointmentStatus,
    Parent,
    ParentVersion,
    PlanItem,
    PlanSection,
    PlanVersion,
    SafetyAgreement,
    SafetyPlan,
    UnsafeKind,
    UnsafeSituation,
    VersionStatus,
    Worker,
)

PAGES = ["/", "/plan", "/appointments", "/who-looked"]
PARENT = "ouder-mehmet"  # household Demir: one published plan version in the demo data


class QueryCounter:
    """Counts (and keeps) the statements the engine sends while `counting` is on."""

    def __init__(self, engine):
        self.counting, self.statements = False, []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        if self.counting:
            self.statements.append(statement)

    def measure(self, client, path: str) -> tuple[int, int, list[str]]:
        """Queries of a repeat visit: a first visit warms up (e.g. records 'read' on /plan, touches the session)."""
        warm = client.get(path)
        if warm.status_code != 200:
            raise RuntimeError(f"{path} answered {warm.status_code}")
        self.statements, self.counting = [], True
        try:
            response = client.get(path)
        finally:
            self.counting = False
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return len(self.statements), len(response.data), self.statements


def grow(session: Session, username: str, versions: int, appointments: int) -> None:
    """Add published plan versions (3 situations x 2 agreements, 4 items each) and appointments."""
    parent = session.exec(select(Parent).where(Parent.name == NAMES[username])).one()
    plan = session.exec(select(SafetyPlan).where(SafetyPlan.family_id == parent.family_id)).one()
    worker = session.exec(select(Worker)).first()
    last = max(v.number or 0 for v in session.exec(select(PlanVersion).where(PlanVersion.plan_id == plan.id)))
    keys = {name: uuid.uuid4().hex for name in ("s1", "s2", "s3", "a1", "a2", "a3", "a4", "a5", "a6",
                                                 "h1", "h2", "f1", "f2")}
    now = clock.now()
    for n in range(1, versions + 1):
        at = now - dt.timedelta(days=versions - n + 1)
        version = PlanVersion(plan_id=plan.id, number=last + n, status=VersionStatus.published, revision=1,
                              note_for_family=f"Versie {last + n}.", change_summary=f"Wijziging {n}.",
                              created_at=at, updated_at=at, updated_by=worker.id, published_at=at,
                              published_by=worker.id)
        session.add(version)
        session.flush()
        for reader in session.exec(select(Parent).where(Parent.family_id == parent.family_id)):
            session.add(ParentVersion(parent_id=reader.id, version_id=version.id, number=last + n))
        for rank in (1, 2, 3):
            situation = UnsafeSituation(
                version_id=version.id, key=keys[f"s{rank}"], rank=rank,
                kind=UnsafeKind.acute if rank < 3 else UnsafeKind.structural,
                description=f"Onveilige situatie {rank}, versie {last + n}.", risk_factors="Stress\nWeinig slaap")
            session.add(situation)
            session.flush()
            for position in (0, 1):
                session.add(SafetyAgreement(
                    situation_id=situation.id, key=keys[f"a{2 * rank - 1 + position}"], position=position,
                    who="Mehmet", what=f"Afspraak {position + 1} bij situatie {rank}.", when="Altijd.",
                    if_it_goes_wrong="Mehmet belt Chantal."))
        for position, (key, section) in enumerate((("h1", PlanSection.help), ("h2", PlanSection.help),
                                                   ("f1", PlanSection.future), ("f2", PlanSection.future))):
            session.add(PlanItem(version_id=version.id, key=keys[key], section=section, position=position % 2,
                                 text=f"Onderdeel {key} van versie {last + n}.", who="Hulpverlener"))
    for n in range(appointments):
        starts = now + dt.timedelta(hours=6 * (n - appointments // 2) + 3)
        session.add(Appointment(
            family_id=parent.family_id, key="appointment-" + uuid.uuid4().hex, starts_at=starts,
            place="Bij u thuis", with_whom="Chantal Pinas", purpose=f"Gesprek {n}.",
            status=AppointmentStatus.cancelled if n % 10 == 0 else AppointmentStatus.planned))
    session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--appointments", type=int, default=1_000)
    parser.add_argument("--show", action="store_true", help="print the statements of every page")
    args = parser.parse_args()

    instance = tempfile.TemporaryDirectory(prefix="portal-bench-")
    try:
        app = scratch_app(instance.name)
        engine = app.extensions["engine"]
        with app.app_context(), Session(engine) as session:
            demo.load(session)
        counter = QueryCounter(engine)
        client = app.test_client()
        codes = Codes()
        sign_in_client(client, PARENT, lambda: codes.next(PARENT))

        before = {path: counter.measure(client, path) for path in PAGES}
        with app.app_context(), Session(engine) as session:
            grow(session, PARENT, args.versions, args.appointments)
        after = {path: counter.measure(client, path) for path in PAGES}
        engine.dispose()
    finally:
        instance.cleanup()

    print(f"SQL queries per family page of {PARENT} (repeat visit), before and after adding "
          f"{args.versions} published plan versions and {args.appointments} appointments")
    print(f"{'page':<15} {'before':>7} {'after':>7} {'bytes before':>13} {'bytes after':>12}")
    differ = []
    for path in PAGES:
        (count_before, bytes_before, statements_before), (count_after, bytes_after, statements_after) = \
            before[path], after[path]
        flag = "" if count_before == count_after else "  DIFFERS"
        print(f"{path:<15} {count_before:>7} {count_after:>7} {bytes_before:>13} {bytes_after:>12}{flag}")
        if flag:
            differ.append(path)
        if flag or args.show:
            for label, statements in (("before", statements_before), ("after", statements_after)):
                print(f"  {label}:")
                for statement in statements:
                    print("    " + " ".join(statement.split())[:160])
    print("Every page makes the same number of queries." if not differ
          else f"{len(differ)} pages make more queries with more data: {', '.join(differ)}.")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
