"""Images and PDFs made on the spot for the attachment tests, and a case the back office has taken."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
GPS = {ExifTags.GPS.GPSLatitudeRef: "S", ExifTags.GPS.GPSLatitude: (6.0, 54.0, 54.0),
       ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (107.0, 36.0, 36.0)}


def phone_photo(width: int = 3000, height: int = 2000, *, orientation: int = 6, gps: bool = True,
                fmt: str = "JPEG") -> bytes:
    """A photo as a phone writes it: landscape pixels with an orientation tag (6: turn 90° to show it
    upright), the camera's make and model, and where it was taken."""
    image = Image.new("RGB", (width, height), (180, 120, 60))
    for x in range(0, width, max(1, width // 10)):  # some structure, so it is not one flat colour
        image.paste((30, 60, 200), (x, 0, x + max(1, width // 40), height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = "Galaxy A14"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes(), **({"quality": 92} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def bomb_png(side: int = 30000) -> bytes:
    """A tiny PNG whose header claims side×side pixels (900 megapixels): a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
            + chunk(b"IEND", b""))


def broken_jpeg() -> bytes:
    """Starts like a JPEG (so its content says jpg) and then is noise: a photo cut off in transfer."""
    whole = phone_photo(400, 300, gps=False)
    return whole[:200] + b"\x00garbage" * 50


@pytest.fixture
def taken_case(app, make_user, make_case):
    """A case the back office ("backoffice") has taken: its page offers the attachment box."""
    from slrt.extensions import db
    from slrt.handling import operations as cases
    officer = make_user("back_office", username="backoffice")
    case = make_case()
    cases.take(case, officer)
    db.session.commit()
    return case
