"""A parent's history of their plan: each published version with its date, what changed in it as this parent may read
it (in their language when the version is translated), and this parent's own answers; a page in a fixed number
of queries, however many versions."""
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from portal.access import parent_reads, plan_for
from portal.models import Acknowledgement, PlanQuestion, PlanVersion, SafetyPlan, VersionStatus
from portal.rules.plan_content import Change, PlanContent, diff
from portal.rules.sentences import joined
from portal.services.interpreting import Translation, translation_of
from portal.services.plan_versions import load_contents

VERSIONS_SHOWN = 24  # per page, newest first
QUESTIONS_READ = 200  # this parent's own questions about the versions of one page


@dataclass(frozen=True)
class HistoryEntry:
    version: PlanVersion
    first: bool  # the plan's first version: nothing before it to compare with
    # Only items this parent may read, in the old and in the new version; each with the language it is shown in
    # (None: Dutch, as the duo wrote it, while a sentence of it waits for its translation).
    changes: list[tuple[Change, str | None]]
    note_shown: bool  # the duo's note with this version is for this parent
    acknowledgement: Acknowledgement | None  # this parent's reading of it and answer
    questions: list[PlanQuestion]  # this parent's own questions about it, with the duo's replies


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    page: int
    more: bool  # older versions on the next page
    # The notes and the duo's replies in the parent's language, sentence by sentence (None: the parent reads Dutch)
    translation: Translation | None = None


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
    notes = [v.note_for_family for v in shown if v.note_for_family and parent_reads(parent, v.note_audience)]
    replies = [question.reply for asked in questions.values() for question in asked if question.reply]
    translation = None if parent.language == "nl" else translation_of(
        db, parent.family_id, _together(list(contents.values())), parent.language, aside=(*notes, *replies))
    translate = _translator(translation, parent.language)
    entries = []
    for position, version in enumerate(shown):
        before = versions[position + 1] if position + 1 < len(versions) else None
        changes = [] if before is None else translate(contents[before.id], contents[version.id])
        entries.append(HistoryEntry(version, before is None, changes,
                                    bool(version.note_for_family) and parent_reads(parent, version.note_audience),
                                    answers.get(version.id), questions.get(version.id, [])))
    return History(entries, page, len(versions) > VERSIONS_SHOWN, translation)


def _together(contents: list[PlanContent]) -> PlanContent:
    """Every item of the page's versions in one content: their translations are looked up at once."""
    return PlanContent(tuple(s for content in contents for s in content.situations),
                       tuple(item for content in contents for item in content.items))


def _translator(translation: Translation | None, language: str):
    """What changed between two versions, each change in the parent's language when every sentence of its texts is
    translated (as on the plan page), else in Dutch."""
    if translation is None:
        return lambda old, new: [(change, None) for change in diff(old, new)]

    def changes(old: PlanContent, new: PlanContent) -> list[tuple[Change, str | None]]:
        # Each Dutch text of an item becomes that item's translated text, or None while a sentence of it waits.
        words: dict[str, str | None] = {}
        for dutch in (old, new):
            foreign, waiting = _in_language(dutch, translation)
            for key, (_kind, text) in dutch.entries().items():
                words[text] = None if key in waiting else foreign[key][1]
        return [_in_words(change, words, language) for change in diff(old, new)]

    return changes


def _in_words(change: Change, words: dict[str, str | None], language: str) -> tuple[Change, str | None]:
    """A change in the reader's words when each of its texts is translated; else as the duo wrote it."""
    if not all(words.get(text) for text in (change.old, change.new) if text):
        return change, None
    return replace(change, old=words.get(change.old) or "", new=words.get(change.new) or ""), language


def _in_language(content: PlanContent, translation) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """The entries of a content in the reader's language, and the keys of items with a sentence still waiting."""
    waiting: set[str] = set()

    def said(key: str, text: str) -> str:
        parts = translation.parts(text) if text.strip() else []
        if any(part.pending for part in parts):
            waiting.add(key)
        return joined([(part.text, part.gap) for part in parts]) if parts else text

    situations = tuple(replace(
        s, description=said(s.key, s.description), risk_factors=tuple(said(s.key, factor) for factor in s.risk_factors),
        agreements=tuple(replace(a, who=said(a.key, a.who), what=said(a.key, a.what), when=said(a.key, a.when),
                                 if_it_goes_wrong=said(a.key, a.if_it_goes_wrong)) for a in s.agreements))
        for s in content.situations)
    items = tuple(replace(item, text=said(item.key, item.text), who=said(item.key, item.who)) for item in content.items)
    return PlanContent(situations, items).entries(), waiting
