"""Translation work on published plan versions: sentences as segments, the translation memory per household,
suggestions and what changed, protected tokens, and the partly translated plan a parent reads."""
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import bindparam
from sqlmodel import Session, and_, col, func, or_, select

from portal import clock
from portal.models import (
    Account,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    Family,
    Interpreter,
    InterpreterTeam,
    Parent,
    ParentTextRendering,
    PlanQuestion,
    PlanVersion,
    TranslationJob,
    TranslationSegment,
    VersionStatus,
)
from portal.policy import parent_reads, plan_for_language
from portal.rules import protected_text
from portal.rules.audience import HOUSEHOLD, only_for, parents_of
from portal.rules.glossary import TERMS
from portal.rules.plain_language import explain_terms
from portal.rules.plan_content import Change, Item, PlanContent, diff
from portal.rules.sentences import WordChange, sentences, split, word_diff
from portal.services import circle, stored_id
from portal.services.names import protected_names
from portal.services.plans import current_version, load_contents


@functools.lru_cache(maxsize=16384)
def source_hash(text: str) -> str:
    """The key of a text in the translation memory (hashed once per process: the same texts come back on every
    page)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()


# --- who takes the work: an active interpreter of the household's team who speaks the language -------------------

def team_interpreters(db: Session, team_id: int) -> list[Interpreter]:
    """The interpreters who may take new work of a team's households: linked to the team (InterpreterTeam), with an
    account that is switched on; by id."""
    return list(db.exec(select(Interpreter).join(InterpreterTeam, col(InterpreterTeam.interpreter_id) == Interpreter.id)
                        .join(Account, col(Account.id) == Interpreter.account_id)
                        .where(InterpreterTeam.team_id == team_id, col(Account.active).is_(True))
                        .order_by(col(Interpreter.id))))


def interpreters_for(db: Session, team_id: int, language: str) -> list[int]:
    """Of the team's interpreters who may take new work, those who speak the language; by id."""
    return [stored_id(interpreter.id) for interpreter in team_interpreters(db, team_id) if interpreter.speaks(language)]


def open_work(db: Session, interpreter_ids: list[int]) -> dict[int, int]:
    """Per interpreter: open translation jobs and parents' texts still to render (not of a closed case)."""
    jobs = db.exec(select(TranslationJob.interpreter_id, func.count()).where(
        col(TranslationJob.interpreter_id).in_(interpreter_ids or [-1]), col(TranslationJob.completed_at).is_(None),
        col(TranslationJob.closed_at).is_(None)).group_by(col(TranslationJob.interpreter_id))).all()
    texts = db.exec(select(ParentTextRendering.interpreter_id, func.count()).where(
        col(ParentTextRendering.interpreter_id).in_(interpreter_ids or [-1]),
        col(ParentTextRendering.rendered_at).is_(None), col(ParentTextRendering.closed_at).is_(None))
        .group_by(col(ParentTextRendering.interpreter_id))).all()
    counts = dict.fromkeys(interpreter_ids, 0)
    for interpreter_id, count in [*jobs, *texts]:
        counts[interpreter_id] += count
    return counts


def _least_busy(db: Session, candidates: list[int]) -> int | None:
    """Of these interpreters, the one with the least open work; the lower id on a tie."""
    load = open_work(db, candidates)
    return min(candidates, key=lambda interpreter_id: (load[interpreter_id], interpreter_id), default=None)


def assign_interpreter(db: Session, family_id: int, language: str) -> int | None:
    """Who takes new work of this household in this language: of the active interpreters of its team who speak it,
    the one with the least open work (jobs and parents' texts), the lower id on a tie; None when nobody may (the
    work waits, on the team overview, until someone may)."""
    family = db.get(Family, family_id)
    assert family is not None  # work is given for a household that is there
    return _least_busy(db, interpreters_for(db, family.team_id, language))


