"""A parent and a worker sign in through the real forms and reach their home pages."""
from support.sign_in import sign_in


def test_parent_reaches_home(demo_client):
    sign_in(demo_client, "ouder-sanne")
    page = demo_client.get("/")
    assert page.status_code == 200
    assert "Wie bel ik nu?" in page.text or "Who do I call now?" in page.text
