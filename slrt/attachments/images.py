"""Photos as the portal keeps them: turned upright, at most SLRT_IMAGE_MAX_SIDE px, without their metadata.

A phone photo carries the camera, the time and usually where it was taken (GPS): the house of a citizen in
need is personal data the portal has no purpose for, unless the officer keeps it on purpose (a house photo
for a registry proposal). Everything else in EXIF, XMP and PNG text chunks is dropped by re-encoding.
"""
from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

JPEG_QUALITY = 80
THUMBNAIL_SIDE = 240
THUMBNAIL_QUALITY = 75


class BadImage(Exception):
    """The image cannot be kept; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Prepared:
    width: int
    height: int
    size: int            # bytes of the kept file
    location_kept: bool  # GPS was found and kept on purpose


def _too_large(pixels: int | None, max_pixels: int) -> BadImage:
    if pixels:
        return BadImage(_("Gambar terlalu besar (%(mp)d megapiksel); paling besar %(max)d megapiksel. Kecilkan "
                          "ukurannya lalu unggah lagi.", mp=round(pixels / 1_000_000), max=max_pixels // 1_000_000))
    return BadImage(_("Gambar terlalu besar; paling besar %(max)d megapiksel. Kecilkan ukurannya lalu unggah "
                      "lagi.", max=max_pixels // 1_000_000))


def _open_checked(path: Path) -> Image.Image:
    """Open the image and decode it, refusing what is too large to decode safely (judged from its header,
    before a byte is decoded: a 50 KB PNG can claim a billion pixels) or does not decode."""
    max_pixels = int(current_app.config["SLRT_IMAGE_MAX_PIXELS"])
    image = None
    try:
        with warnings.catch_warnings():
            # Pillow's own guard (Image.MAX_IMAGE_PIXELS) warns, then refuses: both refuse here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            width, height = image.size
            if width * height > max_pixels:
                raise _too_large(width * height, max_pixels)
            side = int(current_app.config["SLRT_IMAGE_MAX_SIDE"])
            if image.format == "JPEG" and max(width, height) > side:
                # Decode a big JPEG at 1/2, 1/4 or 1/8 of its size (still at least `side` on its longest
                # side): a fraction of the work and memory of decoding every pixel.
                scale = side / max(width, height)
                image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
            image.load()
            return image
    except BadImage:
        if image is not None:
            image.close()
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        if image is not None:
            image.close()
        raise _too_large(None, max_pixels) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        if image is not None:
            image.close()
        raise BadImage(_("Gambar rusak atau tidak dapat dibaca. Ambil ulang fotonya atau simpan ulang "
                         "sebagai JPG/PNG.")) from error


def _gps_exif(image: Image.Image) -> Image.Exif | None:
    gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    if not gps:
        return None
    kept = Image.Exif()
    kept[ExifTags.IFD.GPSInfo] = dict(gps)
    return kept


def prepare(path: Path, file_type: str, thumbnail: Path, *, keep_location: bool) -> Prepared:
    """Rewrite the image at `path` (jpg or png) upright, downscaled and without metadata (but GPS if
    `keep_location`), and write its JPEG thumbnail to `thumbnail`."""
    image = _open_checked(path)
    try:
        return _rewrite(image, path, file_type, thumbnail, keep_location)
    except (OSError, ValueError) as error:  # a mode or a chunk that decoded but does not re-encode
        raise BadImage(_("Gambar ini tidak dapat diolah. Simpan ulang sebagai JPG lalu unggah lagi.")) from error
    finally:
        image.close()


def _rewrite(image: Image.Image, path: Path, file_type: str, thumbnail: Path, keep_location: bool) -> Prepared:
    gps = _gps_exif(image) if keep_location else None
    upright = ImageOps.exif_transpose(image)
    side = int(current_app.config["SLRT_IMAGE_MAX_SIDE"])
    upright.thumbnail((side, side), Image.Resampling.LANCZOS)
    partial = path.with_name(f".{path.name}.part")
    try:
        extra = {"exif": gps.tobytes()} if gps is not None else {}
        if file_type == "jpg":
            _flattened(upright).save(partial, "JPEG", quality=JPEG_QUALITY, optimize=True, **extra)
        else:
            keep_mode = upright if upright.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else upright.convert("RGBA")
            keep_mode.save(partial, "PNG", optimize=True, **extra)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    small = upright.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    thumbnail.parent.mkdir(parents=True, exist_ok=True)
    _flattened(small).save(thumbnail, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return Prepared(upright.width, upright.height, path.stat().st_size, gps is not None)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency over white (a scanned letter saved with an alpha channel stays legible)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image
