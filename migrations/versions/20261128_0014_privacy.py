"""2026-11-28 the citizen's rights (UU PDP): correction requests, anonymised cases and people

A citizen asks at the counter to correct their identity; the back office accepts (the replaced values are
kept as a person version, which no longer needs a visit behind it) or rejects, with a reason. The
retention job marks the cases and people it anonymised.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person_versions', schema=None) as batch_op:
        batch_op.alter_column('visit_identity_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_anonymised_at'), ['anonymised_at'], unique=False)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.create_table('correction_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('current_value', sa.String(length=255), nullable=False),
    sa.Column('new_value', sa.String(length=255), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['person_versions.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('correction_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_correction_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_correction_requests_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_correction_requests_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('correction_requests')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_anonymised_at'))
        batch_op.drop_column('anonymised_at')
    # A version kept by a correction has no visit: such versions go before the column is required again.
    op.execute("DELETE FROM person_versions WHERE visit_identity_id IS NULL")
    with op.batch_alter_table('person_versions', schema=None) as batch_op:
        batch_op.alter_column('visit_identity_id', existing_type=sa.Integer(), nullable=False)