def redistribute(db: Session, interpreter_id: int) -> None:
    """After an interpreter was added, changed, switched off or on: their open work that they may no longer take
    (switched off, no longer of the household's team, no longer speaking its language) goes at once to who may by
    the same rule, or to nobody; and waiting work of their teams' households that nobody holds goes by that rule."""
    db.flush()
    teams = list(db.exec(select(InterpreterTeam.team_id).where(InterpreterTeam.interpreter_id == interpreter_id)))
    held, waiting = TranslationJob.interpreter_id == interpreter_id, col(TranslationJob.interpreter_id).is_(None)
    jobs = db.exec(select(TranslationJob, col(Family.team_id)).join(Family, col(Family.id) == TranslationJob.family_id)
                   .where(col(TranslationJob.completed_at).is_(None), col(TranslationJob.closed_at).is_(None),
                          col(Family.closed_at).is_(None),
                          or_(held, and_(waiting, col(Family.team_id).in_(teams or [-1]))))
                   .order_by(col(TranslationJob.opened_at), col(TranslationJob.id))).all()
    texts = db.exec(select(ParentTextRendering, Family.team_id)
                    .join(Family, col(Family.id) == ParentTextRendering.family_id)
                    .where(col(ParentTextRendering.rendered_at).is_(None), col(ParentTextRendering.closed_at).is_(None),
                           col(Family.closed_at).is_(None),
                           or_(ParentTextRendering.interpreter_id == interpreter_id,
                               and_(col(ParentTextRendering.interpreter_id).is_(None),
                                    col(Family.team_id).in_(teams or [-1]))))
                    .order_by(col(ParentTextRendering.asked_at), col(ParentTextRendering.id))).all()
    may: dict[tuple[int, str], list[int]] = {}
    pending: list[tuple[TranslationJob | ParentTextRendering, int]] = [*jobs, *texts]
    for work, team_id in pending:  # oldest first: what waited longest is handed out first
        if (team_id, work.language) not in may:
            may[team_id, work.language] = interpreters_for(db, team_id, work.language)
        candidates = may[team_id, work.language]
        if work.interpreter_id is not None and work.interpreter_id in candidates:
            continue  # still theirs to do
        work.interpreter_id = _least_busy(db, candidates)
        db.add(work)
        db.flush()  # the next one counts this one


def fields(content: PlanContent) -> list[tuple[str, str, str]]:
    """Every text of a version in reading order, as (item key, field, text): where each sentence stands."""
    found = []
    for situation in content.situations:
        found += [(situation.key, "description", situation.description)]
        found += [(situation.key, "risk", factor) for factor in situation.risk_factors]
        for agreement in situation.agreements:
            found += [(agreement.key, name, getattr(agreement, name))
                      for name in ("who", "what", "when", "if_it_goes_wrong")]
    for item in content.items:
        found += [(item.key, "text", item.text), (item.key, "who", item.who)]
    return [(key, name, text) for key, name, text in found if text.strip()]


def segments(content: PlanContent, covered: frozenset[str] = frozenset(), names: Iterable[str] = ()) -> list[str]:
    """Every distinct Dutch sentence of a version, in reading order: the units an interpreter translates, so one
    changed sentence is one segment of work. `covered`: hashes of whole texts of several sentences that a
    translation from before sentences were the unit still covers (they stay translated until they change). A
    sentence that is only a name of `names` is none (`to_translate`)."""
    return to_translate((sentence for _key, _name, text in fields(content)
                         if source_hash(text) not in covered for sentence in sentences(text)), names)


def to_translate(pieces: Iterable[str], names: Iterable[str]) -> list[str]:
    """The distinct sentences in order, without those that are only people's names ("Karim."): a name reads the
    same in every language, so it is shown as it is and never waits for an interpreter."""
    names = frozenset(names)
    return [piece for piece in dict.fromkeys(pieces) if not protected_text.only_names(piece, names)]


def _units(content: PlanContent, known: Container[str], names: Iterable[str]) -> list[str]:
    covered = frozenset(source_hash(text) for _key, _name, text in fields(content)
                        if source_hash(text) in known and len(sentences(text)) > 1)
    return segments(content, covered, names)


# Standing texts: the same for every household (the glossary's explanations), translated once per language and
# kept without a household.
STANDING = frozenset(text for term in TERMS for text in (term.explanation, *sentences(term.explanation)))


def memory(db: Session, texts: list[str], language: str, family_id: int | None) -> dict[str, TranslationSegment]:
    """This household's translations of these texts, by source hash, from any of its versions, and those of
    standing texts. Another household's translation reaches it only as a copy (`reuse_shared`) or a suggestion
    (`segment_help`)."""
    hashes = [source_hash(text) for text in texts]
    standing = [source_hash(text) for text in texts if text in STANDING]
    shared = and_(col(TranslationSegment.family_id).is_(None),
                  col(TranslationSegment.source_hash).in_(standing or [""]))
    rows = db.exec(select(TranslationSegment).where(
        TranslationSegment.language == language, col(TranslationSegment.source_hash).in_(hashes or [""]),
        or_(TranslationSegment.family_id == family_id, shared))
        .order_by(col(TranslationSegment.family_id).is_(None).desc())).all()
    return {row.source_hash: row for row in rows}  # the household's own, where it has one


# What a parent's page reads of the translation memory: `memory`'s rows, the columns a page shows, in one statement
# built once (issue 23: a family page asks at every request, and building the select cost more than running it).
_KNOWN = select(TranslationSegment.source_hash, TranslationSegment.text, TranslationSegment.translator_id,
                TranslationSegment.translated_at).where(
    TranslationSegment.language == bindparam("language"),
    col(TranslationSegment.source_hash).in_(bindparam("hashes", expanding=True)),
    or_(TranslationSegment.family_id == bindparam("family_id"),
        and_(col(TranslationSegment.family_id).is_(None),
             col(TranslationSegment.source_hash).in_(bindparam("standing", expanding=True))))) \
    .order_by(col(TranslationSegment.family_id).is_(None).desc())
