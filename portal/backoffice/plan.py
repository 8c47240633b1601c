"""Back-office plan pages: the Top 3 editor with conflict handling, publishing, comparing, answers."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import col, select

from portal import audit, notify
from portal.access import DUO, get_or_404, roles
from portal.backoffice.plan_form import from_form, text_fields, to_form
from portal.backoffice.views import blueprint
from portal.db import session as db_session
from portal.drafts import Conflict, open_draft, publish, save
from portal.duo import current_duo
from portal.forms import clean, strip_controls, switching_language
from portal.models import Acknowledgement, Family, FamilyMember, Parent, PlanVersion, SafetyPlan, VersionStatus
from portal.models.base import utcnow
from portal.plans import load_contents, published_versions
from portal.rules.plain_language import check, name_words
from portal.rules.plan_content import diff


def people_named(db, family: Family) -> frozenset[str]:
    """The words of the names of the household's members and parents and of its duo: names are not rare words."""
    duo = current_duo(db, family.id, utcnow().date())
    names = [*db.exec(select(FamilyMember.name).where(FamilyMember.family_id == family.id)),
             *db.exec(select(Parent.name).where(Parent.family_id == family.id)),
             *(worker.name for worker in (duo.contact, duo.partner) if worker is not None)]
    return name_words(names)


def _help_for(form, names: frozenset[str]) -> dict:
    """Plain-language findings per text field that has text."""
    return {name: check(form[name], names) for name in text_fields(form) if form.get(name, "").strip()}


def _editor(family, draft, form, errors=None, conflict=None, status=200):
    help_ = _help_for(form, people_named(db_session(), family))
    return render_template("backoffice/plan_editor.html", family=family, draft=draft, form=form,
                           errors=errors or {}, conflict=conflict, help=help_, main_form="plan-form"), status


@blueprint.route("/families/<family_id>/plan", methods=["GET", "POST"])
@roles(*DUO)
def plan_editor(family_id):
    db = db_session()
    family = get_or_404(Family, family_id, "family.edit")
    draft = open_draft(db, family.id, current_user.worker.id)
    if request.method == "GET":
        audit.record("family.view", "ok", object=f"plan:{family.id}", family_id=family.id)
        return _editor(family, draft, to_form(load_contents(db, [draft.id])[draft.id]))
    form = request.form.to_dict()
    if switching_language():
        return _editor(family, draft, form)
    content, errors = from_form(form)
    revision_sent = form.get("revision", "")
    base = int(revision_sent) if revision_sent.isdecimal() and len(revision_sent) < 10 else 0
    if errors:
        return _editor(family, draft, form, errors, status=400)
    publishing = request.form.get("action") == "publish"
    try:
        # Each event goes in first: save() and publish() commit it with their change, or on a
        # conflict roll both back.
        if not publishing:
            audit.record("plan.save", "ok", object=f"version:{draft.id}", family_id=family.id)
        revision = save(db, draft, base, content, current_user.worker.id)
        if publishing:
            audit.record("plan.publish", "ok", object=f"version:{draft.id}", family_id=family.id)
            published = publish(db, draft, revision, family.id, current_user.worker.id, clean("note", 2000))
            notify.tell_parents(db, family.id, f"version:{published.version.id}")
            return redirect(url_for("backoffice.compare", family_id=family.id, b=published.version.number))
    except Conflict as conflict:
        return _conflict(family, conflict.current, form)
    draft.revision = revision
    return _editor(family, draft, to_form(content) | {"revision": str(revision)})


def _conflict(family, current, mine):
    """Someone saved first: show both texts and keep everything this worker typed."""
    db = db_session()
    if current.status is VersionStatus.published:
        current = open_draft(db, family.id, current_user.worker.id)
    theirs = to_form(load_contents(db, [current.id])[current.id])
    names = dict.fromkeys(text_fields(mine) + text_fields(theirs))
    # Browsers send textarea line breaks as CRLF: compare the texts as they would be saved.
    differing = {name: theirs.get(name, "") for name in names
                 if strip_controls(theirs.get(name, "")) != strip_controls(mine.get(name, ""))}
    mine = dict(mine, revision=str(current.revision))
    audit.record("plan.save", "conflict", object=f"version:{current.id}", family_id=family.id)
    return _editor(family, current, mine, conflict=differing, status=409)


@blueprint.post("/families/<family_id>/plain-language")
@roles(*DUO)
def plain_language(family_id):
    """Live plain-language feedback for one field (htmx); the same help appears on save without JS."""
    family = get_or_404(Family, family_id, "family.edit")
    field = request.headers.get("HX-Trigger-Name") or ""
    text = request.form.get(field, "") if field else ""
    report = check(text, people_named(db_session(), family)) if text.strip() else None
    return render_template("backoffice/plain_help.html", report=report)


@blueprint.get("/families/<family_id>/plan/compare")
@roles(*DUO)
def compare(family_id):
    """Two published versions side by side, with the list of changes."""
    db = db_session()
    family = get_or_404(Family, family_id, "family.view")
    versions = {v.number: v for v in published_versions(db, family.id)}
    if not versions:
        return redirect(url_for("backoffice.plan_editor", family_id=family.id))
    numbers = sorted(versions)
    b = _number(request.args.get("b"), numbers[-1], numbers)
    a = _number(request.args.get("a"), numbers[max(0, numbers.index(b) - 1)], numbers)
    contents = load_contents(db, [versions[a].id, versions[b].id])
    return render_template("backoffice/compare.html", family=family, numbers=numbers, a=versions[a],
                           b=versions[b], left=contents[versions[a].id], right=contents[versions[b].id],
                           changes=diff(contents[versions[a].id], contents[versions[b].id]))


def _number(value, default: int, allowed: list[int]) -> int:
    return int(value) if value and value.isdecimal() and len(value) < 10 and int(value) in allowed else default


@blueprint.get("/families/<family_id>/answers")
@roles(*DUO)
def responses(family_id):
    db = db_session()
    family = get_or_404(Family, family_id, "family.view")
    rows = db.exec(select(Acknowledgement, Parent, PlanVersion)
                   .join(Parent, Parent.id == Acknowledgement.parent_id)
                   .join(PlanVersion, PlanVersion.id == Acknowledgement.version_id)
                   .join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                   .where(SafetyPlan.family_id == family.id, Parent.family_id == family.id)
                   .order_by(col(PlanVersion.number).desc(), Parent.name)).all()
    parents = db.exec(select(Parent).where(Parent.family_id == family.id)).all()
    versions = published_versions(db, family.id)
    return render_template("backoffice/responses.html", family=family, rows=rows, parents=parents,
                           versions=versions, errors={})


@blueprint.post("/families/<family_id>/answers/<acknowledgement_id>")
@roles(*DUO)
def reply(family_id, acknowledgement_id):
    db = db_session()
    family = get_or_404(Family, family_id, "family.edit")
    valid = acknowledgement_id.isdecimal() and len(acknowledgement_id) < 10
    row = db.get(Acknowledgement, int(acknowledgement_id)) if valid else None
    parent = db.get(Parent, row.parent_id) if row else None
    if row is None or parent is None or parent.family_id != family.id:
        abort(404)
    text = clean("reply", 2000)
    if text:
        row.reply, row.replied_by, row.replied_at = text, current_user.worker.id, utcnow()
    if request.form.get("handled") or text:
        row.handled_at = utcnow()
    db.add(row)
    audit.record("plan.reply", "ok", object=f"answer:{row.id}", family_id=family.id)
    db.commit()
    return redirect(url_for("backoffice.responses", family_id=family.id))


