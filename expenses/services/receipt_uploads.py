"""Receipts sent by the browser straight to S3 (a presigned POST), then checked and stored like any other upload.

Lambda takes at most 6 MB per request (less once a file is base64-encoded into an API Gateway event), so a photo
of a long receipt cannot come through the function. The app hands out a presigned POST whose policy bounds the
size (1 byte to RECEIPT_MAX_BYTES), the content type, the object key and the encryption (SSE-KMS with the
receipts key): S3 refuses anything else. The browser posts the file to S3; the app then reads the object back,
checks its size and real type, and stores it through `receipt_attach` (metadata stripped, HEIC as JPEG,
thumbnail, duplicates reported), so a receipt is the same whichever way it came. The staging object is deleted.
"""

import uuid

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from expenses.models import Expense, Receipt
from expenses.services.receipts import can_change_receipts, receipt_attach
from mealtracker.errors import DomainError, NotAllowed

STAGING_PREFIX = "uploads/"
DECLARED_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "application/pdf"}


def direct_uploads_enabled() -> bool:
    """Direct uploads need the receipts bucket; locally receipts are posted to the app as multipart."""
    return bool(settings.RECEIPTS_BUCKET)


def _s3():
    import boto3

    return boto3.client("s3", config=_signing_config())


def _signing_config():
    from botocore.config import Config

    return Config(signature_version="s3v4")


def _staging_prefix(actor: User, expense: Expense) -> str:
    return f"{STAGING_PREFIX}{actor.pk}/{expense.pk}/"


def receipt_check_inline_size(file) -> None:
    """A file posted to the app (multipart) must fit in one Lambda request; larger ones go straight to S3."""
    limit = settings.RECEIPT_INLINE_MAX_BYTES
    if file.size is not None and file.size > limit < settings.RECEIPT_MAX_BYTES:
        raise DomainError(
            f"A receipt posted with the form can be at most {limit / (1024 * 1024):g} MB here; upload larger ones "
            f"(up to {settings.RECEIPT_MAX_BYTES / (1024 * 1024):g} MB) through POST /api/v1/receipts/uploads/.",
            field="file",
            code="file_too_large",
        )


def _check_allowed(expense: Expense, actor: User) -> None:
    if not direct_uploads_enabled():
        raise DomainError(
            "Direct uploads need S3 storage; post the file as multipart instead.", code="no_direct_upload"
        )
    if not can_change_receipts(actor, expense):
        raise NotAllowed("You cannot attach receipts to this expense.")


def receipt_upload_begin(*, expense: Expense, actor: User, content_type: str, size: int) -> dict:
    """A presigned POST for one receipt of `expense`: url, form fields, the object key, the size limit, expiry."""
    _check_allowed(expense, actor)
    if content_type not in DECLARED_TYPES:
        raise DomainError(
            "Upload a JPEG, PNG, WebP, HEIC image or a PDF.", field="content_type", code="unsupported_type"
        )
    limit = settings.RECEIPT_MAX_BYTES
    if size < 1 or size > limit:
        raise DomainError(
            f"A receipt can be at most {limit / (1024 * 1024):g} MB; this file is {size / (1024 * 1024):.1f} MB.",
            field="size",
            code="file_too_large",
        )
    key = f"{_staging_prefix(actor, expense)}{uuid.uuid4().hex}"
    fields = {"Content-Type": content_type, "x-amz-server-side-encryption": "aws:kms"}
    conditions = [
        {"Content-Type": content_type},
        {"x-amz-server-side-encryption": "aws:kms"},
        ["content-length-range", 1, limit],
    ]
    if settings.RECEIPTS_KMS_KEY_ID:
        fields["x-amz-server-side-encryption-aws-kms-key-id"] = settings.RECEIPTS_KMS_KEY_ID
        conditions.append({"x-amz-server-side-encryption-aws-kms-key-id": settings.RECEIPTS_KMS_KEY_ID})
    post = _s3().generate_presigned_post(
        Bucket=settings.RECEIPTS_BUCKET,
        Key=key,
        Fields=fields,
        Conditions=conditions,
        ExpiresIn=settings.PRESIGNED_URL_SECONDS,
    )
    return {
        "url": post["url"],
        "fields": post["fields"],
        "key": key,
        "max_bytes": limit,
        "expires_in": settings.PRESIGNED_URL_SECONDS,
    }


def receipt_upload_complete(*, expense: Expense, actor: User, key: str, original_name: str = "") -> Receipt:
    """Store the object the browser posted under `key` as a receipt of `expense`; the staging object goes."""
    _check_allowed(expense, actor)
    if not key.startswith(_staging_prefix(actor, expense)) or "/" in key[len(_staging_prefix(actor, expense)) :]:
        raise DomainError("This upload was not handed out to you for this expense.", field="key", code="foreign_key")
    from botocore.exceptions import ClientError

    client = _s3()
    try:
        head = client.head_object(Bucket=settings.RECEIPTS_BUCKET, Key=key)
    except ClientError:
        raise DomainError(
            "Nothing was uploaded under this key (or it has expired).", field="key", code="not_uploaded"
        ) from None
    if head["ContentLength"] > settings.RECEIPT_MAX_BYTES:  # the policy bounds it; a changed limit must hold too
        client.delete_object(Bucket=settings.RECEIPTS_BUCKET, Key=key)
        raise DomainError("The uploaded file is larger than a receipt may be.", field="key", code="file_too_large")
    data = client.get_object(Bucket=settings.RECEIPTS_BUCKET, Key=key)["Body"].read()
    upload = SimpleUploadedFile((original_name or "receipt")[-255:], data, content_type=head.get("ContentType"))
    try:
        receipt = receipt_attach(expense=expense, file=upload, actor=actor)
    except DomainError as exc:
        if exc.field == "file":
            exc.field = "key"  # the file is the uploaded object here
        raise
    finally:
        client.delete_object(Bucket=settings.RECEIPTS_BUCKET, Key=key)
    return receipt
