"""districts: several kabupaten/kota in one database

`districts` names the kabupaten/kota hosted here. The editable lists (agencies, programmes, complaint categories,
document types) get `district_code`; their codes become unique per district instead of globally. Every existing
row becomes the first district's: the code is the app's SLRT_REGION_CODE (from the environment, as
`flask db upgrade` runs inside the app), so set it to the district this database has served before upgrading.
Settings are keyed by region code and letter counters by district code already.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-28 18:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
from flask import current_app

from slrt.core.db import sqlite_foreign_keys_off


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

LISTS = ('agencies', 'programmes', 'complaint_categories', 'document_types')


def _first_district() -> tuple[str, str]:
    code = current_app.config['SLRT_REGION_CODE']
    name = op.get_bind().scalar(sa.text('SELECT name FROM regions WHERE code = :code'), {'code': code})
    return code, name or current_app.config['SLRT_REGION_NAME']


def upgrade():
    districts = op.create_table(
        'districts',
        sa.Column('code', sa.String(length=5), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_districts')),
    )
    code, name = _first_district()
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    op.bulk_insert(districts, [{'code': code, 'name': name, 'active': True, 'created_at': now}])
    with sqlite_foreign_keys_off(op.get_bind()):
        _district_code_on_lists(code)
    # LAPOR! reports: an incomplete one has no case yet; it belongs to the district whose account pulled it.
    with op.batch_alter_table('lapor_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_code', sa.String(length=5), nullable=True))
    op.execute(sa.text('UPDATE lapor_reports SET district_code = :code').bindparams(code=code))
    with op.batch_alter_table('lapor_reports', schema=None) as batch_op:
        batch_op.alter_column('district_code', existing_type=sa.String(length=5), nullable=False)
        batch_op.create_index(batch_op.f('ix_lapor_reports_district_code'), ['district_code'], unique=False)


def _district_code_on_lists(code: str) -> None:
    for table in LISTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('district_code', sa.String(length=5), nullable=True))
        op.execute(sa.text(f'UPDATE {table} SET district_code = :code').bindparams(code=code))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('district_code', existing_type=sa.String(length=5), nullable=False)
            batch_op.drop_constraint(f'uq_{table}_code', type_='unique')
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_district_code'), ['district_code', 'code'])


def downgrade():
    with op.batch_alter_table('lapor_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lapor_reports_district_code'))
        batch_op.drop_column('district_code')
    # Only a single-district database goes back: codes must be unique again.
    with sqlite_foreign_keys_off(op.get_bind()):
        _global_codes_on_lists()
    op.drop_table('districts')


def _global_codes_on_lists() -> None:
    for table in LISTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_district_code'), type_='unique')
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_code'), ['code'])
            batch_op.drop_column('district_code')
