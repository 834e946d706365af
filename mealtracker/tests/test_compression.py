"""Pages and JSON go out gzipped to browsers that accept it; receipts are sent as stored; icons are references to the
one cached sprite, not paths repeated in every page."""

import gzip
import re

import pytest
from django.template import Context, Template, TemplateSyntaxError

from expenses.tests.factories import ExpenseFactory, ReceiptFactory

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(web_client_for, member):
    ExpenseFactory.create_batch(5, owner=member)

    response = web_client_for(member).get("/expenses/", **GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "csrfmiddlewaretoken" in html
    assert len(response.content) < len(html) / 3


def test_the_csrf_token_in_a_compressed_page_differs_on_every_response(web_client_for, member):
    client = web_client_for(member)
    tokens = [
        re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', gzip.decompress(client.get("/", **GZIP).content).decode()
        )
        for _ in range(2)
    ]

    assert tokens[0]
    assert tokens[1]
    assert tokens[0].group(1) != tokens[1].group(1)


def test_json_is_gzipped_too(api_client_for, member):
    ExpenseFactory.create_batch(5, owner=member)

    response = api_client_for(member).get("/api/v1/expenses/", **GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"{")


def test_a_receipt_is_sent_as_stored(web_client_for, member):
    receipt = ReceiptFactory(expense=ExpenseFactory(owner=member), file__data=b"\x89PNG\r\n\x1a\n" + bytes(4096))

    response = web_client_for(member).get(f"/expenses/{receipt.expense_id}/receipts/{receipt.pk}/", **GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_without_accept_encoding_the_page_is_plain(web_client_for, member):
    response = web_client_for(member).get("/")

    assert "Content-Encoding" not in response
    assert b"<!doctype html>" in response.content


def test_an_icon_is_a_reference_to_the_sprite():
    html = Template('{% load ui %}{% icon "house" "text-primary" %}').render(Context())

    assert re.fullmatch(
        r'<svg class="bi text-primary" width="1em" height="1em" aria-hidden="true">'
        r'<use href="/static/vendor/bootstrap-icons/sprite(\.[0-9a-f]+)?\.svg#house"/></svg>',
        html,
    )


def test_an_icon_missing_from_the_sprite_is_a_template_error():
    with pytest.raises(TemplateSyntaxError, match=r"bootstrap-icons\.txt"):
        Template('{% load ui %}{% icon "not-an-icon" %}').render(Context())
