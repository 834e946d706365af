"""mealtracker.forms.Select writes the <select> Django's widget templates write, byte for byte."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from mealtracker.forms import Select

CHOICES = [
    ("", "Any"),
    ("1", 'Tom & Jerry\'s "Diner" <b>'),
    (2, gettext_lazy("Lunch")),
    ("Group", [("g1", "In a group"), ("g2", "Also <grouped>")]),
    ("3", "Café · 食堂"),
]


@pytest.mark.parametrize("value", [None, "", "1", 2, "g2", "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"class": "form-select", "aria-describedby": 'id_x_helptext "q"'}, {"required": True, "disabled": False}],
)
def test_a_plain_select_is_written_as_django_writes_it(value, attrs):
    django_select = forms.Select(choices=CHOICES).render("field", value, attrs={"id": "id_field", **(attrs or {})})
    plain_select = Select(choices=CHOICES).render("field", value, attrs={"id": "id_field", **(attrs or {})})
    assert plain_select == django_select


def test_the_filter_forms_pick_lists_are_plain_selects():
    from expenses.forms import ExpenseFilterForm
    from reports.forms import ReportFilterForm

    for form_class in (ExpenseFilterForm, ReportFilterForm):
        selects = [field for field in form_class.base_fields.values() if isinstance(field.widget, forms.Select)]
        assert selects, form_class
        assert all(isinstance(field.widget, Select) for field in selects), form_class
