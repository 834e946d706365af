"""Every <select> is written by mealtracker.forms.FormRenderer in Python, byte for byte as Django's templates
write it."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from mealtracker.forms import FormRenderer

CHOICES = [
    ("", "Any"),
    ("1", 'Tom & Jerry\'s "Diner" <b>'),
    (2, gettext_lazy("Lunch")),
    ("Group", [("g1", "In a group"), ("g2", "Also <grouped>")]),
    ("3", "Café · 食堂"),
]


@pytest.mark.parametrize("widget_class", [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect])
@pytest.mark.parametrize("value", [None, "", "1", 2, "g2", "missing", ["1", "g2"], True, "unknown"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"class": "form-select", "aria-describedby": 'id_x_helptext "q"'}, {"required": True, "disabled": False}],
)
def test_a_select_is_written_as_djangos_templates_write_it(widget_class, value, attrs):
    widget = widget_class() if widget_class is forms.NullBooleanSelect else widget_class(choices=CHOICES)
    attrs = {"id": "id_field", **(attrs or {})}
    try:
        by_templates = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    except TypeError:  # a list for a single choice: Django's widget refuses it, before any markup
        with pytest.raises(TypeError):
            widget.render("field", value, attrs=attrs, renderer=FormRenderer())
        return
    by_python = widget.render("field", value, attrs=attrs, renderer=FormRenderer())
    assert by_python == by_templates


class CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/input.html"


def test_a_select_with_its_own_option_markup_goes_through_the_templates():
    widget = CustomOption(choices=[("a", "A")])
    assert widget.render("f", "a", renderer=FormRenderer()) == widget.render("f", "a", renderer=DjangoTemplates())
    assert "<option" not in widget.render("f", "a", renderer=FormRenderer())  # its own markup, not ours


def test_forms_render_through_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "mealtracker.forms.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


INPUTS = [
    forms.TextInput(),
    forms.TextInput({"type": "search", "placeholder": 'Say "hi" <now>'}),
    forms.NumberInput({"step": "0.01", "min": 0}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput({"type": "date"}),
    forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    forms.TimeInput(),
    forms.SearchInput() if hasattr(forms, "SearchInput") else forms.TextInput(),
    forms.TelInput() if hasattr(forms, "TelInput") else forms.TextInput(),
    forms.ColorInput() if hasattr(forms, "ColorInput") else forms.TextInput(),
    forms.Textarea({"rows": 2}),
]


@pytest.mark.parametrize("widget", INPUTS, ids=lambda widget: type(widget).__name__)
@pytest.mark.parametrize(
    "value",
    [None, "", 0, "Tom & Jerry's \"Diner\" <b>", Decimal("12.50"), datetime.date(2026, 3, 1),
     datetime.datetime(2026, 3, 1, 19, 30), "line one\nline two", mark_safe("<b>kept</b> &amp;")],
)  # fmt: skip
@pytest.mark.parametrize(
    "attrs",
    [None, {"class": "form-control is-invalid", "required": True, "disabled": False}, {"data-x": mark_safe("<i>")}],
)
def test_an_input_is_written_as_djangos_templates_write_it(widget, value, attrs):
    attrs = {"id": "id_field", **(attrs or {})}
    by_templates = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert widget.render("field", value, attrs=attrs, renderer=FormRenderer()) == by_templates


def test_no_template_of_ours_overrides_a_widget_template_written_in_python():
    from mealtracker.forms import INPUT_TEMPLATES, SELECT_TEMPLATE, TEXTAREA_TEMPLATE

    for name in [*INPUT_TEMPLATES, SELECT_TEMPLATE, TEXTAREA_TEMPLATE]:
        assert "/django/forms/templates/" in FormRenderer().get_template(name).origin.name, name
