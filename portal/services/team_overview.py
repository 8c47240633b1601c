"""The team lead's overview against the nine months: per open household of one team the days since intake and to
the first published plan, what waits (questions, unread versions, translations, a contact person), the caseload
per worker and a monthly trend; read in seven queries whatever the number of households."""
import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from portal import clock
from portal.models import (
    Acknowledgement,
    Family,
    Interpreter,
    Parent,
    PlanQuestion,
    PlanVersion,
    SafetyPlan,
    TranslationJob,
    VersionStatus,
    Worker,
)
from portal.policy import visible_families
from portal.services import stored_id
from portal.services.cases import duo_candidates
from portal.services.duo import current_duos
from portal.services.parent_versions import newest_given

NINE_MONTHS = 270  # days: families waited this long for help; no household should wait that long for a plan
UNREAD_AFTER = dt.timedelta(days=7)  # a parent who has not opened the current version after a week
HOUSEHOLDS_SHOWN = 300  # oldest intake first: the ones waiting longest are on top
LIST_SHOWN = 100  # questions, unread versions and translations, oldest first
TREND_MONTHS = 12


@dataclass(frozen=True)
class HouseholdFigures:
    family: Family
    days_since_intake: int
    days_to_first_plan: int | None  # None: no published plan yet
    contact: Worker | None
    open_questions: int
    unread_parents: int  # parents who have not read the current version a week after it was published
    translations_waiting: int

    @property
    def over_nine_months(self) -> bool:
        """Longer than nine months since intake and still no published plan."""
        return self.days_to_first_plan is None and self.days_since_intake > NINE_MONTHS


@dataclass(frozen=True)
class OpenQuestion:
    question: PlanQuestion
    parent: Parent
    family: Family
    version_number: int
    days_waiting: int


@dataclass(frozen=True)
class UnreadVersion:
    parent: Parent
    family: Family
    version: PlanVersion
    days_since_published: int


@dataclass(frozen=True)
class WaitingTranslation:
    job: TranslationJob
    family: Family
    version_number: int | None  # None: the household's appointments
    interpreter: str | None
    days_waiting: int


@dataclass(frozen=True)
class Caseload:
    worker: Worker
    as_contact: int
    as_partner: int

    @property
    def households(self) -> int:
        return self.as_contact + self.as_partner


@dataclass(frozen=True)
class TrendMonth:
    month: dt.date  # its first day
    intakes: int
    with_plan: int  # of those intakes, households with a published plan
    median_days: float | None  # from intake to the first published plan, of those with one


@dataclass(frozen=True)
class TeamOverview:
    households: list[HouseholdFigures]
    questions: list[OpenQuestion]
    unread: list[UnreadVersion]
    translations: list[WaitingTranslation]
    caseload: list[Caseload]
    trend: list[TrendMonth]

    @property
    def without_contact(self) -> list[HouseholdFigures]:
        return [row for row in self.households if row.contact is None]

    @property
    def trend_scale(self) -> int:
        """The chart's top in days: the nine months, or the slowest month when it took longer."""
        return max([NINE_MONTHS, *(round(month.median_days) for month in self.trend if month.median_days)])


def _days(since: dt.datetime | dt.date, today: dt.date) -> int:
    """Whole days from a moment (its Amsterdam day: a family's days, also between 23:00 and 24:00 UTC) to today."""
    return (today - (clock.day_of(since) if isinstance(since, dt.datetime) else since)).days


def _published_plans():
    """Per household with a published plan: its plan, the first publication and the newest version's number."""
    return (select(SafetyPlan.family_id, SafetyPlan.id.label("plan_id"),
                   func.min(PlanVersion.published_at).label("first_published"),
                   func.max(PlanVersion.number).label("latest"))
            .join(PlanVersion, PlanVersion.plan_id == SafetyPlan.id)
            .where(PlanVersion.status == VersionStatus.published)
            .group_by(SafetyPlan.family_id, SafetyPlan.id).subquery())


def _not_read(version):
    """The parent (Parent) has no read receipt of this version."""
    return ~exists().where(Acknowledgement.parent_id == Parent.id, Acknowledgement.version_id == version.id)


def overview(db: Session, lead, now: dt.datetime) -> TeamOverview:
    """The figures of the open households the policy lists for this team lead (`visible_families`: their team's;
    closed cases wait for nothing), and the trend of all of them over twelve months."""
    today, cutoff = clock.day_of(now), now - UNREAD_AFTER
    plans = _published_plans()
    current = aliased(PlanVersion)
    listed = col(Family.id).in_(visible_families(lead, today))
    of_team = (listed, col(Family.closed_at).is_(None))
    questions_open = (select(func.count(col(PlanQuestion.id))).join(Parent, col(Parent.id) == PlanQuestion.parent_id)
                      .where(col(Parent.family_id) == Family.id, col(PlanQuestion.handled_at).is_(None))
                      .scalar_subquery())
    given = newest_given()
    unread_count = (select(func.count(col(Parent.id))).join(given, given.c.parent_id == Parent.id)
                    .join(current, current.id == given.c.version_id)
                    .where(col(Parent.family_id) == Family.id, col(current.published_at) <= cutoff, _not_read(current))
                    .correlate(Family).scalar_subquery())
    waiting_count = (select(func.count(col(TranslationJob.id)))
                     .where(col(TranslationJob.family_id) == Family.id, col(TranslationJob.completed_at).is_(None),
                            col(TranslationJob.closed_at).is_(None))
                     .scalar_subquery())
    # sqlmodel's select() is typed for up to four entities; Select is the class it builds for more.
    query: Select[Family, dt.datetime | None, int, int, int]
    query = Select(Family, plans.c.first_published, questions_open, unread_count, waiting_count)
    rows = db.exec(query
                   .outerjoin(plans, plans.c.family_id == Family.id)
                   .where(*of_team).order_by(col(Family.created_at), col(Family.id)).limit(HOUSEHOLDS_SHOWN)).all()
    duos = current_duos(db, select(Family.id).where(*of_team), today)
    households = [HouseholdFigures(family, _days(family.created_at, today),
                                   _days(family.created_at, clock.day_of(first)) if first else None,
                                   duos[family.id].contact if family.id in duos else None,
                                   questions or 0, unread or 0, waiting or 0)
                  for family, first, questions, unread, waiting in rows]
    return TeamOverview(households, _questions(db, of_team, today), _unread(db, of_team, cutoff, today),
                        _translations(db, of_team, today), _caseload(db, lead.worker.team_id, duos),
                        _trend(db, listed, plans, today))


