"""Bio, phone and avatar: one rule and one write (the profile service) for the profile page, the API and the admin."""

import io
import re
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.services import AVATAR_MAX_BYTES, AVATAR_SIZE, user_update_profile
from accounts.tests.avatar_images import decompression_bomb, image_bytes, jpeg_with_gps
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.mark.parametrize(
    ("written", "stored"),
    [("+44 20 7946 0958", "+442079460958"), ("(415) 555-0132", "+14155550132"), ("", "")],
)
def test_a_phone_number_is_stored_in_e164(member, written, stored):
    user_update_profile(user=member, phone=written)

    member.refresh_from_db()
    assert member.phone == stored


@pytest.mark.parametrize("written", ["12", "not a phone", "+1 555 0000 0000 0000"])
def test_a_phone_number_that_is_not_one_is_refused_naming_phone(member, written):
    with pytest.raises(DomainError) as refused:
        user_update_profile(user=member, phone=written)

    assert refused.value.field == "phone"


def test_a_bio_of_500_characters_is_kept_and_501_refused(member):
    user_update_profile(user=member, bio="b" * 500)

    with pytest.raises(DomainError) as refused:
        user_update_profile(user=member, bio="b" * 501)

    assert refused.value.field == "bio"
    member.refresh_from_db()
    assert member.bio == "b" * 500


def test_the_api_answers_the_phone_in_e164_and_names_a_bad_bio(member, api_client_for):
    client = api_client_for(member)

    saved = client.patch(reverse("accounts_api:me"), {"phone": "415 555 0132", "bio": "Lunch person."}, format="json")
    refused = client.patch(reverse("accounts_api:me"), {"bio": "x" * 501}, format="json")

    assert (saved.status_code, saved.json()["phone"], saved.json()["bio"]) == (200, "+14155550132", "Lunch person.")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert set(refused.json()["errors"]) == {"bio"}


def test_the_profile_page_saves_bio_phone_and_avatar(member, web_client_for):
    client = web_client_for(member)
    values = {"display_name": "Mia", "timezone": "UTC", "default_currency": "USD", "phone": "+33 1 42 68 53 00"}

    response = client.post(reverse("profile"), {**values, "bio": "Hi", "avatar": upload(image_bytes())})

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert (member.phone, member.bio, bool(member.avatar)) == ("+33142685300", "Hi", True)
    page = client.get(reverse("profile")).content.decode()
    assert reverse("avatar", args=[member.pk]) in page


def test_the_profile_page_refuses_a_bad_phone_naming_it(member, web_client_for):
    values = {"display_name": "Mia", "timezone": "UTC", "default_currency": "USD", "phone": "12"}

    response = web_client_for(member).post(reverse("profile"), values)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.context["form"].errors) == {"phone"}


def test_an_avatar_is_resized_square_and_served_to_its_owner_only(member, outsider, web_client_for):
    user_update_profile(user=member, avatar=upload(image_bytes(size=(1200, 800))))

    mine = web_client_for(member).get(reverse("avatar", args=[member.pk]))
    theirs = web_client_for(outsider).get(reverse("avatar", args=[member.pk]))

    assert mine.status_code == HTTPStatus.OK
    image = Image.open(io.BytesIO(b"".join(mine.streaming_content)))
    assert (image.format, image.size) == ("JPEG", (AVATAR_SIZE, AVATAR_SIZE))
    assert theirs.status_code == HTTPStatus.NOT_FOUND
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.jpg", member.avatar.name)  # never the uploaded file's name


def test_an_avatars_exif_and_gps_position_are_removed_and_its_orientation_applied(member):
    user_update_profile(user=member, avatar=upload(jpeg_with_gps(), "photo.jpg"))

    with member.avatar.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert not image.getexif()
    assert "exif" not in image.info


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7 not an image", "unsupported_type"),
        (b"GIF89a" + b"\0" * 40, "unsupported_type"),
        (b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "damaged_image"),
        (decompression_bomb(), "image_too_large"),
        (b"", "empty_file"),
    ],
    ids=["pdf", "gif", "damaged", "bomb", "empty"],
)
def test_an_avatar_that_is_not_a_safe_image_is_refused_and_nothing_stored(member, data, code):
    with pytest.raises(DomainError) as refused:
        user_update_profile(user=member, avatar=upload(data))

    assert (refused.value.field, refused.value.code) == ("avatar", code)
    member.refresh_from_db()
    assert not member.avatar


def test_an_avatar_over_5_mb_is_refused(member):
    big = image_bytes() + b"\0" * AVATAR_MAX_BYTES

    with pytest.raises(DomainError) as refused:
        user_update_profile(user=member, avatar=upload(big))

    assert refused.value.code == "file_too_large"


def test_the_api_uploads_and_removes_an_avatar_and_falls_back_to_initials(member, api_client_for):
    client = api_client_for(member)
    url = reverse("accounts_api:me-avatar")

    refused = client.put(url, {"avatar": upload(b"not an image at all")}, format="multipart")
    stored = client.put(url, {"avatar": upload(image_bytes())}, format="multipart")
    removed = client.delete(url)

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert set(refused.json()["errors"]) == {"avatar"}
    assert stored.status_code == HTTPStatus.OK
    assert stored.json()["avatar_url"].endswith(reverse("avatar", args=[member.pk]))
    assert (removed.json()["avatar_url"], removed.json()["initials"]) == (None, member.initials)


def test_a_new_avatar_replaces_the_old_file(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(user=member, avatar=upload(image_bytes()))
    first = member.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(user=member, avatar=upload(image_bytes(colour=(0, 0, 255))))

    assert member.avatar.name != first
    assert not member.avatar.storage.exists(first)


def test_the_admin_saves_bio_and_phone_through_the_profile_service(member, site_admin, web_client_for):
    data = {
        "email": member.email, "role": member.role, "team": member.team_id, "is_active": "on",
        "display_name": "Mia", "timezone": "UTC", "default_currency": "USD", "bio": "Admin wrote", "phone": "12",
    }  # fmt: skip
    client = web_client_for(site_admin)
    refused = client.post(reverse("admin:accounts_user_change", args=[member.pk]), data)
    saved = client.post(reverse("admin:accounts_user_change", args=[member.pk]), {**data, "phone": "415 555 0132"})

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert saved.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert (member.bio, member.phone) == ("Admin wrote", "+14155550132")


@pytest.mark.parametrize(("name", "email", "initials"), [("Mia Rossi", "m@x.io", "MR"), ("", "zed@x.io", "Z"),
                                                          ("Ana de la Cruz", "a@x.io", "AC")])  # fmt: skip
def test_initials_are_the_fallback_for_a_missing_avatar(member, web_client_for, name, email, initials):
    member.display_name, member.email = name, email
    member.save()

    page = web_client_for(member).get(reverse("profile")).content.decode()

    assert member.initials == initials
    assert f'avatar-initials" aria-hidden="true">{initials}<' in page
