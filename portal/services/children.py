"""Children of 12 and over: the duo's decision to give one an account, the child's own plan and "my words".

Each function changes the session and flushes at most; the caller records the audit event and commits."""
import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal import clock
from portal.models import ChildAccountDecision, ChildPlan, ChildWords, FamilyMember, Parent
from portal.rules.audience import only_for, parents_of, shows
from portal.services import stored_id

OWN_ACCOUNT_AGE = 12  # in the Netherlands a child of 12 has a say in decisions about them
WORDS_SHOWN = 50


class ChildError(ValueError):
    """A change the rules do not allow: an account for a child under 12, sharing with someone not a parent."""


def age_in(member: FamilyMember, today: dt.date) -> int | None:
    """The age a child reaches this year, from the year of birth the intake asked; None when it is not known."""
    return today.year - member.birth_year if member.birth_year else None


def may_have_account(member: FamilyMember, today: dt.date) -> bool:
    """A child of 12 or over (by the year of birth from the intake) may get an account of their own."""
    age = age_in(member, today)
    return member.is_child and age is not None and age >= OWN_ACCOUNT_AGE


def decide(db: Session, member: FamilyMember, by: int, parents_know: bool, why_not_told: str) -> ChildAccountDecision:
    """The duo's decision that this child gets an account, and whether the parents know (and if not, why not)."""
    if not may_have_account(member, clock.today()):
        raise ChildError("only a child of 12 or over")
    decision = db.exec(select(ChildAccountDecision).where(ChildAccountDecision.member_id == member.id)).first()
    decision = decision or ChildAccountDecision(member_id=stored_id(member.id), decided_by=by, parents_know=False)
    decision.decided_by, decision.decided_at = by, clock.now()
    decision.parents_know, decision.why_not_told = parents_know, "" if parents_know else why_not_told
    db.add(decision)
    db.flush()
    return decision


def decision_of(db: Session, member_id: int) -> ChildAccountDecision | None:
    return db.exec(select(ChildAccountDecision).where(ChildAccountDecision.member_id == member_id)).first()


def plan_of(db: Session, member_id: int) -> ChildPlan:
    """The child's plan; an empty one (not stored) before the duo writes it with them."""
    return db.exec(select(ChildPlan).where(ChildPlan.member_id == member_id)).first() or ChildPlan(member_id=member_id)


def save_plan(db: Session, member: FamilyMember, call: str, go: str, code_word: str, by: int) -> ChildPlan:
    plan = plan_of(db, stored_id(member.id))
    plan.call, plan.go, plan.code_word, plan.updated_at, plan.updated_by = call, go, code_word, clock.now(), by
    db.add(plan)
    db.flush()
    return plan


def words_of(db: Session, member_id: int) -> list[ChildWords]:
    """The child's words, newest first."""
    return list(db.exec(select(ChildWords).where(ChildWords.member_id == member_id)
                        .order_by(col(ChildWords.written_at).desc(), col(ChildWords.id).desc()).limit(WORDS_SHOWN)))


def write(db: Session, member: FamilyMember, text: str) -> ChildWords:
    """What the child wants the duo to know: for the duo alone until the child shares it."""
    words = ChildWords(member_id=stored_id(member.id), text=text)
    db.add(words)
    db.flush()
    return words


def share(db: Session, member: FamilyMember, words_id: int, parent_ids: set[int]) -> ChildWords:
    """The child shares one of their words with these parents of their household (at least one)."""
    words = db.get(ChildWords, words_id)
    household = set(db.exec(select(Parent.id).where(Parent.family_id == member.family_id)))
    if words is None or words.member_id != member.id or not parent_ids or not parent_ids <= household:
        raise ChildError("words of this child, shared with parents of their household")
    words.shared_with = only_for(parent_ids | parents_of(words.shared_with))
    words.shared_at = clock.now()
    db.add(words)
    db.flush()
    return words


def mark_read(db: Session, family_id: int, words_id: int, by: int) -> ChildWords | None:
    """The duo read a child's words: off the work list."""
    found = db.exec(select(ChildWords).join(FamilyMember, col(FamilyMember.id) == ChildWords.member_id)
                    .where(ChildWords.id == words_id, FamilyMember.family_id == family_id)).first()
    if found is None or found.read_at is not None:
        return None
    found.read_at, found.read_by = clock.now(), by
    db.add(found)
    db.flush()
    return found


@dataclass(frozen=True)
class Shared:
    """A child's words a parent may read: the child chose to share them with this parent."""

    child: str
    words: ChildWords


def shared_with_parent(db: Session, parent: Parent) -> list[Shared]:
    """What the household's children chose to share with this parent, newest first."""
    rows = db.exec(select(ChildWords, FamilyMember.name)
                   .join(FamilyMember, col(FamilyMember.id) == ChildWords.member_id)
                   .where(FamilyMember.family_id == parent.family_id, col(ChildWords.shared_at).is_not(None))
                   .order_by(col(ChildWords.shared_at).desc()).limit(WORDS_SHOWN)).all()
    return [Shared(name, words) for words, name in rows if shows(words.shared_with, stored_id(parent.id))]


def unread(db: Session, family_ids: list[int]) -> list[tuple[ChildWords, FamilyMember]]:
    """Children's words the duo has not read yet, of these households, the oldest first: on the work list."""
    return list(db.exec(select(ChildWords, FamilyMember)
                        .join(FamilyMember, col(FamilyMember.id) == ChildWords.member_id)
                        .where(col(FamilyMember.family_id).in_(family_ids or [-1]), col(ChildWords.read_at).is_(None))
                        .order_by(col(ChildWords.written_at)).limit(WORDS_SHOWN)))

