"""Family pages: home with who to call now, the plan and its answers, appointments, quick-exit help."""
import datetime as dt

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from portal import clock
from portal.db import session as db_session
from portal.family import blueprint
from portal.family.forms import AnswerForm, ResponseForm, sent
from portal.models import Acknowledgement, Appointment, AuditEvent, Family, Role
from portal.models.accounts import FAMILY_ROLES
from portal.policy import events_for_parent, parent_reads
from portal.rules.actions import Action
from portal.rules.plain_language import explain_terms
from portal.rules.plan_content import diff
from portal.services import appointments as appointments_service
from portal.services import children, family_pages, notifications, parent_versions, plan_versions
from portal.services.duo import call_now, current_duo
from portal.services.interpreting import texts_for, translation_for
from portal.web import audit, i18n
from portal.web.guards import get_or_404, public, roles

parent_only = roles(Role.parent)
CONTACT_CHANGE_NOTICE = dt.timedelta(days=60)
WHO_LOOKED_SHOWN = 100
WHO_LOOKED_READ = 300  # events read to find the ones this parent may see; the page stays small


def _parent():
    return current_user.parent


@blueprint.get("/")
@roles(*FAMILY_ROLES)
def home():
    if current_user.role is Role.network:  # a member of the circle has one page: the agreements they carry
        return redirect(url_for("family.circle_home"))
    if current_user.role is Role.child:  # a child has one page of their own
        return redirect(url_for("family.child_home"))
    db, parent = db_session(), _parent()
    now = clock.local_now()
    duo = current_duo(db, parent.family_id, now.date())
    advice, contact_hours = call_now(db, duo, now, current_app.config["OUT_OF_HOURS_NAME"],
                                     current_app.config["OUT_OF_HOURS_PHONE"])
    known = parent_versions.latest(db, parent)
    contact_changed = (duo.previous_contact is not None and duo.contact_since is not None
                       and now.date() - duo.contact_since <= CONTACT_CHANGE_NOTICE)
    return render_template("family/home.html", duo=duo, advice=advice, contact_hours=contact_hours,
                           appointment=family_pages.next_appointment(db, parent, clock.now()),
                           unread=known is not None and not family_pages.has_read(db, parent, known.version),
                           contact_changed=contact_changed, moment=i18n.moment,
                           answered=family_pages.answered_unseen(db, parent),
                           shared=children.shared_with_parent(db, parent))


@blueprint.route("/plan", methods=["GET", "POST"])
@parent_only
def plan():
    db, parent = db_session(), _parent()
    known = parent_versions.latest(db, parent)  # the newest version that changed what this parent may read
    if known is None:
        return render_template("family/plan.html", version=None)
    form = AnswerForm()
    if sent(form):
        _save_answer(db, parent, known.version, form)
        return redirect(url_for("family.plan") + "#answer")
    acknowledgement, last_read = _read(db, parent, known.version)
    texts = _plan_texts(db, parent, known.version, last_read)
    key = (family_pages.published_key(known.version.id, known.version.published_at), parent.id, str(get_locale()),
           last_read, family_pages.translation_state(texts["translation"]))
    body = family_pages.plan_body(key, lambda: render_template("family/plan_body.html", version=known.version, **texts))
    return _with_form("family/plan.html", form, "answer-form", version=known.version, number=known.number,
                      **texts, body=body, acknowledgement=acknowledgement, household=_printed_name(db, parent))


def _with_form(template: str, form, form_id: str, **values):
    """A page with its form: as typed, with the errors at their fields and status 400 when it was refused. The
    language buttons post the form (`form_id`), so switching the language keeps what was typed."""
    errors = form.messages()
    return render_template(template, form=form, errors=errors, main_form=form_id, **values), 400 if errors else 200


def _read(db, parent, version) -> tuple[Acknowledgement, tuple | None]:
    """This parent's acknowledgement of `version`, and the newest version they read before it (None: none), as
    `family_pages.published_key`. A GET records that they read it and saw the duo's replies to them; a HEAD shows
    nothing, so records nothing, and a POST shows the page again."""
    rows = family_pages.acknowledgements(db, parent)
    own = [acknowledgement for acknowledgement, _published in rows]
    published = {acknowledgement.version_id: moment for acknowledgement, moment in rows}
    acknowledgement = next((a for a in own if a.version_id == version.id), None)
    if request.method == "GET":
        if acknowledgement is None:
            acknowledgement = plan_versions.read_receipt(db, parent.id, version.id)
        family_pages.replies_seen(db, parent, clock.now())  # the page shows the duo's replies to this parent
        db.commit()
    last_read = max((a.version_id for a in own if a.version_id != version.id), default=None)
    return (acknowledgement or Acknowledgement(parent_id=parent.id, version_id=version.id),
            family_pages.published_key(last_read, published[last_read]) if last_read else None)