_TRANSLATORS = select(Interpreter.name).where(col(Interpreter.id).in_(bindparam("ids", expanding=True)))


def _known(db: Session, texts: list[str], language: str, family_id: int) -> dict:
    """As `memory`, for reading: by source hash, rows of (source_hash, text, translator_id, translated_at)."""
    hashes = [source_hash(text) for text in texts]
    standing = [source_hash(text) for text in texts if text in STANDING]
    db.flush()  # what this request changed and did not flush yet counts, as in the ORM's queries (autoflush)
    rows = db.connection().execute(_KNOWN, {"language": language, "hashes": hashes or [""], "family_id": family_id,
                                            "standing": standing or [""]}).all()
    return {row.source_hash: row for row in rows}  # the household's own, where it has one


def remember(db: Session, source: str, language: str, text: str, interpreter_id: int, family_id: int | None,
             protected: bool) -> None:
    """Store a translation for this household (a changed translation never touches another household's row);
    a standing text's translation is every household's."""
    if source in STANDING:
        family_id, protected = None, False
    found = memory(db, [source], language, family_id).get(source_hash(source))
    if found is not None and found.text == text:
        if protected and not found.protected:  # the same sentence now (also) stands where it stays in the household
            found.protected = True
            db.add(found)
        return
    row = found or TranslationSegment(source_hash=source_hash(source), language=language, source_text=source,
                                      text="", family_id=family_id)
    row.text, row.translator_id, row.translated_at, row.protected = text, interpreter_id, clock.now(), protected
    row.verified_by = row.verified_at = None
    db.add(row)


def holds_protected(text: str, names: list[str], places: tuple[str, ...] = ()) -> bool:
    """Names, numbers, times, dates, phone numbers, postcodes, e-mail addresses, place, street and other proper
    names, or a word of the household's safe places (`places`: their descriptions) (rules/protected_text:
    private_tokens): such a sentence's translation never leaves its household."""
    return bool(protected_text.private_tokens(text, names, places))


def private_texts(content: PlanContent) -> list[str]:
    """The texts of the items that are not for the whole household (an agreement of a situation for named parents
    is not either, whatever its own audience): their sentences' translations never leave the household."""
    found: list[str] = []
    for situation in content.situations:
        closed = situation.audience != HOUSEHOLD
        if closed:
            found += [situation.description, *situation.risk_factors]
        for agreement in situation.agreements:
            if closed or agreement.audience != HOUSEHOLD:
                found += [agreement.who, agreement.what, agreement.when, agreement.if_it_goes_wrong]
    found += [text for item in content.items if item.audience != HOUSEHOLD for text in (item.text, item.who)]
    return [text for text in found if text.strip()]


@dataclass(frozen=True)
class Part:
    """One sentence as a parent reads it: translated, or still Dutch with its translation to follow."""

    text: str
    lang: str
    gap: str = ""
    pending: bool = False


@dataclass(frozen=True)
class Translation:
    """A version in a reader's language, sentence by sentence: what is translated already, and what waits."""

    language: str
    known: dict[str, str]  # source hash -> this household's translation
    pending: int = 0  # sentences this reader sees that wait for their translation
    translators: tuple[str, ...] = ()
    completed_at: dt.datetime | None = None  # when nothing this reader sees waits: its last translation
    names: frozenset[str] = frozenset()  # a sentence of only these names is shown as it is (to_translate)

    def parts(self, text: str) -> list[Part]:
        whole = self.known.get(source_hash(text))
        if whole is not None:  # one sentence, or a whole text translated before sentences were the unit
            return [Part(whole, self.language)]
        found: list[Part] = []
        for sentence in split(text):
            known = self.known.get(source_hash(sentence.text))
            if known is not None:
                found.append(Part(known, self.language, sentence.gap))
            elif protected_text.only_names(sentence.text, self.names):
                found.append(Part(sentence.text, "nl", sentence.gap))
            elif found and found[-1].pending:  # Dutch sentences in a row read as one Dutch text, marked once
                last = found[-1]
                found[-1] = Part(f"{last.text}{last.gap or ' '}{sentence.text}", "nl", sentence.gap, pending=True)
            else:
                found.append(Part(sentence.text, "nl", sentence.gap, pending=True))
        return found

    @property
    def shown(self) -> bool:
        """At least one sentence is in the reader's language."""
        return bool(self.known)


