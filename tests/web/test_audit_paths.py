"""Every path of a staff page that shows a household records the look (issue 20, point 7): not only its GET, but
also a POST that shows the page again - the error re-render of an invalid form, and a change of language - with
what was typed kept. The walk goes over the app's routes, so a new page with a form joins it or fails here."""
from sqlmodel import select

from portal.backoffice.interpreting import TRANSLATION_LENGTH
from portal.models import (
    Appointment,
    AuditEvent,
    DuoAssignment,
    DuoRole,
    Family,
    Parent,
    ParentTextRendering,
    PlanQuestion,
    PlanVersion,
    SafetyPlan,
    Signal,
    TranslationJob,
)
from portal.rules.audience import only_for
from portal.web.forms import max_length
from support import factories
from support.pages import database, form_values, text_of
from support.routes import signal_about
from support.sign_in import csrf_token, signed_in_client

SAFE_PLACE = "Kastanjehof 12"
TYPED = "Getypt en nog niet bewaard"
TOO_LONG = TYPED + " " + "x" * TRANSLATION_LENGTH  # over the limit of a translation or rendering: refused whole
# The identifiers of a route that name a household or something of it.
HOUSEHOLD_ARGUMENTS = {"family_id", "appointment_id", "job_id", "rendering_id", "signal_id"}

# Per staff page with a form: who opens it, the look its GET records, its form, and an invalid version of that
# form as a browser could send it (the fields changed; `TYPED` in the field that must come back as typed).
PAGES = {
    "backoffice.family_appointments": ("bram", "appointment.view", "appointment-form", "place",
                                       {"date": "morgen", "place": TYPED}),
    "backoffice.edit_appointment": ("bram", "appointment.view", "appointment-form", "place",
                                    {"time": "25:99", "place": TYPED}),
    "backoffice.family_members": ("bram", "family.view", "members-form", "parent-0-name",
                                  {"name": "", "parent-0-name": TYPED}),
    "backoffice.case": ("teamlead", "family.view", "case-form", "reason", {"closed_on": "gisteren", "reason": TYPED}),
    "backoffice.end_duo_role": ("teamlead", "family.view", "end-role-form", "end", {"end": TYPED}),
    "backoffice.plan_editor": ("bram", "plan.view", "plan-form", "s1-description",
                               {"s1-description": TYPED, "s1-kind": "geen"}),
    "backoffice.translate": ("tolk-ar", "translation.view", "translate-form", "segment-0", {"segment-0": TOO_LONG}),
    "backoffice.render_in_dutch": ("tolk-ar", "rendering.view", "render-form", "rendering", {"rendering": TOO_LONG}),
    "backoffice.circle_new": ("bram", "family.view", "member-form", "name", {"name": TYPED, "relation": ""}),
    # A partner's signal about the household, and what was done with it (too long a note: refused whole).
    "backoffice.signal_page": ("bram", "signal.view", "done-form", "note",
                               {"note": TYPED + " " + "x" * max_length(Signal.done_note)}),
}


def el_idrissi(app) -> int:
    """Fatima and Youssef El Idrissi (Arabic, kept apart; Bram and Anouk their duo) with a published plan and a draft
    of the next version, a question Youssef asked about it, and an appointment at a safe place (SAFE_PLACE) for
    Fatima alone."""
    household = factories.fatima_and_youssef(app)
    factories.published_plan(app, household.family_id)
    factories.saved_draft(app, household.family_id, what="De kinderen slapen bij oma en opa.")
    factories.question(app, household.usernames[1], "Mag ik de kinderen zien?")
    factories.appointment(app, household.family_id, audience=only_for(household.parent_ids[:1]), safe_place=True,
                          place=SAFE_PLACE)
    return household.family_id


