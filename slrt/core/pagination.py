"""Paging of lists: one page number read from the URL, one count-and-slice, for every paged list."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, func, select

from slrt.extensions import db


def page_number() -> int:
    """The page asked for in `?page=`; anything odd (text, huge numbers) is page 1. Clamped in `paginate`."""
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and len(page) < 10 else 1


@dataclass
class Page:
    rows: list
    total: int
    page: int
    pages: int


def paginate(query: Select, page: int, size: int, *order_by) -> Page:
    """Count the query's rows, clamp `page` to the pages there are, and load that page's rows."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, (total + size - 1) // size)
    page = min(max(page, 1), pages)
    if order_by:
        query = query.order_by(*order_by)
    rows = db.session.scalars(query.limit(size).offset((page - 1) * size)).unique().all()
    return Page(rows, total, page, pages)
