"""connections: the citizen's channel (SMS or WhatsApp), outbox channels with SMS fallback, WhatsApp conversations,
SP4N-LAPOR! reports

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
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
    op.create_table('wa_conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_message_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_wa_conversations_case_id_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wa_conversations')),
    sa.UniqueConstraint('phone_hash', name=op.f('uq_wa_conversations_phone_hash'))
    )
    with op.batch_alter_table('wa_conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wa_conversations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_wa_conversations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wa_conversations_last_message_at'), ['last_message_at'], unique=False)
    op.create_table('wa_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('command', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('provider_id', sa.String(length=128), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['wa_conversations.id'], name=op.f('fk_wa_messages_conversation_id_wa_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_wa_messages_outbox_id_outbox'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_wa_messages_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wa_messages')),
    sa.UniqueConstraint('provider_id', name=op.f('uq_wa_messages_provider_id'))
    )
    with op.batch_alter_table('wa_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wa_messages_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wa_messages_created_at'), ['created_at'], unique=False)
    op.create_table('lapor_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_id', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('dispositioned_on', sa.Date(), nullable=False),
    sa.Column('followed_up_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_lapor_reports_case_id_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lapor_reports')),
    sa.UniqueConstraint('case_id', name=op.f('uq_lapor_reports_case_id')),
    sa.UniqueConstraint('tracking_id', name=op.f('uq_lapor_reports_tracking_id'))
    )
    with op.batch_alter_table('lapor_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lapor_reports_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('lapor_reports')
    op.drop_table('wa_messages')
    op.drop_table('wa_conversations')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_provider_id'))
        batch_op.drop_column('provider_id')
        batch_op.drop_column('fallback_reason')
        batch_op.drop_column('channel')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('contact_channel')
