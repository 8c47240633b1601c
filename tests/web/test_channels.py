"""E-mail and SMS as channels per parent: the duo sets a parent's e-mail address and how their messages go on the
members page, and the worker sends each parent's news by that channel only: e-mail through an SMTP relay, SMS
through the SMS provider (both on loopback). An e-mail says no more than the SMS: no plan content, no names."""
import email
from email import policy

import pytest
from flask_babel import force_locale, gettext
from sqlmodel import select

from portal.models import Account, OutboxMessage, Parent
from portal.services import notifications
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.providers import SmsProvider, SmtpRelay
from support.sign_in import signed_in_client


def el_idrissi(app) -> int:
    """Fatima and Youssef El Idrissi, who read Arabic, have phones and are kept apart, with Bram in their duo and a
    draft of their first plan saved (nobody has had news yet)."""
    household = factories.fatima_and_youssef(app)
    factories.saved_draft(app, household.family_id)
    return household.family_id


@pytest.fixture
def providers(team_app):
    sms, relay = SmsProvider(), SmtpRelay()
    team_app.config.update(NOTIFY_SENDER="sms=http-sms,email=smtp", SMS_URL=sms.url, SMS_TOKEN="t0ken",
                           SMTP_HOST=relay.host, SMTP_FROM="portaal@example.nl")
    yield sms, relay
    sms.close()
    relay.close()


def members_page(client, family: int):
    page = client.get(f"/backoffice/families/{family}/members")
    assert page.status_code == 200
    return page


def row_of(form: dict[str, str], name: str) -> str:
    """The field prefix ("parent-0") of the parent row showing this name."""
    return next(key.removesuffix("-name") for key, value in form.items()
                if key.startswith("parent-") and key.endswith("-name") and value == name)


def parent(app, name: str) -> Parent:
    with database(app) as db:
        return db.exec(select(Parent).where(Parent.name == name)).one()


def news(app, language: str) -> str:
    """The one thing a parent's message says, as a parent with this language reads it."""
    with app.test_request_context(), force_locale(language):
        return gettext("There is news in your portal: %(app)s", app=app.config["APP_NAME"])


def mail_to_fatima(app, client, family: int, address: str = "fatima@voorbeeld.nl") -> None:
    """Bram types Fatima's address on the members page and chooses e-mail for her messages."""
    form = form_values(members_page(client, family), "members-form")
    row = row_of(form, "Fatima El Idrissi")
    form.update({f"{row}-email": address, f"{row}-notify_by": "email"})
    saved = client.post(f"/backoffice/families/{family}/members", data=form)
    assert saved.status_code == 302, text_of(saved)


def test_the_duo_sets_a_parents_email_and_channel_and_a_wrong_address_is_refused_with_everything_kept(team_app):
    family = el_idrissi(team_app)
    phone = parent(team_app, "Fatima El Idrissi").phone
    bram = signed_in_client(team_app, "bram")
    page = members_page(bram, family)
    form = form_values(page, "members-form")
    row = row_of(form, "Fatima El Idrissi")
    assert form[f"{row}-email"] == "" and form[f"{row}-notify_by"] == "sms"  # as every parent had it
    assert soup(page).select_one(f"#{row}-email")["type"] == "email"
    assert soup(page).select_one(f"#{row}-email")["maxlength"] == "254"

    for wrong in ("fatima@voorbeeld", "fatima voorbeeld.nl", "fatima@@voorbeeld.nl", "fatima @voorbeeld.nl"):
        refused = bram.post(f"/backoffice/families/{family}/members",
                            data=dict(form, **{f"{row}-email": wrong, f"{row}-notify_by": "email",
                                               f"{row}-phone": "06 11112222"}))
        assert refused.status_code == 400, wrong
        shown = soup(refused)
        assert shown.select_one(f"#{row}-email-error").get_text() == say(
            team_app, "nl", "Type an e-mail address, e.g. naam@voorbeeld.nl.")
        assert shown.select_one(f"#{row}-email")["value"] == wrong  # what was typed stays
        assert shown.select_one(f"#{row}-phone")["value"] == "06 11112222"
        assert shown.select_one(f"input[name='{row}-notify_by'][value='email']").has_attr("checked")
    # E-mail chosen without an address: nothing to send to.
    refused = bram.post(f"/backoffice/families/{family}/members", data=dict(form, **{f"{row}-notify_by": "email"}))
    assert refused.status_code == 400
    assert soup(refused).select_one(f"#{row}-notify_by-error").get_text() == say(
        team_app, "nl", "Type the e-mail address the messages go to, or choose SMS.")
    assert (parent(team_app, "Fatima El Idrissi").email, parent(team_app, "Fatima El Idrissi").notify_by) == (
        None, "sms")  # nothing refused was saved

    mail_to_fatima(team_app, bram, family)
    fatima = parent(team_app, "Fatima El Idrissi")
    assert (fatima.email, fatima.notify_by, fatima.phone) == ("fatima@voorbeeld.nl", "email", phone)
    youssef = parent(team_app, "Youssef El Idrissi")
    assert (youssef.email, youssef.notify_by) == (None, "sms")
    again = form_values(members_page(bram, family), "members-form")
    assert (again[f"{row}-email"], again[f"{row}-notify_by"]) == ("fatima@voorbeeld.nl", "email")


