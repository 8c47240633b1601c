"""The partners' pages: a wijkagent, a school or a GP sends a signal and reads back only that it was received."""
from flask import Blueprint

blueprint = Blueprint("partner", __name__, template_folder="templates")
api = Blueprint("partner_api", __name__)

# The pages and the machine interface register on their blueprints.
from portal.partner import machine, views  # noqa: E402,F401
