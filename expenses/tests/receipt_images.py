"""Receipt images for the OCR tests: till receipts rendered with Pillow, optionally made to look photographed."""

import dataclasses
import io
import random
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

MONO_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
WIDTH = 40  # characters on a till roll


@dataclasses.dataclass
class TillReceipt:
    merchant: str = "THE GOLDEN SPOON"
    street: str = "123 Main Street"
    city_line: str = "Boston, MA 02110"
    phone: str = "(617) 555-0123"
    date_line: str = "03/07/2026"
    time_line: str = "7:42 PM"
    items: tuple = (("2 Burger", Decimal("25.00")), ("1 Caesar Salad", Decimal("11.50")))
    tax: Decimal = Decimal("2.28")
    tip: Decimal | None = Decimal("7.00")

    @property
    def subtotal(self) -> Decimal:
        return sum((price for _, price in self.items), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax + (self.tip or 0)

    def lines(self) -> list[str]:
        def priced(label: str, amount: Decimal, currency: str = "") -> str:
            money = f"{currency}{amount:.2f}"
            return f"{label}{money:>{WIDTH - len(label)}}"

        return [
            self.merchant.center(WIDTH),
            self.street.center(WIDTH),
            self.city_line.center(WIDTH),
            f"Tel {self.phone}".center(WIDTH),
            "",
            f"Date: {self.date_line}   Time: {self.time_line}",
            "Server: Alex          Table: 12",
            "-" * WIDTH,
            *(priced(label, price) for label, price in self.items),
            "-" * WIDTH,
            priced("Subtotal", self.subtotal),
            priced("Sales Tax", self.tax),
            *([priced("Tip", self.tip)] if self.tip is not None else []),
            priced("TOTAL", self.total, "$"),
            "",
            "Thank you for dining with us!".center(WIDTH),
        ]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if MONO_FONT.exists():
        return ImageFont.truetype(str(MONO_FONT), size)
    return ImageFont.load_default(size=size)


def render_receipt(receipt: TillReceipt, *, font_size: int = 28) -> Image.Image:
    """A clean, white, scanner-like image of the receipt."""
    font = _font(font_size)
    line_height = int(font_size * 1.45)
    lines = receipt.lines()
    image = Image.new("L", (int(font_size * 0.62 * WIDTH) + 80, line_height * len(lines) + 80), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((40, 40 + number * line_height), line, fill=0, font=font)
    return image


def photographed(image: Image.Image, *, seed: int, angle: float, noise: int = 24, contrast: float = 0.55):
    """The same receipt as a phone photo: tilted, on a grey table, low contrast, grainy and a little soft."""
    rng = random.Random(seed)
    paper = ImageEnhance.Contrast(image.convert("RGB")).enhance(contrast)
    paper = paper.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(118, 112, 104))
    canvas = Image.new("RGB", (paper.width + 60, paper.height + 60), (118, 112, 104))
    canvas.paste(paper, (30, 30))
    grain = Image.effect_noise(canvas.size, noise).convert("RGB")
    canvas = Image.blend(canvas, grain, 0.12 + rng.random() * 0.04)
    canvas = canvas.filter(ImageFilter.GaussianBlur(0.6 + rng.random() * 0.3))
    return ImageEnhance.Brightness(canvas).enhance(0.92 + rng.random() * 0.06)


def image_bytes(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _digits(text: str) -> str:
    return "".join(char for char in str(text) if char.isdigit())


def field_is_right(name: str, got, want: str) -> bool:
    """Whether a reading got one field of a fixture right (text compared loosely, numbers exactly)."""
    if got is None:
        return False
    if name == "phone":
        return _digits(got)[-10:] == _digits(want)[-10:]
    if name in {"merchant_name", "address"}:
        return " ".join(str(got).lower().replace(",", " ").split()) == " ".join(want.lower().replace(",", " ").split())
    if name in {"date", "time"}:
        return got.isoformat() == want
    return str(got) == want


def score(reading, expected: dict) -> tuple[int, int, list[str]]:
    """(fields right, fields on the receipt, names of the wrong ones)."""
    wrong = [name for name, want in expected.items() if not field_is_right(name, reading.value(name), want)]
    return len(expected) - len(wrong), len(expected), wrong
