"""The meal lists' rows as people read them (templates/expenses/_expense_rows.html fed by `{% meal_rows %}`)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from expenses.tests.factories import (
    CategoryFactory,
    ExpenseFactory,
    ExpenseTagFactory,
    MerchantFactory,
    RestaurantFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r"<li class=\"list-group-item meal-row.*?</li>", html, flags=re.DOTALL)


def test_a_row_shows_the_meal_in_the_readers_time_zone(web_client_for, member):
    member.timezone = "America/Los_Angeles"
    member.save()
    merchant = MerchantFactory(short_name="Blue Bottle")
    restaurant = RestaurantFactory(
        owner=member, name="Blue Bottle Coffee", location_name="Mint Plaza", merchant=merchant
    )
    last_year = timezone.localdate().year - 1
    # 03:30 UTC on 2 March is 19:30 on 1 March in Los Angeles.
    moment = datetime.datetime(last_year, 3, 2, 3, 30, tzinfo=datetime.UTC)
    expense = ExpenseFactory(
        owner=member, restaurant=restaurant, occurred_at=moment, meal_type="dinner",
        amount=Decimal("1234.5"), reporting_amount=Decimal("1234.5"),
        category=CategoryFactory(owner=member, name="Coffee & cake"),
    )  # fmt: skip
    for name in ("team", "client"):
        ExpenseTagFactory(expense=expense, tag=TagFactory(owner=member, name=name))
    local = moment.astimezone(datetime.timezone(datetime.timedelta(hours=-8)))

    (row,) = _rows(web_client_for(member).get("/expenses/").content.decode())

    day = f"{local:%a} 1 Mar {last_year}"
    assert f'aria-label="Select Blue Bottle - Mint Plaza, {day}"' in row
    assert f'<a href="/expenses/{expense.pk}/">Blue Bottle - Mint Plaza</a>' in row
    assert '<div class="meal-amount">$1,234.50</div>' in row
    assert f'<time datetime="{local.isoformat()}">{day}<span class="d-none d-sm-inline">, 19:30</span></time>' in row
    assert " · Dinner</span> · Coffee &amp; cake" in row
    assert row.count('class="tag-link"') == 2
    assert 'href="/expenses/?tag=client"' in row
    assert f'href="/expenses/new/?again={expense.pk}"' in row


def test_a_meal_without_restaurant_or_category_this_year(web_client_for, member):
    today = timezone.localdate()
    moment = timezone.make_aware(datetime.datetime(today.year, today.month, today.day, 0, 5))
    ExpenseFactory(owner=member, restaurant=None, occurred_at=moment)

    (row,) = _rows(web_client_for(member).get("/").content.decode())

    assert ">Meal</a>" in row
    assert 'aria-label="Log again: this meal"' in row
    assert f"{moment:%a} {today.day} {moment:%b}<span" in row  # no year for this year's meals
    assert " · Lunch</span></div>" in row  # no category, no tags


# The row template `{% meal_row_items %}` replaced: its markup, as the reference the Python rows are held to.
ROW_TEMPLATE = (
    "{% load ui meal_rows %}{% meal_rows expenses as rows %}"
    "{% for row in rows %}\n"
    '<li class="list-group-item meal-row{% if selectable %} selectable{% endif %}" data-expense-row>\n'
    '  {% if selectable %}<input class="form-check-input select-box" type="checkbox" name="ids" value="{{ row.pk }}" form="export-selection" aria-label="Select {{ row.restaurant|default:\'this meal\' }}, {{ row.day }}">{% endif %}\n'  # noqa: E501
    '  <div class="meal-title text-truncate"><a href="{{ row.detail_url }}">{{ row.restaurant|default:"Meal" }}</a></div>\n'  # noqa: E501
    '  <div class="meal-amount">{{ row.amount }}</div>\n'
    '  <div class="meal-meta text-truncate"><time datetime="{{ row.moment }}">{{ row.day }}<span class="d-none d-sm-inline">, {{ row.time }}</span></time><span class="d-none d-sm-inline"> · {{ row.meal_type }}</span>{% if show_owner %} · {{ row.owner }}{% endif %}{% if row.category %} · {{ row.category }}{% endif %}{% if show_tags %}{% for tag in row.tags %} {% if show_owner %}<span class="tag-link">#{{ tag }}</span>{% else %}<a class="tag-link" href="{% url \'expense_list\' %}?tag={{ tag|urlencode }}" aria-label="Meals tagged {{ tag }}">#{{ tag }}</a>{% endif %}{% endfor %}{% endif %}</div>\n'  # noqa: E501
    '  <div class="meal-side"><span class="badge {{ row.status_class }}">{{ row.status }}</span>{% if not show_owner %}<a class="link-secondary p-1 ms-1" href="{{ row.again_url }}" title="Log again" aria-label="Log again: {{ row.restaurant|default:\'this meal\' }}"><span class="icon-log-again"></span></a>{% endif %}</div>\n'  # noqa: E501
    "</li>\n"
    "{% endfor %}"
)


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"selectable": True, "show_tags": True},
        {"show_owner": True, "show_tags": True},
        {"show_owner": True},
        {"selectable": True, "show_owner": False},
    ],
)
def test_the_rows_are_the_markup_the_row_template_wrote(member, flags):
    from django.template import Context, Template
    from django.utils import timezone as tz

    from expenses.models import Expense

    last_year = timezone.localdate().year - 1
    odd = RestaurantFactory(owner=member, name='Tom & "Jerry" <Diner>', location_name="Gare d'Est")
    meals = [
        ExpenseFactory(
            owner=member,
            restaurant=odd,
            amount=Decimal("12.5"),
            status="submitted",
            is_business=True,
            category=CategoryFactory(owner=member, name="<b>Client</b>"),
            meal_type="breakfast",
        ),
        ExpenseFactory(
            owner=member,
            restaurant=None,
            currency="JPY",
            amount=Decimal("1200"),
            occurred_at=datetime.datetime(last_year, 12, 31, 23, 59, tzinfo=datetime.UTC),
        ),
        ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Café 食堂")),
    ]
    for name in ("a&b c", "déjà/vu", "100%"):
        ExpenseTagFactory(expense=meals[0], tag=TagFactory(owner=member, name=name))
    expenses = (
        Expense.objects.filter(owner=member)
        .select_related("owner", "restaurant__merchant", "category")
        .prefetch_related("tags")
        .order_by("-occurred_at")
    )
    with tz.override("Asia/Kolkata"):
        context = {"expenses": expenses, **flags}
        theirs = Template(ROW_TEMPLATE).render(Context(context))
        ours = Template("{% load meal_row_items %}{% meal_row_items expenses %}").render(Context(context))
    assert ours == theirs
    assert ours.count("<li ") == 3
