"""Insert N generated households (parents, duo, plan, appointments, matching keys) into a database quickly, in bulk.

    .venv/bin/python -m benchmarks.generate_households --url sqlite:///tmp/big.db --households 100000 --migrate
    .venv/bin/python -m benchmarks.generate_households --url URL --households 1000000 --only-matching

Parents and children get names as varied as a Dutch city's (benchmarks/names.py: Dutch, Moroccan, Turkish,
Surinamese, Polish... common names common), birth years and addresses (postcode and house number), and each
person a matching key row (table matchkey) with exactly the keys the portal writes (services/match_keys.key_row).
With --only-matching only what matching a partner's signal reads is written: teams, households (a tenth of them
closed, most within the retention period), parents without accounts, children and their key rows: 1,000,000
households in 5 to 6 minutes on PostgreSQL against 14 for the whole ones (benchmarks/matching.py uses it).

Every generated parent signs in with the demo password and the TOTP secret GENERATED_TOTP_SECRET;
`username(i)` names the first parent of household i (0-based). Ids continue after the rows already
there, so the generator also fills a database that holds the demo data (once per database: the
usernames repeat). SQLite gets Core INSERTs through executemany; PostgreSQL gets COPY, with the
foreign key triggers skipped (session_replication_role, so a superuser), then the id sequences
are moved past the new rows and the tables analysed.
"""
import argparse
import datetime as dt
import hashlib
import operator
import random
import sys
import time

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection

from benchmarks import names
from portal import clock, db
from portal.accounts.secrets import hash_password
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    Acknowledgement,
    Answer,
    Appointment,
    AppointmentStatus,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    MatchKey,
    Parent,
    PlanItem,
    PlanSection,
    PlanVersion,
    Role,
    SafetyAgreement,
    SafetyPlan,
    Team,
    UnsafeKind,
    UnsafeSituation,
    UserSession,
    VersionStatus,
    Worker,
    WorkingHours,
)
from portal.rules import matching
from portal.services.match_keys import key_rows

GENERATED_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
HOUSEHOLDS_PER_TEAM = 1_000
HOUSEHOLDS_PER_WORKER = 25
CHUNK = 5_000  # households per transaction
LANGUAGES = ("nl", "nl", "ar", "tr", "pl", "uk", "so", "ti")
TABLES = [Team, Worker, WorkingHours, Family, FamilyMember, Account, Parent, DuoAssignment, SafetyPlan,
          PlanVersion, UnsafeSituation, SafetyAgreement, PlanItem, Appointment, Acknowledgement, UserSession, MatchKey]
MATCHING_TABLES = [Team, Worker, WorkingHours, Family, FamilyMember, Parent, MatchKey]  # --only-matching
CLOSED_EVERY = 10  # --only-matching: one household in ten is closed ...
CLOSED_LONG_AGO = 5  # ... and one in five of those longer ago than the retention period (not purged yet)


def username(household: int, second: bool = False) -> str:
    return f"gen-ouder-{household:07d}{'-b' if second else ''}"


class Ids:
    """The next free id per table: generated rows carry explicit ids, so no RETURNING is needed."""

    def __init__(self, connection: Connection):
        self.next = {model: (connection.execute(select(func.max(model.__table__.c.id))).scalar() or 0) + 1
                     for model in TABLES}

    def take(self, model, count: int = 1) -> int:
        first = self.next[model]
        self.next[model] += count
        return first


