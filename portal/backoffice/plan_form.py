"""The plan editor's form: plan content to flat form fields and back, with the errors a worker sees."""
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from portal.backoffice.audience_field import Household
from portal.models import PlanItem, SafetyAgreement, UnsafeSituation
from portal.models.plans import new_key
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.web.forms import bounded_int, max_length, typed_text

RANKS = (1, 2, 3)
MAX_ROWS = 50  # agreements per situation, items per section: the editor never builds more
AGREEMENT_FIELDS = ("who", "what", "when", "wrong")
# Each text holds what its column holds: the models keep the limits, the editor and the parser read them here.
SITUATION_COLUMNS = {"description": UnsafeSituation.description, "risks": UnsafeSituation.risk_factors,
                     "who": SafetyAgreement.who, "what": SafetyAgreement.what, "when": SafetyAgreement.when,
                     "wrong": SafetyAgreement.if_it_goes_wrong}
ITEM_COLUMNS = {"text": PlanItem.text, "who": PlanItem.who}
KEY = re.compile(r"[0-9a-f]{32}")


def to_form(content: PlanContent) -> dict[str, str]:
    form: dict[str, str] = {}
    for situation in content.situations:
        prefix = f"s{situation.rank}"
        form.update({f"{prefix}-key": situation.key, f"{prefix}-kind": situation.kind,
                     f"{prefix}-audience": situation.audience,
                     f"{prefix}-description": situation.description,
                     f"{prefix}-risks": "\n".join(situation.risk_factors),
                     f"{prefix}-count": str(len(situation.agreements))})
        for i, a in enumerate(situation.agreements):
            form.update({f"{prefix}-a{i}-key": a.key, f"{prefix}-a{i}-who": a.who, f"{prefix}-a{i}-what": a.what,
                         f"{prefix}-a{i}-when": a.when, f"{prefix}-a{i}-wrong": a.if_it_goes_wrong,
                         f"{prefix}-a{i}-audience": a.audience})
    for section in ("help", "future"):
        items = content.section(section)
        form[f"{section}-count"] = str(len(items))
        for i, item in enumerate(items):
            form.update({f"{section}-{i}-key": item.key, f"{section}-{i}-text": item.text,
                         f"{section}-{i}-who": item.who, f"{section}-{i}-audience": item.audience})
    return form


def limit_of(name: str) -> int:
    """How many characters a text field of the editor holds ("s1-a0-what", "help-2-who", ...)."""
    field = name.rsplit("-", 1)[-1]
    return max_length((ITEM_COLUMNS if name.startswith(("help-", "future-")) else SITUATION_COLUMNS)[field])


def _text(form, name: str, errors: dict[str, str]) -> str:
    """A text field, cleaned; too long, it is an error on that field (nothing is cut, nothing saved)."""
    return typed_text(form, name, limit_of(name), errors)


def _key(form, name: str) -> str:
    """An item's key as the form sent it back, or a new one when it is not a key at all."""
    value = form.get(name) or ""
    return value if KEY.fullmatch(value) else new_key()


def count(form, name: str) -> int:
    """How many rows of a group the form holds; the editor and the parser both ask here."""
    return bounded_int(form.get(f"{name}-count"), 0, MAX_ROWS, 0)


def counts(form) -> dict[str, int]:
    return {name: count(form, name) for name in (*(f"s{rank}" for rank in RANKS), "help", "future")}


@dataclass(frozen=True)
class Parsed:
    """The editor's fields as plan content. `errors`: a text longer than its field, nothing can be saved.
    `unfinished`: saved as typed in the draft (an item without an audience reaches nobody), but not yet
    publishable: a missing audience, agreement text or situation description."""

    content: PlanContent
    errors: dict[str, str]
    unfinished: dict[str, str]


def from_form(form, household: Household) -> Parsed:
    """Plan content from the posted fields, every typed field kept; empty rows are dropped. Every item has the
    audience the duo chose for it (in a household whose parents are kept apart: must choose before publishing)."""
    errors: dict[str, str] = {}
    unfinished: dict[str, str] = {}

    def audience_of(name: str) -> str:
        stored, error = household.parse(form.get(f"{name}-audience", ""))
        if error:
            unfinished[f"{name}-audience"] = error
            return ""  # chosen by nobody yet: shown to no parent
        return stored

    situations: list[Situation] = []
    for rank in RANKS:
        prefix = f"s{rank}"
        agreements = []
        for i in range(count(form, prefix) + 1):
            values = {field: _text(form, f"{prefix}-a{i}-{field}", errors) for field in AGREEMENT_FIELDS}
            if not any(values.values()):
                continue
            if not values["who"] or not values["what"]:
                unfinished[f"{prefix}-a{i}-what"] = _("An agreement needs at least who and what.")
            agreements.append(Agreement(_key(form, f"{prefix}-a{i}-key"), values["who"], values["what"],
                                        values["when"], values["wrong"], audience_of(f"{prefix}-a{i}")))
        description = _text(form, f"{prefix}-description", errors)
        risks = tuple(line.strip() for line in _text(form, f"{prefix}-risks", errors).splitlines() if line.strip())
        if not (description or risks or agreements):
            continue
        if not description:
            unfinished[f"{prefix}-description"] = _("Describe the unsafe situation these agreements are about.")
        kind = form.get(f"{prefix}-kind", "")
        if kind not in ("acute", "structural"):
            errors[f"{prefix}-kind"] = _("Choose acute or structural.")
            kind = "acute"
        situations.append(Situation(_key(form, f"{prefix}-key"), len(situations) + 1, kind, description,
                                    risks, tuple(agreements), audience_of(prefix)))
    items = []
    for section in ("help", "future"):
        for i in range(count(form, section) + 1):
            text = _text(form, f"{section}-{i}-text", errors)
            who = _text(form, f"{section}-{i}-who", errors)
            if not (text or who):
                continue
            if not text:
                unfinished[f"{section}-{i}-text"] = _("Write what this item is about.")
            items.append(Item(_key(form, f"{section}-{i}-key"), section, text, who, audience_of(f"{section}-{i}")))
    return Parsed(PlanContent(tuple(situations), tuple(items)), errors, unfinished)


def unfinished_in(form, household: Household) -> dict[str, str]:
    """What publishing still waits for, by field: the plan's unfinished items and a note without an audience."""
    unfinished = from_form(form, household).unfinished
    _stored, note_error = household.parse(form.get("note-audience", ""))
    if form.get("note", "").strip() and note_error:
        unfinished["note-audience"] = note_error
    return unfinished


def text_fields(form) -> list[str]:
    """Names of the free-text fields that get plain-language help."""
    names = []
    for rank in RANKS:
        names += [f"s{rank}-description", f"s{rank}-risks"]
        names += [f"s{rank}-a{i}-{field}" for i in range(count(form, f"s{rank}") + 1)
                  for field in ("what", "when", "wrong")]
    for section in ("help", "future"):
        names += [f"{section}-{i}-text" for i in range(count(form, section) + 1)]
    return names
