"""A parent's question or move reason in Dutch: the duo asks, an interpreter of that language renders it."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint
from portal.backoffice.interpreting import refusal
from portal.backoffice.translation_form import RenderingForm
from portal.db import session as db_session
from portal.models import AppointmentAnswer, Family, ParentTextRendering, Role
from portal.policy import DUO
from portal.rules.actions import Action
from portal.services import renderings
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, roles


def _ask(family_id: int, kind: str, text_id: int):
    db = db_session()
    family = get_or_404(Family, family_id, Action.rendering_ask)
    found = renderings.original(db, family.id, kind, text_id)
    if found is None:  # another household's, a Dutch reader's, or nothing to render
        abort(404)
    rendering = renderings.ask(db, found, current_user.worker.id)
    audit.record("rendering.ask", "ok", object=f"{renderings.OBJECTS[kind]}:{text_id}", family_id=family.id)
    db.commit()
    return rendering


@blueprint.post("/families/<id:family_id>/questions/<id:question_id>/rendering")
@roles(*DUO)
def ask_question_rendering(family_id, question_id):
    """Ask the interpreter of the asking parent's language for a Dutch rendering of their question."""
    _ask(family_id, "question", question_id)
    return redirect(url_for("backoffice.responses", family_id=family_id) + "#questions")


@blueprint.post("/families/<id:family_id>/appointment-answers/<id:answer_id>/rendering")
@roles(*DUO)
def ask_answer_rendering(family_id, answer_id):
    """Ask the interpreter of that parent's language for a Dutch rendering of why they ask to move an appointment."""
    _ask(family_id, "answer", answer_id)
    appointment_id = db_session().get(AppointmentAnswer, answer_id).appointment_id
    return redirect(url_for("backoffice.edit_appointment", family_id=family_id, appointment_id=appointment_id))


@blueprint.route("/renderings/<id:rendering_id>", methods=["GET", "POST"])
@roles(Role.interpreter)
def render_in_dutch(rendering_id):
    """The interpreter reads one parent's text (nothing else of the household) and writes it in Dutch."""
    db = db_session()
    rendering = get_or_404(ParentTextRendering, rendering_id, Action.rendering_work)
    names = renderings.names_of(db, rendering, clock.today())
    event = f"{renderings.OBJECTS[rendering.kind]}:{rendering.text_id}"  # the asking parent sees who looked
    form = RenderingForm(data={"rendering": rendering.text})  # as typed (posted, or kept while signed out)
    if request.method == "POST" and not switching_language():  # else the page again in another language, as typed
        if form.validate():
            wrong = renderings.render(db, rendering, form.rendering.data, current_user.interpreter.id, names)
            if wrong:
                form.refuse(form.rendering, refusal(wrong))
        refused = bool(form.rendering.errors)
        audit.record("rendering.save", "refused" if refused else "ok", object=event, family_id=rendering.family_id)
        db.commit()
        if not refused:
            return redirect(url_for("backoffice.home"))
    # The page shown, whatever the request (a GET, a refused rendering, another language): a look, on record.
    audit.record("rendering.view", "ok", object=event, family_id=rendering.family_id)
    return render_template("backoffice/render.html", rendering=rendering, names=names, form=form,
                           main_form="render-form"), 400 if form.rendering.errors else 200
