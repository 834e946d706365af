"""The API's HTML pages hold nothing the site's Content-Security-Policy blocks: no inline script, style element,
style attribute or event handler (the browser test test_api_pages.py renders them in Chromium)."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

INLINE = [
    (r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", "an inline script"),
    (r"<style\b", "a style element"),
    (r"\sstyle=", "a style attribute"),
    (r"\son[a-z]+=", "an inline event handler"),
]


def inline_code(html: str) -> list[str]:
    return [what for pattern, what in INLINE if re.search(pattern, html)]


def test_api_docs_page_has_no_inline_code(client, db):
    response = client.get(reverse("api-docs"))

    assert response.status_code == HTTPStatus.OK
    assert inline_code(response.content.decode()) == []
    assert "/static/api/swagger-ui-page.css" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?ordering=-amount"])
def test_browsable_api_page_has_no_inline_code(web_client_for, member, query):
    response = web_client_for(member).get("/api/v1/expenses/" + query, HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'id="filtersModal"' in html
    assert inline_code(html) == []


def test_browsable_api_sign_in_page_has_no_inline_code(client, db):
    response = client.get(reverse("rest_framework:login"))

    assert response.status_code == HTTPStatus.OK
    assert inline_code(response.content.decode()) == []


def test_signing_out_of_the_browsable_api_is_a_form_without_script(web_client_for, member):
    html = web_client_for(member).get("/api/v1/reports/", HTTP_ACCEPT="text/html").content.decode()

    assert f'action="{reverse("rest_framework:logout")}?next=/api/v1/reports/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
