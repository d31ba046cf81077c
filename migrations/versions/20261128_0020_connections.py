"""connections: the citizen's channel (SMS or WhatsApp), outbox channels with SMS fallback

Revision ID: 0020
Revises: 0014
Create Date: 2026-11-28 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_channel', sa.String(length=10), server_default='sms', nullable=False))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='sms', nullable=False))
        batch_op.add_column(sa.Column('fallback_reason', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('provider_id', sa.String(length=128), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_outbox_provider_id'), ['provider_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_provider_id'))
        batch_op.drop_column('provider_id')
        batch_op.drop_column('fallback_reason')
        batch_op.drop_column('channel')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('contact_channel')
