"""Receipt uploads that are the wrong type, too large or decompression bombs are refused with a 4xx on `file`."""

import struct
import zlib
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.models import Receipt
from expenses.tests.factories import ExpenseFactory

LIST = reverse("expenses_api:receipt-list")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (what a decompression bomb looks like)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def upload(client, expense, content: bytes, name: str):
    return client.post(LIST, {"expense": expense.pk, "file": SimpleUploadedFile(name, content)}, format="multipart")


def assert_refused_on_file(response):
    assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["Content-Type"] == "application/problem+json"
    assert "file" in response.json()["errors"]
    assert Receipt.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("receipt.png", b"#!/bin/sh\nrm -rf /\n"),
        ("receipt.html", b"<html><script>alert(1)</script></html>"),
        ("receipt.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("receipt.zip", b"PK\x03\x04" + b"\x00" * 64),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_on_the_file_field(name, content, member, api_client_for):
    response = upload(api_client_for(member), ExpenseFactory(owner=member), content, name)

    assert_refused_on_file(response)


def test_an_oversized_receipt_is_refused_on_the_file_field(member, api_client_for, settings):
    settings.RECEIPT_MAX_BYTES = 1024

    response = upload(
        api_client_for(member), ExpenseFactory(owner=member), png_claiming(10, 10) + b"\0" * 2048, "a.png"
    )

    assert_refused_on_file(response)
    assert response.json()["code"] == "file_too_large"


def test_a_decompression_bomb_image_is_refused_on_the_file_field(member, api_client_for):
    bomb = png_claiming(100_000, 100_000)  # 10 billion pixels in a 100-byte file

    response = upload(api_client_for(member), ExpenseFactory(owner=member), bomb, "bomb.png")

    assert_refused_on_file(response)
    assert response.json()["code"] == "image_too_large"
