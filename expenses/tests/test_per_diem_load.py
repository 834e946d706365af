"""manage.py load_per_diem: the GSA file format, idempotent reloads, refused lines named by their number."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from expenses.models import PerDiemRate
from expenses.per_diem_file import read_rate_rows
from expenses.tests.trip_factories import SAMPLE_RATES

pytestmark = pytest.mark.django_db

HEADER = "ID,STATE,DESTINATION,COUNTY/LOCATION DEFINED,SEASON BEGIN,SEASON END,FY26 Lodging Rate,FY26 M&IE\n"


def load(path, *args) -> str:
    out = StringIO()
    call_command("load_per_diem", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write(tmp_path, text: str, name: str = "FY2026_PerDiemMasterRatesFile.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_sample_file_loads_every_season_with_its_breakdown():
    assert "29 new" in load(SAMPLE_RATES)
    chicago = PerDiemRate.objects.filter(location_key="IL/Chicago").order_by("valid_from")
    assert [(r.valid_from, r.valid_to) for r in chicago][:2] == [
        (datetime.date(2025, 10, 1), datetime.date(2025, 11, 30)),
        (datetime.date(2025, 12, 1), datetime.date(2026, 3, 31)),
    ]
    conus = PerDiemRate.objects.get(location_key="CONUS")
    assert (conus.meals_and_incidentals, conus.breakfast, conus.lunch, conus.dinner, conus.incidentals) == (
        Decimal(68), Decimal(16), Decimal(19), Decimal(28), Decimal(5))  # fmt: skip
    assert (conus.lodging, conus.source) == (Decimal(110), SAMPLE_RATES.name)


def test_loading_the_same_file_again_changes_nothing():
    load(SAMPLE_RATES)
    before = list(
        PerDiemRate.objects.order_by("pk").values_list("pk", "location_key", "valid_from", "meals_and_incidentals")
    )
    assert "0 new, 0 changed, 29 unchanged, 0 removed" in load(SAMPLE_RATES)
    assert (
        list(
            PerDiemRate.objects.order_by("pk").values_list("pk", "location_key", "valid_from", "meals_and_incidentals")
        )
        == before
    )


def test_a_new_file_for_the_year_replaces_an_areas_seasons(tmp_path):
    load(SAMPLE_RATES)
    text = HEADER + "1,WA,Seattle,King,,,200,86\n"
    assert "0 new, 1 changed, 0 unchanged, 1 removed" in load(write(tmp_path, text), "--fiscal-year", "2026")
    seattle = PerDiemRate.objects.get(location_key="WA/Seattle")
    assert (seattle.valid_to, seattle.meals_and_incidentals, seattle.lunch) == (
        datetime.date(2026, 9, 30), Decimal(86), Decimal(23))  # fmt: skip
    assert PerDiemRate.objects.filter(location_key="IL/Chicago").count() == 5  # other areas left alone


def test_refused_lines_are_named_and_nothing_is_loaded(tmp_path):
    text = (
        "FY2026 Per Diem Rates\n" + HEADER
        + "1,MA,Boston,Suffolk,,,300,92\n"
        + "2,TX,Austin,Travis,October 1,,170,80\n"
        + "3,IL,Chicago,Cook,,,200,ninety\n"
        + "4,CA,Oddville,Nowhere,,,150,77\n"
        + "5,WA,Seattle,King,March 1,January 31,150,92\n"
        + "6,MA,Boston,Suffolk,June 1,June 30,300,92\n"
    )  # fmt: skip
    errors = StringIO()
    with pytest.raises(CommandError, match="5 line"):
        call_command("load_per_diem", str(write(tmp_path, text)), "--fiscal-year", "2026", stdout=StringIO(),
                     stderr=errors)  # fmt: skip
    report = errors.getvalue()
    assert "line 4: give both SEASON BEGIN and SEASON END" in report
    assert "line 5: M&IE 'ninety' is not an amount" in report
    assert "line 6: no standard breakdown for M&IE 77" in report
    assert "line 7: the season ends (January 31) before it begins (March 1)" in report
    assert "line 8: MA/Boston 2026-06-01 to 2026-06-30 overlaps line 3" in report
    assert not PerDiemRate.objects.exists()


def test_breakdown_columns_cover_a_tier_the_standard_table_lacks(tmp_path):
    text = (
        "STATE,DESTINATION,SEASON BEGIN,SEASON END,M&IE,Breakfast,Lunch,Dinner,Incidentals\n"
        "CA,Oddville,,,77,17,19,36,5\n"
    )
    load(write(tmp_path, text), "--fiscal-year", "2026")
    rate = PerDiemRate.objects.get()
    assert (rate.breakfast, rate.lunch, rate.dinner, rate.incidentals) == (17, 19, 36, 5)


def test_a_file_without_the_columns_is_refused_whole(tmp_path):
    with pytest.raises(CommandError, match="No header line with STATE and DESTINATION"):
        load(write(tmp_path, "City,Rate\nBoston,92\n"))
    with pytest.raises(CommandError, match="lacks the column"):
        load(write(tmp_path, "STATE,DESTINATION,Lodging\nMA,Boston,300\n"))


def test_a_file_with_no_fiscal_year_asks_for_one(tmp_path):
    with pytest.raises(CommandError, match="1 line"):
        load(write(tmp_path, HEADER + "1,MA,Boston,Suffolk,,,300,92\n"))


def test_a_season_ending_february_28_takes_the_29th_of_a_leap_year():
    rows, refused = read_rate_rows(HEADER + "1,MA,Boston,Suffolk,November 1,February 28,209,92\n", fiscal_year=2028)
    assert not refused
    assert rows[0].valid_to == datetime.date(2028, 2, 29)


def test_dollar_signs_as_the_gsa_writes_them_are_read(tmp_path):
    text = (
        HEADER.replace("FY26 ", "")
        + ",,Standard CONUS rate applies,,,,$ 110,$ 68\n1,AL,Birmingham,Jefferson,,,$ 126,$ 80\n"
    )
    assert "2 new" in load(write(tmp_path, text), "--fiscal-year", "2025")
    assert PerDiemRate.objects.get(location_key="AL/Birmingham").meals_and_incidentals == Decimal(80)
