"""registry import: the importer that owns a running import, and the file's notice

`owner` ("host pid token") lets the portal tell at once that a RUNNING import's process is gone (its lock
file under the upload folder is free); `notice` is what the import said once about the whole file (a NIK
column a spreadsheet turned into numbers).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('notice', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.drop_column('notice')
        batch_op.drop_column('owner')
