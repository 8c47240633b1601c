"""Domain services: plan versions, cases, duo, staff, interpreting, notifications, audit, retention.
They take a database session and plain values and never import flask.request (tests/unit/test_layers.py)."""
