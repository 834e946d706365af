"""Uploaded images, decoded safely and stored without their metadata: one rule for receipts and avatars.

Pillow refuses decompression bombs (more pixels than `Image.MAX_IMAGE_PIXELS`) before decoding them, and every
stored image is re-encoded, so EXIF (GPS position, camera serial), XMP and comments never reach storage.
"""

import functools
import io
import warnings
from typing import TYPE_CHECKING

from mealtracker.errors import DomainError

if TYPE_CHECKING:
    from PIL import Image

HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


@functools.cache
def pillow():
    """Pillow's Image module, opening HEIC/HEIF through pillow-heif (libheif): iPhone photos are decoded, stripped
    and stored as JPEG. Imported at the first image rather than with this module, which every worker imports: Pillow
    with libheif is ~8 MiB of each worker's memory and ~30 ms of its start, for the few requests carrying an image."""
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return Image


def sniff_image_type(head: bytes) -> str | None:
    """An image's real type from its first bytes (JPEG, PNG, WebP or HEIC), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    return None


def image_open(
    data: bytes, *, field: str = "file", too_big: str = "This image has too many pixels."
) -> "Image.Image | None":
    """The decoded image, None when Pillow does not recognise it; refuses decompression bombs and broken files."""
    from PIL import UnidentifiedImageError

    Image = pillow()  # Pillow's Image module
    refusal = DomainError(too_big, field=field, code="image_too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > Image.MAX_IMAGE_PIXELS:
                raise refusal
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refusal from exc
    except UnidentifiedImageError:
        return None  # the bytes only look like an image: the caller decides (stored as sent, or refused)
    except (OSError, SyntaxError, ValueError) as exc:
        raise DomainError("This image is damaged and cannot be read.", field=field, code="damaged_image") from exc
    return image


def image_without_metadata(image: "Image.Image", fmt: str, *, quality: int = 90) -> bytes:
    """The image re-saved without its metadata (EXIF, GPS, XMP, comments), rotated as the camera meant."""
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {"quality": quality, "optimize": True} if fmt == "JPEG" else {}
    if fmt == "WEBP":
        options = {"quality": quality}
    image.save(out, format=fmt, **options)  # no exif= given: Pillow writes none
    return out.getvalue()


def image_square(image: "Image.Image", size: int) -> "Image.Image":
    """The image upright, cropped to its centred square and scaled to `size` pixels a side, on white."""
    from PIL import ImageOps

    Image = pillow()  # Pillow's Image module
    image = ImageOps.exif_transpose(image)
    if image.mode in {"RGBA", "LA", "P"}:
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    image = image.convert("RGB")
    return ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