def identifiers(app, bram) -> dict[str, int]:
    """The El Idrissi household, its safe-place appointment, its newest Arabic translation job, the rendering of
    Youssef's question that the duo asks for on the answers page, and a wijkagent's signal about Youssef."""
    family_id = el_idrissi(app)
    signal_id = signal_about(app, family_id, factories.partner(app))
    with database(app) as db:
        family = db.get(Family, family_id)
        safe = db.exec(select(Appointment).where(Appointment.family_id == family.id, Appointment.safe_place)).first()
        job = db.exec(select(TranslationJob).join(PlanVersion, PlanVersion.id == TranslationJob.version_id)
                      .join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                      .where(SafetyPlan.family_id == family.id, TranslationJob.language == "ar")
                      .order_by(TranslationJob.id.desc())).first()
        question = db.exec(select(PlanQuestion.id).join(Parent, Parent.id == PlanQuestion.parent_id)
                           .where(Parent.family_id == family.id, Parent.language == "ar")).first()
        partner = db.exec(select(DuoAssignment.id).where(DuoAssignment.family_id == family.id,
                                                         DuoAssignment.role == DuoRole.partner)).first()
    ask = f"/backoffice/families/{family.id}/questions/{question}/rendering"
    token = csrf_token(bram.get(f"/backoffice/families/{family.id}/answers").text)
    assert bram.post(ask, data={"csrf_token": token}).status_code == 302
    with database(app) as db:
        rendering = db.exec(select(ParentTextRendering.id).where(ParentTextRendering.text_id == question)).one()
    return {"family_id": family.id, "appointment_id": safe.id, "job_id": job.id, "rendering_id": rendering,
            "assignment_id": partner, "signal_id": signal_id}


def events_since(app, since: int) -> list[tuple]:
    with database(app) as db:
        return [(e.action, e.result, e.object, e.family_id) for e in db.exec(
            select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id))]


def last_event(app) -> int:
    with database(app) as db:
        return db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first() or 0


def test_every_staff_page_with_a_form_is_walked(team_app):
    """A route that shows a household and takes a POST must be in PAGES, with an invalid form of its own."""
    shown = {rule.endpoint for rule in team_app.url_map.iter_rules()
             if rule.endpoint.startswith("backoffice.") and {"GET", "POST"} <= rule.methods
             and rule.arguments & HOUSEHOLD_ARGUMENTS}
    assert shown == set(PAGES)


def test_an_invalid_post_or_a_change_of_language_records_the_same_look_as_the_page(team_app):
    clients = {name: signed_in_client(team_app, name) for name in ("bram", "teamlead", "tolk-ar")}
    ids = identifiers(team_app, clients["bram"])
    adapter = team_app.url_map.bind("localhost")
    failures = []
    for endpoint, (reader, action, form_id, typed_field, invalid) in PAGES.items():
        client = clients[reader]
        rule = next(rule for rule in team_app.url_map.iter_rules() if rule.endpoint == endpoint)
        url = adapter.build(endpoint, {name: ids[name] for name in rule.arguments})
        page = client.get(url)
        assert page.status_code == 200, url
        form = form_values(page, form_id) | invalid | {"csrf_token": csrf_token(page.text)}
        posts = {}
        for name, body, status in (("invalid", form, 400), ("language", dict(form, set_language="nl"), 200)):
            since = last_event(team_app)
            response = client.post(url, data=body)
            posts[name] = events_since(team_app, since)
            if response.status_code != status:
                failures.append(f"{name} POST {url}: {response.status_code}, not {status}")
                continue
            kept = form_values(response, form_id).get(typed_field, "")
            if not kept.startswith(TYPED):
                failures.append(f"{name} POST {url}: {typed_field} lost what was typed: {kept[:40]!r}")
        since = last_event(team_app)  # the page as it is now (a POST to the plan editor opens a draft)
        assert client.get(url).status_code == 200, url
        looks = [event for event in events_since(team_app, since) if event[0] == action]
        assert looks and looks[0][1] == "ok" and looks[0][3] == ids["family_id"], (url, looks)
        for name, events in posts.items():
            if looks[0] not in events:
                failures.append(f"{name} POST {url} recorded {events}, not the page's look {looks[0]}")
    assert not failures, "\n".join(failures)


def test_the_appointments_page_shown_again_with_errors_is_a_recorded_look_at_the_safe_place(team_app):
    """The finding: an invalid POST showed every appointment, the safe-place address included, unrecorded."""
    bram = signed_in_client(team_app, "bram")
    with database(team_app) as db:
        family = db.get(Family, el_idrissi(team_app))
    url = f"/backoffice/families/{family.id}/appointments"
    token = csrf_token(bram.get(url).text)
    since = last_event(team_app)
    response = bram.post(url, data={"csrf_token": token, "place": TYPED})
    assert response.status_code == 400
    assert SAFE_PLACE in text_of(response)  # the duo sees the address: so the look is on record
    assert ("appointment.view", "ok", f"family:{family.id}", family.id) in events_since(team_app, since)
