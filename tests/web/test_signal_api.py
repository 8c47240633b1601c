"""The partners' signals interface (issue 25, point 5), as a partner organisation's own system uses it: the portal runs
as a real server (gunicorn, support/servers.py) and is called with curl, a client that is not the portal's code.
Without a token, with an unknown or a revoked one: 401; a body that is not JSON: 415; a signal with wrong fields:
400 with a message per field and nothing stored; a good one: 201 with its Location and the receipt, which GET reads
back; an addition: 201; too many calls for one token: 429 (PORTAL_PARTNER_API_LIMIT is set low in the server's
environment). The description (portal/partner/openapi.json) is a valid OpenAPI document (openapi-spec-validator, as
pinned), every answer's status is one it describes for that operation, and every JSON body has the shape of the
schema it gives (jsonschema, which the validator brings).

Made here: the demo team (a database copied from the suite's template) with the police district's wijkagent and
tokens of its system (support/factories.py), written through a portal app of the test's own on the server's
database. The server keeps the machine's time: PORTAL_TEST_NOW does not reach it, so the signals say they happened
half an hour before the real now."""
import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlmodel import func, select

from portal import create_app
from portal.models import PartnerToken, Signal, SignalAddition
from portal.partner.machine import DESCRIPTION
from portal.services.signals import token_hash
from support import factories
from support.apps import TEST_AUDIT_KEY, TEST_SECRET_KEY, app_settings
from support.binaries import require_binary
from support.pages import database
from support.servers import server_env, start_app_servers, stop, tail
from support.sign_in import csrf_token, signed_in_client

LIMIT = 6  # calls per minute for one token, in the server's environment
SPEC = Path(__file__).resolve().parents[2] / "portal" / "partner" / "openapi.json"
BASE = "/api/v1"


@pytest.fixture(scope="module")
def shared(databases, tmp_path_factory):
    """The server's database (the demo team) and a portal app of the test's own on it."""
    url = databases.create("sqlite", "team", tmp_path_factory.mktemp("api-db"))
    app = create_app(app_settings(url, tmp_path_factory.mktemp("api-app") / "instance"))
    yield app
    app.extensions["engine"].dispose()
    databases.drop(url)


@pytest.fixture(scope="module")
def server(shared, tmp_path_factory):
    directory = tmp_path_factory.mktemp("api-server")
    env = server_env(PORTAL_ENV="local", PORTAL_INSTANCE=str(directory / "instance"), SECRET_KEY=TEST_SECRET_KEY,
                     PORTAL_AUDIT_KEY=TEST_AUDIT_KEY, DATABASE_URL=shared.config["DATABASE_URL"],
                     PORTAL_PARTNER_API_LIMIT=f"{LIMIT}/minute")
    started = {}
    try:
        try:
            started = start_app_servers({"api": (directory, env)})
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        yield started["api"]
    finally:
        for one in started.values():
            stop(one.process)


@pytest.fixture(scope="module")
def wijkagent(shared) -> factories.PartnerPerson:
    return factories.partner(shared)


@pytest.fixture
def token(shared, wijkagent) -> str:
    """A new token of the police's system: each test has its own calls to count."""
    return factories.partner_token(shared, wijkagent.organisation_id)[1]


# --- the client: curl -------------------------------------------------------------------------------

