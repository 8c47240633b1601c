"""Back-office plan pages: the Top 3 editor with conflict handling, publishing, comparing, answers."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint, plan_form
from portal.backoffice.audience_field import household_of
from portal.backoffice.plan_form import PlanEditorForm, editor_form, help_field
from portal.backoffice.reply_forms import QuestionReply
from portal.db import session as db_session
from portal.models import (
    Family,
    PlanVersion,
    VersionStatus,
)
from portal.policy import DUO
from portal.rules import facts_first
from portal.rules.actions import Action
from portal.rules.audience import HOUSEHOLD
from portal.rules.plain_language import check, name_words
from portal.rules.plan_content import PlanContent, diff
from portal.services import notifications, renderings
from portal.services.interpreting import translator_names
from portal.services.names import household_names
from portal.services.plan_versions import answers_of, reply_to_question
from portal.services.plans import content_of, current_version, draft_of, load_contents, published_versions
from portal.services.publishing import Conflict, open_draft, publish, save
from portal.web import audit
from portal.web.forms import bounded_int, fits, strip_controls, switching_language
from portal.web.guards import get_or_404, roles


def _names(family: Family) -> frozenset[str]:
    """The names of the household and its duo, lower-cased for the plain-language check: never rare words."""
    assert family.id is not None  # a stored household
    return name_words(household_names(db_session(), family.id, clock.today()))


def _help_for(form: PlanEditorForm, names: frozenset[str]) -> tuple[dict, dict]:
    """Plain-language findings and facts-first marks per text field that has text and fits: a longer text is refused
    at its field and never checked, so no check reads more than the field holds."""
    texts = {field.name: field.data for field in form.text_fields()
             if field.data and not field.errors and fits(field.data, field.flags.maxlength)}
    return ({name: check(text, names) for name, text in texts.items()},
            {name: facts_first.check(text) for name, text in texts.items()})


def _editor(family, draft, form: PlanEditorForm, errors=None, conflict=None, status=200, shown=None, refused=False):
    """The editor, whatever the request: a look at the plan it shows (`shown`, else the draft), on record, also when
    a POST shows it again with errors, a conflict, after a save or in another language. What is not finished for
    publishing is marked at its field (`refused`: publishing was refused for it, the draft was saved)."""
    shown = shown or draft
    audit.record("plan.view", "ok", object=f"version:{shown.id}" if shown.id else f"family:{family.id}",
                 family_id=family.id)
    db = db_session()
    household = household_of(db, family)
    # A conflict is answered before any check: the help comes with the save that follows it.
    help_, facts = _help_for(form, _names(family)) if conflict is None else ({}, {})
    published = current_version(db, family.id)
    unfinished = plan_form.read(form, household).unfinished
    return render_template("backoffice/plan_editor.html", family=family, draft=draft, form=form.ready_to_show(),
                           household=household, errors=unfinished if refused else errors or {},
                           unfinished=unfinished, refused=refused, published=published,
                           conflict=conflict, help=help_, facts=facts, main_form="plan-form"), status


def _form_of(version: PlanVersion | None, content: PlanContent, revision: int | None = None,
             posted: bool = True) -> PlanEditorForm:
    """The editor's form of a version (what was typed, when posted): a draft's note for the family is part of it (a
    published one's is not: the next version's note is written anew); no audience chosen yet leaves the household's
    default."""
    if version is not None and version.status is VersionStatus.draft:
        return editor_form(content, version.note_for_family, version.note_audience, revision, posted)
    return editor_form(content, revision=revision, posted=posted)


@blueprint.route("/families/<id:family_id>/plan", methods=["GET", "POST"])
@roles(*DUO)
def plan_editor(family_id):
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    # Reading starts no draft: the first save does, from what this page showed (a new draft's revision).
    draft = draft_of(db, family.id)
    shown = draft or current_version(db, family.id)  # the look on record, whatever the request
    # A form on a GET is only shown: after signing in again, the text kept when the session ran out.
    form = _form_of(shown, content_of(db, shown) if shown else PlanContent((), ()))
    if request.method != "POST" or switching_language():
        return _editor(family, draft or PlanVersion(), form, shown=shown)
    household = household_of(db, family)
    parsed = plan_form.read(form, household)
    publishing = request.form.get("action") == "publish" and not parsed.unfinished
    base = bounded_int(form.revision.data, 0, 2**31 - 1, 0)
    if parsed.errors:  # only a text too long for its field is not saved (it would be cut): nothing is, not even a draft
        return _editor(family, draft or PlanVersion(), form, parsed.errors, status=400, shown=shown)
    try:
        # One transaction: the draft, the save, the version, its translation work, the parents' messages and the
        # events, committed together at the end, or on a conflict rolled back together.
        draft = open_draft(db, family.id, current_user.worker.id)
        if not publishing:
            audit.record("plan.save", "ok", object=f"version:{draft.id}", family_id=family.id)
        before = content_of(db, draft).audiences()
        for key, stored in parsed.content.audiences().items():
            if key in before and before[key] != stored:  # who may read an item: the duo's decision, on record
                audit.record("plan.audience", "ok", object=f"item:{key}", family_id=family.id)
        revision = save(db, draft, base, parsed.content, current_user.worker.id, parsed.note, parsed.note_audience)
        if publishing:
            audit.record("plan.publish", "ok", object=f"version:{draft.id}", family_id=family.id)
            published = publish(db, draft, revision, family.id, current_user.worker.id, parsed.note,
                                parsed.note_audience if parsed.note else HOUSEHOLD, announce=True)  # messages too
            db.commit()
            return redirect(url_for("backoffice.compare", family_id=family.id, b=published.version.number))
    except Conflict as conflict:
        db.rollback()
        return _conflict(family, conflict.current, form)
    db.commit()
    db.refresh(draft)  # as saved: its revision, time and note
    saved = _form_of(draft, parsed.content, revision, posted=False)
    if request.form.get("action") == "publish":  # saved as a draft; publishing waits for what is unfinished
        return _editor(family, draft, saved, refused=True, status=400)
    return _editor(family, draft, saved)


def _conflict(family, current, mine: PlanEditorForm):
    """Someone saved first: show both texts and keep everything this worker typed."""
    db = db_session()
    if current.status is VersionStatus.published:
        current = open_draft(db, family.id, current_user.worker.id)
    theirs = _form_of(current, content_of(db, current), posted=False).texts()
    typed = mine.texts()
    # Browsers send textarea line breaks as CRLF: compare the texts as they would be saved.
    differing = {name: theirs.get(name, "") for name in dict.fromkeys([*typed, *theirs])
                 if strip_controls(theirs.get(name, "")) != strip_controls(typed.get(name, ""))}
    mine.revision.data = str(current.revision)
    audit.record("plan.save", "conflict", object=f"version:{current.id}", family_id=family.id)
    db.commit()  # the event, and the new draft when the other worker had published
    return _editor(family, current, mine, conflict=differing, status=409)


@blueprint.post("/families/<id:family_id>/plain-language")
@roles(*DUO)
def plain_language(family_id):
    """Live plain-language and facts-first feedback for one text field of the editor (htmx); the same help appears on
    save without JS. A text longer than its field is refused before any check, saying how much shorter it must be
    (a 200: htmx shows it where the help goes)."""
    family = get_or_404(Family, family_id, Action.family_edit)
    field = help_field(request.htmx.trigger_name or "")
    if field is None:
        return ""
    if field.errors:
        return render_template("backoffice/plain_help.html", too_long=field.errors[0])
    report = check(field.data, _names(family)) if field.data else None
    return render_template("backoffice/plain_help.html", report=report, marks=facts_first.check(field.data))


@blueprint.get("/families/<id:family_id>/plan/compare")
@roles(*DUO)
def compare(family_id):
    """Two published versions side by side, with the list of changes."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_view)
    versions = {v.number: v for v in published_versions(db, family.id)}
    if not versions:
        return redirect(url_for("backoffice.plan_editor", family_id=family.id))
    numbers = sorted(versions)
    b = _number(request.args.get("b"), numbers[-1], numbers)
    # Against the version before it; the first version against nothing: all it holds is new.
    a = _number(request.args.get("a"), max((n for n in numbers if n < b), default=None), numbers)
    shown = [versions[n].id for n in (a, b) if n is not None]
    contents = load_contents(db, shown)
    audit.record("plan.view", "ok", object="version:" + ":".join(map(str, shown)), family_id=family.id)
    left = contents[versions[a].id] if a is not None else PlanContent()
    return render_template("backoffice/compare.html", family=family, numbers=numbers,
                           a=versions[a] if a is not None else None, b=versions[b], left=left,
                           right=contents[versions[b].id], changes=diff(left, contents[versions[b].id]))


