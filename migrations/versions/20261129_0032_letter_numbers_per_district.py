"""letter numbers per district: a letter number is unique within its district, not across the database

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-29 02:40:00

Each hosted district numbers its letters with its own counter (letter_counters) and pattern; the starting
pattern is the same for every district, so district B's first letter of the year had district A's number and
the database refused its approval. Two districts' letters may carry the same number (their letterheads differ);
one district's may not.
"""
from alembic import op

from slrt.core.db import sqlite_foreign_keys_off


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    # (SQLite's rebuild of referrals would delete their change requests and fail on their attachments)
    with sqlite_foreign_keys_off(op.get_bind()):
        with op.batch_alter_table('referrals', schema=None) as batch_op:
            batch_op.drop_constraint('uq_referrals_letter_number', type_='unique')
            batch_op.create_unique_constraint(batch_op.f('uq_referrals_district_code'),
                                              ['district_code', 'letter_number'])


def downgrade():
    with sqlite_foreign_keys_off(op.get_bind()):
        with op.batch_alter_table('referrals', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('uq_referrals_district_code'), type_='unique')
            batch_op.create_unique_constraint('uq_referrals_letter_number', ['letter_number'])
