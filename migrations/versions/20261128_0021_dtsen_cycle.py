"""2026-11-28 the DTSEN cycle: village meetings (musdes/muskel) that decide a batch of proposals

A village meeting is one record per village and date, with its attendance list and the decision it took on
each proposal of its batch (agreed, refused, postponed, with a note); the signed berita acara is kept with it
and the district approves the batch at once.

Revision ID: 0021
Revises: 0014
Create Date: 2026-11-28 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registry_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('chair', sa.String(length=120), nullable=False),
    sa.Column('attendance_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('minutes_file', sa.String(length=255), nullable=False),
    sa.Column('minutes_name', sa.String(length=255), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('region_code', 'meeting_date')
    )
    with op.batch_alter_table('registry_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_meetings_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_meetings_status'), ['status'], unique=False)
    op.create_table('registry_meeting_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['registry_meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registry_meeting_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_meeting_attendees_meeting_id'), ['meeting_id'], unique=False)
    op.create_table('registry_meeting_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['registry_meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['registry_proposals.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'proposal_id')
    )
    with op.batch_alter_table('registry_meeting_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_meeting_items_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    op.drop_table('registry_meeting_items')
    op.drop_table('registry_meeting_attendees')
    op.drop_table('registry_meetings')
