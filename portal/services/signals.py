"""Partners' signals: sending one (from the form or a partner's system), matching it to a household, telling the
contact person, the intake list, linking, what was done, and the team's figures.

Each function changes the session and flushes at most; the caller records the audit event and commits, so that a
signal, its message to the contact person and its audit event are written together."""
import datetime as dt
import hashlib
import secrets
import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, tuple_, union_all
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from portal import clock
from portal.models import (
    Account,
    Family,
    MatchKey,
    Partner,
    PartnerOrganisation,
    PartnerToken,
    ProfessionalNetwork,
    Role,
    Signal,
    SignalAddition,
    SignalCandidate,
    SignalState,
    Urgency,
    Worker,
)
from portal.rules import matching
from portal.rules.call_now import is_working
from portal.services import notifications, stored_id
from portal.services.cases import retention_period
from portal.services.duo import availability, call_now, current_duo

PEOPLE_MAX = 6  # people one signal is about: a family, not a street
CANDIDATE_ROWS = 500  # key rows read for one signal: a common name in a million households still costs little
# How those rows are shared out, the surest first: the signal's address, its people's surname and given name, their
# surname and year of birth (one year either way), then anyone of the surname (the rest).
ADDRESS_ROWS, NAME_ROWS, YEAR_ROWS = 50, 200, 150
CANDIDATES_KEPT = 5  # households offered to the team lead
ADDITIONS_MAX = 20  # a signal is added to, not rewritten
LIST_SHOWN = 50  # signals on a list, the oldest first
CONTACT_MESSAGE = ("Blijvend Veilig: een partner stuurde een signaal over een gezin van u. "
                   "Zie uw werklijst in het portaal.")


class SignalError(ValueError):
    """A change a signal does not allow: linked already, done already, too many additions."""


@dataclass(frozen=True)
class SeenPerson:
    """A person the signal is about, as the partner typed them."""

    name: str
    birth_year: int | None = None


@dataclass(frozen=True)
class Draft:
    """A signal as typed (form or JSON), checked: what `send` stores."""

    people: tuple[SeenPerson, ...]
    postcode: str
    house_number: str
    what: str
    happened_at: dt.datetime
    observed_by: str
    urgency: Urgency
    call_back: str

    def readings(self) -> list[matching.Person]:
        return [matching.Person.of(person.name, person.birth_year, self.postcode, self.house_number)
                for person in self.people]

    def people_text(self) -> str:
        return "\n".join(f"{person.name}; {person.birth_year}" if person.birth_year else person.name
                         for person in self.people)


def people_of(signal: Signal) -> list[SeenPerson]:
    """The people of a stored signal, a line each."""
    people = []
    for line in signal.people.splitlines():
        name, _, year = line.partition(";")
        people.append(SeenPerson(name.strip(), int(year) if year.strip().isdigit() else None))
    return people


# --- matching ----------------------------------------------------------------------------------

