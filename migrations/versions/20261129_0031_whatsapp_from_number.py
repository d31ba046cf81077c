"""whatsapp from number: answers leave from the business number the citizen wrote to

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-29 01:50:00

`wa_conversations.business_number_id` (the Cloud API phone-number id of the business number the citizen last
wrote to, from the webhook's metadata), `wa_conversations.district_code` (the district of that number, whose
officers read the conversation; NULL = the configured district) and `outbox.from_number_id` (the number a
WhatsApp message leaves from).
In a database hosting several districts each has its own number; an answer goes out from the one written to.
Existing rows keep "": the configured SLRT_WA_PHONE_NUMBER_ID, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('wa_conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('business_number_id', sa.String(length=32), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('district_code', sa.String(length=5), nullable=True))
        batch_op.create_index(batch_op.f('ix_wa_conversations_district_code'), ['district_code'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_number_id', sa.String(length=32), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('from_number_id')
    with op.batch_alter_table('wa_conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wa_conversations_district_code'))
        batch_op.drop_column('district_code')
        batch_op.drop_column('business_number_id')
