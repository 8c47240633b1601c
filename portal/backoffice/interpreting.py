"""Interpreters: translate a published plan side by side, verify, and read along during appointments."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint
from portal.backoffice.audience_field import household_of
from portal.backoffice.translation_form import TRANSLATION_LENGTH as TRANSLATION_LENGTH  # renderings use it too
from portal.backoffice.translation_form import translation_form
from portal.db import session as db_session
from portal.models import Appointment, Family, Role, TranslationJob
from portal.policy import plan_for_all, readers
from portal.rules.actions import Action
from portal.rules.protected_text import Problem, wrong_tokens
from portal.services import interpreting
from portal.services.interpreting import (
    complete_if_done,
    job_work,
    memory,
    remember,
    segment_help,
    source_hash,
    translation_of,
    translator_names,
)
from portal.services.plans import content_of, current_version
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, roles

# Where a segment stands, beside it on the interpreter's page (services/interpreting.Origin.section).
SECTION_NAMES = {
    interpreting.SITUATION: _l("Unsafe situation"),
    interpreting.RISK: _l("Risk factor"),
    interpreting.AGREEMENT: _l("Safety agreement"),
    "help": _l("Help plan"),
    "future": _l("Future plan"),
    interpreting.NOTE: _l("Note to the family"),
    interpreting.REPLY: _l("Reply to a question about the plan"),
    interpreting.ANSWER_REPLY: _l("Reply about an appointment"),
    interpreting.APPOINTMENT: _l("Appointment"),
    interpreting.CIRCLE: _l("Agreement carried out by the family's circle"),
    interpreting.CHANGED: _l("What changed: the earlier text"),
    interpreting.EXPLANATION: _l("Explanation of a difficult word"),
}


def refusal(problems: list[Problem]) -> str:
    """Which protected tokens a refused translation lost or changed, and which it added, with their counts
    when both texts have the token."""
    def shown(problem: Problem) -> str:
        if not (problem.in_dutch and problem.in_translation):
            return problem.token
        return _("%(token)s (%(dutch)d× in Dutch, %(typed)d× in the translation)", token=problem.token,
                 dutch=problem.in_dutch, typed=problem.in_translation)

    lost = ", ".join(shown(problem) for problem in problems if problem.missing)
    added = ", ".join(shown(problem) for problem in problems if not problem.missing)
    return " ".join([*([_("Keep exactly as in Dutch: %(tokens)s", tokens=lost)] if lost else []),
                     *([_("Not in the Dutch text: %(tokens)s", tokens=added)] if added else [])])


@blueprint.route("/translations/<id:job_id>", methods=["GET", "POST"])
@roles(Role.interpreter)
def translate(job_id):
    db = db_session()
    job = get_or_404(TranslationJob, job_id, Action.translation_work)
    work = job_work(db, job, clock.today())
    version, family_id, texts, names = work.version, work.family_id, work.texts, work.names
    known = memory(db, texts, job.language, family_id)
    form = translation_form([found.text if found else "" for found in (known.get(source_hash(s)) for s in texts)])
    if request.method == "POST" and not switching_language():  # a language switch shows the page again, as typed
        me = current_user.interpreter.id
        form.validate()  # each translation's length: one too long is refused whole, the others are saved
        too_long = form.messages()
        for index, source in enumerate(texts):
            field = form.segment(index)
            text = field.data
            if not text or field.name in too_long:
                continue
            wrong = wrong_tokens(source, text, names)
            if wrong:
                form.refuse(field, refusal(wrong))
                continue
            remember(db, source, job.language, text, me, family_id, not work.shared(source))
            found = known.get(source_hash(source))
            if form.verified(index) and found and found.text == text and found.translator_id != me:
                found.verified_by, found.verified_at = me, clock.now()
                db.add(found)
        complete_if_done(db, job, texts, family_id)
        audit.record("translation.save", "refused" if form.messages() else "ok", object=f"job:{job.id}",
                     family_id=family_id)
        db.commit()
        known = memory(db, texts, job.language, family_id)  # as saved now
    # The page shown, whatever the request (a GET, a save with or without errors, another language): a look.
    audit.record("translation.view", "ok", object=f"job:{job.id}", family_id=family_id)
    rows = [(index, source, known.get(source_hash(source))) for index, source in enumerate(texts)]
    translators = translator_names(db)
    household = household_of(db, db.get(Family, family_id))
    where = {source: list(dict.fromkeys((str(SECTION_NAMES.get(origin.section, origin.section)),
                                         household.label(origin.audience))
                                        for origin in work.origins.get(source, ()))) for source in texts}
    errors = form.messages()
    return render_template("backoffice/translate.html", job=job, version=version, rows=rows, errors=errors,
                           form=form, translators=translators, main_form="translate-form",
                           where=where,
                           help=segment_help(db, job, work, known),
                           open_count=sum(1 for _i, _s, found in rows if found is None)), 400 if errors else 200


@blueprint.get("/read-along/<id:appointment_id>")
@roles(Role.interpreter)
def read_along(appointment_id):
    """Bilingual, read-only plan during an appointment, from one hour before to three hours after."""
    db = db_session()
    appointment = get_or_404(Appointment, appointment_id, Action.plan_read_along)
    audit.record("plan.read_along", "ok", object=f"appointment:{appointment.id}", family_id=appointment.family_id)
    version = current_version(db, appointment.family_id)
    if version is None:
        return render_template("backoffice/read_along.html", version=None, appointment=appointment)
    # Read along with the parents at this appointment: only what every one of them may read.
    present = [parent.id for parent in readers(db, appointment.family_id, appointment.audience)]
    dutch = plan_for_all(present, content_of(db, version))
    language = appointment.interpreter_language or ""
    # The same sentence-by-sentence translation a parent reads: what still waits shows in Dutch, marked.
    other = translation_of(db, appointment.family_id, dutch, language) if language and language != "nl" else None
    return render_template("backoffice/read_along.html", version=version, appointment=appointment, dutch=dutch,
                           other=other, language=language)