def translation_of(db: Session, family_id: int, content: PlanContent, language: str,
                   extra: tuple[str, ...] = (), aside: tuple[str, ...] = (), named: bool = False) -> Translation:
    """What of this content (already cut to its reader's audience) and of the `extra` texts the reader sees
    beside it (the version's note, what changed) is translated into this language; `aside` texts (replies,
    explanations of difficult words)
    are looked up too, each marked while it waits, but do not make the plan's banner say something waits.
    The translators' names cost a query: only the plan page's banner shows them (`named`)."""
    extra = tuple(dict.fromkeys(text for text in extra if text.strip()))
    wholes = [text for _key, _name, text in fields(content)] + list(extra) + list(aside)
    pieces = [sentence for text in (*extra, *aside) for sentence in sentences(text)]
    names = protected_names(db, family_id, clock.today(), wholes)
    rows = _known(db, wholes + segments(content) + pieces, language, family_id)
    waiting = _units(content, rows, names) + to_translate(
        (sentence for text in extra if source_hash(text) not in rows for sentence in sentences(text)), names)
    ids = {row.translator_id for row in rows.values()}
    translators = db.connection().execute(_TRANSLATORS, {"ids": list(ids) or [-1]}).scalars().all() if named else []
    pending = len(open_segments(list(dict.fromkeys(waiting)), rows))
    # Finished when the last sentence this reader sees was translated: not when the whole job was, which holds
    # what other parents read too and would tell this one that there is more.
    finished = max((row.translated_at for row in rows.values()), default=None) if not pending else None
    return Translation(language, {key: row.text for key, row in rows.items()}, pending, tuple(sorted(translators)),
                       finished, frozenset(names))


def translation_for(db: Session, family_id: int, content: PlanContent, language: str, note: str = "",
                    changes: list[Change] | tuple = (), aside: tuple[str, ...] = ()) -> Translation | None:
    """The plan in a parent's language as far as it is translated, with the version's note (when this parent
    may read it), what changed, and `aside` (the duo's replies to this parent, the explanations of difficult
    words); None for Dutch readers (nothing to say)."""
    if language == "nl":
        return None
    return translation_of(db, family_id, content, language, (note, *changed_texts(changes)), aside, named=True)


def texts_for(db: Session, parent, texts: list[str]) -> Translation | None:
    """Texts the duo typed beside the plan (what an appointment is for, where) in a parent's language as far as
    they are translated; None for Dutch readers."""
    if parent.language == "nl":
        return None
    return translation_of(db, parent.family_id, PlanContent(), parent.language, aside=tuple(texts))


def open_segments(texts: list[str], known: Container[str]) -> list[str]:
    return [text for text in texts if source_hash(text) not in known]


def complete_if_done(db: Session, job: TranslationJob, texts: list[str], family_id: int) -> None:
    if not open_segments(texts, memory(db, texts, job.language, family_id)):
        job.completed_at = job.completed_at or clock.now()
        db.add(job)


NOTE = "note"  # the key and section of the note to the family among the items of a job


def with_note(content: PlanContent, version: PlanVersion) -> PlanContent:
    """The content with the version's note to the family as one more item (with the note's own audience), so
    the note is translated, cut to its readers and compared like any plan text."""
    if not version.note_for_family.strip():
        return content
    note = Item(NOTE, NOTE, version.note_for_family, audience=version.note_audience)
    return PlanContent(content.situations, (*content.items, note))


def changed_texts(changes) -> list[str]:
    """The texts a parent reads in "what changed": the earlier and the new texts of each changed item."""
    return [text for change in changes if change.kind != NOTE for text in (*change.old_texts, *change.new_texts)]


# Where a sentence of a job stands (Origin.section): the plan's parts, and the texts read beside the plan.
SITUATION, RISK, AGREEMENT = "situation", "risk", "agreement"  # a help or future plan item: its own section
REPLY, ANSWER_REPLY, APPOINTMENT = "reply", "answer_reply", "appointment"
CIRCLE = "circle"  # an agreement a member of the family's circle carries out, for a member who reads the language
CHANGED, EXPLANATION = "changed", "explanation"  # an earlier text "what changed" shows; a difficult word explained


@dataclass(frozen=True)
class Origin:
    """Where a sentence of a job stands and who reads it there: a section (the plan's situations, agreements, help
    and future plan, the note, a reply...) and that text's audience (the whole household or named parents)."""

    section: str
    audience: str


def _narrowest(outer: str, inner: str) -> str:
    """The audience of an agreement within its situation: a parent reads it only when they may read both."""
    if outer == HOUSEHOLD:
        return inner
    if inner == HOUSEHOLD:
        return outer
    both = parents_of(outer) & parents_of(inner)
    return only_for(both) if both else inner


def placed(content: PlanContent) -> list[tuple[str, Origin]]:
    """Every text of a version with its section and audience, in reading order (as `fields`)."""
    found = []
    for situation in content.situations:
        found += [(text, Origin(section, situation.audience)) for text, section in
                  [(situation.description, SITUATION), *((factor, RISK) for factor in situation.risk_factors)]]
        for agreement in situation.agreements:
            origin = Origin(AGREEMENT, _narrowest(situation.audience, agreement.audience))
            found += [(text, origin) for text in (agreement.who, agreement.what, agreement.when,
                                                  agreement.if_it_goes_wrong)]
    found += [(text, Origin(item.section, item.audience)) for item in content.items for text in (item.text, item.who)]
    return [(text, origin) for text, origin in found if text.strip()]


