"""Report figures against hand-computed values on the fixed March data set (reports/tests/conftest.py)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def get_report(client, kind, **params):
    return client.get(reverse("reports_api:report", args=[kind]), {**MARCH, **params})


def rows_by(response, key, value):
    return {row[key]: row[value] for row in response.json()["rows"]}


@pytest.fixture
def client(api_client_for, member, march):
    return api_client_for(member)


def test_summary_adds_mixed_currencies_in_the_reporting_currency(client):
    row = get_report(client, "summary").json()["rows"][0]
    assert row["total"] == "103.70"
    assert row["visits"] == 4


def test_summary_averages_per_visit_and_per_person(client):
    row = get_report(client, "summary").json()["rows"][0]
    assert (row["average_per_visit"], row["people"], row["average_per_person"]) == ("25.93", 5, "20.74")


def test_average_tip_percentage_weighs_tips_by_their_subtotal(client):
    # (4.00 + 5 EUR x 1.10) / (24.00 + 45 EUR x 1.10) = 9.50 / 73.50 = 12.9 %
    assert get_report(client, "summary").json()["rows"][0]["average_tip_percent"] == "12.9"


def test_summary_compares_with_the_period_just_before(client):
    row = get_report(client, "summary").json()["rows"][0]
    assert (row["previous_total"], row["change"], row["change_percent"]) == ("20.00", "83.70", "418.5")


def test_summary_of_a_range_with_no_meals_before_or_in_it_is_zero(client):
    row = get_report(client, "summary", date_from="2020-01-01", date_to="2020-01-31").json()["rows"][0]
    assert (row["total"], row["visits"], row["people"], row["previous_total"], row["previous_visits"]) == (
        "0.00", 0, 0, "0.00", 0,
    )  # fmt: skip
    assert (row["change"], row["change_percent"], row["average_tip_percent"]) == ("0.00", None, None)


def test_summary_of_an_empty_range_after_a_spent_one(client):
    # April's previous period is the 30 days March 2-31: all of March's meals.
    row = get_report(client, "summary", date_from="2026-04-01", date_to="2026-04-30").json()["rows"][0]
    assert (row["total"], row["visits"], row["previous_total"], row["previous_visits"]) == ("0.00", 0, "103.70", 4)
    assert (row["change"], row["change_percent"]) == ("-103.70", "-100.0")


def test_meal_at_half_past_eleven_local_time_lands_on_its_local_date(client):
    days = rows_by(get_report(client, "totals", period="day"), "period_start", "total")
    assert days == {"2026-03-02": "85.00", "2026-03-15": "12.00", "2026-03-31": "6.70"}


def test_meal_late_on_the_last_evening_of_february_stays_out_of_march(client):
    totals = rows_by(get_report(client, "totals", period="month"), "period_start", "total")
    assert totals == {"2026-03-01": "103.70"}


def test_weeks_start_on_monday_in_local_time(client):
    weeks = rows_by(get_report(client, "totals", period="week"), "period_start", "total")
    assert weeks == {"2026-03-02": "85.00", "2026-03-09": "12.00", "2026-03-30": "6.70"}


def test_quarters_and_years_truncate_in_local_time(client):
    params = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    quarters = rows_by(get_report(client, "totals", period="quarter", **params), "period_start", "total")
    assert quarters == {"2026-01-01": "123.70"}
    years = rows_by(get_report(client, "totals", period="year", **params), "period_start", "total")
    assert years == {"2026-01-01": "123.70"}


def test_totals_show_the_change_from_the_previous_bucket(client):
    rows = get_report(client, "totals", period="day").json()["rows"]
    assert [(r["change"], r["change_percent"]) for r in rows] == [(None, None), ("-73.00", "-85.9"), ("-5.30", "-44.2")]


def test_breakdown_by_weekday_uses_local_time(client):
    weekdays = rows_by(get_report(client, "breakdown", by="weekday"), "label", "total")
    assert weekdays == {"Monday": "85.00", "Tuesday": "6.70", "Sunday": "12.00"}


def test_breakdown_by_hour_uses_local_time(client):
    hours = rows_by(get_report(client, "breakdown", by="hour"), "label", "total")
    assert hours == {"08:00": "12.00", "12:00": "30.00", "23:00": "61.70"}


def test_breakdown_by_weekday_lists_days_in_week_order(client):
    rows = get_report(client, "breakdown", by="weekday").json()["rows"]
    assert [row["label"] for row in rows] == ["Monday", "Tuesday", "Sunday"]


def test_breakdown_by_category_keeps_uncategorised_meals(client):
    assert rows_by(get_report(client, "breakdown", by="category"), "label", "total") == {
        "Uncategorised": "61.70",
        "Dining": "42.00",
    }


def test_breakdown_by_restaurant_cuisine_meal_and_order_type(client):
    assert rows_by(get_report(client, "breakdown", by="restaurant"), "label", "visits") == {
        "Trattoria B": 1,
        "Bistro A": 2,
        "No restaurant": 1,
    }
    assert rows_by(get_report(client, "breakdown", by="cuisine"), "label", "total") == {
        "Italian": "55.00",
        "French": "42.00",
        "Unknown cuisine": "6.70",
    }
    assert rows_by(get_report(client, "breakdown", by="meal_type"), "label", "total") == {
        "Dinner": "55.00",
        "Lunch": "30.00",
        "Breakfast": "12.00",
        "Drinks": "6.70",
    }
    assert rows_by(get_report(client, "breakdown", by="order_type"), "label", "total") == {
        "Dine in": "85.00",
        "Takeout": "12.00",
        "Delivery": "6.70",
    }


def test_breakdown_by_tag_counts_untagged_meals_apart(client):
    assert rows_by(get_report(client, "breakdown", by="tag"), "label", "total") == {
        "Untagged": "73.70",
        "client": "30.00",
    }


def test_breakdown_shares_add_up_to_the_whole(client):
    shares = rows_by(get_report(client, "breakdown", by="meal_type"), "label", "share_percent")
    assert shares == {"Dinner": "53.0", "Lunch": "28.9", "Breakfast": "11.6", "Drinks": "6.5"}


def test_top_restaurants_rank_by_spend(client):
    response = get_report(client, "top-restaurants", by="spend", limit=5)
    assert [(r["restaurant"], r["total"]) for r in response.json()["rows"]] == [
        ("Trattoria B", "55.00"),
        ("Bistro A", "42.00"),
    ]


def test_top_restaurants_rank_by_visits(client):
    response = get_report(client, "top-restaurants", by="visits", limit=1)
    assert [(r["restaurant"], r["visits"]) for r in response.json()["rows"]] == [("Bistro A", 2)]


def test_heatmap_has_one_cell_per_local_day_with_spending(client):
    rows = get_report(client, "heatmap").json()["rows"]
    assert [(r["date"], r["weekday"], r["total"]) for r in rows] == [
        ("2026-03-02", 1, "85.00"),
        ("2026-03-15", 7, "12.00"),
        ("2026-03-31", 2, "6.70"),
    ]


def test_filters_narrow_the_report(client):
    row = get_report(client, "summary", meal_type="lunch,dinner", tag="client").json()["rows"][0]
    assert (row["total"], row["visits"]) == ("30.00", 1)


def test_report_states_its_currency_range_and_timezone(client):
    body = get_report(client, "summary").json()
    assert (body["currency"], body["date_from"], body["date_to"], body["timezone"]) == (
        "USD",
        "2026-03-01",
        "2026-03-31",
        "America/New_York",
    )


def test_report_runs_a_fixed_number_of_queries(client, assert_max_app_queries):
    with assert_max_app_queries(2):
        assert get_report(client, "breakdown", by="restaurant").status_code == HTTPStatus.OK


def test_team_totals_read_the_team_then_aggregate(api_client_for, manager, march, assert_max_app_queries):
    client = api_client_for(manager)
    with assert_max_app_queries(2):  # the manager's visible owners, then one GROUP BY
        assert get_report(client, "totals", scope="team").status_code == HTTPStatus.OK


def test_team_summary_reads_the_team_once_for_both_periods(api_client_for, manager, march, assert_max_app_queries):
    client = api_client_for(manager)
    with assert_max_app_queries(3):  # the manager's visible owners, then this period and the one before
        assert get_report(client, "summary", scope="team").status_code == HTTPStatus.OK


def test_manager_team_report_includes_teammates(api_client_for, manager, march):
    response = api_client_for(manager).get(reverse("reports_api:report", args=["summary"]), {**MARCH, "scope": "team"})
    # The manager's March is in UTC: the member's Feb 28th 23:30 New York meal (20.00) is March 1st there and the
    # March 31st 23:30 one (6.70) is April: 103.70 + 20.00 - 6.70 + 40.00 from the teammate.
    assert response.json()["rows"][0]["total"] == "157.00"


def test_member_cannot_ask_for_a_team_report(client):
    response = get_report(client, "summary", scope="team")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_manager_cannot_ask_for_everyone(api_client_for, manager):
    response = api_client_for(manager).get(reverse("reports_api:report", args=["summary"]), {"scope": "everyone"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_other_teams_manager_sees_none_of_team_a(api_client_for, other_manager, march):
    response = api_client_for(other_manager).get(
        reverse("reports_api:report", args=["summary"]), {**MARCH, "scope": "team"}
    )
    assert response.json()["rows"][0]["total"] == "0.00"


def test_admin_reports_on_everyone(api_client_for, site_admin, march):
    response = api_client_for(site_admin).get(
        reverse("reports_api:report", args=["summary"]), {**MARCH, "scope": "everyone"}
    )
    assert response.json()["rows"][0]["total"] == "157.00"  # in the admin's UTC March, as for the manager


def test_reversed_date_range_is_a_bad_request(client):
    response = get_report(client, "summary", date_from="2026-04-01", date_to="2026-03-01")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "date_from" in response.json()["errors"]


def test_unknown_breakdown_is_a_bad_request(client):
    assert get_report(client, "breakdown", by="colour").status_code == HTTPStatus.BAD_REQUEST


def test_unknown_report_is_not_found(client):
    assert get_report(client, "astrology").status_code == HTTPStatus.NOT_FOUND


def test_reports_need_a_login(api_client_for):
    response = api_client_for().get(reverse("reports_api:report", args=["summary"]))
    assert response.status_code in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}
