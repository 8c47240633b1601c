"""The plan editor's fields as a browser posts them, asked of the editor's own form (portal/backoffice/plan_form.py)."""
from werkzeug.datastructures import MultiDict
from wtforms import FormField

from portal.backoffice.plan_form import MAX_ROWS, EditorRows, PlanEditorForm, editor_form
from portal.rules.plan_content import PlanContent

# Enough rows that any field name a test uses exists in the form.
_EVERY_ROW = {name: str(MAX_ROWS - 1) for name in ("s1-a-count", "s2-a-count", "s3-a-count", "help-count",
                                                   "future-count")}


def _form(app, fields: dict) -> PlanEditorForm:
    with app.test_request_context(method="POST", data=MultiDict(fields)):
        return PlanEditorForm()


def text_fields(app, fields: dict) -> list[str]:
    """The names of the fields of this posted form that get plain-language help, the empty new rows included."""
    return [field.name for field in _form(app, fields).text_fields()]


def limit_of(app, name: str) -> int:
    """How many characters the editor's field `name` ("s1-a-0-what", "help-2-who", "note") holds."""
    return next(field.flags.maxlength for field in _leaves(_form(app, _EVERY_ROW)) if field.name == name)


def posted(app, content: PlanContent) -> dict[str, str]:
    """What a browser posts for `content` as the editor shows it, without pressing a button."""
    with app.test_request_context():
        form = editor_form(content, posted=False).ready_to_show()
    fields = {field.name: field.data or "" for field in _leaves(form)}
    for rows in (*(situation.a for situation in form.situations()), form.help, form.future):
        fields[f"{rows.name}-count"] = str(len(rows.entries) - 1)
    return fields


def _leaves(form):
    for field in form:
        if isinstance(field, EditorRows):
            for row in field.entries:
                yield from _leaves(row.form)
        elif isinstance(field, FormField):
            yield from _leaves(field.form)
        else:
            yield field
