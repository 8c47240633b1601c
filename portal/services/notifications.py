"""Notifications: the outbox and its senders, and calendar files. A parent's message never carries content, only that
there is news; a calendar file only the time and a neutral title.

A message is queued in the transaction of the change it announces (`queue` adds it to the caller's session,
the caller's commit writes both); no request ever waits for a provider. The worker (`portal worker`) claims due
messages (PostgreSQL: FOR UPDATE SKIP LOCKED; both: an UPDATE that must hit one unclaimed row), sends each with
the sender of its channel, and marks it sent only after the provider accepted it; a failure is recorded and
retried later (RETRY_AFTER), and after the last attempt the message is marked failed for the team lead."""
import dataclasses
import datetime as dt
import json
import logging
import smtplib
import urllib.request
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal import clock
from portal.models import Account, Appointment, AppointmentStatus, Family, OutboxMessage, Parent, Worker
from portal.policy import parent_reads
from portal.rules.audience import HOUSEHOLD

REMINDER_AHEAD = dt.timedelta(hours=24)
# After the n-th failed attempt the next one waits RETRY_AFTER[n - 1]; after the last one the message has failed.
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2),
               dt.timedelta(hours=12))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
# A claim older than this belongs to a worker that stopped half-way (a send times out after 10 seconds).
CLAIM_STALE = dt.timedelta(minutes=5)
BATCH = 20

log = logging.getLogger(__name__)


def queue(db: Session, account: Account, channel: str, to: str, body: str, dedupe_key: str | None = None) -> bool:
    """Add a message to the caller's transaction, once: the caller's commit writes it with the change it
    announces, a rollback drops both. A message with a key already queued is not added again (False)."""
    message = OutboxMessage(account_id=account.id, channel=channel, to=to, body=body, dedupe_key=dedupe_key,
                            next_attempt_at=clock.now())
    if dedupe_key is None:
        db.add(message)
        return True
    if db.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)).first() is not None:
        return False
    if db.get_bind().dialect.name == "sqlite":
        # SQLite has one writer at a time: once this transaction writes, nobody else can add the key.
        db.add(message)
        return True
    try:  # another transaction may add the same key meanwhile: only this savepoint is undone, not the change
        with db.begin_nested():
            db.add(message)
    except IntegrityError:
        return False
    return True


def address_of(parent: Parent) -> tuple[str, str] | None:
    """The one rule for the channel and address of a parent's message, from the contact details the duo keeps:
    an e-mail when their messages go by e-mail and an address is known, else an SMS to their phone; None when
    neither is known. A parent whose messages go by SMS never gets an e-mail instead (someone else may read that
    mailbox), nor news at the phone they chose for sign-in codes (codes always go there by SMS, auth/views.py)."""
    if parent.notify_by == "email" and parent.email:
        return "email", parent.email
    return ("sms", parent.phone) if parent.phone else None


def news_text(account: Account) -> str:
    """The only thing a parent's notification says, in their language."""
    with force_locale(account.language or "nl"):
        return _("There is news in your portal: %(app)s", app=current_app.config["APP_NAME"])


def sms_code_text(account: Account, code: str) -> str:
    with force_locale(account.language or "nl"):
        return _("Your code: %(code)s. It works for 5 minutes.", code=code)


class NoSender(RuntimeError):
    """No sender is configured for a message's channel: the message waits, is retried and fails visibly."""


class FileSender:
    """Development and test sender: appends each message as a JSON line to instance/outbox.log."""

    channels = ("sms", "email")

    def __init__(self, path: Path):
        self.path = path

    def send(self, message: OutboxMessage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"channel": message.channel, "to": message.to, "body": message.body}) + "\n")


class SmtpSender:
    """E-mail through an SMTP relay (PORTAL_SMTP_HOST, PORTAL_SMTP_FROM); it sends e-mail only."""

    channels = ("email",)

    def __init__(self, host: str, sender_address: str):
        self.host, self.sender_address = host, sender_address

    def send(self, message: OutboxMessage) -> None:
        if message.channel != "email":
            raise NoSender("the SMTP sender sends e-mail only")
        mail = EmailMessage()
        # The subject is the portal's neutral name: the mailbox may be read by someone else too.
        mail["From"], mail["To"], mail["Subject"] = self.sender_address, message.to, current_app.config["APP_NAME"]
        mail["Date"], mail["Message-ID"] = formatdate(), make_msgid(domain=self.sender_address.rpartition("@")[2])
        # Quoted-printable: seven-bit safe for every relay, whatever the script of the parent's language.
        mail.set_content(message.body, cte="quoted-printable")
        with smtplib.SMTP(self.host, timeout=10) as relay:
            relay.send_message(mail)


