"""district public face: each hosted district's office name, public host name and WhatsApp number

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-29 01:40:00

`districts.office_name` (the office that speaks to citizens, "SLRT Dinas Sosial Kota Bandung"; empty = the
default made from the district's name), `districts.public_host` (the host name its citizens open, e.g.
`slrt.bandungkota.go.id`: the public pages on that host speak for this district) and `districts.whatsapp_number`
(the WhatsApp business number its citizens write to, digits with country code). Both are unique: one host and
one number speak for one district. Existing rows keep NULL: the configured district's names stay as configured.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_name', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('public_host', sa.String(length=253), nullable=True))
        batch_op.add_column(sa.Column('whatsapp_number', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_districts_public_host'), ['public_host'])
        batch_op.create_unique_constraint(batch_op.f('uq_districts_whatsapp_number'), ['whatsapp_number'])


def downgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_districts_whatsapp_number'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_districts_public_host'), type_='unique')
        batch_op.drop_column('whatsapp_number')
        batch_op.drop_column('public_host')
        batch_op.drop_column('office_name')
