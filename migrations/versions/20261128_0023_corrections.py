"""corrections: a case's change history, a referral draft's change history, the reason for a second open case

`case_changes` keeps every corrected field of a case or its citizen (who, when, why, before and after);
`referral_changes` every field an edit of a draft changed; `cases.new_case_reason` why the clerk opened a
case for a citizen who already had an open one.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-28 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_case_reason', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'case_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_changes_case_id', 'case_changes', ['case_id'])
    op.create_table(
        'referral_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_referral_changes_referral_id', 'referral_changes', ['referral_id'])


def downgrade():
    op.drop_index('ix_referral_changes_referral_id', table_name='referral_changes')
    op.drop_table('referral_changes')
    op.drop_index('ix_case_changes_case_id', table_name='case_changes')
    op.drop_table('case_changes')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('new_case_reason')