def _number(value, default: int | None, allowed: list[int]) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 10 and int(value) in allowed else default


@blueprint.get("/families/<id:family_id>/answers")
@roles(*DUO)
def responses(family_id):
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_view)
    # Every question and disagreement, open ones first: each parent's own thread with the duo.
    answers = answers_of(db, family.id)
    audit.record("answers.view", "ok", object=f"family:{family.id}", family_id=family.id)
    return render_template("backoffice/responses.html", family=family, rows=answers.rows, parents=answers.parents,
                           versions=answers.versions, questions=answers.questions, form=QuestionReply(),
                           renderings=renderings.of_family(db, family.id), interpreter_names=translator_names(db))


@blueprint.post("/families/<id:family_id>/questions/<id:question_id>")
@roles(*DUO)
def reply(family_id, question_id):
    """The duo's reply to one parent's question: it reaches that parent only, whatever version is current."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    form = QuestionReply()
    form.refuse_too_long()
    text = form.reply.data or ""
    question = reply_to_question(db, family.id, question_id, text, form.handled.data, current_user.worker.id)
    if question is None:
        abort(404)
    audit.record("plan.reply", "ok", object=f"question:{question.id}", family_id=family.id)
    if text:  # the message to the parent commits with the reply
        notifications.tell_parents(db, family.id, f"question:{question.id}:{question.replied_at:%Y%m%d%H%M%S}",
                                   only={question.parent_id})
    db.commit()
    return redirect(url_for("backoffice.responses", family_id=family.id) + "#questions")


