"""HEAD and GET never do a POST's work at the auth routes: nobody signed in, no code used, no row changed."""
import pytest
from security_kit import Portal, table_rows
from test_csrf import CASES, SANNE, ids, username_of

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

AUTH_ROUTES = sorted(endpoint for endpoint in CASES if endpoint.startswith("auth."))


def _where_to_look(case, path: str) -> str:
    """A page that shows the visitor is still where the case left them: signed in, or at the same step."""
    if case.user:
        return "/backoffice/" if case.user != SANNE else "/"
    return path


@pytest.mark.parametrize("method", ["HEAD", "GET"])
@pytest.mark.parametrize("endpoint", AUTH_ROUTES)
def test_a_form_sent_by_head_or_get_changes_nothing(team_app, endpoint, method):
    case = CASES[endpoint]
    number = ids(team_app)
    if case.prepare:
        case.prepare(team_app, number)
    portal = Portal(team_app, username_of(case.user, number))
    if case.state:
        case.state(portal, number)
    path = case.path.format(**number)
    form = (case.data(portal, number) if callable(case.data) else dict(case.data)) | {"csrf_token": portal.csrf()}
    cookie = portal.client.get_cookie("portal")
    before = table_rows(team_app)

    # The right password, the right code, a new password: many times over, as in the finding.
    for _ in range(3):
        response = portal.client.open(path, method=method, data=form)
        assert response.status_code in (200, 302, 405), (method, path, response.status_code)
    assert table_rows(team_app) == before, f"{method} {path} with a form body changed the database"
    after = portal.client.get_cookie("portal")
    assert (after and after.value) == (cookie and cookie.value), f"{method} {path} changed the visitor's state"
    assert portal.get(_where_to_look(case, path)).status_code == 200
    if not case.user:
        assert portal.get("/").status_code == 302 and portal.get("/backoffice/").status_code == 302
