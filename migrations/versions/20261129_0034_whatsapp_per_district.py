"""whatsapp per district: each district's own sending number, and one conversation per number and district

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-29 07:00:00

`districts.whatsapp_number_id`: the WhatsApp Cloud API phone-number id of the district's number
(`districts.whatsapp_number`). The notices the office starts for a case of the district (registered, referred,
closed, ...) leave from it, so its citizens hear from the number they know; empty (NULL) = the configured
SLRT_WA_PHONE_NUMBER_ID, as before. Unique: one number sends for one district.

`wa_conversations`: one conversation per citizen number *and district* (unique district_code, phone_hash; was
unique phone_hash). A number that wrote to district A and then to district B had its one conversation, with A's
messages, moved to B's inbox; now each district keeps its own. `district_code` becomes required: conversations
from before 0031 (NULL) are the configured district's, the app's SLRT_REGION_CODE (from the environment, as
`flask db upgrade` runs inside the app), as the inbox already read them.

Downgrade: a number's conversations with several districts are merged into its newest one (messages kept).
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from slrt.core.db import sqlite_foreign_keys_off


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('whatsapp_number_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_districts_whatsapp_number_id'), ['whatsapp_number_id'])

    op.execute(sa.text('UPDATE wa_conversations SET district_code = :code WHERE district_code IS NULL')
               .bindparams(code=current_app.config['SLRT_REGION_CODE']))
    with sqlite_foreign_keys_off(op.get_bind()):  # (SQLite's rebuild would delete the messages)
        with op.batch_alter_table('wa_conversations', schema=None) as batch_op:
            batch_op.alter_column('district_code', existing_type=sa.String(length=5), nullable=False)
            batch_op.drop_constraint('uq_wa_conversations_phone_hash', type_='unique')
            batch_op.create_unique_constraint(batch_op.f('uq_wa_conversations_district_code'),
                                              ['district_code', 'phone_hash'])


def downgrade():
    # A number's conversations with several districts become one, its newest: the others' messages move to it.
    op.execute('UPDATE wa_messages SET conversation_id = (SELECT max(newest.id) FROM wa_conversations newest '
               'JOIN wa_conversations own ON own.phone_hash = newest.phone_hash '
               'WHERE own.id = wa_messages.conversation_id)')
    op.execute('DELETE FROM wa_conversations WHERE id NOT IN (SELECT id FROM (SELECT max(id) AS id '
               'FROM wa_conversations GROUP BY phone_hash) AS newest)')
    with sqlite_foreign_keys_off(op.get_bind()):
        with op.batch_alter_table('wa_conversations', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('uq_wa_conversations_district_code'), type_='unique')
            batch_op.create_unique_constraint('uq_wa_conversations_phone_hash', ['phone_hash'])
            batch_op.alter_column('district_code', existing_type=sa.String(length=5), nullable=True)

    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_districts_whatsapp_number_id'), type_='unique')
        batch_op.drop_column('whatsapp_number_id')