def test_at_intake_the_team_lead_gives_a_parent_an_email_address_for_messages(team_app):
    lead = signed_in_client(team_app, "teamlead")
    page = lead.get("/backoffice/households/new")
    form = form_values(page, "household-form")
    assert form["parent-0-notify_by"] == "sms"
    workers = [o["value"] for o in soup(page).select("select#contact option") if o["value"]]
    form.update({"name": "Gezin Visser", "contact": workers[0], "partner": workers[1],
                 "parent-0-name": "Ilse Visser", "parent-0-email": "ilse visser@voorbeeld.nl",
                 "parent-0-notify_by": "email"})
    refused = lead.post("/backoffice/households/new", data=form)
    assert refused.status_code == 400
    assert soup(refused).select_one("#parent-0-email")["value"] == "ilse visser@voorbeeld.nl"
    assert soup(refused).select_one("#parent-0-name")["value"] == "Ilse Visser"
    # An address but messages by SMS, and no phone: she would hear nothing.
    unreachable = lead.post("/backoffice/households/new", data=dict(form, **{"parent-0-email": "ilse@voorbeeld.nl",
                                                                             "parent-0-notify_by": "sms"}))
    assert unreachable.status_code == 400
    assert soup(unreachable).select_one("#parent-0-notify_by-error").get_text() == say(
        team_app, "nl", "Type the phone number the messages go to, or choose e-mail.")
    started = lead.post("/backoffice/households/new", data=dict(form, **{"parent-0-email": "ilse@voorbeeld.nl"}))
    assert started.status_code == 302, text_of(started)
    ilse = parent(team_app, "Ilse Visser")
    assert (ilse.email, ilse.notify_by, ilse.phone) == ("ilse@voorbeeld.nl", "email", None)
    assert notifications.address_of(ilse) == ("email", "ilse@voorbeeld.nl")


def test_a_publish_reaches_each_parent_by_their_own_channel_only_and_the_email_says_nothing_more(team_app, providers):
    sms, relay = providers
    family = el_idrissi(team_app)
    bram = signed_in_client(team_app, "bram")
    mail_to_fatima(team_app, bram, family)

    editor = bram.get(f"/backoffice/families/{family}/plan")
    plan = form_values(editor, "plan-form")
    published = bram.post(f"/backoffice/families/{family}/plan", data=dict(plan, action="publish"))
    assert published.status_code == 302, text_of(published)
    assert sms.calls == 0 and relay.received == []  # the request never calls a provider
    result = team_app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "Sent 2 messages" in result.output, result.output

    fatima, youssef = parent(team_app, "Fatima El Idrissi"), parent(team_app, "Youssef El Idrissi")
    with database(team_app) as db:
        accounts = {a.id: a for a in db.exec(select(Account).where(Account.id.in_([fatima.account_id,
                                                                                 youssef.account_id])))}
        sent = db.exec(select(OutboxMessage.account_id, OutboxMessage.channel, OutboxMessage.to)).all()
    assert sorted(sent) == sorted([(fatima.account_id, "email", "fatima@voorbeeld.nl"),
                                   (youssef.account_id, "sms", youssef.phone)])
    # Youssef gets an SMS; nothing goes to Fatima's phone.
    assert sms.accepted == [{"to": youssef.phone, "body": news(team_app, accounts[youssef.account_id].language)}]

    assert len(relay.received) == 1
    mail = email.message_from_string(relay.received[0], policy=policy.default)
    assert (mail["To"], mail["From"], mail["Subject"]) == ("fatima@voorbeeld.nl", "portaal@example.nl",
                                                           team_app.config["APP_NAME"])
    body = mail.get_content().strip()
    assert body == news(team_app, accounts[fatima.account_id].language)  # the SMS's words, in Fatima's language
    plan_texts = [value for key, value in plan.items() if len(value) > 12 and not key.startswith("csrf")]
    assert plan_texts  # the plan has content the mail must not carry
    everything = relay.received[0] + body
    for secret in (*plan_texts, "Youssef", "El Idrissi", fatima.phone, youssef.phone):
        assert secret not in everything, secret


def test_the_channel_rule_keeps_to_what_was_chosen():
    by_mail = Parent(name="A", family_id=1, phone="06 11112222", email="a@voorbeeld.nl", notify_by="email")
    assert notifications.address_of(by_mail) == ("email", "a@voorbeeld.nl")
    assert notifications.address_of(Parent(name="A", family_id=1, phone="06 11112222", notify_by="email")) == (
        "sms", "06 11112222")  # e-mail chosen, no address known: the phone
    # SMS chosen: never the mailbox instead, which someone else may read.
    assert notifications.address_of(Parent(name="A", family_id=1, email="a@voorbeeld.nl", notify_by="sms")) is None
    assert notifications.address_of(Parent(name="A", family_id=1)) is None