def candidates(db: Session, seen: list[matching.Person], now: dt.datetime, years: int) -> list[tuple[int, int]]:
    """(household, score) of every household worth a look, best first: open ones, and closed ones still within
    their retention period. One query reads at most CANDIDATE_ROWS key rows, by index, the surest first: people at
    the signal's address, with the same surname and given name sound, with the same surname sound and year of
    birth, then with the same surname sound. A common surname has thousands of rows in a million households: read
    in no order, the right one was mostly not among them (benchmarks/matching.py). matching.household_score weighs
    them."""
    surnames = {person.surname_key for person in seen if person.surname_key}
    surnames |= {person.tail_key for person in seen if person.tail_key}
    named = {(surname, person.given_key) for person in seen if person.given_key
             for surname in (person.surname_key, person.tail_key) if surname}
    born = {person.birth_year + year for person in seen if person.birth_year for year in (-1, 0, 1)}
    addresses = {(person.postcode, person.house_number) for person in seen if person.postcode and person.house_number}
    tiers: list[tuple[ColumnElement[bool], int]] = []
    if addresses:
        tiers.append((tuple_(MatchKey.postcode, MatchKey.house_number).in_(sorted(addresses)), ADDRESS_ROWS))
    if named:
        tiers.append((tuple_(MatchKey.surname_key, MatchKey.given_key).in_(sorted(named)), NAME_ROWS))
    if surnames and born:
        tiers.append((and_(col(MatchKey.surname_key).in_(sorted(surnames)), col(MatchKey.birth_year).in_(sorted(born))),
                      YEAR_ROWS))
    if surnames:
        tiers.append((col(MatchKey.surname_key).in_(sorted(surnames)),
                      CANDIDATE_ROWS - sum(rows for _found, rows in tiers)))
    if not tiers:
        return []
    still_kept = now - retention_period(years)
    kept = or_(col(Family.closed_at).is_(None), col(Family.closed_at) >= still_kept)
    # Columns, not MatchKey objects: building 500 ORM objects cost more than the query.
    columns = [col(column) for column in (MatchKey.id, MatchKey.family_id, MatchKey.name, MatchKey.given_key,
                                          MatchKey.surname_key, MatchKey.birth_year, MatchKey.postcode,
                                          MatchKey.house_number)]
    parts = [core_select(*columns).join(Family, col(Family.id) == MatchKey.family_id).where(found, kept)
             .limit(rows).subquery().select() for found, rows in tiers]
    db.flush()  # as a query through the session would: the rows are read as columns, on its connection
    people: dict[int, list[matching.Person]] = defaultdict(list)
    read = set()
    for row_id, family_id, name, given_key, surname_key, birth_year, postcode, house_number in db.connection().execute(
            union_all(*parts)):
        if row_id not in read:  # a row found by more than one tier
            read.add(row_id)
            people[family_id].append(matching.Person(name, given_key, surname_key, birth_year, postcode,
                                                     house_number))
    scored = [(family_id, matching.household_score(seen, known)) for family_id, known in people.items()]
    worth = [pair for pair in scored if pair[1] >= matching.CANDIDATE_SCORE]
    return sorted(worth, key=lambda pair: (-pair[1], pair[0]))


# --- sending -----------------------------------------------------------------------------------

def send(db: Session, organisation: PartnerOrganisation, draft: Draft, now: dt.datetime, years: int,
         sent_by: int | None = None, token_id: int | None = None) -> Signal:
    """Store a signal and route it: a clear match lands on that household (its timeline, the duo's work list and
    a message to the contact person); anything less waits on the team lead's intake list with its candidates."""
    assert organisation.id is not None  # a stored organisation
    scored = candidates(db, draft.readings(), now, years)
    family_id = matching.clear_match(scored)
    if family_id is not None and stored_family(db, family_id).closed_at is not None:
        family_id = None  # a closed case has no duo to tell: the team lead decides (reopen it, or another)
    signal = Signal(organisation_id=organisation.id, sent_by=sent_by, token_id=token_id, team_id=organisation.team_id,
                    people=draft.people_text(), postcode=draft.postcode, house_number=draft.house_number,
                    what=draft.what, happened_at=draft.happened_at, observed_by=draft.observed_by,
                    urgency=draft.urgency, call_back=draft.call_back, sent_at=now,
                    state=SignalState.intake, score=scored[0][1] if scored else 0)
    db.add(signal)
    db.flush()
    if family_id is not None:
        _land(db, signal, stored_family(db, family_id), now)
    else:
        for candidate_id, score in scored[:CANDIDATES_KEPT]:
            db.add(SignalCandidate(signal_id=stored_id(signal.id), family_id=candidate_id, score=score))
        signal.out_of_hours = signal.urgency is Urgency.urgent and not _team_lead_at_work(db, signal.team_id, now)
    db.add(signal)
    db.flush()
    return signal


