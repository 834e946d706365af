"""`as_plain_field` writes the markup crispy-forms' `as_crispy_field` writes (as HTML, whitespace aside)."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html

from expenses.tests.factories import CategoryFactory, RestaurantFactory, TagFactory
from mealtracker.forms import Select
from mealtracker.templatetags.plain_fields import as_plain_field

pytestmark = pytest.mark.django_db


def rendered(make_form, render) -> list:
    """Each field of a fresh form (crispy changes a widget's classes as it renders it) through `render`."""
    form = make_form()
    form.is_valid()
    return [(field.name, parse_html(str(render(field)))) for field in form]


def assert_same_markup(make_form):
    plain, crispy = rendered(make_form, as_plain_field), rendered(make_form, as_crispy_field)
    assert [name for name, _ in plain] == [name for name, _ in crispy]
    for (name, ours), (_, theirs) in zip(plain, crispy, strict=True):
        assert ours == theirs, name


@pytest.fixture
def owner(member):
    CategoryFactory(owner=member, name="Client <dinners> & co")
    RestaurantFactory(owner=member, name='Chez "Nous"', city="Lyon")
    TagFactory(owner=member, name="team")
    return member


FILTERS = [
    None,
    {},
    {"q": "sushi <b>", "date_from": "2026-01-01", "meal_type": "lunch", "sort": "oldest"},
    {"date_from": "not a date", "date_to": "2026-13-40", "meal_type": "brunch", "category": "999", "tag": "x"},
]


@pytest.mark.parametrize("data", FILTERS)
def test_the_expense_list_filter_panel(owner, data):
    from expenses.forms import ExpenseFilterForm

    assert_same_markup(lambda: ExpenseFilterForm(data, owner=owner))


@pytest.mark.parametrize("data", [*FILTERS, {"scope": "everyone", "basis": "nonsense", "period": "decade"}])
def test_the_reports_filter_panel(owner, data):
    from reports.forms import ReportFilterForm

    assert_same_markup(lambda: ReportFilterForm(data, user=owner))


class EveryKindForm(forms.Form):
    required_css_class = "is-required"
    error_css_class = "has-error"

    name = forms.CharField(label="Name <&>", help_text="As on the <em>receipt</em>.", max_length=5)
    amount = forms.DecimalField(widget=forms.NumberInput(attrs={"class": "text-end numberinput-ish"}))
    notes = forms.CharField(widget=forms.Textarea, required=False, label="")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=Select)
    kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"class": "form-control is-invalid"}))
    # Left to crispy: checkboxes, radios, files and hidden inputs.
    agree = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect, required=False)
    photo = forms.FileField(required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


@pytest.mark.parametrize(
    "data", [None, {"name": "far too long", "amount": "x", "kind": "c", "email": "nope"}, {"name": "ok", "amount": "2"}]
)
def test_every_kind_of_field(data):
    assert_same_markup(lambda: EveryKindForm(data))


def test_the_classes_crispy_adds_are_added_once_however_often_a_field_is_rendered():
    form = EveryKindForm({"amount": "x"})
    form.is_valid()
    as_plain_field(form["amount"])
    as_plain_field(form["amount"])
    assert form.fields["amount"].widget.attrs["class"] == "text-end numberinput-ish form-control is-invalid"