def _questions(db: Session, of_team, today: dt.date) -> list[OpenQuestion]:
    rows = db.exec(select(PlanQuestion, Parent, Family, PlanVersion.number)
                   .join(Parent, col(Parent.id) == PlanQuestion.parent_id)
                   .join(Family, col(Family.id) == Parent.family_id)
                   .join(PlanVersion, col(PlanVersion.id) == PlanQuestion.version_id)
                   .where(*of_team, col(PlanQuestion.handled_at).is_(None))
                   .order_by(col(PlanQuestion.asked_at), col(PlanQuestion.id)).limit(LIST_SHOWN)).all()
    found = []
    for question, parent, family, number in rows:
        assert number is not None  # questions are asked about published versions, which are numbered
        found.append(OpenQuestion(question, parent, family, number, _days(question.asked_at, today)))
    return found


def _unread(db: Session, of_team, cutoff: dt.datetime, today: dt.date) -> list[UnreadVersion]:
    current, given = aliased(PlanVersion), newest_given()
    rows = db.exec(select(Parent, Family, current).join(Family, col(Family.id) == Parent.family_id)
                   .join(given, given.c.parent_id == Parent.id).join(current, current.id == given.c.version_id)
                   .where(*of_team, col(current.published_at) <= cutoff, _not_read(current))
                   .order_by(col(current.published_at), col(Parent.id)).limit(LIST_SHOWN)).all()
    found = []
    for parent, family, version in rows:
        assert version.published_at is not None  # the query reads versions published before the cutoff
        found.append(UnreadVersion(parent, family, version, _days(version.published_at, today)))
    return found


def _translations(db: Session, of_team, today: dt.date) -> list[WaitingTranslation]:
    rows = db.exec(select(TranslationJob, Family, PlanVersion.number, Interpreter.name)
                   .join(Family, col(Family.id) == TranslationJob.family_id)
                   .outerjoin(PlanVersion, col(PlanVersion.id) == TranslationJob.version_id)
                   .outerjoin(Interpreter, col(Interpreter.id) == TranslationJob.interpreter_id)
                   .where(*of_team, col(TranslationJob.completed_at).is_(None), col(TranslationJob.closed_at).is_(None))
                   .order_by(col(TranslationJob.opened_at), col(TranslationJob.id)).limit(LIST_SHOWN)).all()
    return [WaitingTranslation(job, family, number, name, _days(job.opened_at, today))
            for job, family, number, name in rows]


def _caseload(db: Session, team_id: int, duos: dict) -> list[Caseload]:
    """Per worker of the team (each active worker, and whoever is in a duo now): open households as contact
    person and as duo partner."""
    workers = {stored_id(worker.id): worker for worker in duo_candidates(db, team_id)}
    contact: dict[int, int] = {}
    partner: dict[int, int] = {}
    for duo in duos.values():
        for worker, counts in ((duo.contact, contact), (duo.partner, partner)):
            if worker is not None:
                workers.setdefault(worker.id, worker)
                counts[worker.id] = counts.get(worker.id, 0) + 1
    loads = [Caseload(worker, contact.get(key, 0), partner.get(key, 0)) for key, worker in workers.items()]
    return sorted(loads, key=lambda load: (-load.households, load.worker.name))


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of this month and the count - 1 months before it, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _trend(db: Session, listed, plans, today: dt.date) -> list[TrendMonth]:
    """Per month of intake (of these households, closed ones too): intakes, how many have a published plan, and
    the median number of days from intake to that first plan."""
    months = months_back(today, TREND_MONTHS)
    since = dt.datetime.combine(months[0], dt.time(), tzinfo=clock.AMSTERDAM)
    rows = db.exec(select(Family.created_at, plans.c.first_published).outerjoin(plans, plans.c.family_id == Family.id)
                   .where(listed, Family.created_at >= since)).all()
    per_month: dict[dt.date, list] = {month: [] for month in months}
    for created, first in rows:
        per_month.setdefault(clock.day_of(created).replace(day=1), []).append(
            _days(created, clock.day_of(first)) if first else None)
    trend = []
    for month in months:
        days = [value for value in per_month[month] if value is not None]
        trend.append(TrendMonth(month, len(per_month[month]), len(days), statistics.median(days) if days else None))
    return trend


def seen(found: TeamOverview) -> set[tuple[int, str]]:
    """What the overview shows, each a look (audited) at whose it is: a household's figures are the household's,
    an open question or an unread version that parent's, a waiting translation its job's."""
    return ({(stored_id(row.family.id), f"family:{row.family.id}") for row in found.households}
            | {(stored_id(item.family.id), f"parent:{item.parent.id}") for item in found.questions}
            | {(stored_id(item.family.id), f"parent:{item.parent.id}") for item in found.unread}
            | {(stored_id(item.family.id), f"job:{item.job.id}") for item in found.translations})