def stored_family(db: Session, family_id: int) -> Family:
    family = db.get(Family, family_id)
    assert family is not None  # a key row's or candidate's household
    return family


def _land(db: Session, signal: Signal, family: Family, now: dt.datetime, repeat: bool = True) -> None:
    """The signal is about this household: on its timeline and its duo's list, and the contact person is told."""
    signal.state, signal.family_id, signal.repeat = SignalState.matched, family.id, repeat
    duo = current_duo(db, stored_id(family.id), clock.day_of(now))
    advice, _hours = call_now(db, duo, now, "", "")
    signal.out_of_hours = signal.urgency is Urgency.urgent and advice.kind == "out_of_hours"
    contact = duo.contact or duo.partner
    account = db.get(Account, contact.account_id) if contact and contact.account_id else None
    if account is not None and contact is not None:
        notifications.queue(db, account, "sms", contact.phone, CONTACT_MESSAGE, dedupe_key=f"signal:{signal.id}")


def _team_lead_at_work(db: Session, team_id: int, now: dt.datetime) -> bool:
    """Is a team lead of the team at work now (their working hours, not away)? Else an urgent signal on the intake
    list is the out-of-hours service's."""
    leads = list(db.exec(select(Worker).join(Account, col(Account.id) == Worker.account_id)
                         .where(Worker.team_id == team_id, Account.role == Role.teamlead, col(Account.active))))
    hours = availability(db, list(leads), clock.day_of(now))
    return any(is_working(worker, now) for worker in hours.values())


def add_to(db: Session, signal: Signal, text: str, by: int | None) -> SignalAddition:
    """What the partner adds after sending: the signal itself stays as it was sent."""
    count = db.exec(select(func.count()).select_from(SignalAddition)
                    .where(SignalAddition.signal_id == signal.id)).one()
    if count >= ADDITIONS_MAX:
        raise SignalError("too many additions")
    addition = SignalAddition(signal_id=stored_id(signal.id), text=text, added_by=by)
    db.add(addition)
    db.flush()
    return addition


def additions(db: Session, signal_id: int) -> list[SignalAddition]:
    return list(db.exec(select(SignalAddition).where(SignalAddition.signal_id == signal_id)
                        .order_by(col(SignalAddition.added_at), col(SignalAddition.id))))


# --- the team lead's intake list and the duo's work ----------------------------------------------

def link(db: Session, signal: Signal, family: Family, by: int, now: dt.datetime, repeat: bool = True) -> None:
    """The team lead decides which household a signal on the intake list is about (or started one from it:
    repeat False); it then lands there as a clear match would have."""
    if signal.state is not SignalState.intake:
        raise SignalError("linked already")
    signal.linked_by, signal.linked_at = by, now
    _land(db, signal, family, now, repeat)
    db.add(signal)
    db.flush()


def mark_done(db: Session, signal: Signal, note: str, by: int, now: dt.datetime) -> None:
    """Record what was done: the duo's (or team lead's) first action, which ends the task."""
    if signal.done_at is not None:
        raise SignalError("done already")
    signal.done_at, signal.done_by, signal.done_note = now, by, note
    db.add(signal)
    db.flush()


def intake_list(db: Session, team_id: int) -> list[tuple[Signal, list[tuple[SignalCandidate, Family]]]]:
    """The team's signals that wait for a team lead's decision, urgent first, then the oldest; with their
    candidate households, best first."""
    waiting = list(db.exec(select(Signal).where(Signal.team_id == team_id, Signal.state == SignalState.intake,
                                                col(Signal.done_at).is_(None))
                           .order_by(col(Signal.urgency) != Urgency.urgent, col(Signal.sent_at))
                           .limit(LIST_SHOWN)))
    ids = [stored_id(signal.id) for signal in waiting] or [-1]
    pairs: dict[int, list[tuple[SignalCandidate, Family]]] = defaultdict(list)
    for candidate, family in db.exec(select(SignalCandidate, Family)
                                     .join(Family, col(Family.id) == SignalCandidate.family_id)
                                     .where(col(SignalCandidate.signal_id).in_(ids))
                                     .order_by(col(SignalCandidate.score).desc())):
        pairs[candidate.signal_id].append((candidate, family))
    return [(signal, pairs[stored_id(signal.id)]) for signal in waiting]


