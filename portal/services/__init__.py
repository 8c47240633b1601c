"""Domain services: plans and their history, cases, duo, staff, appointments, interpreting, notifications, audit,
retention, the timeline and the team overview.
They take a database session and plain values and never import flask.request (tests/unit/test_layers.py)."""


def stored_id(key: int | None) -> int:
    """The id of a row read from the database or flushed to it. Models declare `id: int | None` because a row has
    no id until it is stored; once stored it always has one, and this says so to the type checker."""
    assert key is not None, "a row that is not stored yet has no id"
    return key