@dataclass(frozen=True)
class JobWork:
    """What an interpreter works on in a job: the version (none for the appointments job), its household, the
    sentences that a parent who reads
    the job's language may read (the plan, the note to the family, the earlier texts "what changed" shows, the
    duo's replies to such parents' questions, and what the job before left open), each with where it stands and
    for whom, and the names that must stay as they are; the content before and now, as such a parent reads it."""

    version: PlanVersion | None  # None for the household's appointments job
    family_id: int
    texts: list[str]
    names: list[str]
    content: PlanContent = PlanContent()
    before: PlanContent | None = None
    # The texts and sentences (also) of something not for the whole household: an item for named parents, the duo's
    # replies to one parent, an appointment for named parents or at a safe place, a sentence carried over.
    private: frozenset[str] = frozenset()
    places: tuple[str, ...] = ()  # the descriptions of the household's safe places
    origins: dict[str, tuple[Origin, ...]] = field(default_factory=dict)  # per text and sentence: where, for whom

    def shared(self, text: str) -> bool:
        """May this sentence's translation be offered to or copied into another household (and another's be offered
        here)? Only a sentence of whole-household items without protected text (holds_protected)."""
        return text not in self.private and not holds_protected(text, self.names, self.places)

    def open_sentences(self, known: dict[str, TranslationSegment]) -> list[list[str]]:
        """What is still to translate, as a newer version's job carries it: [sentence, section, audience], ..."""
        return [[text, origin.section, origin.audience] for text in open_segments(self.texts, known)
                for origin in self.origins.get(text, ())]


def job_work(db: Session, job: TranslationJob, today) -> JobWork:
    if job.version_id is None:
        return _appointments_work(db, job, today)
    version = db.get(PlanVersion, job.version_id)
    assert version is not None and version.id is not None  # the job's version, found by its key
    family_id = job.family_id
    earlier = _version_before(db, version)
    contents = load_contents(db, [version.id] + ([stored_id(earlier.id)] if earlier else []))
    content = plan_for_language(db, family_id, job.language, with_note(contents[version.id], version))
    before = (plan_for_language(db, family_id, job.language, with_note(contents[stored_id(earlier.id)], earlier))
              if earlier else None)
    # Beside the plan: (text, where it stands and for whom, only in this household). "What changed" shows the
    # earlier texts of changed items: those no longer in the plan are work of their own.
    changed = set(changed_texts(diff(before, content))) - {text for _key, _name, text in fields(content)} \
        if before else set()
    beside = [(text, Origin(CHANGED, origin.audience), origin.audience != HOUSEHOLD)
              for text, origin in (placed(before) if before else []) if text in changed]
    beside += [(reply, Origin(REPLY, only_for([parent_id])), True)
               for reply, parent_id in _replies(db, version, job.language)]
    beside += [(term.explanation, Origin(EXPLANATION, HOUSEHOLD), False)
               for term in explain_terms(" ".join(text for _key, _name, text in fields(content)))]
    beside += [(sentence, Origin(section, audience), True) for sentence, section, audience in json.loads(job.carried)]
    return _work(db, version, family_id, job.language, today, content, before, beside)


def _appointments_work(db: Session, job: TranslationJob, today) -> JobWork:
    """The household's appointments job: what for and where of its appointments, and the duo's replies to answers
    about them, as the parents who read the job's language may read them; and the agreements that members of the
    family's circle who read it carry out (they read no other part of the plan, so no version's job holds them)."""
    now = clock.now()
    beside = _appointment_texts(db, job.family_id, job.language, now) + _circle_texts(db, job.family_id, job.language)
    beside += [(reply, Origin(ANSWER_REPLY, only_for([parent_id])), True)
               for reply, parent_id in _answer_replies(db, job.family_id, job.language, now)]
    return _work(db, None, job.family_id, job.language, today, PlanContent(), None, beside)


def _work(db: Session, version: PlanVersion | None, family_id: int, language: str, today, content: PlanContent,
          before: PlanContent | None, beside: list[tuple[str, Origin, bool]]) -> JobWork:
    """The sentences of a job: the content's units first, then those of the texts beside it, each once."""
    wholes = [text for _key, _name, text in fields(content)] + [text for text, _origin, _private in beside]
    names = protected_names(db, family_id, today, wholes)
    texts = _units(content, memory(db, [text for _key, _name, text in fields(content)], language, family_id), names)
    texts += [sentence for sentence in to_translate((sentence for text, _origin, _private in beside
                                                     for sentence in sentences(text)), names) if sentence not in texts]
    origins: dict[str, dict[Origin, None]] = {}
    for text, origin in [*placed(content), *((text, origin) for text, origin, _private in beside)]:
        for piece in (text, *sentences(text)):
            origins.setdefault(piece, {})[origin] = None
    private = private_texts(content) + (private_texts(before) if before else [])
    private += [text for text, _origin, only_here in beside if only_here]
    return JobWork(version, family_id, texts, names, content, before,
                   frozenset(piece for text in private for piece in (text, *sentences(text))),
                   _safe_places(db, family_id), {piece: tuple(found) for piece, found in origins.items()})


