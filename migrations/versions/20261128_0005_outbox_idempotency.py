"""outbox: an idempotency key per message, and "maybe sent" after an unanswered attempt

Every message gets its own key (a uuid), sent to the SMS gateway with each attempt so a retry after a
timeout cannot deliver it twice; existing rows get one too. `maybe_sent` records that some attempt got no
answer, so the message is shown as "unknown" rather than "failed".

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('maybe_sent', sa.Boolean(), server_default=sa.false(), nullable=False))

    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('idempotency_key', sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(outbox.c.id).where(outbox.c.idempotency_key.is_(None))).scalars().all()
    for message_id in ids:
        connection.execute(outbox.update().where(outbox.c.id == message_id)
                           .values(idempotency_key=str(uuid.uuid4())))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('idempotency_key', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_idempotency_key'), ['idempotency_key'])


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_idempotency_key'), type_='unique')
        batch_op.drop_column('maybe_sent')
        batch_op.drop_column('idempotency_key')
