"""Test data made directly in the database, for tests whose subject is not how it is made (intake and
accounts have their own tests): households of the demo team with parents who have accounts."""
import datetime as dt
import itertools
from dataclasses import dataclass

from sqlmodel import select

from portal.models import Account, DuoAssignment, DuoRole, Family, Parent, Role, Worker
from support.pages import database

_numbers = itertools.count(1000)


@dataclass(frozen=True)
class Household:
    family_id: int
    parent_ids: list[int]
    usernames: list[str]


def household(app, languages: list[str], kept_apart: bool = False, contact: str = "Bram de Wit",
              partner: str = "Anouk Visser") -> Household:
    """A household of the demo team with one parent (with an account and a phone) per language given."""
    with database(app) as db:
        workers = {name: db.exec(select(Worker).where(Worker.name == name)).one() for name in (contact, partner)}
        number = next(_numbers)
        family = Family(team_id=workers[contact].team_id, name=f"Gezin Proef {number}", parents_kept_apart=kept_apart)
        db.add(family)
        db.flush()
        yesterday = dt.date.today() - dt.timedelta(days=1)
        db.add_all([DuoAssignment(family_id=family.id, worker_id=workers[contact].id, role=DuoRole.contact,
                                  start=yesterday),
                    DuoAssignment(family_id=family.id, worker_id=workers[partner].id, role=DuoRole.partner,
                                  start=yesterday)])
        parent_ids, usernames = [], []
        for position, language in enumerate(languages):
            account = Account(username=f"ouder-proef-{number}-{position}", role=Role.parent,
                              display_name=f"Ouder {position}", language=language, totp_enrolled=True)
            db.add(account)
            db.flush()
            parent = Parent(family_id=family.id, account_id=account.id, name=f"Ouder {position} Proef",
                            language=language, phone=f"06-{number:04d}{position:04d}")
            db.add(parent)
            db.flush()
            parent_ids.append(parent.id)
            usernames.append(account.username)
        db.commit()
        return Household(family.id, parent_ids, usernames)