def _teams_and_workers(connection: Connection, ids: Ids, households: int) -> list[int]:
    """Teams of 1,000 households, one worker per 25 households (Mon-Thu 9-17); the worker ids."""
    teams = max(1, -(-households // HOUSEHOLDS_PER_TEAM))
    workers = max(2, -(-households // HOUSEHOLDS_PER_WORKER))
    team_rows = [{"id": ids.take(Team), "name": f"Gegenereerd team {ids.next[Team]}"} for _ in range(teams)]
    worker_rows, hour_rows = [], []
    for n in range(workers):
        worker_id = ids.take(Worker)
        worker_rows.append({"id": worker_id, "account_id": None, "team_id": team_rows[n * teams // workers]["id"],
                            "name": f"Medewerker {worker_id}", "organisation": "Blijvend Veilig",
                            "phone": f"06-{worker_id % 100_000_000:08d}"})
        hour_rows += [{"id": ids.take(WorkingHours), "worker_id": worker_id, "weekday": day,
                       "start": dt.time(9), "end": dt.time(17)} for day in range(4)]
    for model, rows in ((Team, team_rows), (Worker, worker_rows), (WorkingHours, hour_rows)):
        _insert(connection, model, rows)
    return [row["id"] for row in worker_rows]


class Keys:
    """Matching key rows as services/match_keys.key_rows writes them (a row per person, and one more for a surname
    of several words), with the folding and phonetic keys of each name worked out once by key_rows itself (names
    repeat: that is what makes the generator fast); the first people of every chunk are checked against key_rows
    in full."""

    def __init__(self):
        self.folded: dict[str, list[tuple[str, str, str]]] = {}
        self.checked = 0

    def rows(self, ids: Ids, family_id: int, person: str, name: str, birth_year: int | None, postcode: str = "",
             house_number: str = "") -> list[dict]:
        folded = self.folded.get(name)
        if folded is None:
            folded = self.folded[name] = [(row.name, row.surname_key, row.given_key) for row in key_rows(0, "", name)]
        code, number = matching.postcode(postcode), matching.house_number(house_number)
        rows = [{"id": ids.take(MatchKey), "family_id": family_id, "person": person, "name": folded_name,
                 "surname_key": surname_key, "given_key": given_key, "birth_year": birth_year, "postcode": code,
                 "house_number": number} for folded_name, surname_key, given_key in folded]
        if self.checked < 50:
            self.checked += 1
            portal = [row.model_dump() for row in key_rows(family_id, person, name, birth_year, postcode,
                                                           house_number)]
            if portal != [{**row, "id": None} for row in rows]:
                raise AssertionError(f"matching keys differ from the portal's: {rows} against {portal}")
        return rows


def _children(h: int) -> int:
    """1, 2 or 3 children: 1.5 on average."""
    return 1 + (h % 3 == 0) + (h % 5 == 0)


def _households(first: int, count: int, ids: Ids, workers: list[int], password: str, now: dt.datetime,
                team_of_worker: dict[int, int], keys: "Keys", only_matching: bool = False, years: int = 15) -> dict:
    """Rows for households first .. first+count-1, per table, in insertion order."""
    rows = {model: [] for model in TABLES}
    rng = random.Random(first)  # the same households every run (per chunk)
    keys.checked = 0
    for h in range(first, first + count):
        family_id = ids.take(Family)
        contact = workers[(h // HOUSEHOLDS_PER_WORKER) % len(workers)]
        partner = workers[(h // HOUSEHOLDS_PER_WORKER + 1) % len(workers)]
        language = LANGUAGES[h % len(LANGUAGES)]
        opened = now - dt.timedelta(days=30 + h % 300)
        people = names.household(rng, 2 if h % 2 == 0 else 1, _children(h), now.year)
        closed = None
        if only_matching and h % CLOSED_EVERY == CLOSED_EVERY - 1:
            long_ago = (h // CLOSED_EVERY) % CLOSED_LONG_AGO == 0
            closed = now - dt.timedelta(days=rng.randint(365 * years + 10, 365 * (years + 3)) if long_ago
                                        else rng.randint(1, 365 * years - 10))
            opened = closed - dt.timedelta(days=30 + h % 300)
        rows[Family].append({"id": family_id, "team_id": team_of_worker[contact], "name": f"Huishouden {h}",
                             "interpreter_needed": language != "nl", "created_at": opened, "closed_at": closed})
        for child in people.children:
            member_id = ids.take(FamilyMember)
            rows[FamilyMember].append({"id": member_id, "family_id": family_id, "name": child.name,
                                       "relation": "kind", "birth_year": child.birth_year, "is_child": True})
            rows[MatchKey] += keys.rows(ids, family_id, f"member:{member_id}", child.name, child.birth_year)
        parent_ids = []
        for position, (parent, (postcode, number)) in enumerate(zip(people.parents, people.addresses, strict=True)):
            second = position == 1
            account_id, parent_id = (None if only_matching else ids.take(Account)), ids.take(Parent)
            parent_ids.append(parent_id)
            rows[Parent].append({"id": parent_id, "family_id": family_id, "account_id": account_id,
                                 "name": parent.name, "language": language,
                                 "phone": f"06-{parent_id % 100_000_000:08d}", "birth_year": parent.birth_year,
                                 "postcode": postcode, "house_number": number})
            rows[MatchKey] += keys.rows(ids, family_id, f"parent:{parent_id}", parent.name, parent.birth_year,
                                        postcode, number)
            if only_matching:
                continue
            rows[Account].append({
                "id": account_id, "username": username(h, second), "role": Role.parent,
                "display_name": parent.name, "password_hash": password,
                "totp_secret": GENERATED_TOTP_SECRET, "totp_last_step": 0, "totp_enrolled": True,
                "second_factor": "totp", "sms_phone": None, "language": language, "active": True,
                "session_generation": 0, "created_at": opened})
            rows[UserSession].append({
                "id": ids.take(UserSession), "token_hash": hashlib.sha256(f"gen-{account_id}".encode()).hexdigest(),
                "account_id": account_id, "generation": 0, "created_at": opened, "last_seen_at": opened,
                "ended_at": opened + dt.timedelta(minutes=10)})
        if only_matching:
            continue
        plan_id, version_id = ids.take(SafetyPlan), ids.take(PlanVersion)
        for worker_id, role in ((contact, DuoRole.contact), (partner, DuoRole.partner)):
            rows[DuoAssignment].append({"id": ids.take(DuoAssignment), "family_id": family_id, "worker_id": worker_id,
                                        "role": role, "start": opened.date(), "end": None})
        rows[SafetyPlan].append({"id": plan_id, "family_id": family_id})
        published = now - dt.timedelta(days=h % 20 + 1)
        rows[PlanVersion].append({
            "id": version_id, "plan_id": plan_id, "number": 1, "status": VersionStatus.published, "revision": 1,
            "note_for_family": "Dit is uw plan.", "change_summary": "Eerste versie van het plan.",
            "created_at": published, "updated_at": published, "updated_by": contact, "published_at": published,
            "published_by": contact})
        for rank in (1, 2):
            situation_id = ids.take(UnsafeSituation)
            rows[UnsafeSituation].append({
                "id": situation_id, "version_id": version_id, "key": f"gen{h:010d}s{rank}", "rank": rank,
                "kind": UnsafeKind.acute if rank == 1 else UnsafeKind.structural,
                "description": f"Onveilige situatie {rank} van huishouden {h}.",
                "risk_factors": "Zorgen over geld\nWeinig slaap"})
            rows[SafetyAgreement].append({
                "id": ids.take(SafetyAgreement), "situation_id": situation_id, "key": f"gen{h:010d}a{rank}",
                "position": 0, "who": "Ouder", "what": "Ouder belt de contactpersoon als het misgaat.",
                "when": "Altijd.", "if_it_goes_wrong": "Bij gevaar belt ouder 112."})
        for position, (section, label) in enumerate(((PlanSection.help, "h1"), (PlanSection.help, "h2"),
                                                     (PlanSection.future, "f1"))):
            rows[PlanItem].append({
                "id": ids.take(PlanItem), "version_id": version_id, "key": f"gen{h:010d}{label}",
                "section": section, "position": position if section is PlanSection.help else 0,
                "text": f"Hulp {label} voor huishouden {h}.", "who": "Sociaal team"})
        for offset in (-(h % 60) - 1, h % 30 + 1, h % 30 + 15):
            appointment_id = ids.take(Appointment)
            rows[Appointment].append({
                "id": appointment_id, "family_id": family_id, "key": f"appointment-gen{appointment_id:012d}",
                "starts_at": now + dt.timedelta(days=offset, hours=h % 8), "duration_minutes": 60,
                "safe_place": False, "place": "Bij u thuis", "with_whom": f"Medewerker {contact}",
                "purpose": "Gesprek over het plan.", "interpreter_language": None if language == "nl" else language,
                "interpreter_id": None, "status": AppointmentStatus.planned,
                "reminder_sent_at": None, "created_at": opened})
        rows[Acknowledgement].append({
            "id": ids.take(Acknowledgement), "parent_id": parent_ids[0], "version_id": version_id,
            "read_at": published, "answer": Answer.agree if h % 3 else None,
            "answered_at": published if h % 3 else None})
    return rows


def _memoized(type_, dialect):
    """The column type's bind processor with a memo: generated values repeat (dates, flags, enums)."""
    process = type_._cached_bind_processor(dialect)
    if process is None:
        return None
    memo = {}

    def convert(value):
        try:
            return memo[value]
        except KeyError:
            memo[value] = converted = process(value)
            return converted

    return convert


def _insert(connection: Connection, model, rows: list[dict]) -> None:
    """A Core INSERT compiled once per table and sent with the driver's executemany (COPY on
    PostgreSQL); the values go through the columns' own bind processors (memoized), as SQLAlchemy
    would send them."""
    table = model.__table__
    # Columns the rows leave out get their model default (e.g. an item's audience): COPY would store NULL.
    defaults = {column.name: column.default.arg for column in table.c
                if column.name not in rows[0] and column.default is not None and column.default.is_scalar}
    for row in rows:
        row.update(defaults)
    keys = list(rows[0])
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=keys)
    converters = [(key, convert) for key in keys
                  if (convert := _memoized(table.c[key].type, connection.dialect)) is not None]
    for row in rows:  # the rows are throwaway: convert in place
        for key, convert in converters:
            row[key] = convert(row[key])
    if connection.dialect.name == "postgresql":
        # COPY is PostgreSQL's bulk path: an executemany of 2 million single-row INSERTs takes minutes.
        columns = ", ".join(f'"{key}"' for key in keys)
        row_values = operator.itemgetter(*keys)
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row_values(row))
        return
    if compiled.positional:
        row_values = operator.itemgetter(*compiled.positiontup)  # every table here has two columns or more
        params = [row_values(row) for row in rows]
    else:
        params = rows
    connection.exec_driver_sql(compiled.string, params)


def generate(url: str, households: int, log=None, only_matching: bool = False, years: int = 15) -> dict[str, int]:
    """Insert `households` generated households into the migrated database at `url`; rows per table. With
    `only_matching`, only what matching a signal reads (MATCHING_TABLES), and some households closed (`years`: the
    retention period)."""
    tables = MATCHING_TABLES if only_matching else TABLES
    engine = db.make_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _bulk_load_pragmas(dbapi_connection, _record):  # after the portal's own pragmas
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=OFF")  # the rows are consistent by construction
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MB: index pages stay in memory while loading
            cursor.close()
    password = hash_password(DEMO_PASSWORD)  # one argon2 hash shared by every generated account
    now = clock.now().replace(microsecond=0)
    counts = {model.__tablename__: 0 for model in tables}
    keys = Keys()
    try:
        with engine.begin() as connection:
            ids = Ids(connection)
            workers = _teams_and_workers(connection, ids, households)
            team_of_worker = dict(connection.execute(
                select(Worker.__table__.c.id, Worker.__table__.c.team_id)
                .where(Worker.__table__.c.id.in_(workers))).all())
            counts["team"] += len({*team_of_worker.values()})
            counts["worker"] += len(workers)
            counts["workinghours"] += 4 * len(workers)
        for first in range(0, households, CHUNK):
            rows = _households(first, min(CHUNK, households - first), ids, workers, password, now, team_of_worker,
                               keys, only_matching, years)
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    # Skip the per-row foreign key triggers (needs a superuser): consistent by construction.
                    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
                for model in tables:
                    if rows[model]:
                        _insert(connection, model, rows[model])
                        counts[model.__tablename__] += len(rows[model])
            if log:
                log(f"  {min(first + CHUNK, households):>7} households")
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                for model in tables:
                    table = model.__tablename__
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"))
        if engine.dialect.name == "postgresql":
            # A bulk load leaves no statistics until autovacuum comes by; a restored or grown
            # production database has them, so give the planner what it would normally have.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL, e.g. sqlite:////tmp/big.db")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--migrate", action="store_true", help="apply the migrations first")
    parser.add_argument("--only-matching", action="store_true",
                        help="only households, parents (no accounts), children and their matching keys")
    args = parser.parse_args()
    if args.migrate:
        db.upgrade(args.url)
    began = time.perf_counter()
    counts = generate(args.url, args.households, log=print, only_matching=args.only_matching)
    seconds = time.perf_counter() - began
    print(f"{args.households} households, {sum(counts.values())} rows in {seconds:.1f} s")
    for table, count in counts.items():
        print(f"  {table:<16} {count:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
