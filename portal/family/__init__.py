"""The family pages: what a parent, a member of the family's circle or a child of 12 or over sees on their phone."""
from flask import Blueprint

blueprint = Blueprint("family", __name__, template_folder="templates")

# The pages, and the closed-case guard in front of them, register on the blueprint.
from portal.family import child, circle, closed, history, views  # noqa: E402,F401