SAFE_PLACES_READ = 50  # the household's newest safe places whose words keep a sentence in the household


def _safe_places(db: Session, family_id: int) -> tuple[str, ...]:
    """The descriptions of the household's safe places (appointments at one, planned or not): never translated, and
    a sentence with a word of one is never shared with another household."""
    return tuple(db.exec(select(Appointment.place).where(
        Appointment.family_id == family_id, col(Appointment.safe_place).is_(True))
        .order_by(col(Appointment.starts_at).desc()).limit(SAFE_PLACES_READ)))


REPLIES_TRANSLATED = 100  # the newest replies a job holds: as many questions as a parent's plan page shows


def _replies(db: Session, version: PlanVersion, language: str) -> list[tuple[str, int]]:
    """The duo's replies, with the parent each is for, to questions about this version or one before it from
    parents who read this language: a parent reads every reply beside the plan, so the newest version's job holds
    the replies to questions about older versions too."""
    return list(db.exec(select(PlanQuestion.reply, PlanQuestion.parent_id)
                        .join(Parent, col(Parent.id) == PlanQuestion.parent_id)
                        .join(PlanVersion, col(PlanVersion.id) == PlanQuestion.version_id).where(
        PlanVersion.plan_id == version.plan_id, col(PlanVersion.number) <= version.number,
        Parent.language == language, PlanQuestion.reply != "")
        .order_by(col(PlanQuestion.id).desc()).limit(REPLIES_TRANSLATED)))[::-1]


APPOINTMENTS_TRANSLATED = 30  # coming (and last week's) appointments whose texts the appointments job holds


def _appointment_texts(db: Session, family_id: int, language: str, now: dt.datetime
                       ) -> list[tuple[str, Origin, bool]]:
    """What for and where (never a safe place's address) of the household's planned appointments from a week
    ago on, that a parent who reads this language may read: the household's appointments job holds them. Each with
    its audience, and whether it stays in the household (an appointment for named parents or at a safe place)."""
    readers = db.exec(select(Parent).where(Parent.family_id == family_id, Parent.language == language)).all()
    items = db.exec(select(Appointment).where(
        Appointment.family_id == family_id, Appointment.status == AppointmentStatus.planned,
        col(Appointment.starts_at) >= now - dt.timedelta(days=7)).order_by(col(Appointment.starts_at))
        .limit(APPOINTMENTS_TRANSLATED)).all()
    return [(text, Origin(APPOINTMENT, item.audience), item.audience != HOUSEHOLD or item.safe_place)
            for item in items if any(parent_reads(parent, item.audience) for parent in readers)
            for text in (item.purpose, "" if item.safe_place else item.place) if text.strip()]


def _circle_texts(db: Session, family_id: int, language: str) -> list[tuple[str, Origin, bool]]:
    """The texts of the agreements that the household's circle members who read this language carry out, each with
    the member's side; a side other than the whole household's keeps its sentences in the household."""
    found = []
    for member in circle.members(db, family_id):
        if member.language == language:
            for item in circle.carried_by(db, member):
                found += [(text, Origin(CIRCLE, member.side), member.side != HOUSEHOLD)
                          for text in item.agreement_texts if text.strip()]
    return found


def _answer_replies(db: Session, family_id: int, language: str, now: dt.datetime) -> list[tuple[str, int]]:
    """The duo's replies to the answers of parents who read this language, about the household's planned
    appointments from a week ago on, each with its parent: each reaches its parent through the appointments job."""
    return list(db.exec(select(AppointmentAnswer.reply, AppointmentAnswer.parent_id)
                        .join(Parent, col(Parent.id) == AppointmentAnswer.parent_id)
                        .join(Appointment, col(Appointment.id) == AppointmentAnswer.appointment_id).where(
        Parent.family_id == family_id, Parent.language == language, AppointmentAnswer.reply != "",
        Appointment.status == AppointmentStatus.planned, Appointment.starts_at >= now - dt.timedelta(days=7))
        .order_by(col(Appointment.starts_at), col(AppointmentAnswer.id)).limit(APPOINTMENTS_TRANSLATED)))


def appointment_saved(db: Session, family_id: int, today: dt.date) -> None:
    """An appointment was planned or changed, or the duo replied to an answer: the household's appointments job of
    each language its parents read takes up its texts again (opened now if it has none yet), published plan or not.
    Every such language, whoever the appointment is for: which jobs move tells nothing of whom it is for."""
    _reopen_beside(db, family_id, db.exec(select(Parent.language).where(
        Parent.family_id == family_id, Parent.language != "nl").distinct().order_by(Parent.language)).all(), today)


