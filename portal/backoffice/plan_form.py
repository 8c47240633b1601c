"""The plan editor's form: plan content to flat form fields and back, with the errors a worker sees."""
import re

from flask_babel import gettext as _

from portal.forms import strip_controls
from portal.models.plans import new_key
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation

RANKS = (1, 2, 3)
AGREEMENT_FIELDS = ("who", "what", "when", "wrong")
# The columns' lengths: "who" and "when" hold 500 characters, the other texts 2000.
SHORT_FIELDS = ("who", "when")
SHORT_LENGTH = 500
KEY = re.compile(r"[0-9a-f]{32}")


def to_form(content: PlanContent) -> dict[str, str]:
    form: dict[str, str] = {}
    for situation in content.situations:
        prefix = f"s{situation.rank}"
        form.update({f"{prefix}-key": situation.key, f"{prefix}-kind": situation.kind,
                     f"{prefix}-description": situation.description,
                     f"{prefix}-risks": "\n".join(situation.risk_factors),
                     f"{prefix}-count": str(len(situation.agreements))})
        for i, a in enumerate(situation.agreements):
            form.update({f"{prefix}-a{i}-key": a.key, f"{prefix}-a{i}-who": a.who, f"{prefix}-a{i}-what": a.what,
                         f"{prefix}-a{i}-when": a.when, f"{prefix}-a{i}-wrong": a.if_it_goes_wrong})
    for section in ("help", "future"):
        items = content.section(section)
        form[f"{section}-count"] = str(len(items))
        for i, item in enumerate(items):
            form.update({f"{section}-{i}-key": item.key, f"{section}-{i}-text": item.text,
                         f"{section}-{i}-who": item.who})
    return form


def _text(form, name: str) -> str:
    return strip_controls(form.get(name, ""), SHORT_LENGTH if name.endswith(SHORT_FIELDS) else 2000)


def _key(form, name: str) -> str:
    """An item's key as the form sent it back, or a new one when it is not a key at all."""
    value = form.get(name) or ""
    return value if KEY.fullmatch(value) else new_key()


def count(form, name: str) -> int:
    value = form.get(f"{name}-count", "0")
    return min(int(value), 50) if value.isdecimal() and len(value) < 6 else 0


def from_form(form) -> tuple[PlanContent, dict[str, str]]:
    """Plan content from the posted fields; empty rows are dropped, half-filled ones are errors."""
    errors: dict[str, str] = {}
    situations = []
    for rank in RANKS:
        prefix = f"s{rank}"
        agreements = []
        for i in range(count(form, prefix) + 1):
            values = {field: _text(form, f"{prefix}-a{i}-{field}") for field in AGREEMENT_FIELDS}
            if not any(values.values()):
                continue
            if not values["who"] or not values["what"]:
                errors[f"{prefix}-a{i}-what"] = _("An agreement needs at least who and what.")
            agreements.append(Agreement(_key(form, f"{prefix}-a{i}-key"), values["who"], values["what"],
                                        values["when"], values["wrong"]))
        description = _text(form, f"{prefix}-description")
        if not description:
            if agreements:
                errors[f"{prefix}-description"] = _("Describe the unsafe situation these agreements are about.")
            continue
        kind = form.get(f"{prefix}-kind", "")
        if kind not in ("acute", "structural"):
            errors[f"{prefix}-kind"] = _("Choose acute or structural.")
            kind = "acute"
        risks = tuple(line.strip() for line in _text(form, f"{prefix}-risks").splitlines() if line.strip())
        situations.append(Situation(_key(form, f"{prefix}-key"), len(situations) + 1, kind, description,
                                    risks, tuple(agreements)))
    items = []
    for section in ("help", "future"):
        for i in range(count(form, section) + 1):
            text = _text(form, f"{section}-{i}-text")
            if text:
                items.append(Item(_key(form, f"{section}-{i}-key"), section, text,
                                  _text(form, f"{section}-{i}-who")))
    return PlanContent(tuple(situations), tuple(items)), errors


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
