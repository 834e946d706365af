"""Permission-matrix rows for the accounts API (format: mealtracker/tests/test_api_permission_matrix.py)."""

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.avatar_images import image_bytes
from accounts.tests.factories import TEST_PASSWORD
from mealtracker.tests.api_matrix import Row

ALL_200 = (200,) * 6
SIGNED_IN_200 = (401, 200, 200, 200, 200, 200)


def _refresh(world):
    return {"refresh": str(RefreshToken.for_user(world.member))}


def _avatar(world):
    return {"avatar": SimpleUploadedFile("me.png", image_bytes(), content_type="image/png")}


def _reset(world):
    return {
        "uid": urlsafe_base64_encode(force_bytes(world.member.pk)),
        "token": default_token_generator.make_token(world.member),
        "new_password": "Fresh-pasta-2026",
    }


ROWS = [
    Row("accounts_api:register", "post", (202,) * 6, data={"email": "new@example.com", "password": "Fresh-pasta-2026"}),
    Row(
        "accounts_api:token-obtain", "post", ALL_200,
        data=lambda w: {"email": w.member.email, "password": TEST_PASSWORD},
    ),
    Row("accounts_api:token-refresh", "post", ALL_200, data=_refresh),
    Row(
        "accounts_api:token-verify", "post", ALL_200,
        data=lambda w: {"token": str(RefreshToken.for_user(w.member).access_token)},
    ),
    Row("accounts_api:logout", "post", (204,) * 6, data=_refresh),
    Row("accounts_api:me", "get", SIGNED_IN_200),
    Row("accounts_api:me", "patch", SIGNED_IN_200, data={"display_name": "Renamed", "timezone": "Europe/Paris"}),
    Row("accounts_api:me-avatar", "put", SIGNED_IN_200, data=_avatar, format="multipart"),
    Row("accounts_api:me-avatar", "delete", SIGNED_IN_200),
    Row(
        "accounts_api:password-change", "post", (401, 204, 204, 204, 204, 204),
        data={"current_password": TEST_PASSWORD, "new_password": "Fresh-pasta-2026"},
    ),
    Row("accounts_api:password-reset", "post", (202,) * 6, data=lambda w: {"email": w.member.email}),
    Row("accounts_api:password-reset-confirm", "post", (204,) * 6, data=_reset),
    Row("accounts_api:team-list", "get", SIGNED_IN_200),
    Row("accounts_api:team-detail", "get", (401, 404, 404, 200, 404, 200), kwargs=lambda w: {"pk": w.team.pk}),
]  # fmt: skip


def _delegation(world):
    """The manager's delegation to the other team's manager (who holds it)."""
    if "_delegation" not in world.__dict__:
        from django.utils import timezone

        from accounts.delegations import delegation_create

        today = timezone.localdate()
        world.__dict__["_delegation"] = delegation_create(
            manager=world.manager, delegate=world.other_manager, starts_on=today, ends_on=today
        )
    return {"pk": world.__dict__["_delegation"].pk}


ROWS += [
    Row("accounts_api:delegation-list", "get", SIGNED_IN_200),
    Row("accounts_api:delegation-list", "post", (401, 403, 403, 201, 400, 403),
        data=lambda w: {"delegate": w.other_manager.email, "starts_on": "2026-07-01", "ends_on": "2026-07-14"}),
    Row("accounts_api:delegation-detail", "get", (401, 404, 404, 200, 200, 200), kwargs=_delegation, auditor=404),
    Row("accounts_api:delegation-detail", "delete", (401, 404, 404, 204, 403, 204), kwargs=_delegation),
]  # fmt: skip