def circle_changed(db: Session, family_id: int, today: dt.date) -> None:
    """The duo named a member of the family's circle, or a version was published: the appointments job of each
    language the household's circle members read takes up the agreements they carry out (opened if needed)."""
    languages = sorted({member.language for member in circle.members(db, family_id) if member.language != "nl"})
    _reopen_beside(db, family_id, languages, today)


def _reopen_beside(db: Session, family_id: int, languages, today: dt.date) -> None:
    """Open again (or open) the household's job of texts read beside the plan, in each of these languages."""
    for language in languages:
        job = db.exec(select(TranslationJob).where(TranslationJob.family_id == family_id,
                                                   col(TranslationJob.version_id).is_(None),
                                                   TranslationJob.language == language)).first()
        _reopen(db, job or TranslationJob(family_id=family_id, language=language,
                                          interpreter_id=assign_interpreter(db, family_id, language)), today)


def _reopen(db: Session, job: TranslationJob, today: dt.date) -> None:
    job.completed_at = None
    family = db.get(Family, job.family_id)
    assert family is not None  # the job's household, found by its key
    candidates = interpreters_for(db, family.team_id, job.language)
    if job.interpreter_id not in candidates:  # new work again: for who may take it now
        job.interpreter_id = _least_busy(db, candidates)
    db.add(job)
    db.flush()
    reuse_shared(db, job, today)  # completes it again at once when every sentence is known


def reply_written(db: Session, question: PlanQuestion, today: dt.date) -> None:
    """The duo replied to a parent who reads another language: the reply joins the job of the newest version (opened
    again, or opened now), whichever version the question was about, through the same memory and review as the
    plan."""
    parent = db.get(Parent, question.parent_id)
    assert parent is not None  # the question's parent, found by its key
    language = parent.language
    if language == "nl" or not question.reply.strip():
        return
    version = current_version(db, parent.family_id)
    assert version is not None  # a question is about a published version: the household has a current one
    job = db.exec(select(TranslationJob).where(col(TranslationJob.version_id) == version.id,
                                               TranslationJob.language == language)).first()
    _reopen(db, job or TranslationJob(family_id=parent.family_id, version_id=version.id, language=language,
                                      interpreter_id=assign_interpreter(db, parent.family_id, language)), today)


def open_jobs(db: Session, version: PlanVersion, family_id: int, languages: tuple[str, ...], today: dt.date) -> None:
    """A version was published: the open jobs of the versions before it close, and each language of the household's
    parents gets a job for it that carries what the closed job of its language left open (a sentence whose text did
    not change keeps its translation: the memory has it), starting with what was translated before."""
    older = db.exec(select(TranslationJob).where(
        TranslationJob.family_id == family_id, col(TranslationJob.version_id).is_not(None),
        TranslationJob.version_id != version.id,
        col(TranslationJob.completed_at).is_(None), col(TranslationJob.closed_at).is_(None))).all()
    left_open: dict[str, list[list[str]]] = {}
    for job in older:
        work = job_work(db, job, today)
        left_open[job.language] = work.open_sentences(memory(db, work.texts, job.language, family_id))[:CARRIED]
        job.closed_at = clock.now()
        db.add(job)
    for language in languages:
        job = TranslationJob(family_id=family_id, version_id=version.id, language=language,
                             interpreter_id=assign_interpreter(db, family_id, language))
        db.add(job)
        db.flush()
        own = set(job_work(db, job, today).texts)  # what the new version holds itself keeps its own place
        job.carried = json.dumps([carried for carried in left_open.get(language, []) if carried[0] not in own])
        db.add(job)
        reuse_shared(db, job, today)  # sentences translated before, in this household or (free) others


CARRIED = 500  # sentences (with where they stand) a job carries over at most: more than a plan holds


def _version_before(db: Session, version: PlanVersion) -> PlanVersion | None:
    return db.exec(select(PlanVersion).where(
        PlanVersion.plan_id == version.plan_id, PlanVersion.status == VersionStatus.published,
        col(PlanVersion.number) < version.number).order_by(col(PlanVersion.number).desc()).limit(1)).first()


def translator_names(db: Session) -> dict[int, str]:
    return {stored_id(interpreter.id): interpreter.name for interpreter in db.exec(select(Interpreter))}


def reuse_shared(db: Session, job: TranslationJob, today: dt.date) -> None:
    """A new job starts with what interpreters translated for other households, for sentences of whole-household
    items that hold no protected text (JobWork.shared, on both sides): the row is copied into this household (its
    own from then on), so a parent's page never needs another household's names to decide what it may show."""
    work = job_work(db, job, today)
    known = memory(db, work.texts, job.language, work.family_id)
    free = {source_hash(text) for text in open_segments(work.texts, known) if work.shared(text)}
    if free:
        shared = _still_free(db.exec(_shared_rows(job.language, work.family_id).where(
            col(TranslationSegment.source_hash).in_(free)).order_by(
            col(TranslationSegment.verified_at).is_(None).desc(), col(TranslationSegment.translated_at))).all())
        for row in {row.source_hash: row for row in shared}.values():  # the newest verified one, else the newest
            db.add(TranslationSegment(source_hash=row.source_hash, language=row.language, source_text=row.source_text,
                                      text=row.text, family_id=work.family_id, protected=False,
                                      translator_id=row.translator_id, translated_at=row.translated_at,
                                      verified_by=row.verified_by, verified_at=row.verified_at))
        db.flush()
    complete_if_done(db, job, work.texts, work.family_id)


