"""The closed registry of actions, and which relation to a household allows which, open and once closed."""
import enum
from collections.abc import Iterable


class Action(str, enum.Enum):
    """Every action `portal.policy.can` decides on. A name that is not a member is refused, also a plain string
    that spells one: a typo in a view must be a 404, never a permission."""

    # A parent, on their own household.
    family_read = "family.read"  # their family pages
    appointment_read = "appointment.read"  # one appointment in their audience (its page, answer, calendar file)
    # An interpreter, on what was given to them.
    translation_work = "translation.work"  # a translation job of a plan version
    rendering_work = "rendering.work"  # one parent's text, into Dutch
    plan_read_along = "plan.read_along"  # the plan, around their appointment
    # A member of the family's circle, on themselves.
    circle_read = "circle.read"  # the agreements they carry, their answers, who looked at what is theirs
    # A child of 12 or over with an account, on themselves.
    child_read = "child.read"  # their own plan, their words (written, shared), who looked at what is theirs
    # A person of a partner organisation: sends signals for it, reads back what they sent (services/signals.py).
    signal_send = "signal.send"  # on their own, active organisation
    signal_read = "signal.read"  # the receipt of a signal they sent, and adding to it
    # Staff, on a household or anything of it.
    family_view = "family.view"  # read: the file, plan versions, answers, appointments, timeline, factual file
    family_edit = "family.edit"  # write: the plan, appointments, replies, the duo, the parents' letters and accounts
    family_members = "family.members"  # the members, name and settings (a page that is one form)
    rendering_ask = "rendering.ask"  # ask an interpreter for a parent's words in Dutch
    family_break_glass = "family.break_glass"  # open a household outside one's duo in an emergency
    family_close = "family.close"
    family_reopen = "family.reopen"
    # A team lead, on their own team (its households to come, its staff, its figures).
    family_create = "family.create"
    staff_manage = "staff.manage"
    team_overview = "team.overview"
    partner_manage = "partner.manage"  # partner organisations, their people and their systems' tokens
    signal_intake = "signal.intake"  # the intake list: signals that matched no household clearly
    # Any worker or team lead of a team, on their own team.
    signal_out_of_hours = "signal.out_of_hours"  # urgent signals that came outside office hours


class Relation(enum.Enum):
    """How a user stands to one household; `portal.policy` finds out which, from the database."""

    parent = "parent"  # a parent of the household
    interpreter = "interpreter"  # the interpreter a job, rendering or appointment of it was given to
    network = "network"  # a member of its circle, on their own record
    child = "child"  # a child of 12 or over of it, on their own record
    duo = "duo"  # in its current duo
    team_lead = "team_lead"  # the team lead of its team
    team = "team"  # a worker of its team outside its duo
    broken_glass = "broken_glass"  # broke the glass for it, and the window is still open


# On a team: only for the team leads of that team.
TEAM_ACTIONS = frozenset({Action.family_create, Action.staff_manage, Action.team_overview, Action.partner_manage,
                          Action.signal_intake})
# On a team: for every worker and team lead of it.
TEAM_WORK = frozenset({Action.signal_out_of_hours})

_DUO_WORK = frozenset({Action.family_view, Action.family_edit, Action.family_members, Action.rendering_ask})

# What each relation allows while the case is open (False) and once it is closed (True); nothing else is allowed.
# Which object an action is about (an appointment in the parent's audience, the interpreter's own job in their
# language and time window) `portal.policy.can` checks besides.
ALLOWED: dict[tuple[Relation, bool], frozenset[Action]] = {
    (Relation.parent, False): frozenset({Action.family_read, Action.appointment_read}),
    (Relation.parent, True): frozenset(),  # a closed case: the parents' access has ended
    (Relation.interpreter, False): frozenset({Action.translation_work, Action.rendering_work,
                                              Action.plan_read_along}),
    (Relation.interpreter, True): frozenset(),  # nothing of a closed household is worked on any more
    (Relation.network, False): frozenset({Action.circle_read}),
    (Relation.network, True): frozenset(),  # closing the case ends the circle's access that day
    (Relation.child, False): frozenset({Action.child_read}),
    (Relation.child, True): frozenset(),  # and a child's
    (Relation.duo, False): _DUO_WORK,
    (Relation.duo, True): frozenset({Action.family_view}),  # the file stays readable while kept; nobody edits
    (Relation.team_lead, False): _DUO_WORK | {Action.family_close},
    (Relation.team_lead, True): frozenset({Action.family_view, Action.family_reopen}),
    (Relation.team, False): frozenset({Action.family_break_glass}),
    (Relation.team, True): frozenset(),  # no emergency in a closed case: ask the team lead
    # An emergency is for reading, for its window: no writes, letters, duo changes or requests in someone's name.
    (Relation.broken_glass, False): frozenset({Action.family_view}),
    (Relation.broken_glass, True): frozenset(),
}


def allows(action, relations: Iterable[Relation], closed: bool) -> bool:
    """Does any of these relations to a household (open or closed) allow `action`? Only for `Action` members."""
    return isinstance(action, Action) and any(action in ALLOWED[relation, closed] for relation in relations)
