"""`as_plain_field` writes the markup crispy-forms' `as_crispy_field` writes (as HTML, whitespace aside)."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html

from expenses.tests.factories import CategoryFactory, RestaurantFactory, TagFactory
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
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
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


def _forms_in(response) -> list:
    """The forms (and the forms of formsets) a page rendered, each once."""
    found = {}
    for context in response.context or []:
        for values in context.dicts:
            for value in values.values():
                forms_here = value.forms if isinstance(value, forms.BaseFormSet) else [value]
                for form in forms_here:
                    if isinstance(form, forms.BaseForm):
                        found[id(form)] = form
    return list(found.values())


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/expenses/new/", None),
        ("post", "/expenses/new/", {"amount": "-3", "currency": "ZZZ", "occurred_at": "soon", "party_size": "0"}),
        ("get", "/expenses/{meal}/edit/", None),
        ("get", "/expenses/{meal}/items/", None),
        ("get", "/expenses/{meal}/split/", None),
        ("get", "/accounts/profile/", None),
        ("post", "/accounts/profile/", {"display_name": "", "timezone": "Mars/Olympus", "default_currency": "XYZ"}),
        ("get", "/accounts/password/change/", None),
        ("get", "/restaurants/new/", None),
        ("post", "/restaurants/new/", {"name": "", "website": "not a url"}),
        ("get", "/restaurants/", None),
        ("get", "/trips/new/", None),
        ("get", "/favourites/new/", None),
        ("get", "/loyalty/new/", None),
        ("get", "/budgets/", None),
        ("get", "/imports/", None),
        ("get", "/expense-reports/new/", None),
        ("get", "/notifications/preferences/", None),
    ],
)
def test_the_forms_of_the_pages_are_written_as_crispy_writes_them(web_client_for, member, method, path, data):
    from expenses.tests.factories import ExpenseFactory

    meal = ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member))
    client = web_client_for(member)
    url = path.format(meal=meal.pk)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code in (200, 400), (url, response.status_code)  # 400: the form again, with its errors
    page_forms = _forms_in(response)
    assert page_forms, url
    for form in page_forms:
        for field in form:
            # The page rendered the field already, so its widget carries crispy's classes either way.
            assert parse_html(str(as_plain_field(field))) == parse_html(str(as_crispy_field(field))), (url, field.name)


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/", "/accounts/password/reset/"])
def test_the_forms_of_the_public_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    for form in _forms_in(response):
        for field in form:
            assert parse_html(str(as_plain_field(field))) == parse_html(str(as_crispy_field(field))), (path, field.name)