class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def curl(server, method: str, path: str, token: str | None = None, body=None, content_type: str = "application/json",
         tmp: Path | None = None) -> Answer:
    """One call with curl: `body` a dict (sent as JSON) or bytes (sent as they are)."""
    binary = require_binary("curl", "apt-get install curl")
    tmp = tmp or Path("/tmp")
    head, out = tmp / "curl-head.txt", tmp / "curl-body.bin"
    argv = [binary, "-sS", "-X", method, "-D", str(head), "-o", str(out), "-w", "%{http_code}", "--max-time", "20",
            f"http://127.0.0.1:{server.port}{path}"]
    if method == "HEAD":
        argv[argv.index("-X"):argv.index("-X") + 2] = ["-I"]
    if token is not None:
        argv += ["-H", f"Authorization: Bearer {token}"]
    data = None
    if body is not None:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        argv += ["-H", f"Content-Type: {content_type}", "--data-binary", "@-"]
    done = subprocess.run(argv, input=data, capture_output=True, timeout=30)
    assert done.returncode == 0, (done.stderr, tail(server.log))
    headers = {}
    for line in head.read_text(errors="replace").splitlines()[1:]:
        name, _, value = line.partition(":")
        if value:
            headers[name.strip().lower()] = value.strip()
    return Answer(int(done.stdout), headers, out.read_bytes() if out.exists() else b"")


def signal(name: str = "Lotte Vermeulen", born: str = "2015", **changes) -> dict:
    """A signal as a partner's system sends it: seen half an hour ago (the machine's time, the server's)."""
    seen = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    body = {"people": [{"name": name, "born": born}], "postcode": "1074 AB", "house_number": "7",
            "what": "Lotte stond om 16.30 uur nog alleen bij het hek.", "happened_at": seen.isoformat(),
            "observed_by": "juf Petra, groep 6", "urgency": "normal", "call_back": "020-555 77 00"}
    return body | changes


# --- the description and the shapes --------------------------------------------------------------------

def schema_of(spec: dict, name: str) -> Draft202012Validator:
    """A validator for one component schema, its references resolved within the description."""
    return Draft202012Validator({**spec, "$ref": f"#/components/schemas/{name}"})


def documented(spec: dict, path: str, method: str, answer: Answer) -> None:
    """The answer's status is one the description gives for this operation, and a JSON body has its schema."""
    operation = spec["paths"][path][method.lower()]
    assert str(answer.status) in operation["responses"], (method, path, answer.status, answer.body[:300])
    described = operation["responses"][str(answer.status)]
    content = described.get("content", {}).get("application/json")
    if content is None:
        return
    assert answer.headers.get("content-type", "").startswith("application/json"), answer.headers
    reference = content["schema"]["$ref"].rsplit("/", 1)[1]
    errors = [error.message for error in schema_of(spec, reference).iter_errors(answer.json())]
    assert not errors, (method, path, answer.status, errors)
    for header in described.get("headers", {}):
        assert header.lower() in answer.headers, (method, path, header)


def test_the_description_is_a_valid_openapi_document_and_the_one_served():
    spec = json.loads(SPEC.read_text())
    validate(spec)  # raises on anything OpenAPI 3.1 does not allow
    assert spec == DESCRIPTION
    for name in spec["components"]["schemas"]:
        Draft202012Validator.check_schema(spec["components"]["schemas"][name])
    # The example signal of the description is one the schema accepts.
    example = {name: field["example"] for name, field in spec["components"]["schemas"]["Signal"]["properties"].items()
               if "example" in field}
    example |= {"people": [{"name": "Yusuf Elidrissi", "born": "1986"}], "what": "Geschreeuw.", "urgency": "urgent"}
    assert not list(schema_of(spec, "Signal").iter_errors(example))


def test_the_server_gives_its_description_to_anyone(server, tmp_path):
    answer = curl(server, "GET", f"{BASE}/openapi.json", tmp=tmp_path)
    assert answer.status == 200 and answer.json() == json.loads(SPEC.read_text())


# --- tokens ----------------------------------------------------------------------------------------------

