"""What the intake form offers: the district's active lists."""
from __future__ import annotations

from sqlalchemy import select

from slrt.admin.models import ComplaintCategory, DocumentType, Programme
from slrt.extensions import db


def choice_lists():
    """(categories, programmes, documents): the active complaint categories, programmes and documents."""
    categories = db.session.scalars(select(ComplaintCategory).where(ComplaintCategory.active.is_(True))
                                    .order_by(ComplaintCategory.sort_order)).all()
    programmes = db.session.scalars(select(Programme).where(Programme.active.is_(True))
                                    .order_by(Programme.sort_order)).all()
    documents = db.session.scalars(select(DocumentType).where(DocumentType.active.is_(True))
                                   .order_by(DocumentType.sort_order)).all()
    return categories, programmes, documents
