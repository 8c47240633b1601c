"""Fictional demo data: a team, duos, seven households, plans and appointments. The data is in people and plans,
the loader in loader; `load(db, households=False)` makes the team and its staff only."""
from portal.demo.loader import load
from portal.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, TEAM_NAME, DemoAccount

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "TEAM_NAME", "DemoAccount", "load"]
