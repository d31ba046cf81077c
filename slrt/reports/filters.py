"""The report filter: a period, a region of the drill-down and, for the list behind a figure, the figure's
keys. Parsed once from the query string; the dashboard, the lists and the exports share it, so a figure and
the list behind it always count the same rows."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from slrt.core.time import local_day_bounds_utc, local_today
from slrt.reports.scoping import region_allowed

PERIODS = ("this_month", "last_month", "this_year", "range", "month")
FIGURE_KEYS = ("kind", "status", "visit_type", "category", "agency", "programme", "rstatus", "late", "officer",
               "new", "measure")


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str | None) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@dataclass
class ReportFilter:
    period: str = "this_month"
    date_from: date | None = None
    date_to: date | None = None
    month: str = ""
    region: str = ""                 # the drill-down region ("" = the user's own region)
    root: str = ""                   # the user's region
    today: date = field(default_factory=local_today)
    # The figure a list stands behind.
    kind: str = "cases"
    status: str = ""
    visit_type: str = ""
    category: int | None = None
    agency: int | None = None        # 0 = none
    programme: int | None = None     # 0 = none
    rstatus: str = ""
    late: str = ""                   # signoff | response | any
    officer: int | None = None
    new: str = ""                    # week | month
    measure: str = ""                # signoff | response
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args, user, default_period: str = "this_month") -> "ReportFilter":
        f = cls(root=user.region_code)
        f.period = args.get("period") if args.get("period") in PERIODS else default_period
        f.date_from, f.date_to = _date(args.get("date_from")), _date(args.get("date_to"))
        f.month = args.get("month", "")
        if f.period == "month" and not parse_month(f.month):
            f.errors.append(_("Bulan tidak dikenal; yang ditampilkan bulan ini."))
            f.period = "this_month"
        if f.period == "range":
            if not f.date_from or not f.date_to:
                f.errors.append(_("Isi tanggal awal dan akhir; yang ditampilkan bulan ini."))
                f.period = "this_month"
            elif f.date_to < f.date_from:
                f.errors.append(_("Tanggal akhir sebelum tanggal awal; yang ditampilkan bulan ini."))
                f.period = "this_month"
        region = (args.get("region") or "").strip()
        f.region = region if region and region != f.root and region_allowed(user, region) else ""
        f.kind = "referrals" if args.get("kind") == "referrals" else "cases"
        for key in ("status", "visit_type", "rstatus", "late", "new", "measure"):
            setattr(f, key, (args.get(key) or "")[:30])
        for key in ("category", "agency", "programme", "officer"):
            setattr(f, key, _int(args.get(key)))
        return f

    @property
    def bounds(self) -> tuple[date, date]:
        """The period's first and last local day."""
        today = self.today
        if self.period == "last_month":
            last = today.replace(day=1) - timedelta(days=1)
            return month_bounds(last.year, last.month)
        if self.period == "this_year":
            return date(today.year, 1, 1), date(today.year, 12, 31)
        if self.period == "range":
            return self.date_from, self.date_to
        if self.period == "month":
            return month_bounds(*parse_month(self.month))
        return month_bounds(today.year, today.month)

    @property
    def utc_bounds(self) -> tuple[datetime, datetime]:
        first, last = self.bounds
        return local_day_bounds_utc(first)[0], local_day_bounds_utc(last)[1]

    @property
    def scope_region(self) -> str:
        return self.region or self.root

    def period_args(self) -> dict:
        """The query-string form of the period and region (for links and exports)."""
        args = {"period": self.period}
        if self.period == "range":
            args.update(date_from=self.date_from.isoformat(), date_to=self.date_to.isoformat())
        if self.period == "month":
            args["month"] = self.month
        if self.region:
            args["region"] = self.region
        return args

    def figure_args(self) -> dict:
        args = {}
        for key in FIGURE_KEYS:
            value = getattr(self, key)
            if value not in ("", None) and not (key == "kind" and value == "cases"):
                args[key] = value
        return args

    def all_args(self) -> dict:
        return {**self.period_args(), **self.figure_args()}

    def describe(self) -> str:
        """The filter in words, for the audit trail and the export's title row."""
        first, last = self.bounds
        parts = [f"{first.isoformat()}..{last.isoformat()}", f"wilayah={self.scope_region}"]
        parts += [f"{k}={v}" for k, v in self.figure_args().items()]
        return " ".join(parts)


def with_args(f: ReportFilter, **changes) -> dict:
    """Query-string args of the filter's period and region plus a figure's keys (for url_for)."""
    args = f.period_args()
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return args
