"""household surveys per district: a family card's socio-economic data is kept by each district that surveys it

Revision ID: 0033
Revises: 0032
Create Date: 2026-11-29 06:00:00

A household survey was one row per family card in the whole database, so a district that opened a proposal for a
family that had moved in from another hosted district was shown, and could overwrite, the other district's survey
(members' NIKs, names and birth dates). Each district now keeps its own: the survey's district is its region's.
"""
import sqlalchemy as sa
from alembic import op

from slrt.core.db import sqlite_foreign_keys_off


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registry_household_surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_code', sa.String(length=5), nullable=False, server_default=''))
    op.execute("UPDATE registry_household_surveys SET district_code = substr(region_code, 1, 5)")
    with sqlite_foreign_keys_off(op.get_bind()):  # (SQLite's rebuild would delete the members)
        with op.batch_alter_table('registry_household_surveys', schema=None) as batch_op:
            batch_op.drop_constraint('uq_registry_household_surveys_kk_number', type_='unique')
            batch_op.create_unique_constraint('uq_registry_household_surveys_district_code',
                                              ['district_code', 'kk_number'])


def downgrade():
    # (a family card surveyed by two districts keeps the newest survey)
    op.execute("DELETE FROM registry_household_surveys WHERE id NOT IN (SELECT id FROM (SELECT max(id) AS id "
               "FROM registry_household_surveys GROUP BY kk_number) AS newest)")
    with sqlite_foreign_keys_off(op.get_bind()):
        with op.batch_alter_table('registry_household_surveys', schema=None) as batch_op:
            batch_op.drop_constraint('uq_registry_household_surveys_district_code', type_='unique')
            batch_op.create_unique_constraint('uq_registry_household_surveys_kk_number', ['kk_number'])
            batch_op.drop_column('district_code')