def open_for(db: Session, families) -> list[tuple[Signal, PartnerOrganisation, Family]]:
    """Signals on these households (a subquery of ids) that nobody marked done yet: tasks, urgent first."""
    return list(db.exec(select(Signal, PartnerOrganisation, Family)
                        .join(PartnerOrganisation, col(PartnerOrganisation.id) == Signal.organisation_id)
                        .join(Family, col(Family.id) == Signal.family_id)
                        .where(col(Signal.family_id).in_(families), col(Signal.done_at).is_(None))
                        .order_by(col(Signal.urgency) != Urgency.urgent, col(Signal.sent_at))
                        .limit(LIST_SHOWN)))


def out_of_hours_list(db: Session, team_id: int) -> list[tuple[Signal, PartnerOrganisation, Family | None]]:
    """Urgent signals that came outside office hours and are not done: the out-of-hours service's list."""
    return list(db.exec(select(Signal, PartnerOrganisation, Family)
                        .join(PartnerOrganisation, col(PartnerOrganisation.id) == Signal.organisation_id)
                        .outerjoin(Family, col(Family.id) == Signal.family_id)
                        .where(or_(col(Signal.team_id) == team_id, col(Family.team_id) == team_id),
                               col(Signal.out_of_hours), col(Signal.done_at).is_(None))
                        .order_by(col(Signal.sent_at)).limit(LIST_SHOWN)))


def of_family(db: Session, family_id: int) -> list[tuple[Signal, PartnerOrganisation]]:
    """A household's signals with their source, oldest first: the timeline and the factual file."""
    return list(db.exec(select(Signal, PartnerOrganisation)
                        .join(PartnerOrganisation, col(PartnerOrganisation.id) == Signal.organisation_id)
                        .where(Signal.family_id == family_id).order_by(col(Signal.sent_at))))


# --- a signal's page in the back office ------------------------------------------------------------

@dataclass(frozen=True)
class SignalFile:
    """A signal with what its page shows: its source, the household it is on, who did what with it, what the
    partner added."""

    organisation: PartnerOrganisation
    sender: Partner | None  # None: the organisation's own system sent it
    family: Family | None  # None: on the intake list
    done_by: Account | None
    additions: list[SignalAddition]
    people: list[SeenPerson]


def file_of(db: Session, signal: Signal) -> SignalFile:
    organisation = db.get(PartnerOrganisation, signal.organisation_id)
    assert organisation is not None  # a signal's organisation is never removed
    sender = db.exec(select(Partner).where(Partner.account_id == signal.sent_by)).first() if signal.sent_by else None
    return SignalFile(organisation, sender, db.get(Family, signal.family_id) if signal.family_id else None,
                      db.get(Account, signal.done_by) if signal.done_by else None,
                      additions(db, stored_id(signal.id)), people_of(signal))


def set_in_network(db: Session, family: Family, organisation_id: int, listed: bool, by: int) -> str | None:
    """List a partner organisation of the household's own team in its professional network, or take it off:
    "added", "removed", or None when it already was so. Another team's organisation, or one switched off, is
    refused (SignalError): it would read this team's contact person's name and number."""
    organisation = db.get(PartnerOrganisation, organisation_id or -1)
    if organisation is None or not organisation.active or organisation.team_id != family.team_id:
        raise SignalError("not a partner of the household's team")
    row = db.exec(select(ProfessionalNetwork).where(ProfessionalNetwork.family_id == family.id,
                                                    ProfessionalNetwork.organisation_id == organisation_id)).first()
    if listed and row is None:
        db.add(ProfessionalNetwork(family_id=stored_id(family.id), organisation_id=organisation_id, added_by=by))
        return "added"
    if not listed and row is not None:
        db.delete(row)
        return "removed"
    return None


