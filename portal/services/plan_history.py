"""A parent's history of their plan: each published version with its date, what changed in it as this parent may read
it (in their language when the version is translated), and this parent's own answers; a page in eight queries."""
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from portal.access import parent_reads, plan_for
from portal.models import Acknowledgement, PlanQuestion, PlanVersion, SafetyPlan, TranslationJob, VersionStatus
from portal.rules.plan_content import Change, PlanContent, diff
from portal.services.interpreting import memory, open_segments, segments, translated
from portal.services.plan_versions import load_contents

VERSIONS_SHOWN = 24  # per page, newest first
QUESTIONS_READ = 200  # this parent's own questions about the versions of one page


@dataclass(frozen=True)
class HistoryEntry:
    version: PlanVersion
    first: bool  # the plan's first version: nothing before it to compare with
    changes: list[Change]  # only items this parent may read, in the old and in the new version
    language: str | None  # the language of the change list when translated; None: Dutch, as the duo wrote it
    note_shown: bool  # the duo's note with this version is for this parent
    acknowledgement: Acknowledgement | None  # this parent's reading of it and answer
    questions: list[PlanQuestion]  # this parent's own questions about it, with the duo's replies


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    page: int
    more: bool  # older versions on the next page


def history(db: Session, parent, page: int) -> History:
    """One page of the history; the version before the oldest one shown is read too, to say what it changed."""
    versions = list(db.exec(select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                            .where(SafetyPlan.family_id == parent.family_id,
                                   PlanVersion.status == VersionStatus.published)
                            .order_by(col(PlanVersion.number).desc())
                            .offset((page - 1) * VERSIONS_SHOWN).limit(VERSIONS_SHOWN + 1)).all())
    shown = versions[:VERSIONS_SHOWN]
    ids = [version.id for version in shown] or [-1]
    contents = {key: plan_for(parent, content) for key, content in load_contents(db, [v.id for v in versions]).items()}
    answers = {row.version_id: row for row in db.exec(select(Acknowledgement).where(
        Acknowledgement.parent_id == parent.id, col(Acknowledgement.version_id).in_(ids)))}
    questions: dict[int, list[PlanQuestion]] = {}
    for question in db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == parent.id,
                                                       col(PlanQuestion.version_id).in_(ids))
                            .order_by(PlanQuestion.asked_at, PlanQuestion.id).limit(QUESTIONS_READ)):
        questions.setdefault(question.version_id, []).append(question)
    translate = _translator(db, parent.language, ids, list(contents.values()))
    entries = []
    for position, version in enumerate(shown):
        before = versions[position + 1] if position + 1 < len(versions) else None
        changes, language = ([], None) if before is None else translate(
            version.id, contents[before.id], contents[version.id])
        entries.append(HistoryEntry(version, before is None, changes, language,
                                    bool(version.note_for_family) and parent_reads(parent, version.note_audience),
                                    answers.get(version.id), questions.get(version.id, [])))
    return History(entries, page, len(versions) > VERSIONS_SHOWN)


def _translator(db: Session, language: str, version_ids: list[int], contents: list[PlanContent]):
    """What changed between two versions, in the parent's language when the newer version's translation is complete
    and every text of both is translated (as on the plan page); else in Dutch. Two queries for the whole page."""
    if language == "nl":
        return lambda _version_id, old, new: (diff(old, new), None)
    done = set(db.exec(select(TranslationJob.version_id).where(
        col(TranslationJob.version_id).in_(version_ids), TranslationJob.language == language,
        TranslationJob.completed_at.is_not(None))))
    known = memory(db, list(dict.fromkeys(text for content in contents for text in segments(content))), language)

    def changes(version_id: int, old: PlanContent, new: PlanContent) -> tuple[list[Change], str | None]:
        found = diff(old, new)
        if version_id not in done or open_segments(segments(old) + segments(new), known):
            return found, None
        # Each Dutch text of an item becomes that item's translated text: the same change, in the parent's words.
        words = {}
        for dutch in (old, new):
            foreign = translated(dutch, known).entries()
            words.update({text: foreign[key][1] for key, (_kind, text) in dutch.entries().items()})
        return [replace(change, old=words.get(change.old, change.old), new=words.get(change.new, change.new))
                for change in found], language

    return changes