def test_no_token_an_unknown_one_or_a_revoked_one_is_401(server, shared, wijkagent, token, tmp_path):
    spec = DESCRIPTION
    for given in (None, "", "bv_niet-bestaand", token + "x"):
        answer = curl(server, "POST", f"{BASE}/signals", given, signal(), tmp=tmp_path)
        assert answer.status == 401, (given, answer.body)
        assert answer.headers.get("www-authenticate", "").startswith("Bearer")
        documented(spec, "/signals", "POST", answer)
        documented(spec, "/signals/{id}", "GET", curl(server, "GET", f"{BASE}/signals/1", given, tmp=tmp_path))
    assert curl(server, "HEAD", f"{BASE}/signals/1", tmp=tmp_path).status == 401  # not a server error
    good = curl(server, "POST", f"{BASE}/signals", token, signal(), tmp=tmp_path)
    assert good.status == 201, good.body
    with database(shared) as db:
        token_id = db.exec(select(PartnerToken.id).where(PartnerToken.token_hash == token_hash(token))).one()
    lead = signed_in_client(shared, "teamlead")
    organisation = f"/backoffice/partners/{wijkagent.organisation_id}"
    revoked = lead.post(f"{organisation}/tokens/{token_id}/revoke",
                        data={"csrf_token": csrf_token(lead.get(organisation).text)})
    assert revoked.status_code == 303
    after = curl(server, "GET", good.headers["location"], token, tmp=tmp_path)
    assert after.status == 401
    documented(spec, "/signals/{id}", "GET", after)


# --- sending -----------------------------------------------------------------------------------------------

def count(app, model) -> int:
    with database(app) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def test_a_body_that_is_not_json_is_415_and_stores_nothing(server, shared, token, tmp_path):
    before = count(shared, Signal)
    form = b"people=Lotte&what=hek"
    for content_type, body in (("application/x-www-form-urlencoded", form), ("text/plain", json.dumps(signal()))):
        answer = curl(server, "POST", f"{BASE}/signals", token, body.encode() if isinstance(body, str) else body,
                      content_type=content_type, tmp=tmp_path)
        assert answer.status == 415 and answer.json()["error"], (content_type, answer.status, answer.body[:300])
        documented(DESCRIPTION, "/signals", "POST", answer)
    assert count(shared, Signal) == before


def test_wrong_fields_are_400_with_a_message_each_and_nothing_is_stored(server, shared, wijkagent, token, tmp_path):
    before = count(shared, Signal)
    wrong = {"people": [{"name": "", "born": "1986"}, {"name": "Youssef", "born": "gisteren"}], "postcode": "12",
             "what": "", "happened_at": "2999-01-01T10:00:00+01:00", "observed_by": "", "urgency": "heel erg",
             "call_back": "bel maar"}
    answer = curl(server, "POST", f"{BASE}/signals", token, wrong, tmp=tmp_path)
    assert answer.status == 400, answer.body
    documented(DESCRIPTION, "/signals", "POST", answer)
    errors = answer.json()["errors"]
    assert set(errors) >= {"people/0/name", "people/1/born", "postcode", "what", "happened_at", "observed_by",
                           "urgency", "call_back"}, errors
    assert all(isinstance(message, str) and message for message in errors.values())
    another = factories.partner_token(shared, wijkagent.organisation_id)[1]  # LIMIT calls each
    for not_an_object in (b"[]", b"null", b"42", b'"Lotte"', b"{kapot"):
        answer = curl(server, "POST", f"{BASE}/signals", another, not_an_object, tmp=tmp_path)
        assert answer.status == 400, (not_an_object, answer.status, answer.body[:200])
        documented(DESCRIPTION, "/signals", "POST", answer)  # JSON in the Error shape, not an HTML page
    missing = curl(server, "POST", f"{BASE}/signals", token, {}, tmp=tmp_path)
    assert missing.status == 400 and {"people/0/name", "what", "happened_at", "call_back"} <= set(
        missing.json()["errors"]), missing.body
    documented(DESCRIPTION, "/signals", "POST", missing)
    assert count(shared, Signal) == before


