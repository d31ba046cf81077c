"""whatsapp per district: each district's own sending number id

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-29 07:00:00

`districts.whatsapp_number_id`: the WhatsApp Cloud API phone-number id of the district's number
(`districts.whatsapp_number`). The notices the office starts for a case of the district (registered, referred,
closed, ...) leave from it, so its citizens hear from the number they know; empty (NULL) = the configured
SLRT_WA_PHONE_NUMBER_ID, as before. Unique: one number sends for one district.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('whatsapp_number_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_districts_whatsapp_number_id'), ['whatsapp_number_id'])


def downgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_districts_whatsapp_number_id'), type_='unique')
        batch_op.drop_column('whatsapp_number_id')
