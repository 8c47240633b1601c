"""Partners' signals: the organisations that send them, their people and tokens, the signals, what was added to
them, the households they may be about, and the partners a household's duo lists in its professional network."""
import datetime as dt
import enum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from portal import clock


class PartnerKind(str, enum.Enum):
    police = "police"
    school = "school"
    gp = "gp"
    veilig_thuis = "veilig_thuis"
    social_team = "social_team"  # the local social team of a municipality


class PartnerOrganisation(SQLModel, table=True):
    """An organisation that sends signals (a police district, a school, a GP practice), made by a team lead: its
    signals that match no household clearly wait on that team's intake list."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    kind: PartnerKind
    name: str = Field(max_length=120)
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="account.id")
    created_at: dt.datetime = Field(default_factory=clock.now)


class Partner(SQLModel, table=True):
    """A person of a partner organisation with an account (role "partner"): sends signals, reads no file."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", unique=True)
    organisation_id: int = Field(foreign_key="partnerorganisation.id", index=True)
    name: str = Field(max_length=120)
    function: str = Field(default="", max_length=120)  # wijkagent, intern begeleider, huisarts


class PartnerToken(SQLModel, table=True):
    """A token of a partner organisation's own system for the signals interface: only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="partnerorganisation.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120)  # which system holds it, e.g. "BVH koppeling"
    scope: str = Field(default="signals:send", max_length=64)
    created_by: int | None = Field(default=None, foreign_key="account.id")
    created_at: dt.datetime = Field(default_factory=clock.now)
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None


class Urgency(str, enum.Enum):
    urgent = "urgent"  # today: outside the duo's hours it goes to the out-of-hours service
    soon = "soon"  # within days
    normal = "normal"


class SignalState(str, enum.Enum):
    matched = "matched"  # on a household's timeline and its duo's work list
    intake = "intake"  # on the team lead's intake list, with its candidates


class Signal(SQLModel, table=True):
    """What a partner saw or heard about a family. Never changed after sending, only added to (SignalAddition)."""

    __table_args__ = (Index("ix_signal_open", "state", "done_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="partnerorganisation.id", index=True)
    sent_by: int | None = Field(default=None, foreign_key="account.id")  # None: sent by the organisation's system
    token_id: int | None = Field(default=None, foreign_key="partnertoken.id")
    team_id: int = Field(foreign_key="team.id", index=True)  # whose intake list it waits on, if it must
    # About whom: one or more people, a line each ("name; year or date of birth"), and their address as known.
    people: str = Field(max_length=1000)
    postcode: str = Field(default="", max_length=7)  # "1074AB": normalised
    house_number: str = Field(default="", max_length=10)
    what: str = Field(max_length=4000)  # what was seen or heard
    happened_at: dt.datetime
    observed_by: str = Field(max_length=200)  # by whom: the partner themselves, a colleague, a neighbour
    urgency: Urgency
    call_back: str = Field(max_length=32)
    sent_at: dt.datetime = Field(default_factory=clock.now)
    # Matching: where it went and with what score (0-100); who linked it by hand, if not matched at once.
    state: SignalState
    family_id: int | None = Field(default=None, foreign_key="family.id", index=True)
    score: int = 0
    repeat: bool = False  # the household was known already: the steering group's "80%"
    linked_by: int | None = Field(default=None, foreign_key="account.id")
    linked_at: dt.datetime | None = None
    out_of_hours: bool = False  # urgent and outside the duo's hours: on the out-of-hours service's list
    # What was done: the duo's (or team lead's) first action, which ends the task.
    done_at: dt.datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="account.id")
    done_note: str = Field(default="", max_length=1000)


class SignalAddition(SQLModel, table=True):
    """What the partner added to a signal after sending it."""

    id: int | None = Field(default=None, primary_key=True)
    signal_id: int = Field(foreign_key="signal.id", index=True)
    text: str = Field(max_length=4000)
    added_by: int | None = Field(default=None, foreign_key="account.id")
    added_at: dt.datetime = Field(default_factory=clock.now)


class SignalCandidate(SQLModel, table=True):
    """A household a signal on the intake list may be about, with its score: for the team lead to link or not."""

    __table_args__ = (UniqueConstraint("signal_id", "family_id"),)

    id: int | None = Field(default=None, primary_key=True)
    signal_id: int = Field(foreign_key="signal.id", index=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    score: int


class MatchKey(SQLModel, table=True):
    """One person of a household as matching reads them (portal/rules/matching.py): kept beside the person, so
    that a signal finds its candidates by index among a million households."""

    __table_args__ = (Index("ix_matchkey_surname", "surname_key", "given_key"),
                      Index("ix_matchkey_surname_year", "surname_key", "birth_year"),
                      Index("ix_matchkey_address", "postcode", "house_number"))

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    person: str = Field(max_length=24)  # "parent:<id>" or "member:<id>"
    name: str = Field(max_length=120)  # folded: lower case, Latin letters, spelling variants made one
    surname_key: str = Field(max_length=16)
    given_key: str = Field(max_length=16)
    birth_year: int | None = None
    postcode: str = Field(default="", max_length=7)
    house_number: str = Field(default="", max_length=10)


class ProfessionalNetwork(SQLModel, table=True):
    """A partner organisation the duo lists in a household's professional network: its signals about that
    household are answered with the contact person's name and work phone."""

    __table_args__ = (UniqueConstraint("family_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    organisation_id: int = Field(foreign_key="partnerorganisation.id", index=True)
    added_by: int | None = Field(default=None, foreign_key="account.id")
    added_at: dt.datetime = Field(default_factory=clock.now)
