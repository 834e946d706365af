"""An imported amount finer than its currency is a row error in the currency's words, never a rounding."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("1000.5", "JPY", "amount: 1000.5: JPY takes no decimals."),
        ("12.345", "USD", "amount: 12.345: USD amounts have at most two decimal places."),
    ],
)
def test_an_amount_with_too_many_decimals_is_a_row_error_naming_the_currencys_rule(
    api_client_for, member, amount, currency, message
):
    csv = f"Date,Payee,Amount,Currency,Exchange rate\n2026-03-02,Bistro A,{amount},{currency},0.0067\n".encode()
    client = api_client_for(member)
    batch = client.post(
        reverse("reports_api:import-list"), {"file": SimpleUploadedFile("meals.csv", csv)}, format="multipart"
    ).json()

    rows = client.get(reverse("reports_api:import-rows", args=[batch["id"]]), {"show": "errors"}).json()["results"]

    assert [row["errors"] for row in rows] == [[message]]
