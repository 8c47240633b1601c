"""The back office: duos, team leads and interpreters at work."""
from flask import Blueprint

blueprint = Blueprint("backoffice", __name__, template_folder="templates")

# Each module registers its pages on the blueprint.
from portal.backoffice import (  # noqa: E402,F401
    appointments,
    cases,
    children,
    circle,
    family_admin,
    interpreting,
    outbox,
    partners,
    plan,
    renderings,
    signals,
    staff,
    team,
    timeline,
    views,
)