def test_a_signal_is_201_with_its_location_and_receipt_read_back_and_added_to(server, shared, token, tmp_path):
    spec = DESCRIPTION
    sent = curl(server, "POST", f"{BASE}/signals", token, signal(), tmp=tmp_path)
    assert sent.status == 201, sent.body
    documented(spec, "/signals", "POST", sent)
    receipt = sent.json()
    assert receipt["status"] == "received" and receipt["additions"] == 0
    assert receipt["call_back"] is None  # the police is in no household's professional network
    assert sent.headers["location"] == f"{BASE}/signals/{receipt['id']}"
    with database(shared) as db:
        stored = db.get(Signal, receipt["id"])
    assert (stored.people, stored.postcode, stored.house_number) == ("Lotte Vermeulen; 2015", "1074AB", "7")
    assert stored.sent_by is None and stored.token_id is not None  # sent by the system, not a person

    read = curl(server, "GET", sent.headers["location"], token, tmp=tmp_path)
    assert read.status == 200 and read.json() == receipt
    documented(spec, "/signals/{id}", "GET", read)

    empty = curl(server, "POST", f"{sent.headers['location']}/additions", token, {"text": ""}, tmp=tmp_path)
    assert empty.status == 400 and "text" in empty.json()["errors"]
    documented(spec, "/signals/{id}/additions", "POST", empty)
    added = curl(server, "POST", f"{sent.headers['location']}/additions", token,
                 {"text": "Vandaag stond zij er weer."}, tmp=tmp_path)
    assert added.status == 201, added.body
    documented(spec, "/signals/{id}/additions", "POST", added)
    assert added.json()["additions"] == 1 and added.json()["id"] == receipt["id"]
    with database(shared) as db:
        assert db.exec(select(SignalAddition.text).where(SignalAddition.signal_id == receipt["id"])).all() == [
            "Vandaag stond zij er weer."]
        assert db.get(Signal, receipt["id"]).what == stored.what  # the signal itself is as it was sent


def test_another_organisation_s_system_reads_nothing_of_the_police_s(server, shared, token, tmp_path):
    sent = curl(server, "POST", f"{BASE}/signals", token, signal(), tmp=tmp_path)
    assert sent.status == 201
    school = factories.partner(shared, "Basisschool De Regenboog", "school", "Ilse Verbeek", "intern begeleider")
    other = factories.partner_token(shared, school.organisation_id)[1]
    for method, path, body in (("GET", sent.headers["location"], None),
                               ("POST", f"{sent.headers['location']}/additions", {"text": "Ingebroken"})):
        answer = curl(server, method, path, other, body, tmp=tmp_path)
        assert answer.status == 404 and answer.json()["error"], (method, answer.status, answer.body[:200])
        documented(DESCRIPTION, "/signals/{id}" + ("/additions" if method == "POST" else ""), method, answer)
    with database(shared) as db:
        assert db.exec(select(SignalAddition).where(SignalAddition.text == "Ingebroken")).all() == []


def test_too_many_calls_for_one_token_are_429_and_another_token_goes_on(server, shared, wijkagent, token, tmp_path):
    """PORTAL_PARTNER_API_LIMIT counts a token's calls, whichever operation: sending, reading and adding share it."""
    sent = [curl(server, "POST", f"{BASE}/signals", token, signal(), tmp=tmp_path) for _ in range(LIMIT + 1)]
    assert [answer.status for answer in sent] == [201] * LIMIT + [429]
    documented(DESCRIPTION, "/signals", "POST", sent[-1])
    assert sent[-1].json()["error"]  # JSON for the system, not a page for people
    location = sent[0].headers["location"]
    read = curl(server, "GET", location, token, tmp=tmp_path)
    assert read.status == 429  # the same count: reading is no way around it
    documented(DESCRIPTION, "/signals/{id}", "GET", read)
    fresh = factories.partner_token(shared, wijkagent.organisation_id)[1]  # counted apart
    assert curl(server, "GET", location, fresh, tmp=tmp_path).status == 200
    assert curl(server, "POST", f"{BASE}/signals", fresh, signal(), tmp=tmp_path).status == 201
