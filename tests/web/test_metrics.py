"""Metrics for a monitoring system (issue 26, point 4): scraped with the configured bearer token only; they count
requests by endpoint and status and tell the outbox's and the audit sealer's state and each scheduled job's last
success, never a URL, a name or a number of a household."""
import pytest
from sqlmodel import select

from portal import clock
from portal.models import Account, Parent
from portal.services import notifications, schedule
from support import factories
from support.pages import database
from support.sign_in import signed_in_client

pytestmark = pytest.mark.both_databases
TOKEN = "scrape-token-for-tests-0123456789"


def scrape(client, token: str | None = TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"} if token else {})


def value(text: str, line_start: str) -> float:
    return float(next(line for line in text.splitlines() if line.startswith(line_start)).rsplit(" ", 1)[1])


def test_no_metrics_without_a_configured_token_and_none_for_a_wrong_one(team_app):
    client = team_app.test_client()
    assert scrape(client).status_code == 404  # no token configured: the address does not exist
    team_app.config["METRICS_TOKEN"] = TOKEN
    assert scrape(client, None).status_code == 404
    assert scrape(client, "not-the-token").status_code == 404
    assert client.post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code in (400, 405)


def test_a_scrape_counts_requests_and_tells_the_outbox_the_sealer_and_the_schedule(team_app):
    team_app.config["METRICS_TOKEN"] = TOKEN
    made = factories.household(team_app, ["nl"], password=True)
    parent = signed_in_client(team_app, made.usernames[0])
    assert parent.get("/").status_code == 200
    with team_app.app_context(), database(team_app) as db:
        account = db.exec(select(Account).where(Account.username == made.usernames[0])).one()
        phone = db.exec(select(Parent.phone).where(Parent.id == made.parent_ids[0])).one()
        notifications.queue(db, account, "sms", phone, "Er is nieuws", dedupe_key="test:metrics")
        db.commit()
        schedule.run_due(team_app, team_app.extensions["engine"], "metrics-test", clock.now())
    page = scrape(team_app.test_client())
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/plain")
    text = page.get_data(as_text=True)
    assert value(text, 'portal_requests_total{endpoint="family.home",method="GET",status="200"}') >= 1
    assert 'portal_request_seconds_bucket{endpoint="family.home"' in text
    assert value(text, "portal_outbox_waiting ") == 1
    assert value(text, "portal_outbox_oldest_waiting_seconds ") >= 0
    assert value(text, "portal_audit_unsealed ") >= 0
    assert value(text, 'portal_scheduled_job_last_success_timestamp_seconds{job="reminders"}') > 0
    for private in (phone, made.name, made.usernames[0], f"/families/{made.family_id}"):
        assert private not in text