def _shared_rows(language: str, family_id: int):
    """Other households' translations (and standing texts) of sentences of whole-household items whose Dutch held
    no protected text (`protected` False: JobWork.shared when they were translated)."""
    return select(TranslationSegment).where(
        TranslationSegment.language == language, col(TranslationSegment.protected).is_(False),
        or_(col(TranslationSegment.family_id).is_(None), TranslationSegment.family_id != family_id))


def _still_free(rows: list[TranslationSegment]) -> list[TranslationSegment]:
    """Of other households' shared rows, those whose Dutch holds nothing protected by today's rule too (a row
    stored under an older rule is checked again: its household's own names were checked when it was stored)."""
    return [row for row in rows if row.family_id is None or not _protected_alone(row.source_text)]


@functools.lru_cache(maxsize=4096)
def _protected_alone(text: str) -> bool:
    """holds_protected without a household's names: a stored sentence is read once per process, not per page."""
    return holds_protected(text, [])


# --- help for the interpreter: what changed since the version before, and fuzzy suggestions -------------

SUGGESTION_POOL = 300  # memory rows compared, newest first: this household's, and as many of other households'
SUGGESTION_SCORE = 70  # the rapidfuzz ratio (0-100) a suggestion needs
SUGGESTIONS_SHOWN = 3
EARLIER_SCORE = 40  # how alike the earlier sentence of the same field must be to count as "this one, changed"


@dataclass(frozen=True)
class Suggestion:
    source: str
    text: str
    score: int
    own: bool  # from this household's memory; else another household's (never with protected text)


@dataclass(frozen=True)
class Earlier:
    """The sentence of the version before at the same place, its translation, and what changed in the Dutch."""

    source: str
    text: str
    changes: list[WordChange]


@dataclass(frozen=True)
class SegmentHelp:
    earlier: Earlier | None
    suggestions: list[Suggestion]


def segment_help(db: Session, job: TranslationJob, work: JobWork, known: dict[str, TranslationSegment]
                 ) -> dict[str, SegmentHelp]:
    """For every sentence of the job without a translation: the earlier sentence at its place with its
    translation and a word diff, and up to three translations of alike sentences with their score. Another
    household's translations (of its whole-household sentences without protected text) are compared only for
    sentences of whole-household items without protected text (JobWork.shared)."""
    waiting = open_segments(work.texts, known)
    if not waiting:
        return {}
    earlier = _earlier_sentences(db, job, work)
    own = db.exec(select(TranslationSegment).where(
        TranslationSegment.language == job.language, TranslationSegment.family_id == work.family_id)
        .order_by(col(TranslationSegment.translated_at).desc()).limit(SUGGESTION_POOL)).all()
    free = {text for text in waiting if work.shared(text)}
    others = _still_free(db.exec(_shared_rows(job.language, work.family_id).order_by(
        col(TranslationSegment.translated_at).desc()).limit(SUGGESTION_POOL)).all()) if free else []
    mine = {row.source_text for row in own}
    pool = [*own, *(row for row in others if row.source_text not in mine)]
    helps = {}
    for text in waiting:
        choices = pool if text in free else own
        found = process.extract(text, [row.source_text for row in choices], scorer=fuzz.ratio,
                                limit=SUGGESTIONS_SHOWN, score_cutoff=SUGGESTION_SCORE)
        helps[text] = SegmentHelp(earlier.get(text), [
            Suggestion(choices[i].source_text, choices[i].text, round(score), choices[i].family_id == work.family_id)
            for _match, score, i in found])
    return helps


def _earlier_sentences(db: Session, job: TranslationJob, work: JobWork) -> dict[str, Earlier]:
    """Per waiting sentence, the most alike translated sentence of the same item and field in the published
    version before this one, as a reader of this language could read it."""
    if work.before is None:
        return {}
    old: dict[tuple[str, str], list[str]] = {}
    for key, name, text in fields(work.before):
        old.setdefault((key, name), []).extend(dict.fromkeys([*sentences(text), text]))
    known = memory(db, [text for texts in old.values() for text in texts], job.language, work.family_id)
    found = {}
    for key, name, text in fields(work.content):
        translated = [old_text for old_text in old.get((key, name), []) if source_hash(old_text) in known]
        for sentence in sentences(text):
            best = process.extractOne(sentence, translated, scorer=fuzz.ratio, score_cutoff=EARLIER_SCORE)
            if best and sentence not in found:
                found[sentence] = Earlier(best[0], known[source_hash(best[0])].text, word_diff(best[0], sentence))
    return found
