"""2026-11-28 field work: home visits, field devices with ticket blocks, sync records and clashes

The back office sends a facilitator to a citizen's home with a due date and a note; the facilitator records
the findings (living conditions, needs, documents seen, a recommendation), which also become an assessment
on the case. Facilitators enrol their tablets and phones (field_devices, revoked by the administrator); each
device holds a block of ticket numbers (device_tickets, unique over all devices) for citizens registered
without a signal. What a device sends is kept by the id the device gave it (field_records: a resend saves
nothing twice); a device's change to a case field that the office changed too waits in field_clashes; photos
arrive part by part (field_photos) and become attachments.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-28 13:44:21

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('home_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=True),
    sa.Column('ownership', sa.String(length=20), nullable=False),
    sa.Column('floor', sa.String(length=20), nullable=False),
    sa.Column('walls', sa.String(length=20), nullable=False),
    sa.Column('toilet', sa.String(length=20), nullable=False),
    sa.Column('water', sa.String(length=20), nullable=False),
    sa.Column('lighting', sa.String(length=20), nullable=False),
    sa.Column('cooking_fuel', sa.String(length=20), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('needs', sa.Text(), nullable=False),
    sa.Column('documents_seen', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_home_visits_assessment_id_assessments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_home_visits_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_home_visits_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_home_visits_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['facilitator_id'], ['users.id'], name=op.f('fk_home_visits_facilitator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visits'))
    )
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_visits_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_visits_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_visits_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_visits_status'), ['status'], unique=False)

    op.create_table('field_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('app_version', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(), nullable=False),
    sa.Column('last_sync_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=False),
    sa.Column('wiped_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_field_devices_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_field_devices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_devices')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_field_devices_token_hash')),
    sa.UniqueConstraint('uid', name=op.f('uq_field_devices_uid'))
    )
    with op.batch_alter_table('field_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_devices_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_devices_user_id'), ['user_id'], unique=False)

    op.create_table('device_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=12), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reserved_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_device_tickets_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['device_id'], ['field_devices.id'], name=op.f('fk_device_tickets_device_id_field_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_tickets')),
    sa.UniqueConstraint('ticket', name=op.f('uq_device_tickets_ticket'))
    )
    with op.batch_alter_table('device_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_tickets_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_tickets_state'), ['state'], unique=False)

    op.create_table('field_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_field_records_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['device_id'], ['field_devices.id'], name=op.f('fk_field_records_device_id_field_devices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_field_records_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_records')),
    sa.UniqueConstraint('uuid', name=op.f('uq_field_records_uuid'))
    )
    with op.batch_alter_table('field_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_records_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_records_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_records_user_id'), ['user_id'], unique=False)

    op.create_table('field_clashes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('base', sa.Text(), nullable=False),
    sa.Column('device_values', sa.Text(), nullable=False),
    sa.Column('office_values', sa.Text(), nullable=False),
    sa.Column('chosen', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_field_clashes_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['field_records.id'], name=op.f('fk_field_clashes_record_id_field_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_field_clashes_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_clashes'))
    )
    with op.batch_alter_table('field_clashes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_clashes_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_clashes_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_clashes_status'), ['status'], unique=False)

    op.create_table('field_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('accuracy_m', sa.Double(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_field_photos_attachment_id_attachments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['device_id'], ['field_devices.id'], name=op.f('fk_field_photos_device_id_field_devices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['field_records.id'], name=op.f('fk_field_photos_record_id_field_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_photos')),
    sa.UniqueConstraint('uuid', name=op.f('uq_field_photos_uuid'))
    )
    with op.batch_alter_table('field_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_photos_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_photos_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_photos_status'), ['status'], unique=False)

def downgrade():
    with op.batch_alter_table('field_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_photos_status'))
        batch_op.drop_index(batch_op.f('ix_field_photos_record_id'))
        batch_op.drop_index(batch_op.f('ix_field_photos_device_id'))

    op.drop_table('field_photos')

    with op.batch_alter_table('field_clashes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_clashes_status'))
        batch_op.drop_index(batch_op.f('ix_field_clashes_record_id'))
        batch_op.drop_index(batch_op.f('ix_field_clashes_case_id'))

    op.drop_table('field_clashes')
    with op.batch_alter_table('field_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_records_user_id'))
        batch_op.drop_index(batch_op.f('ix_field_records_device_id'))
        batch_op.drop_index(batch_op.f('ix_field_records_case_id'))

    op.drop_table('field_records')

    with op.batch_alter_table('device_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_tickets_state'))
        batch_op.drop_index(batch_op.f('ix_device_tickets_device_id'))

    op.drop_table('device_tickets')
    with op.batch_alter_table('field_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_devices_user_id'))
        batch_op.drop_index(batch_op.f('ix_field_devices_status'))

    op.drop_table('field_devices')

    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_visits_status'))
        batch_op.drop_index(batch_op.f('ix_home_visits_facilitator_id'))
        batch_op.drop_index(batch_op.f('ix_home_visits_due_date'))
        batch_op.drop_index(batch_op.f('ix_home_visits_case_id'))

    op.drop_table('home_visits')
