"""The family's circle: its members, the agreements the duo confirms they carry, their answers and the duo's tasks.

Each function changes the session and flushes at most; the caller records the audit event and commits."""
from dataclasses import dataclass

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, select

from portal import clock
from portal.models import Account, CircleAnswer, Commitment, Family, NamedInAgreement, NetworkMember, Parent
from portal.rules import circle
from portal.rules.audience import HOUSEHOLD, only_for
from portal.rules.plan_content import Agreement, PlanContent
from portal.services import notifications, stored_id
from portal.services.plans import content_of, current_version

MEMBERS_SHOWN = 30  # a circle larger than this is not one the duo can keep equipped
TASKS_SHOWN = 50  # "cannot" answers on a work list, the oldest first


class CircleError(ValueError):
    """A change the circle does not allow: an agreement the member may not read, a side of another household."""


@dataclass(frozen=True)
class Offer:
    """An agreement the duo may name a member in: whether it does, and whether its text seems to name them."""

    agreement: Agreement
    named: bool
    mentioned: bool


@dataclass(frozen=True)
class Carried:
    """An agreement as its member sees it: their answer to this text, or their answer to an older text (asked
    again), or none yet."""

    agreement: Agreement
    answer: CircleAnswer | None  # the answer to the agreement as it reads now
    earlier: CircleAnswer | None  # an answer to an older text of it: the member is asked again

    @property
    def digest(self) -> str:
        return circle.digest(self.agreement)

    @property
    def agreement_texts(self) -> tuple[str, ...]:
        """Its texts as the member reads them, each a unit of translation."""
        return (self.agreement.who, self.agreement.what, self.agreement.when, self.agreement.if_it_goes_wrong)


def side_of(db: Session, family: Family, parent_id: int | None) -> str:
    """The stored side: the household's, or one parent's of this household (anything else is refused)."""
    if parent_id is None:
        return HOUSEHOLD
    parent = db.get(Parent, parent_id)
    if parent is None or parent.family_id != family.id:
        raise CircleError("a side of another household")
    return only_for([parent_id])


def add(db: Session, family: Family, name: str, relation: str, language: str, phone: str | None, side: str,
        by: int) -> NetworkMember:
    member = NetworkMember(family_id=stored_id(family.id), name=name, relation=relation, language=language,
                           phone=phone or None, side=side, added_by=by)
    db.add(member)
    db.flush()
    return member


def members(db: Session, family_id: int) -> list[NetworkMember]:
    return list(db.exec(select(NetworkMember).where(NetworkMember.family_id == family_id)
                        .order_by(col(NetworkMember.id)).limit(MEMBERS_SHOWN)))


def named_keys(db: Session, member_ids: list[int]) -> dict[int, set[str]]:
    """The agreement keys each member carries, by member id."""
    found: dict[int, set[str]] = {member_id: set() for member_id in member_ids}
    for member_id, key in db.exec(select(NamedInAgreement.member_id, NamedInAgreement.agreement_key)
                                  .where(col(NamedInAgreement.member_id).in_(member_ids or [-1]))):
        found[member_id].add(key)
    return found


def _current(db: Session, family_id: int) -> PlanContent:
    version = current_version(db, family_id)
    return content_of(db, version) if version else PlanContent()


def offers(db: Session, member: NetworkMember) -> list[Offer]:
    """The agreements of the published plan this member may read from their side, each with whether the duo named
    them in it and whether its text mentions them."""
    named = named_keys(db, [stored_id(member.id)])[stored_id(member.id)]
    return [Offer(agreement, agreement.key in named, circle.mentions(agreement, member.name))
            for agreement in circle.readable(_current(db, member.family_id), member.side)]


def name_in(db: Session, member: NetworkMember, keys: set[str], by: int | None) -> None:
    """The duo confirms which agreements the member carries: exactly `keys`, each one readable from their side."""
    readable = {agreement.key for agreement in circle.readable(_current(db, member.family_id), member.side)}
    if not keys <= readable:
        raise CircleError("an agreement this member may not read")
    member_id = stored_id(member.id)
    named = named_keys(db, [member_id])[member_id]
    db.exec(delete(NamedInAgreement).where(col(NamedInAgreement.member_id) == member_id,
                                           col(NamedInAgreement.agreement_key).in_(named - keys)))
    for key in sorted(keys - named):
        db.add(NamedInAgreement(member_id=member_id, agreement_key=key, confirmed_by=by))
    db.flush()


