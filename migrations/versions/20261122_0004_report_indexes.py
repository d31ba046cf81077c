"""report indexes and monthly case counts

A covering index for the dashboard's counts of cases by period and region, and
composite indexes that find late referrals and pre-counted cases per past month
(measured with bench/reports_bench.py on 1,000,000 cases)

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22 19:05:20.740202

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_case_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('office_region_code', sa.String(length=13), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'region_code', 'office_region_code', name=op.f('pk_report_case_months'))
    )
    op.create_table('report_summarised_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('counted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_report_summarised_months'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_report_period', ['created_at', 'region_code', 'office_region_code', 'status', 'visit_type'], unique=False)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_case_category', ['case_id', 'category_id'], unique=False)

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_report_period', ['created_at', 'case_id', 'agency_id', 'programme_id', 'status'], unique=False)
        batch_op.create_index('ix_referrals_response_late', ['responded_at', 'response_due', 'letter_date', 'case_id'], unique=False)
        batch_op.create_index('ix_referrals_signoff_late', ['decided_at', 'signoff_due', 'case_id'], unique=False)



def downgrade():
    op.drop_table('report_summarised_months')
    op.drop_table('report_case_months')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_signoff_late')
        batch_op.drop_index('ix_referrals_response_late')
        batch_op.drop_index('ix_referrals_report_period')

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_case_category')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_report_period')

