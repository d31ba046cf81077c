"""rollup: the districts' public keys and their signed monthly aggregate files, at the province

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-28 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rollup_keys',
        sa.Column('district_code', sa.String(length=13), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('registered_at', sa.DateTime(), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_rollup_keys_registered_by_id_users')),
        sa.PrimaryKeyConstraint('district_code', name=op.f('pk_rollup_keys')),
    )
    op.create_table(
        'rollup_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('district_code', sa.String(length=13), nullable=False),
        sa.Column('district_name', sa.String(length=120), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('generated_at', sa.DateTime(), nullable=False),
        sa.Column('software_version', sa.String(length=40), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_rollup_files_imported_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_files')),
        sa.UniqueConstraint('district_code', 'month', name=op.f('uq_rollup_files_district_code')),
    )
    op.create_index(op.f('ix_rollup_files_month'), 'rollup_files', ['month'])


def downgrade():
    op.drop_index('ix_rollup_files_month', table_name='rollup_files')
    op.drop_table('rollup_files')
    op.drop_table('rollup_keys')
