"""The dashboard's top restaurants card, written from values the view makes (TopRestaurant), is the markup the
template wrote from the restaurants themselves through the url tag and the money filter."""

from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse

from expenses.page_selectors import per_person, top_restaurants
from expenses.tests.factories import ExpenseFactory, MerchantFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

FORMER_CARD = """{% load ui %}{% for restaurant in top_restaurants %}
            <li class="list-group-item meal-row px-0">
              <div class="meal-title text-truncate"><a href="{% url 'restaurant_detail' restaurant.pk %}">{{ restaurant.display_name }}</a></div>
              <div class="meal-amount">{{ restaurant.total|money:reporting_currency }}</div>
              <div class="meal-meta">{{ restaurant.visits }} visit{{ restaurant.visits|pluralize }} · {{ restaurant.per_person|money:reporting_currency }} per person</div>
            </li>
          {% endfor %}"""  # noqa: E501


def test_top_restaurants_card_is_the_markup_the_template_wrote(web_client_for, member, settings):
    settings.REPORTING_CURRENCY = "EUR"
    brand = MerchantFactory(name="Pret A Manger", short_name="Pret")
    places = [
        RestaurantFactory(owner=member, name='<Bistro> & "Co"'),
        RestaurantFactory(owner=member, name="Pret Holborn", merchant=brand, location_name="Holborn"),
        RestaurantFactory(owner=member, name="Noodle Bar", location_name="Soho & Co"),
        RestaurantFactory(owner=member, name="Once"),
        RestaurantFactory(owner=member, name="Tiny"),
        RestaurantFactory(owner=member, name="Sixth, not shown"),
    ]
    visits = [(places[0], "1234.50", 3, 3), (places[1], "80.00", 1, 1), (places[2], "33.33", 2, 4)]
    visits += [(places[3], "12.00", 1, 1), (places[4], "0.05", 7, 1), (places[5], "0.02", 1, 2)]
    for restaurant, amount, people, count in visits:
        ExpenseFactory.create_batch(
            count, owner=member, restaurant=restaurant, amount=Decimal(amount), tax=0, tip=0, party_size=people
        )
    restaurants = list(top_restaurants(member))
    for restaurant in restaurants:
        restaurant.per_person = per_person(restaurant.total, restaurant.people)
    former = (
        engines["django"].from_string(FORMER_CARD).render({"top_restaurants": restaurants, "reporting_currency": "EUR"})
    )

    page = web_client_for(member).get(reverse("home")).content.decode()

    card = page.split('<ul class="list-group list-group-flush meal-list">')[1].split("</ul>")[0]
    assert card.strip() == former.strip()
    assert "&lt;Bistro&gt; &amp; &quot;Co&quot;" in card
    assert "Pret - Holborn" in card
    assert "1 visit ·" in card
    assert "Sixth" not in card
