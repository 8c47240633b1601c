"""The plan editor's form (WTForms): the Top 3, the help and the future plan as rows, to plan content and back."""
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from wtforms import Form as Row
from wtforms import FormField, StringField
from wtforms.validators import ValidationError

from portal.backoffice.audience_field import Household
from portal.models import PlanItem, PlanVersion, SafetyAgreement, UnsafeSituation
from portal.models.plans import new_key
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.web.forms import Form, LongText, Parsed, Rows, Text, bounded_int, max_length

RANKS = (1, 2, 3)
SECTIONS = ("help", "future")
KINDS = ("acute", "structural")
MAX_ROWS = 50  # agreements per situation, items per section: the editor never builds more
KEY = re.compile(r"[0-9a-f]{32}")  # an item's identity across versions (models.plans.new_key)


class EditorRows(Rows):
    """The rows the editor showed: the filled ones ("<name>-count") and the empty one after them, for a new row
    without JavaScript. Rows a browser sends beyond them are never read."""

    def shown(self, formdata) -> int:
        return bounded_int(formdata.get(f"{self.name}-count"), 0, self.max_entries - 1, 0) + 1

    def filled(self) -> list:
        return [row.form for row in self.entries if not row.form.empty()]

    def end_with_an_empty_row(self) -> None:
        if not self.entries or not self.entries[-1].form.empty():
            self.append_entry()


class Audience(StringField):
    """Who may read an item, as posted (parsed against the household by `Household.parse`): None when the form sent
    none, as for a new row, which starts with the household's default."""


class ItemRow(Row):
    """An item of the help or future plan: what, from whom (help only), who may read it."""

    key = Parsed()
    text = LongText(max_length(PlanItem.text))
    who = Text(max_length(PlanItem.who))
    audience = Audience()

    def empty(self) -> bool:
        return not (self.text.data or self.who.data)


class AgreementRow(Row):
    """A safety agreement: who does what, when, and what happens if it goes wrong."""

    key = Parsed()
    who = Text(max_length(SafetyAgreement.who))
    what = LongText(max_length(SafetyAgreement.what))
    when = LongText(max_length(SafetyAgreement.when))
    wrong = LongText(max_length(SafetyAgreement.if_it_goes_wrong))
    audience = Audience()

    def empty(self) -> bool:
        return not (self.who.data or self.what.data or self.when.data or self.wrong.data)


class SituationFields(Row):
    """One of the three unsafe situations, with its agreements ("s1-a-0-who", ...)."""

    key = Parsed()
    kind = Parsed(default="acute")
    description = LongText(max_length(UnsafeSituation.description))
    risks = LongText(max_length(UnsafeSituation.risk_factors))  # one per line
    audience = Audience()
    a = EditorRows(FormField(AgreementRow), max_entries=MAX_ROWS)

    def empty(self) -> bool:
        return not (self.description.data or self.risks.data or self.a.filled())

    def validate_kind(self, field):
        if field.data not in KINDS and not self.empty():
            raise ValidationError(_("Choose acute or structural."))


class PlanEditorForm(Form):
    """The whole editor. Only a text too long for its field (or an unknown kind) is an error: nothing is saved then.
    What is not finished for publishing (`Read.unfinished`) is saved in the draft as typed."""

    revision = Parsed()
    s1 = FormField(SituationFields)
    s2 = FormField(SituationFields)
    s3 = FormField(SituationFields)
    help = EditorRows(FormField(ItemRow), max_entries=MAX_ROWS)
    future = EditorRows(FormField(ItemRow), max_entries=MAX_ROWS)
    note = LongText(max_length(PlanVersion.note_for_family))
    note_audience = Audience(name="note-audience")

    def situations(self) -> list[SituationFields]:
        return [self[f"s{rank}"].form for rank in RANKS]

    def text_fields(self) -> list:
        """The free-text fields that get plain-language help (the note for the family does not)."""
        fields = []
        for situation in self.situations():
            fields += [situation.description, situation.risks]
            fields += [row.form[name] for row in situation.a.entries for name in ("what", "when", "wrong")]
        for section in SECTIONS:
            fields += [row.form.text for row in self[section].entries]
        return fields

    def texts(self) -> dict[str, str]:
        """Every typed text by field name, the note too: what a conflict compares."""
        return {field.name: field.data or "" for field in [*self.text_fields(), self.note]}

    def ready_to_show(self) -> "PlanEditorForm":
        """Each group of rows ends with an empty one, as the editor shows it."""
        for situation in self.situations():
            situation.a.end_with_an_empty_row()
        for section in SECTIONS:
            self[section].end_with_an_empty_row()
        return self


