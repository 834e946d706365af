"""Getting a receipt file into a shape an OCR engine reads well."""

import io

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from mealtracker.errors import DomainError
from mealtracker.images import pillow

MAX_PIXELS = 60_000_000  # a phone photo is 12-50 MP; anything far larger is a decompression bomb
MIN_WIDTH = 1400  # Tesseract wants ~30 px capital letters; small photos are scaled up to about this width
MAX_WIDTH = 2400  # and huge ones down: beyond this Tesseract only gets slower


class UnreadableFile(DomainError):
    code = "ocr_unsupported_file"


def open_image(data: bytes) -> Image.Image:
    pillow()  # HEIC/HEIF photos open through pillow-heif
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise UnreadableFile("This image is too large to read; send a smaller photo.", field="file")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnreadableFile("This file cannot be read as an image.", field="file") from exc
    return ImageOps.exif_transpose(image)  # phone photos carry their rotation in EXIF


def skew_angle(image: Image.Image, *, limit: float = 6.0, step: float = 0.5) -> float:
    """The rotation that makes text lines horizontal (projection profile: rows are most uneven when level)."""
    small = image.copy()
    small.thumbnail((500, 500))
    # Edges, not darkness: a photo's table or shadow is dark too, but only text is dense in edges.
    ink = small.filter(ImageFilter.FIND_EDGES).point(lambda value: 255 if value > 48 else 0)
    best_angle, best_score = 0.0, -1.0
    steps = int(limit / step)
    for index in range(-steps, steps + 1):
        angle = index * step
        rotated = ink.rotate(angle, resample=Image.Resampling.BILINEAR)
        width = rotated.width
        pixels = rotated.tobytes()
        sums = [sum(pixels[row * width : (row + 1) * width]) for row in range(rotated.height)]
        mean = sum(sums) / len(sums)
        score = sum((value - mean) ** 2 for value in sums)
        if score > best_score:
            best_angle, best_score = angle, score
    return best_angle


def grey_png_for_tesseract(data: bytes) -> bytes:
    """Greyscale, contrast stretched, levelled, scaled up when small: what Tesseract's LSTM engine reads best."""
    image = ImageOps.autocontrast(ImageOps.grayscale(open_image(data)), cutoff=1)
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if not MIN_WIDTH <= image.width <= MAX_WIDTH:
        width = min(max(image.width, MIN_WIDTH), MAX_WIDTH)
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def png_or_jpeg(data: bytes, content_type: str) -> bytes:
    """Textract takes JPEG, PNG, PDF and TIFF: other images (WebP) are converted to PNG first."""
    if content_type in {"image/jpeg", "image/png", "application/pdf", "image/tiff"}:
        return data
    buffer = io.BytesIO()
    open_image(data).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()
