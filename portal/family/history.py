"""The parent's history of their plan: each version, what changed in what they may read, and their own answers."""
from flask import render_template, request
from flask_login import current_user

from portal.db import session as db_session
from portal.family import blueprint
from portal.models import Role
from portal.services.plan_history import history
from portal.web.forms import bounded_int
from portal.web.guards import roles

MAX_PAGE = 1000  # 24,000 versions: far more than a plan gets


@blueprint.get("/plan/history")
@roles(Role.parent)
def plan_history():
    page = bounded_int(request.args.get("page"), 1, MAX_PAGE, 1)
    found = history(db_session(), current_user.parent, page)
    return render_template("family/history.html", history=found)