def carried_by(db: Session, member: NetworkMember) -> list[Carried]:
    """What the member's page shows: the agreements they carry in the published plan, with their answers."""
    member_id = stored_id(member.id)
    agreements = circle.carried(_current(db, member.family_id), member.side, named_keys(db, [member_id])[member_id])
    answers = db.exec(select(CircleAnswer).where(CircleAnswer.member_id == member_id,
                                                 col(CircleAnswer.agreement_key).in_(
                                                     [a.key for a in agreements] or ["-"]))
                      .order_by(col(CircleAnswer.answered_at), col(CircleAnswer.id))).all()
    newest = {answer.agreement_key: answer for answer in answers}  # the last answer per agreement wins
    shown = []
    for agreement in agreements:
        last = newest.get(agreement.key)
        current = last if last is not None and last.digest == circle.digest(agreement) else None
        shown.append(Carried(agreement, current, last if current is None else None))
    return shown


def answer(db: Session, member: NetworkMember, key: str, seen: str, commitment: Commitment,
           reason: str) -> CircleAnswer:
    """The member's answer to an agreement they carry, as they read it (`seen`, its digest): refused when it is no
    longer theirs or its text changed since, so nobody answers a text they did not read."""
    version = current_version(db, member.family_id)
    found = next((c.agreement for c in carried_by(db, member) if c.agreement.key == key), None)
    if version is None or found is None or circle.digest(found) != seen:
        raise CircleError("an agreement this member does not carry, or not as they read it")
    given = CircleAnswer(member_id=stored_id(member.id), agreement_key=key, version_id=stored_id(version.id),
                         digest=circle.digest(found), answer=commitment,
                         reason=reason if commitment is Commitment.cannot else "")
    db.add(given)
    db.flush()
    return given


def handle(db: Session, member: NetworkMember, answer_id: int, by: int) -> CircleAnswer | None:
    """The duo marks this member's "cannot" as handled (talked it through, the plan changed): off the work list.
    Another member's answer, or an "I will do this", is no task and is left alone."""
    found = db.exec(select(CircleAnswer).where(CircleAnswer.id == answer_id, CircleAnswer.member_id == member.id,
                                               CircleAnswer.answer == Commitment.cannot)).first()
    if found is None or found.handled_at is not None:
        return None
    found.handled_at, found.handled_by = clock.now(), by
    db.add(found)
    db.flush()
    return found


def answers_of(db: Session, member: NetworkMember) -> list[CircleAnswer]:
    """Every answer of this member of the circle, newest first: for their page in the back office."""
    return list(db.exec(select(CircleAnswer).where(CircleAnswer.member_id == member.id)
                        .order_by(col(CircleAnswer.answered_at).desc(), col(CircleAnswer.id).desc())
                        .limit(MEMBERS_SHOWN * 10)))


def tasks(db: Session, family_ids: list[int]) -> list[tuple[CircleAnswer, NetworkMember]]:
    """The "I cannot do this" answers not yet handled, of these households, the oldest first: the duo's tasks. Only
    a member's last answer to an agreement counts: a "cannot" they answered again (asked anew after a change, "I
    will" or "cannot" once more) is no task of its own."""
    newer = aliased(CircleAnswer)
    answered_again = (select(newer.id).where(newer.member_id == CircleAnswer.member_id,
                                             newer.agreement_key == CircleAnswer.agreement_key,
                                             col(newer.id) > CircleAnswer.id).exists())
    return list(db.exec(select(CircleAnswer, NetworkMember)
                        .join(NetworkMember, col(NetworkMember.id) == CircleAnswer.member_id)
                        .where(col(NetworkMember.family_id).in_(family_ids or [-1]),
                               CircleAnswer.answer == Commitment.cannot, col(CircleAnswer.handled_at).is_(None),
                               ~answered_again)
                        .order_by(col(CircleAnswer.answered_at)).limit(TASKS_SHOWN)))


def tell_members(db: Session, family_id: int, version_id: int, before: PlanContent | None,
                 after: PlanContent) -> list[int]:
    """After a version is published: let each member with an account know there is news, only when an agreement
    they carry came, went or changed (work on the rest of the plan is no news to them). Returns who was told."""
    rows = db.exec(select(NetworkMember, Account).join(Account, col(Account.id) == NetworkMember.account_id)
                   .join(Family, col(Family.id) == NetworkMember.family_id)
                   .where(NetworkMember.family_id == family_id, col(Account.active),
                          col(Family.closed_at).is_(None))).all()
    named = named_keys(db, [stored_id(member.id) for member, _account in rows])
    told = []
    for member, account in rows:
        if member.phone and circle.is_news(before, after, member.side, named[stored_id(member.id)]):
            notifications.queue(db, account, "sms", member.phone, notifications.news_text(account),
                                dedupe_key=f"version:{version_id}:circle-member:{member.id}")
            told.append(stored_id(member.id))
    return told

