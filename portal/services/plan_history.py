"""A parent's history of their plan: each published version with its date, what changed in it as this parent may read
it (in their language sentence by sentence, as far as translated), and this parent's own answers; a page in a fixed
number of queries, however many versions."""
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.models import Acknowledgement, PlanQuestion, PlanVersion
from portal.policy import parent_reads, plan_for
from portal.rules.plan_content import Change, PlanContent, diff
from portal.services import parent_versions, stored_id
from portal.services.interpreting import Translation, translation_of
from portal.services.plans import load_contents

VERSIONS_SHOWN = 24  # per page, newest first
QUESTIONS_READ = 200  # this parent's own questions about the versions of one page


@dataclass(frozen=True)
class HistoryEntry:
    version: PlanVersion
    number: int  # this parent's number for it
    first: bool  # the plan's first version: nothing before it to compare with
    # Only items this parent may read, in the old and in the new version; shown sentence by sentence in the
    # parent's language, as on the plan page (History.translation).
    changes: list[Change]
    note_shown: bool  # the duo's note with this version is for this parent
    acknowledgement: Acknowledgement | None  # this parent's reading of it and answer
    questions: list[PlanQuestion]  # this parent's own questions about it, with the duo's replies


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    page: int
    more: bool  # older versions on the next page
    # The changes, notes and the duo's replies in the parent's language, sentence by sentence (None: the parent
    # reads Dutch)
    translation: Translation | None = None


def history(db: Session, parent, page: int) -> History:
    """One page of the history: the versions this parent was given, in their numbering; the version before the oldest
    one shown is read too, to say what it changed."""
    versions = parent_versions.page(db, parent, (page - 1) * VERSIONS_SHOWN, VERSIONS_SHOWN + 1)
    shown = versions[:VERSIONS_SHOWN]
    ids = [known.version.id for known in shown] or [-1]
    contents = {key: plan_for(parent, content)
                for key, content in load_contents(db, [stored_id(known.version.id) for known in versions]).items()}
    answers = {row.version_id: row for row in db.exec(select(Acknowledgement).where(
        Acknowledgement.parent_id == parent.id, col(Acknowledgement.version_id).in_(ids)))}
    questions: dict[int, list[PlanQuestion]] = {}
    for question in db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == parent.id,
                                                       col(PlanQuestion.version_id).in_(ids))
                            .order_by(col(PlanQuestion.asked_at), col(PlanQuestion.id)).limit(QUESTIONS_READ)):
        questions.setdefault(question.version_id, []).append(question)
    notes = [known.version.note_for_family for known in shown if _note_shown(parent, known.version)]
    replies = [question.reply for asked in questions.values() for question in asked if question.reply]
    translation = None if parent.language == "nl" else translation_of(
        db, parent.family_id, _together(list(contents.values())), parent.language, aside=(*notes, *replies))
    entries = []
    for position, known in enumerate(shown):
        assert known.version.id is not None  # read from the table
        before = versions[position + 1].version if position + 1 < len(versions) else None
        changes = [] if before is None else diff(contents[stored_id(before.id)], contents[known.version.id])
        entries.append(HistoryEntry(known.version, known.number, before is None, changes,
                                    _note_shown(parent, known.version), answers.get(known.version.id),
                                    questions.get(known.version.id, [])))
    return History(entries, page, len(versions) > VERSIONS_SHOWN, translation)


def _note_shown(parent, version: PlanVersion) -> bool:
    return bool(version.note_for_family) and parent_reads(parent, version.note_audience)


def _together(contents: list[PlanContent]) -> PlanContent:
    """Every item of the page's versions in one content: their translations are looked up at once."""
    return PlanContent(tuple(s for content in contents for s in content.situations),
                       tuple(item for content in contents for item in content.items))