class HttpSmsSender:
    """SMS through a provider's HTTP interface: a JSON POST of {to, body} to PORTAL_SMS_URL; it sends SMS only."""

    channels = ("sms",)

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def send(self, message: OutboxMessage) -> None:
        if message.channel != "sms":
            raise NoSender("the SMS sender sends SMS only")
        request = urllib.request.Request(self.url, method="POST", data=json.dumps(
            {"to": message.to, "body": message.body}).encode(), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status >= 300:
                raise OSError(f"SMS provider answered {response.status}")


SENDERS: dict[str, type[FileSender | SmtpSender | HttpSmsSender]] = {
    "file": FileSender, "smtp": SmtpSender, "http-sms": HttpSmsSender}
CHANNELS = ("sms", "email")


def sender_names(setting: str) -> dict[str, str]:
    """PORTAL_NOTIFY_SENDER: one sender per channel (`sms=http-sms,email=smtp`), or one name: `file` for
    every channel, `smtp` for e-mail, `http-sms` for SMS. Raises ValueError on a name it does not know."""
    setting = (setting or "file").strip()
    if "=" not in setting:
        if setting not in SENDERS:
            raise ValueError(f"unknown sender {setting!r}")
        return {channel: setting for channel in CHANNELS if channel in SENDERS[setting].channels}
    names = {}
    for part in setting.split(","):
        channel, _sep, name = (piece.strip() for piece in part.partition("="))
        if channel not in CHANNELS or name not in SENDERS or channel not in SENDERS[name].channels:
            raise ValueError(f"cannot send {channel!r} with {name!r}")
        names[channel] = name
    return names


def sender(channel: str = "sms"):
    """The configured sender of a channel: 'file' (development and tests), 'smtp' (e-mail), 'http-sms' (SMS)."""
    config = current_app.config
    name = sender_names(config["NOTIFY_SENDER"]).get(channel)
    if name == "smtp":
        return SmtpSender(config["SMTP_HOST"], config["SMTP_FROM"])
    if name == "http-sms":
        return HttpSmsSender(config["SMS_URL"], config["SMS_TOKEN"])
    if name == "file":
        return FileSender(Path(current_app.instance_path) / "outbox.log")
    raise NoSender(f"no sender configured for {channel}")


def _reachable_parents(family_id: int):
    """Parents of the household with an active account, while its case is open: a closed case gets no news, its
    parents cannot open their pages. Whether and where each one gets a message is address_of's to decide."""
    return (select(Parent, Account).join(Account, col(Account.id) == Parent.account_id)
            .join(Family, col(Family.id) == Parent.family_id)
            .where(col(Parent.family_id) == family_id, col(Account.active), col(Family.closed_at).is_(None)))


def tell_parents(db: Session, family_id: int, reason: str, audience: str = HOUSEHOLD,
                 only: set[int] | None = None) -> None:
    """Let the parents the news is for know there is news (those in its audience, and of these `only` the
    given ones); the message says nothing more, and nobody else even learns that there was news. The messages
    join the caller's transaction: commit them with the change they announce."""
    rows = db.exec(_reachable_parents(family_id)).all()
    for parent, account in rows:
        where = address_of(parent)
        if where and parent_reads(parent, audience) and (only is None or parent.id in only):
            queue(db, account, *where, news_text(account), dedupe_key=f"{reason}:{parent.id}"[:120])


def queue_reminders(db: Session, now: dt.datetime) -> int:
    """A discreet reminder to each parent for appointments starting within 24 hours, once (the caller commits;
    the worker sends them)."""
    soon = db.exec(select(Appointment).where(Appointment.status == AppointmentStatus.planned,
                                             Appointment.starts_at > now,
                                             Appointment.starts_at <= now + REMINDER_AHEAD)).all()
    queued = 0
    for appointment in soon:
        rows = db.exec(_reachable_parents(appointment.family_id)).all()
        for parent, account in rows:
            where = address_of(parent)
            if where and parent_reads(parent, appointment.audience) and queue(
                    db, account, *where, news_text(account), dedupe_key=f"reminder:{appointment.id}:{parent.id}"):
                queued += 1
    return queued


# --- the worker ----------------------------------------------------------------------------------

@dataclasses.dataclass
class Pass:
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # attempts that failed (retried later, or given up)


def worker_name() -> str:
    return uuid.uuid4().hex


def _claimable(now: dt.datetime):
    return (col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None),
            or_(col(OutboxMessage.claimed_at).is_(None), col(OutboxMessage.claimed_at) < now - CLAIM_STALE))