def _plan_texts(db, parent, version, last_read: tuple | None) -> dict:
    """What this parent may read of `version`: the plan, what changed since the version they read before, the
    note, their questions, the difficult words explained, and the translation of all of it."""
    content = family_pages.parent_view(db, parent, family_pages.published_key(version.id, version.published_at))
    changes = diff(family_pages.parent_view(db, parent, last_read), content) if last_read else []
    note_shown = bool(version.note_for_family) and parent_reads(parent, version.note_audience)
    questions, terms = family_pages.questions(db, parent), _difficult_words(content)
    translation = translation_for(db, parent.family_id, content, parent.language,
                                  version.note_for_family if note_shown else "", changes, _replies(questions, terms))
    return {"content": content, "changes": changes, "note_shown": note_shown, "questions": questions,
            "terms": terms, "translation": translation}


def _replies(questions, terms) -> tuple[str, ...]:
    """The duo's texts around the plan that are translated with it: replies to questions, word explanations."""
    return (*(question.reply for question, _number in questions if question.reply),
            *(term.explanation for found in terms.values() for term in found))


def _difficult_words(content) -> dict[str, list]:
    """Glossary words the duo used, per situation and per plan section, to explain them right there."""
    found = {situation.key: explain_terms(" ".join([situation.description, *situation.risk_factors,
                                                    *(a.text for a in situation.agreements)]))
             for situation in content.situations}
    for section in ("help", "future"):
        found[section] = explain_terms(" ".join(f"{i.text} {i.who}" for i in content.section(section)))
    return found


def _printed_name(db, parent) -> str | None:
    """Only printed when the parent asks for it: a plan on paper may be found by someone else."""
    return db.get(Family, parent.family_id).name if request.args.get("print-name") else None


def _save_answer(db, parent, version, form: AnswerForm) -> None:
    plan_versions.answer(db, parent.id, version.id, form.chosen(), form.comment.data)
    audit.record("plan.answer", form.answer.data, object=f"version:{version.id}", family_id=parent.family_id)
    db.commit()


@blueprint.get("/appointments")
@parent_only
def appointments():
    db, parent = db_session(), _parent()
    upcoming, past, answers = family_pages.appointments(db, parent, clock.now())
    replies = [answer.reply for answer in answers.values() if answer.reply]  # the duo's reply to this parent's answer
    translation = texts_for(db, parent, [text for item in (*upcoming, *past) for text in (item.purpose, item.place)]
                            + replies)
    return render_template("family/appointments.html", upcoming=upcoming, past=past, answers=answers, errors={},
                           translation=translation, moment=i18n.moment)


def _appointment_or_404(key: str) -> Appointment:
    """The appointment with this key, when this parent may know of it; anything else is 'not found'. A parent's
    URL carries the random key, never the id: ids count up, so /appointments/17 and /19 would tell that 18
    exists, perhaps a safe-place appointment of the other parent. The check and its refusal record are the
    same as for any object; a key that matches no appointment is refused as id 0, which no row has."""
    found = db_session().exec(select(Appointment.id).where(Appointment.key == key)).first()
    return get_or_404(Appointment, found if found is not None else 0, Action.appointment_read)


@blueprint.route("/appointments/<appointment_key:appointment_key>", methods=["GET", "POST"])
@parent_only
def appointment(appointment_key):
    db = db_session()
    item = _appointment_or_404(appointment_key)
    form = ResponseForm()
    if sent(form):
        answer = appointments_service.respond(db, item, _parent().id, form.chosen(), form.reason.data)
        audit.record("appointment.respond", form.response.data, object=f"appointment-answer:{answer.id}",
                     family_id=item.family_id)
        db.commit()
        return redirect(url_for("family.appointments"))
    return _with_form("family/appointment.html", form, "respond-form", item=item)


@blueprint.get("/appointments/<appointment_key:appointment_key>.ics")
@parent_only
def appointment_calendar(appointment_key):
    item = _appointment_or_404(appointment_key)
    # i18n: neutral calendar title of a meeting ("Afspraak"); must not reveal anything else
    response = make_response(notifications.neutral_event(item, _("Appointment")))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="afspraak.ics"'
    return response


@blueprint.get("/who-looked")
@parent_only
def who_viewed():
    """Who (name and role) viewed or changed this household's file, and when."""
    db, parent = db_session(), _parent()
    events = db.exec(select(AuditEvent).where(AuditEvent.family_id == parent.family_id,
                                              col(AuditEvent.role).in_(["worker", "teamlead", "interpreter"]))
                     .order_by(col(AuditEvent.at).desc()).limit(WHO_LOOKED_READ)).all()
    return render_template("family/who_viewed.html",
                           events=events_for_parent(db, parent, events)[:WHO_LOOKED_SHOWN])


@blueprint.get("/about-leave-quickly")
@public
def about_quick_exit():
    return render_template("family/about_quick_exit.html")

