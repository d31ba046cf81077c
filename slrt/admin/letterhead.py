"""The district's letterhead, read in one place for everything the office prints or sends as a document:
the receipt, the referral letter, the monthly report (page and PDF) and the citizen's data report (PDF).

Its lines are the district's own (Pengaturan); without them, the government and the office by name. The logo
is the uploaded file: its path for a PDF, and inlined as a data: URI for a page (the Content-Security-Policy
allows data: images, and a page printed offline stays one file).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from slrt.admin import settings
from slrt.core.uploads import MIME_TYPES, stored_path
from slrt.regions.districts import current_district, district_name, office_name


@dataclass(frozen=True)
class Letterhead:
    lines: list[str]
    logo_path: Path | None

    @property
    def logo_data_uri(self) -> str:
        if self.logo_path is None:
            return ""
        mime = MIME_TYPES[self.logo_path.suffix[1:]]
        return f"data:{mime};base64," + base64.b64encode(self.logo_path.read_bytes()).decode()


def letterhead() -> Letterhead:
    lines = settings.letterhead_lines()  # the district's lines, then the office's address and phone
    if not settings.get("letterhead_lines").strip():
        district = current_district()
        lines = [_("PEMERINTAH %(district)s", district=district_name(district).upper()),
                 office_name(district).upper()] + lines
    return Letterhead(lines, stored_path("logo", settings.get("letterhead_logo")))
