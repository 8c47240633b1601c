"""The real senders: an HTTP SMS provider and an SMTP relay, both played by servers on loopback."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from portal.models import OutboxMessage
from portal.services import notifications
from support.providers import SmtpRelay


@pytest.fixture
def sms_provider():
    received = []

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.headers["Authorization"],
                             json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/messages", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_relay():
    relay = SmtpRelay()
    yield relay.host, relay.received
    relay.close()


def test_sms_goes_to_the_provider_with_its_token(make_app, sms_provider, tmp_path):
    url, received = sms_provider
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", NOTIFY_SENDER="http-sms", SMS_URL=url, SMS_TOKEN="t0ken")
    with app.app_context():
        notifications.sender("sms").send(OutboxMessage(channel="sms", to="0612345678",
                                                       body="Er is nieuws in je portaal"))
    assert received == [("Bearer t0ken", {"to": "0612345678", "body": "Er is nieuws in je portaal"})]


def test_email_goes_through_the_relay_with_the_neutral_name(make_app, smtp_relay, tmp_path):
    host, received = smtp_relay
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", NOTIFY_SENDER="smtp", SMTP_HOST=host,
                   SMTP_FROM="portaal@example.nl")
    with app.app_context():
        notifications.sender("email").send(OutboxMessage(channel="email", to="ouder@example.nl",
                                                  body="Er is nieuws in je portaal"))
    assert len(received) == 1
    assert "Subject: Mijn Portaal" in received[0] and "Er is nieuws in je portaal" in received[0]
    assert "To: ouder@example.nl" in received[0]


def test_each_sender_sends_its_own_channel_and_the_setting_names_one_per_channel(make_app, tmp_path):
    names = notifications.sender_names
    assert names("file") == {"sms": "file", "email": "file"}
    assert names("smtp") == {"email": "smtp"} and names("http-sms") == {"sms": "http-sms"}
    assert names("sms=http-sms,email=smtp") == {"sms": "http-sms", "email": "smtp"}
    for wrong in ("sms=smtp", "email=http-sms", "fax=file", "pigeon"):
        with pytest.raises(ValueError):
            names(wrong)
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", NOTIFY_SENDER="smtp")
    with app.app_context():
        with pytest.raises(notifications.NoSender):  # no SMS sender configured: the message waits, visibly
            notifications.sender("sms")
        with pytest.raises(notifications.NoSender):
            notifications.SmtpSender("127.0.0.1:1", "a@b").send(OutboxMessage(channel="sms", to="06", body="x"))
        with pytest.raises(notifications.NoSender):
            notifications.HttpSmsSender("http://127.0.0.1:1", "t").send(
                OutboxMessage(channel="email", to="a@b", body="x"))
