"""The team lead's overview of their own team against the nine months (services/team_overview)."""
from flask import render_template
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint
from portal.db import session as db_session
from portal.models import Role
from portal.rules.actions import Action
from portal.services import signals, stored_id, team_overview
from portal.web import audit
from portal.web.guards import own_team_or_404, roles


@blueprint.get("/team")
@roles(Role.teamlead)
def team():
    db = db_session()
    own = own_team_or_404(Action.team_overview, recorded="team.overview.view")
    found = team_overview.overview(db, current_user, clock.now())
    # The overview shows each household's figures and its parents' names: a look at each one it shows.
    audit.record("team.overview.view", "ok", object=f"team:{own.id}")
    audit.record_seen("team.overview.view", team_overview.seen(found))
    return render_template("backoffice/team.html", team=own, overview=found, nine_months=team_overview.NINE_MONTHS,
                           shown=team_overview.HOUSEHOLDS_SHOWN, list_shown=team_overview.LIST_SHOWN,
                           signal_months=signals.months(db, stored_id(own.id), clock.now()))