def claim(db: Session, worker: str, now: dt.datetime, batch: int = BATCH) -> list[OutboxMessage]:
    """Claim up to `batch` due messages for this worker and commit the claim. PostgreSQL skips the rows
    another worker has locked; on both backends each claim is an UPDATE that must hit one unclaimed row."""
    due = (select(OutboxMessage.id)
           .where(*_claimable(now),
                  or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now))
           .order_by(col(OutboxMessage.id)).limit(batch))
    if db.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = []
    for message_id in db.exec(due).all():
        result = db.exec(update(OutboxMessage).where(col(OutboxMessage.id) == message_id, *_claimable(now))
                         .values(claimed_at=now, claimed_by=worker))
        if result.rowcount == 1:
            claimed.append(message_id)
    db.commit()
    if not claimed:
        return []
    return list(db.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed))
                        .order_by(col(OutboxMessage.id))).all())


def deliver(db: Session, message: OutboxMessage, worker: str, now: dt.datetime | None = None) -> bool:
    """Send one claimed message; mark it sent only after the provider accepted it, else record the error and
    schedule the next attempt (or mark it failed after the last). Never raises for a provider's error."""
    try:
        sender(message.channel).send(message)
    except Exception as error:  # any provider or network error: the message waits for its next attempt
        when = now or clock.now()
        attempts = message.attempts + 1
        values = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:500],
                  "claimed_at": None, "claimed_by": None}
        if attempts >= MAX_ATTEMPTS:
            values["failed_at"] = when
        else:
            values["next_attempt_at"] = when + RETRY_AFTER[attempts - 1]
        db.exec(update(OutboxMessage)
                .where(col(OutboxMessage.id) == message.id, col(OutboxMessage.claimed_by) == worker)
                .values(**values))
        db.commit()
        log.warning("outbox message %s not sent (attempt %s of %s): %s", message.id, attempts, MAX_ATTEMPTS,
                    type(error).__name__)
        return False
    db.exec(update(OutboxMessage).where(col(OutboxMessage.id) == message.id, col(OutboxMessage.claimed_by) == worker)
            .values(sent_at=now or clock.now(), attempts=message.attempts + 1, last_error=None,
                    claimed_at=None, claimed_by=None))
    db.commit()
    return True


def run_pass(db: Session, worker: str | None = None, now: dt.datetime | None = None, batch: int = BATCH) -> Pass:
    """One pass of the worker: claim a batch of due messages, send each, mark each."""
    worker = worker or worker_name()
    done = Pass()
    for message in claim(db, worker, now or clock.now(), batch):
        done.claimed += 1
        if deliver(db, message, worker, now):
            done.sent += 1
        else:
            done.failed += 1
    return done


def drain(db: Session, worker: str | None = None, now: dt.datetime | None = None, batch: int = BATCH) -> Pass:
    """Passes until nothing is due: everything due now is tried once (a failure waits for its backoff)."""
    total = Pass()
    while True:
        done = run_pass(db, worker, now, batch)
        total.claimed, total.sent, total.failed = (total.claimed + done.claimed, total.sent + done.sent,
                                                   total.failed + done.failed)
        if done.claimed == 0:
            return total


def undelivered(db: Session, team_id: int, limit: int = 20) -> list[tuple[str, dt.datetime]]:
    """Messages to the team's people that could not be sent: the account's name and when it was given up,
    never the content or the address."""
    parents = (select(Account.display_name, OutboxMessage.failed_at)
               .join(Account, col(Account.id) == OutboxMessage.account_id)
               .join(Parent, col(Parent.account_id) == Account.id).join(Family, col(Family.id) == Parent.family_id)
               .where(col(OutboxMessage.failed_at).is_not(None), col(Family.team_id) == team_id))
    staff = (select(Account.display_name, OutboxMessage.failed_at)
             .join(Account, col(Account.id) == OutboxMessage.account_id)
             .join(Worker, col(Worker.account_id) == Account.id)
             .where(col(OutboxMessage.failed_at).is_not(None), col(Worker.team_id) == team_id))
    rows = list(db.exec(parents.order_by(col(OutboxMessage.failed_at).desc()).limit(limit)).all())
    rows += list(db.exec(staff.order_by(col(OutboxMessage.failed_at).desc()).limit(limit)).all())
    found = []
    for name, when in rows:
        assert when is not None  # both queries read given-up messages only
        found.append((name, when))
    return sorted(found, key=lambda row: row[1], reverse=True)[:limit]


def neutral_event(appointment: Appointment, title: str) -> bytes:
    """Only the time and a neutral title: no place, purpose or names (a phone may be checked)."""
    calendar = Calendar()
    calendar.add("prodid", "-//portal//afspraak//NL")
    calendar.add("version", "2.0")
    event = Event()
    start = appointment.starts_at
    event.add("uid", f"{appointment.key}@portal")
    event.add("dtstamp", start)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=appointment.duration_minutes))
    event.add("summary", title)
    calendar.add_component(event)
    return calendar.to_ical()
