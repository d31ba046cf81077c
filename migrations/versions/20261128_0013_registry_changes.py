"""registry changes: what each import changed since the previous one

One row per person and kind of change (joined, left, desil up/down, a programme gained or lost, moved
village), with the values before and after; the import remembers which import it was compared with.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'registry_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('nik', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('kk_number', sa.String(length=16), nullable=False),
        sa.Column('region_code', sa.String(length=13), nullable=False),
        sa.Column('before_value', sa.String(length=20), nullable=True),
        sa.Column('after_value', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['import_id'], ['registry_imports.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('import_id', 'kind', 'nik'),
    )
    op.create_index('ix_registry_changes_nik', 'registry_changes', ['nik', 'import_id'])
    op.create_index('ix_registry_changes_region', 'registry_changes', ['import_id', 'region_code'])
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compared_with_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('compared_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.drop_column('compared_at')
        batch_op.drop_column('compared_with_id')
    op.drop_index('ix_registry_changes_region', table_name='registry_changes')
    op.drop_index('ix_registry_changes_nik', table_name='registry_changes')
    op.drop_table('registry_changes')
