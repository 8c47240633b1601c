"""Command line: `portal demo`, `portal db upgrade`, `portal create-user`, `portal audit verify`, ..."""
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select
from werkzeug.serving import WSGIRequestHandler, run_simple

from portal import db
from portal.models import Account, Family, Interpreter, Parent, Role, Team, Worker
from portal.services import audit


def register(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(db_group)
    app.cli.add_command(create_user)
    app.cli.add_command(audit_group)
    app.cli.add_command(translations_group)
    app.cli.add_command(send_reminders)
    app.cli.add_command(worker_command)
    for command in (backup_command, restore_command, retention_command):
        app.cli.add_command(command)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only create the database and load the demo data.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create or migrate the database, load demo data once, print the demo accounts, serve."""
    from portal import demo as demo_data

    db.upgrade(current_app.config["DATABASE_URL"])
    with Session(db.engine()) as session:
        created = demo_data.load(session)
    click.echo("Demo data loaded." if created else "Demo data was already there; nothing added.")
    click.echo(f"Demo accounts (password for all: {demo_data.DEMO_PASSWORD}):")
    for account in demo_data.DEMO_ACCOUNTS:
        click.echo(f"  {account.username:<15} {account.role:<12} password {demo_data.DEMO_PASSWORD}  "
                   f"TOTP secret {account.totp_secret}")
    if not no_serve:
        click.echo(f"Family pages: http://{host}:{port}/   Back office: http://{host}:{port}/backoffice/")
        # Not app.run(): Flask ignores that call inside a `flask`/FlaskGroup command.
        # The app itself, not the proxy (the server's threads have no app context); Flask types current_app as a
        # Flask, not as the proxy it is, hence the ignore.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        run_simple(host, port, app, use_reloader=False, use_debugger=False,
                   threaded=True, request_handler=UnnamedServerHandler)


class UnnamedServerHandler(WSGIRequestHandler):
    """The development server without its name and versions in the Server header: they only help an attacker."""

    def version_string(self) -> str:
        return "web"


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply all migrations."""
    db.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@click.command("create-user")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--username", required=True)
@click.option("--name", required=True, help="Full name as shown to others.")
@click.option("--team", help="Team name (workers and team leads); created when missing.")
@click.option("--organisation", default="", help="Organisation of origin (workers).")
@click.option("--phone", default="", help="Work phone (workers) or phone (parents).")
@click.option("--languages", default="", help="Comma separated language codes (interpreters), e.g. ar,en.")
@click.option("--family", "family_id", type=int, help="Household number (parents).")
@click.option("--language", default="nl", help="Preferred language (parents).")
@with_appcontext
def create_user(role, username, name, team, organisation, phone, languages, family_id, language) -> None:
    """Create an account. Staff set a password now and link an app at first sign-in;
    parents get an activation code for their letter."""
    from portal.accounts import secrets as auth_secrets
    from portal.web.secret import code_key

    with Session(db.engine()) as session:
        if session.exec(select(Account).where(Account.username == username.lower())).first():
            raise click.ClickException(f"The username {username} is taken.")
        account = Account(username=username.lower(), role=Role(role), display_name=name, language=language)
        if role == Role.parent.value:
            family = session.get(Family, family_id) if family_id else None
            if family is None:
                raise click.ClickException("A parent needs --family with an existing household number.")
            session.add(account)
            session.flush()
            assert family.id is not None  # found by its number
            session.add(Parent(family_id=family.id, account_id=account.id, name=name, language=language,
                               phone=phone or None))
            session.commit()
            code = auth_secrets.issue_code(session, account, "activation", code_key())
            click.echo(f"Activation code for {username} (valid 7 days, once): {code}")
            return
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problem = auth_secrets.password_problem(password, username)
        if problem:
            raise click.ClickException("That password is too short or too easy to guess.")
        account.password_hash = auth_secrets.hash_password(password)
        session.add(account)
        session.flush()
        if role == Role.interpreter.value:
            session.add(Interpreter(account_id=account.id, name=name, languages=languages or "en"))
        else:
            if not team:
                raise click.ClickException("Workers and team leads need --team.")
            team_row = session.exec(select(Team).where(Team.name == team)).first() or Team(name=team)
            session.add(team_row)
            session.flush()
            assert team_row.id is not None  # stored: found, or given its id by the flush
            session.add(Worker(account_id=account.id, team_id=team_row.id, name=name,
                               organisation=organisation, phone=phone))
        session.commit()
        click.echo(f"Created {role} {username}. They link an authenticator app at first sign-in.")


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("seal")
@with_appcontext
def audit_seal() -> None:
    """Chain the events written since the last seal (the app also seals after each audited request)."""
    end = audit.seal(current_app, wait=True)
    assert end is not None  # a sealer that waits for the lock always seals
    click.echo(f"Sealed {end.sealed} events; the chain ends at seq {end.seq}.")


@audit_group.command("verify")
@click.option("--full", is_flag=True, help="Check from the first event, not from where the last verify ended.")
@with_appcontext
def audit_verify(full: bool) -> None:
    """Seal, then check the keyed chain, its checkpoints and the anchor file; name the first broken link."""
    report = audit.verify(current_app, full=full)
    if report.sealed:
        click.echo(f"Sealed {report.sealed} events first.")
    span = f" (seq {max(report.start, 1)} to {report.end})" if report.examined else ""
    click.echo(f"Checked {report.examined} events{span}; checkpoints: {report.checkpoints} in the table, "
               f"{report.anchored} in the anchor file; waiting for the sealer: {report.unsealed} events.")
    first = report.first
    if first is None:
        click.echo("Audit log intact.")
        return
    where = f"event {first.event_id} (seq {first.seq})" if first.event_id is not None else f"seq {first.seq}"
    click.echo(f"Audit log broken at {where}: {first.reason}.")
    if len(report.breaks) > 1:
        click.echo(f"{len(report.breaks)} broken links in all; the first is named above.")
    sys.exit(1)


@click.group("translations")
def translations_group() -> None:
    """Interface translations (pybabel): update, compile, check."""


@translations_group.command("update")
def translations_update() -> None:
    """Extract messages from the code and merge them into every catalogue."""
    from portal.web import catalogues

    catalogues.update()


@translations_group.command("compile")
def translations_compile() -> None:
    from portal.web import catalogues

    catalogues.compile_all()


@translations_group.command("check")
def translations_check() -> None:
    """Fail when the template is out of date or any catalogue is incomplete, fuzzy or broken."""
    from portal.web import catalogues

    found = catalogues.problems()
    for problem in found:
        click.echo(problem)
    if found:
        sys.exit(1)
    click.echo("All catalogues complete.")


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Queue discreet reminders for appointments within 24 hours; the worker (`portal worker`) sends them.
    Safe to run from cron every few minutes: nothing is ever queued twice."""
    from portal import clock
    from portal.services import notifications

    with Session(db.engine()) as session:
        queued = notifications.queue_reminders(session, clock.now())
        session.commit()
    click.echo(f"Queued {queued} reminders.")


SCHEDULE_LOOK = 30.0  # seconds between the worker's looks at its schedule (a job's interval is minutes or more)


@click.command("worker")
@click.option("--once", is_flag=True, help="Send everything that is due now, then stop (tests, cron).")
@click.option("--interval", default=1.0, show_default=True, type=float,
              help="Seconds to wait when nothing is due.")
@click.option("--batch", default=20, show_default=True, type=click.IntRange(1, 500),
              help="Messages claimed at a time.")
@click.option("--schedule/--no-schedule", default=True, show_default=True,
              help="Also run the scheduled jobs (reminders, retention, sealing and verifying the audit log).")
@with_appcontext
def worker_command(once: bool, interval: float, batch: int, schedule: bool) -> None:
    """Send the outbox: claim due messages, send each with its channel's sender, mark it sent or retry later; and
    run the scheduled jobs when they are due (no cron needed). Several workers may run at once (on PostgreSQL): a
    message or a job is taken by one of them. SIGTERM or Ctrl-C stops it after the message or job at hand."""
    import signal
    import threading

    from sqlalchemy.exc import OperationalError

    from portal.services import notifications
    from portal.services import schedule as scheduled

    try:
        names = notifications.sender_names(current_app.config["NOTIFY_SENDER"])
    except ValueError as error:
        raise click.ClickException(f"PORTAL_NOTIFY_SENDER: {error}") from error
    name = notifications.worker_name()
    if once:
        with Session(db.engine()) as session:
            done = notifications.drain(session, name, batch=batch)
        click.echo(f"Sent {done.sent} messages, {done.failed} failed (tried again later).")
        return
    stop = threading.Event()

    def _stop(_signum, _frame) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop)
    channels = ", ".join(f"{channel} by {sender}" for channel, sender in sorted(names.items()))
    click.echo(f"Outbox worker started ({channels}){', with the schedule' if schedule else ''}; "
               f"stop with SIGTERM or Ctrl-C.")
    next_schedule = 0.0  # time.monotonic() of the next look at the schedule
    while not stop.is_set():
        try:
            if schedule and time.monotonic() >= next_schedule:
                for job in scheduled.run_due(current_app, db.engine(), name):
                    click.echo(f"Ran the scheduled job {job}.")
                next_schedule = time.monotonic() + SCHEDULE_LOOK
            with Session(db.engine()) as session:
                done = notifications.run_pass(session, name, batch=batch)
        except OperationalError:  # the database is away for a moment: try again shortly
            current_app.logger.warning("outbox worker: database unreachable, trying again")
            done = notifications.Pass()
            stop.wait(max(interval, 5.0))
        if done.claimed < batch:
            stop.wait(interval)
    click.echo("Outbox worker stopped.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Copy the SQLite database consistently while the portal runs (PostgreSQL: use pg_dump)."""
    from portal.services import retention

    retention.backup(current_app.config["DATABASE_URL"], target)
    click.echo(f"Backup written to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path) -> None:
    """Replace the SQLite database with a backup (stop the portal first; PostgreSQL: pg_restore)."""
    from portal.services import retention

    retention.restore(current_app.config["DATABASE_URL"], source)
    click.echo(f"Restored from {source}.")


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Remove households closed longer ago than the retention period (default 15 years), audited; and sessions,
    sign-in steps and codes that ended."""
    from portal.services import retention

    years = current_app.config["RETENTION_YEARS"]
    with Session(db.engine()) as session:
        ended = ", ".join(f"{count} {name}" for name, count in retention.ended_sign_ins(session).items())
        click.echo(f"{'Would remove' if dry_run else 'Removing'} ended sign-ins: {ended}.")
        if dry_run:
            for family in retention.expired_families(session, years):
                click.echo(f"Would remove household {family.id} (closed {family.closed_at:%Y-%m-%d}).")
        else:
            for family_id in retention.run(session, years, origin="cli"):
                click.echo(f"Removed household {family_id}.")
    if not dry_run:
        audit.seal(current_app, wait=True)
