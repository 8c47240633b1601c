"""Reading plans and their versions."""
from sqlmodel import Session, col, select

from portal.models import PlanItem, PlanVersion, SafetyAgreement, SafetyPlan, UnsafeSituation, VersionStatus
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.services import stored_id


def load_contents(db: Session, version_ids: list[int]) -> dict[int, PlanContent]:
    """The content of several versions in three queries, whatever their size."""
    if not version_ids:
        return {}
    situations = db.exec(select(UnsafeSituation).where(col(UnsafeSituation.version_id).in_(version_ids))
                         .order_by(col(UnsafeSituation.rank))).all()
    agreements = db.exec(select(SafetyAgreement).where(col(SafetyAgreement.situation_id).in_(
        [s.id for s in situations] or [-1])).order_by(col(SafetyAgreement.position), col(SafetyAgreement.id))).all()
    items = db.exec(select(PlanItem).where(col(PlanItem.version_id).in_(version_ids))
                    .order_by(col(PlanItem.position), col(PlanItem.id))).all()
    by_situation: dict[int, list[Agreement]] = {}
    for a in agreements:
        by_situation.setdefault(a.situation_id, []).append(
            Agreement(a.key, a.who, a.what, a.when, a.if_it_goes_wrong, a.audience))
    contents = {}
    for version_id in version_ids:
        contents[version_id] = PlanContent(
            situations=tuple(
                Situation(s.key, s.rank, s.kind.value, s.description,
                          tuple(line.strip() for line in s.risk_factors.splitlines() if line.strip()),
                          tuple(by_situation.get(stored_id(s.id), ())), s.audience)
                for s in situations if s.version_id == version_id),
            items=tuple(Item(i.key, i.section.value, i.text, i.who, i.audience)
                        for i in items if i.version_id == version_id))
    return contents


def content_of(db: Session, version: PlanVersion) -> PlanContent:
    """The content of one stored version."""
    key = stored_id(version.id)
    return load_contents(db, [key])[key]


def plan_of(db: Session, family_id: int) -> SafetyPlan | None:
    return db.exec(select(SafetyPlan).where(SafetyPlan.family_id == family_id)).first()


def published_versions(db: Session, family_id: int) -> list[PlanVersion]:
    """Published versions of a household's plan, newest first (headers only, no content)."""
    return list(db.exec(select(PlanVersion).join(SafetyPlan, col(SafetyPlan.id) == PlanVersion.plan_id)
                        .where(SafetyPlan.family_id == family_id, PlanVersion.status == VersionStatus.published)
                        .order_by(col(PlanVersion.number).desc())).all())


def current_version(db: Session, family_id: int) -> PlanVersion | None:
    return db.exec(select(PlanVersion).join(SafetyPlan, col(SafetyPlan.id) == PlanVersion.plan_id)
                   .where(SafetyPlan.family_id == family_id, PlanVersion.status == VersionStatus.published)
                   .order_by(col(PlanVersion.number).desc()).limit(1)).first()


def draft_of(db: Session, family_id: int) -> PlanVersion | None:
    return db.exec(select(PlanVersion).join(SafetyPlan, col(SafetyPlan.id) == PlanVersion.plan_id)
                   .where(SafetyPlan.family_id == family_id, PlanVersion.status == VersionStatus.draft)).first()
