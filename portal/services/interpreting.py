"""Translation work on published plan versions: segments, the translation memory, protected tokens."""
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from portal.access import plan_for_language
from portal.models import Interpreter, PlanVersion, SafetyPlan, TranslationJob, TranslationSegment
from portal.models.base import utcnow
from portal.rules.plan_content import PlanContent
from portal.services.names import protected_names

# Things that must reach the family unchanged: e-mail addresses, times, dates, phone numbers, numbers.
PROTECTED = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\+?\d[\d -]{5,}\d"
    r"|\b\d{1,2}[:.]\d{2}\b"
    r"|\b\d{1,2}[-/]\d{1,2}(?:[-/]\d{2,4})?\b"
    r"|\d+")


def source_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def assign_interpreter(db: Session, language: str) -> int | None:
    """The first interpreter for this language takes new work; the duo may reassign it."""
    for interpreter in db.exec(select(Interpreter).order_by(Interpreter.id)):
        if interpreter.speaks(language):
            return interpreter.id
    return None


def segments(content: PlanContent) -> list[str]:
    """Every distinct text of a version, in reading order: the units an interpreter translates."""
    texts = []
    for situation in content.situations:
        texts += [situation.description, *situation.risk_factors]
        for agreement in situation.agreements:
            texts += [agreement.who, agreement.what, agreement.when, agreement.if_it_goes_wrong]
    for item in content.items:
        texts += [item.text, item.who]
    return list(dict.fromkeys(text for text in texts if text.strip()))


def protected_tokens(text: str, names: list[str]) -> list[str]:
    tokens = [name for name in names if name and name in text]
    return tokens + [match.group().strip() for match in PROTECTED.finditer(text)]


def missing_tokens(source: str, translation: str, names: list[str]) -> list[str]:
    """Tokens of the Dutch text that the translation lost or changed (each occurrence counts)."""
    remaining = translation
    missing = []
    for token in protected_tokens(source, names):
        if token in remaining:
            remaining = remaining.replace(token, "\0", 1)
        else:
            missing.append(token)
    return missing


def memory(db: Session, texts: list[str], language: str) -> dict[str, TranslationSegment]:
    """Known translations of these texts, by source hash, from any version or household."""
    hashes = [source_hash(text) for text in texts]
    rows = db.exec(select(TranslationSegment).where(TranslationSegment.language == language,
                                                    col(TranslationSegment.source_hash).in_(hashes or [""]))).all()
    return {row.source_hash: row for row in rows}


def remember(db: Session, source: str, language: str, text: str, interpreter_id: int) -> None:
    found = memory(db, [source], language).get(source_hash(source))
    if found is not None and found.text == text:
        return
    row = found or TranslationSegment(source_hash=source_hash(source), language=language, source_text=source, text="")
    row.text, row.translator_id, row.translated_at = text, interpreter_id, utcnow()
    row.verified_by = row.verified_at = None
    db.add(row)


def translated(content: PlanContent, known: dict[str, TranslationSegment]) -> PlanContent:
    """The content with every text replaced by its translation (texts without one stay Dutch)."""

    def tr(text: str) -> str:
        found = known.get(source_hash(text)) if text.strip() else None
        return found.text if found else text

    return PlanContent(
        tuple(replace(s, description=tr(s.description), risk_factors=tuple(tr(r) for r in s.risk_factors),
                      agreements=tuple(replace(a, who=tr(a.who), what=tr(a.what), when=tr(a.when),
                                               if_it_goes_wrong=tr(a.if_it_goes_wrong)) for a in s.agreements))
              for s in content.situations),
        tuple(replace(i, text=tr(i.text), who=tr(i.who)) for i in content.items))


@dataclass(frozen=True)
class Translation:
    """A parent's view of a version in their language: complete, or still on its way."""

    language: str
    content: PlanContent | None  # None until every segment is translated
    translators: tuple[str, ...] = ()
    completed_at: dt.datetime | None = None


def translation_for(db: Session, version, content: PlanContent, language: str) -> Translation | None:
    """The translated content for a parent who does not read Dutch; None for Dutch readers."""
    if language == "nl":
        return None
    job = db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                               TranslationJob.language == language)).first()
    if job is None or job.completed_at is None:
        return Translation(language, None)
    texts = segments(content)
    known = memory(db, texts, language)
    if open_segments(texts, known):
        return Translation(language, None)
    ids = {row.translator_id for row in known.values()}
    names = db.exec(select(Interpreter.name).where(col(Interpreter.id).in_(ids or [-1]))).all()
    return Translation(language, translated(content, known), tuple(sorted(names)), job.completed_at)


def open_segments(texts: list[str], known: dict[str, TranslationSegment]) -> list[str]:
    return [text for text in texts if source_hash(text) not in known]


def complete_if_done(db: Session, job: TranslationJob, texts: list[str]) -> None:
    if not open_segments(texts, memory(db, texts, job.language)):
        job.completed_at = job.completed_at or utcnow()
        db.add(job)


@dataclass(frozen=True)
class JobWork:
    """What an interpreter works on in a job: the version, its household, the sentences of the plan that a
    parent who reads the job's language may read, and the names that must stay as they are."""

    version: PlanVersion
    family_id: int
    texts: list[str]
    names: list[str]


def job_work(db: Session, job: TranslationJob, today) -> JobWork:
    from portal.services.plan_versions import load_contents  # plan_versions opens jobs with assign_interpreter

    version = db.get(PlanVersion, job.version_id)
    family_id = db.get(SafetyPlan, version.plan_id).family_id
    texts = segments(plan_for_language(db, family_id, job.language, load_contents(db, [version.id])[version.id]))
    return JobWork(version, family_id, texts, protected_names(db, family_id, today, texts))


def translator_names(db: Session) -> dict[int, str]:
    return {interpreter.id: interpreter.name for interpreter in db.exec(select(Interpreter))}
