"""2026-11-28 the DTSEN cycle: village meetings, household socio-economic data on proposals, local programmes

A household's living conditions (Regsosek 2022 variables, slrt/registry/regsosek.py) are kept once per family
card with its members, and each proposal points at them and names the programme it proposes. A village meeting is one record per village and date, with its attendance list and the decision it took on
each proposal of its batch (agreed, refused, postponed, with a note); the signed berita acara is kept with it
and the district approves the batch at once. The district's local programmes (planning "tepat sasaran"):
a budget line per programme and year with its funding source, quota, unit cost and eligibility.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('planning_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('budget_year', sa.Integer(), nullable=False),
    sa.Column('funding_source', sa.String(length=20), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('unit_cost', sa.Integer(), nullable=False),
    sa.Column('eligibility', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('region_code', 'programme_id', 'budget_year')
    )
    with op.batch_alter_table('planning_programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planning_programmes_budget_year'), ['budget_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_planning_programmes_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planning_programmes_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_planning_programmes_status'), ['status'], unique=False)
    op.create_table('registry_household_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kk_number', sa.String(length=16), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('ownership', sa.String(length=2), nullable=False),
    sa.Column('floor_area', sa.Integer(), nullable=False),
    sa.Column('floor', sa.String(length=2), nullable=False),
    sa.Column('wall', sa.String(length=2), nullable=False),
    sa.Column('roof', sa.String(length=2), nullable=False),
    sa.Column('water', sa.String(length=2), nullable=False),
    sa.Column('lighting', sa.String(length=2), nullable=False),
    sa.Column('cooking_fuel', sa.String(length=2), nullable=False),
    sa.Column('toilet', sa.String(length=2), nullable=False),
    sa.Column('sewage', sa.String(length=2), nullable=False),
    sa.Column('assets', sa.String(length=200), nullable=False),
    sa.Column('land_area', sa.Integer(), nullable=False),
    sa.Column('other_house', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kk_number')
    )
    with op.batch_alter_table('registry_household_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_household_surveys_region_code'), ['region_code'], unique=False)
    op.create_table('registry_survey_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('birth_place', sa.String(length=80), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('relation', sa.String(length=2), nullable=False),
    sa.Column('schooling', sa.String(length=2), nullable=False),
    sa.Column('diploma', sa.String(length=2), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('industry', sa.String(length=2), nullable=False),
    sa.Column('job_status', sa.String(length=2), nullable=False),
    sa.Column('disability', sa.String(length=2), nullable=False),
    sa.Column('chronic_illness', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['registry_household_surveys.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registry_survey_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_survey_members_survey_id'), ['survey_id'], unique=False)
    with op.batch_alter_table('registry_proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('survey_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_registry_proposals_survey_id'), ['survey_id'], unique=False)
        batch_op.create_foreign_key('fk_registry_proposals_survey_id', 'registry_household_surveys',
                                    ['survey_id'], ['id'])
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
    with op.batch_alter_table('registry_proposals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_registry_proposals_survey_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registry_proposals_survey_id'))
        batch_op.drop_column('survey_id')
        batch_op.drop_column('programme')
    op.drop_table('registry_survey_members')
    op.drop_table('registry_household_surveys')
    op.drop_table('planning_programmes')
