"""throttle storage shared by every worker

The throttles' counts move from each gunicorn worker's memory into the database, so a limit of N holds
at N across workers and nodes (slrt/core/throttle_storage.py). One row per slot of a throttle key.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('throttle_hits',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('expires_ms', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'slot', name=op.f('pk_throttle_hits'))
    )
    with op.batch_alter_table('throttle_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_hits_expires_ms'), ['expires_ms'], unique=False)


def downgrade():
    with op.batch_alter_table('throttle_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_hits_expires_ms'))

    op.drop_table('throttle_hits')