def editor_form(content: PlanContent, note: str = "", note_audience: str = "", revision: int | None = None,
                posted: bool = True) -> PlanEditorForm:
    """The editor's form: what was typed (posted, or kept while signed out), else `content` as it is now."""
    return PlanEditorForm(data=_data_of(content, note, note_audience, revision), posted=posted)


def _data_of(content: PlanContent, note: str, note_audience: str, revision: int | None) -> dict:
    data: dict = {f"s{situation.rank}": {
        "key": situation.key, "kind": situation.kind, "description": situation.description,
        "risks": "\n".join(situation.risk_factors), "audience": situation.audience,
        "a": [{"key": a.key, "who": a.who, "what": a.what, "when": a.when, "wrong": a.if_it_goes_wrong,
               "audience": a.audience} for a in situation.agreements]} for situation in content.situations}
    for section in SECTIONS:
        data[section] = [{"key": item.key, "text": item.text, "who": item.who, "audience": item.audience}
                         for item in content.section(section)]
    data |= {"note": note, "note_audience": note_audience or None}
    if revision is not None:
        data["revision"] = str(revision)
    return data


@dataclass(frozen=True)
class Read:
    """The editor's fields as plan content. `errors`: a text longer than its field (or an unknown kind), nothing can
    be saved. `unfinished`: saved as typed in the draft (an item without an audience reaches nobody), but not yet
    publishable: a missing audience, agreement text or situation description, a note without an audience."""

    content: PlanContent
    note: str
    note_audience: str
    errors: dict[str, str]
    unfinished: dict[str, str]


def read(form: PlanEditorForm, household: Household) -> Read:
    """Plan content from the form, every typed field kept; empty rows are dropped. Every item has the audience the duo
    chose for it (in a household whose parents are kept apart: must choose before publishing)."""
    form.validate()
    errors = form.messages()
    unfinished: dict[str, str] = {}

    def audience_of(field) -> str:
        stored, error = household.parse(field.data or "")
        if error:
            unfinished[field.name] = error
            return ""  # chosen by nobody yet: shown to no parent
        return stored

    situations: list[Situation] = []
    for situation in form.situations():
        if situation.empty():
            continue
        agreements = []
        for row in situation.a.filled():
            if not row.who.data or not row.what.data:
                unfinished[row.what.name] = _("An agreement needs at least who and what.")
            agreements.append(Agreement(_key(row.key.data), row.who.data, row.what.data, row.when.data,
                                        row.wrong.data, audience_of(row.audience)))
        if not situation.description.data:
            unfinished[situation.description.name] = _("Describe the unsafe situation these agreements are about.")
        risks = tuple(line.strip() for line in situation.risks.data.splitlines() if line.strip())
        kind = situation.kind.data if situation.kind.data in KINDS else KINDS[0]
        situations.append(Situation(_key(situation.key.data), len(situations) + 1, kind, situation.description.data,
                                    risks, tuple(agreements), audience_of(situation.audience)))
    items = []
    for section in SECTIONS:
        for row in form[section].filled():
            if not row.text.data:
                unfinished[row.text.name] = _("Write what this item is about.")
            items.append(Item(_key(row.key.data), section, row.text.data, row.who.data, audience_of(row.audience)))
    note_audience, note_error = household.parse(form.note_audience.data or "")
    if note_error:  # a note for the family has an audience like any item: chosen by nobody yet, it reaches nobody
        note_audience = ""
        if form.note.data:
            unfinished[form.note_audience.name] = note_error
    return Read(PlanContent(tuple(situations), tuple(items)), form.note.data, note_audience, errors, unfinished)


def _key(value: str | None) -> str:
    """An item's key as the form sent it back, or a new one when it is not a key at all."""
    return value if value and KEY.fullmatch(value) else new_key()


def help_field(name: str):
    """The posted text field a live plain-language check asks about (htmx posts the whole editor); None for any other
    name. Only that field is checked: its length first."""
    field = next((field for field in PlanEditorForm().text_fields() if field.name == name), None)
    if field is not None:
        field.validate(None)
    return field
