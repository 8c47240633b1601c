"""Kept until the publishing change lands: the names portal/backoffice/plan.py still imports from here."""
from portal.policy import DUO
from portal.rules.actions import Action
from portal.web.guards import get_or_404, roles

__all__ = ["DUO", "Action", "get_or_404", "roles"]
