"""The household form (intake and the members page): its rows of members to fields and back, with errors."""
from flask_babel import gettext as _

from portal.models import Family, FamilyMember, Parent
from portal.services.cases import Household, Member
from portal.web.forms import bounded_int, is_phone_number, max_length, typed_text
from portal.web.i18n import LANGUAGES

KINDS = ("parent", "child", "other")
MAX_ROWS = 20  # rows per kind: the form never builds more, whatever count a browser sends
OLDEST_BIRTH_YEAR = 1900
LARGEST_ID = 2**31 - 1


def counts(form) -> dict[str, int]:
    """How many rows of each kind the form shows: as many as it sent (at most MAX_ROWS), one more where
    the worker pressed "add"."""
    shown = {kind: bounded_int(form.get(f"{kind}-count"), 1, MAX_ROWS, 1) for kind in KINDS}
    added = form.get("add")
    if added in shown:
        shown[added] = min(shown[added] + 1, MAX_ROWS)
    return shown


def to_form(family, parents, members) -> dict[str, str]:
    """The members page filled in with the household as it is, and an empty row of each kind."""
    form = {"name": family.name, "interpreter_needed": "1" if family.interpreter_needed else "",
            "parents_kept_apart": "1" if family.parents_kept_apart else ""}
    rows = {"parent": [{"name": p.name, "language": p.language, "phone": p.phone or "", "id": p.id}
                       for p in parents],
            "child": [{"name": m.name, "birth_year": m.birth_year or "", "id": m.id} for m in members if m.is_child],
            "other": [{"name": m.name, "relation": m.relation, "id": m.id} for m in members if not m.is_child]}
    for kind, filled in rows.items():
        form[f"{kind}-count"] = str(min(len(filled) + 1, MAX_ROWS))
        for i, values in enumerate(filled[:MAX_ROWS]):
            form.update({f"{kind}-{i}-{field}": str(value) for field, value in values.items()})
    return form


def read(form, this_year: int) -> tuple[Household, list[Member], dict[str, str]]:
    """The household and its members from the posted fields; empty rows are left out, and every error is
    keyed by the field it is about."""
    errors: dict[str, str] = {}
    name = typed_text(form, "name", max_length(Family.name), errors)
    if not name:
        errors["name"] = _("Give the household a name, e.g. Gezin Jansen.")
    household = Household(name, form.get("interpreter_needed") == "1", form.get("parents_kept_apart") == "1")
    shown = counts(form)
    members = [member for kind in KINDS for i in range(shown[kind])
               if (member := _member(form, kind, i, this_year, errors)) is not None]
    if not any(member.kind == "parent" for member in members):
        errors["parent-0-name"] = _("A household has at least one parent or carer.")
    return household, members, errors


def _member(form, kind: str, i: int, this_year: int, errors: dict[str, str]) -> Member | None:
    prefix = f"{kind}-{i}"

    def text(field: str, limit: int) -> str:
        return typed_text(form, f"{prefix}-{field}", limit, errors)

    number = bounded_int(form.get(f"{prefix}-id"), 1, LARGEST_ID, 0) or None
    name = text("name", max_length(Parent.name if kind == "parent" else FamilyMember.name))
    if kind == "parent":
        language, phone = form.get(f"{prefix}-language", "nl"), text("phone", max_length(Parent.phone))
        if language not in LANGUAGES:
            errors[f"{prefix}-language"] = _("Choose a language from the list.")
        if phone and not is_phone_number(phone):
            errors[f"{prefix}-phone"] = _("Type a phone number, e.g. 06 12345678.")
        member, typed = Member(kind, name, number, language=language, phone=phone), phone
    elif kind == "child":
        typed = text("birth_year", 8)
        year = bounded_int(typed, OLDEST_BIRTH_YEAR, this_year, 0) or None
        if typed and year is None:
            errors[f"{prefix}-birth_year"] = _("Type the year of birth, e.g. 2016.")
        member = Member(kind, name, number, birth_year=year)
    else:
        typed = text("relation", max_length(FamilyMember.relation))
        if name and not typed:
            errors[f"{prefix}-relation"] = _("Write how this person belongs to the household, e.g. grandmother.")
        member = Member(kind, name, number, relation=typed)
    if not (name or typed or number):
        return None  # an empty row
    if not name:
        errors[f"{prefix}-name"] = _("Write the name.")
    return member


def read_duo(form, candidates: set[int]) -> tuple[int, int, dict[str, str]]:
    """The contact person and partner chosen at intake: two different active workers of the team."""
    contact = bounded_int(form.get("contact"), 1, LARGEST_ID, 0)
    partner = bounded_int(form.get("partner"), 1, LARGEST_ID, 0)
    errors = {}
    if contact not in candidates:
        errors["contact"] = _("Choose the contact person.")
    if partner not in candidates or partner == contact:
        errors["partner"] = _("Choose a duo partner other than the contact person.")
    return contact, partner, errors