# --- what the partner reads back -------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    """What a partner reads after sending: that it was received, and whom to call back where the duo listed the
    partner in the household's professional network. Never the household's name, file or state."""

    signal: Signal
    contact_name: str = ""
    contact_phone: str = ""


def receipt(db: Session, signal: Signal, today: dt.date) -> Receipt:
    if signal.family_id is None:
        return Receipt(signal)
    listed = db.exec(select(ProfessionalNetwork.id).where(
        ProfessionalNetwork.family_id == signal.family_id,
        ProfessionalNetwork.organisation_id == signal.organisation_id)).first()
    if listed is None:
        return Receipt(signal)
    contact = current_duo(db, signal.family_id, today).contact
    return Receipt(signal, contact.name, contact.phone) if contact else Receipt(signal)


# --- tokens of partners' systems -----------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(db: Session, organisation: PartnerOrganisation, name: str, by: int) -> tuple[PartnerToken, str]:
    """A token for the organisation's own system: shown once, only its hash kept."""
    token = "bv_" + secrets.token_urlsafe(32)
    row = PartnerToken(organisation_id=stored_id(organisation.id), token_hash=token_hash(token), name=name,
                       created_by=by)
    db.add(row)
    db.flush()
    return row, token


def token_holder(db: Session, token: str, now: dt.datetime) -> tuple[PartnerToken, PartnerOrganisation] | None:
    """The live token and its active organisation for a bearer token, or None (unknown, revoked, switched off)."""
    row = db.exec(select(PartnerToken, PartnerOrganisation)
                  .join(PartnerOrganisation, col(PartnerOrganisation.id) == PartnerToken.organisation_id)
                  .where(PartnerToken.token_hash == token_hash(token))).first()
    if row is None or row[0].revoked_at is not None or not row[1].active:
        return None
    row[0].last_used_at = now
    db.add(row[0])
    return row[0], row[1]


# --- the team's figures ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    """One month of a team's signals: how many, how many about a household already known (repeat) and how many
    started a new one (the rest still wait on the intake list), and the median hours from a signal to the duo's
    first action, for those that have one."""

    month: str  # "2026-12"
    total: int
    repeat: int
    new: int
    median_hours: float | None

    @property
    def repeat_share(self) -> int:
        """Repeat signals as a share of those that reached a household (the steering group's "80%")."""
        decided = self.repeat + self.new
        return round(100 * self.repeat / decided) if decided else 0


MONTHS_SHOWN = 12


def months(db: Session, team_id: int, now: dt.datetime) -> list[Month]:
    """The team's last twelve months of signals, newest first: the signals sent to its organisations or
    landed on its households."""
    since = now - dt.timedelta(days=366)
    rows = db.exec(select(Signal.sent_at, Signal.repeat, Signal.state, Signal.done_at)
                   .outerjoin(Family, col(Family.id) == Signal.family_id)
                   .where(or_(col(Signal.team_id) == team_id, col(Family.team_id) == team_id),
                          col(Signal.sent_at) >= since)).all()
    grouped: dict[str, list] = defaultdict(list)
    for sent_at, known, state, done_at in rows:
        grouped[sent_at.astimezone(clock.AMSTERDAM).strftime("%Y-%m")].append((known, state, done_at, sent_at))
    result = []
    for month in sorted(grouped, reverse=True)[:MONTHS_SHOWN]:
        items = grouped[month]
        hours = [(done - sent).total_seconds() / 3600 for _r, _s, done, sent in items if done is not None]
        repeat = sum(1 for known, _s, _d, _t in items if known)
        new = sum(1 for known, state, _d, _t in items if not known and state is SignalState.matched)
        result.append(Month(month, len(items), repeat, new, statistics.median(hours) if hours else None))
    return result
