"""Locust users of the load test (benchmarks/load_test.py): parents who read and answer, workers who read and publish.

Users are signed in before the load starts (argon2 makes a sign-in slow on purpose, and is not what this
test measures): LOAD_USERS names a JSON file of {kind, username, cookies, address} per user. Each request
goes to one of the servers in LOAD_SERVERS at random, as a load balancer would send it; every user has its
own X-Forwarded-For address (the servers trust one proxy). At the end the answers the portal accepted are
written to LOAD_RESULTS for the harness to find in the database.
"""
import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

from benchmarks.common import support_module

SERVERS = os.environ.get("LOAD_SERVERS", "").split(",")
USERS = json.loads(open(os.environ["LOAD_USERS"], encoding="utf-8").read()) if os.environ.get("LOAD_USERS") else []
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FAMILY = re.compile(r'href="/backoffice/families/(\d+)"')
form_fields = support_module("pages").form_fields  # what a browser sends for a form as shown
ACCEPTED: list[str] = []  # the question texts the portal answered 302 to
PUBLISHED: list[str] = []  # the family ids of versions published


def _pool(kind: str):
    return itertools.cycle([user for user in USERS if user["kind"] == kind])


POOLS = {"parent": _pool("parent"), "worker": _pool("worker")}


class SignedIn(HttpUser):
    abstract = True
    host = SERVERS[0] if SERVERS else "http://127.0.0.1"
    kind = ""

    def on_start(self):
        me = next(POOLS[self.kind])
        self.username = me["username"]
        # The cookie jar, not a fixed header: the session cookie is renewed as a browser's would be.
        for name, value in me["cookies"].items():
            self.client.cookies.set(name, value, domain="127.0.0.1", path="/")
        self.client.headers.update({"X-Forwarded-For": me["address"], "Accept-Encoding": "br, gzip"})

    def get(self, path: str, name: str | None = None):
        with self.client.get(random.choice(SERVERS) + path, name=name or path, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path}: {response.status_code}")
            return response

    def post(self, path: str, form: dict, name: str, expected=(302,)):
        with self.client.post(random.choice(SERVERS) + path, data=form, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code not in expected:
                response.failure(f"{name}: {response.status_code} {response.text[:200]}")
            return response


class Parent(SignedIn):
    kind = "parent"
    fixed_count = int(os.environ.get("LOAD_PARENTS", "200"))
    wait_time = between(2, 6)

    @task(5)
    def home(self):
        self.get("/")

    @task(3)
    def plan(self):
        self.get("/plan")

    @task(2)
    def appointments(self):
        self.get("/appointments")

    @task(1)
    def ask(self):
        page = self.get("/plan", name="/plan (to answer)")
        token = CSRF.search(page.text or "")
        if token is None:
            return
        text = f"Vraag {uuid.uuid4().hex[:12]}: wat betekent dit voor ons?"
        response = self.post("/plan", {"csrf_token": token.group(1), "answer": "question", "comment": text},
                             name="/plan (answer)")
        if response.status_code == 302:
            ACCEPTED.append(text)


class Worker(SignedIn):
    kind = "worker"
    fixed_count = int(os.environ.get("LOAD_WORKERS", "20"))
    wait_time = between(3, 8)

    def on_start(self):
        super().on_start()
        home = self.get("/backoffice/", name="/backoffice/")
        self.families = sorted(set(FAMILY.findall(home.text or ""))) or ["0"]

    @task(4)
    def back_office_home(self):
        self.get("/backoffice/")

    @task(3)
    def family_file(self):
        self.get(f"/backoffice/families/{random.choice(self.families)}", name="/backoffice/families/[id]")

    @task(2)
    def answers(self):
        family = random.choice(self.families)
        self.get(f"/backoffice/families/{family}/answers", name="/backoffice/families/[id]/answers")

    @task(1)
    def publish(self):
        family = random.choice(self.families)
        path = f"/backoffice/families/{family}/plan"
        editor = self.get(path, name="/backoffice/families/[id]/plan")
        if editor.status_code != 200:
            return
        form = form_fields(editor.text, "plan-form")
        # A note needs its readers chosen (kept-apart households start with nobody): this one is for everyone.
        form.update({"action": "publish", "note": f"Aangepast na ons gesprek ({uuid.uuid4().hex[:6]}).",
                     "note-audience": "household"})
        # Both workers of a duo may publish at once: the second is told someone saved first (409), as in the
        # browser, and nothing is lost.
        response = self.post(path, form, name="/backoffice/families/[id]/plan (publish)", expected=(302, 409))
        if response.status_code == 302:
            PUBLISHED.append(family)


@events.test_stop.add_listener
def _write_results(**_kwargs):
    if os.environ.get("LOAD_RESULTS"):
        with open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
            json.dump({"accepted": ACCEPTED, "published": PUBLISHED}, out)
