"""Domain services: plans and their history, cases, duo, staff, appointments, interpreting, notifications, audit,
retention, the timeline and the team overview.
They take a database session and plain values and never import flask.request (tests/unit/test_layers.py)."""
