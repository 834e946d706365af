"""Form helpers shared by the web UI: accessible error wiring and turning domain errors into form errors."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape

from mealtracker.errors import DomainError

# The largest key a BigAutoField holds. An id outside 1..MAX_ID names no object: a field taking ids refuses it rather
# than pass it to the database, which cannot bind it (SQLite raised OverflowError, a 500).
MAX_ID = 2**63 - 1


def names_a_filter(filterset_class, parameters) -> bool:
    """Whether any of the query `parameters` names one of the filter set's filters. A parameter counts when it starts
    with a filter's name, so filters whose widgets add suffixes (`<name>_after`, `<name>_min`) count. A list filtered
    by nothing is left as it is: building and validating a filter set's form costs about 2 ms a request."""
    return any(parameter.startswith(name) for parameter in parameters for name in filterset_class.base_filters)


class AccessibleFormMixin:
    """Points each invalid input at its error message (aria-describedby), so screen readers read both."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def _describe_error(self, name: str) -> None:
        if name not in self.fields:
            return
        widget = self.fields[name].widget
        error_id = f"{self[name].auto_id}_error"
        described = widget.attrs.get("aria-describedby", "").split()
        if self.fields[name].help_text and not described:
            described = [f"{self[name].auto_id}_helptext"]  # Django stops adding it once the attribute is set
        if error_id not in described:
            widget.attrs["aria-describedby"] = " ".join([*described, error_id])

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            self._describe_error(name)

    def add_domain_error(self, exc: DomainError) -> None:
        """Show a service's refusal on the field it names (or above the form when it names none)."""
        per_field = getattr(exc, "errors", None)  # InvalidFields carries every field's messages
        if isinstance(per_field, dict):
            for field, messages in per_field.items():
                self._add(field, " ".join(messages))
            return
        self._add(exc.field, exc.message)

    def _add(self, field: str | None, message: str) -> None:
        # A hidden input (the version) cannot show its own message: the form shows it above the fields.
        target = field if field in self.fields and not self.fields[field].widget.is_hidden else None
        self.add_error(target, message)
        if target:
            self._describe_error(target)


class Form(AccessibleFormMixin, forms.Form):
    pass


class ModelForm(AccessibleFormMixin, forms.ModelForm):
    pass


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A pick list's choices from one plain query. Django's own iterator reads them through a server-side cursor,
    which on PostgreSQL is four statements (DECLARE, two FETCH, CLOSE) for a list of a few dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose choices come from one plain query (ListedChoiceIterator)."""

    iterator = ListedChoiceIterator


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False (a value marked
    safe is written as it is, as the template's `stringformat` keeps it safe)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def select_html(widget: dict) -> str:
    """What django/forms/widgets/select.html and its option template write for a widget's context, byte for byte."""
    parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WIDGETS = "django/forms/widgets/"
# The input widgets' templates: input.html itself, and those that only include it.
INPUT_TEMPLATES = {f"{WIDGETS}{kind}.html" for kind in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
    "color",
)}  # fmt: skip
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"


def input_html(widget: dict) -> str:
    """What django/forms/widgets/input.html writes for a widget's context, byte for byte (as the renderer strips it)."""
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    attributes = _attributes(widget["attrs"])
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{attributes}>'


def textarea_html(widget: dict) -> str:
    """What django/forms/widgets/textarea.html writes for a widget's context, byte for byte (stripped)."""
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>\n{value}</textarea>'


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with the commonest widgets written in Python (held equal to Django's templates by a
    test): inputs, text areas, and selects with the standard option markup. The templates include a template per
    option and per attribute list: the add-meal form's currency and timezone lists, or a filter panel's pick lists,
    cost tens of milliseconds a page."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in INPUT_TEMPLATES and isinstance(widget, dict):
            return input_html(widget)
        if template_name == TEXTAREA_TEMPLATE and isinstance(widget, dict):
            return textarea_html(widget)
        if template_name == SELECT_TEMPLATE and all(
            option["template_name"] == OPTION_TEMPLATE
            for _name, options, _index in context["widget"]["optgroups"]
            for option in options
        ):
            return select_html(context["widget"])
        return super().render(template_name, context, request)
