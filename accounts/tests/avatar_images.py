"""Small images for the avatar tests, made with Pillow."""

import io
import struct
import zlib

from PIL import Image


def image_bytes(fmt: str = "PNG", size=(40, 30), colour=(200, 40, 40), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **options)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG carrying EXIF: a camera model, a GPS position and an orientation (rotate 90 degrees)."""
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[0x0112] = 6  # Orientation: the camera was turned
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPSInfo
    return image_bytes("JPEG", size=(60, 30), exif=exif.tobytes())


def decompression_bomb() -> bytes:
    """A tiny PNG whose header declares 30,000 x 30,000 pixels, far over Pillow's limit (its data is too short)."""
    png = bytearray(image_bytes("PNG", size=(8, 8)))
    header = b"IHDR" + struct.pack(">II", 30_000, 30_000) + bytes(png[24:29])
    png[12:29] = header
    png[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(png)
