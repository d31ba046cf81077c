"""attachments: scans and photos on cases, assessments, referrals and registry proposals

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('document_type_id', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('file_name', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_name', sa.String(length=64), nullable=False),
    sa.Column('file_type', sa.String(length=4), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('location_kept', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removal_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_attachments_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_attachments_referral_id_referrals')),
    sa.ForeignKeyConstraint(['proposal_id'], ['registry_proposals.id'], name=op.f('fk_attachments_proposal_id_registry_proposals')),
    sa.ForeignKeyConstraint(['document_type_id'], ['document_types.id'], name=op.f('fk_attachments_document_type_id_document_types')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_attachments_removed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_document_type_id'), ['document_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_status'))
        batch_op.drop_index(batch_op.f('ix_attachments_document_type_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_referral_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_assessment_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))
    op.drop_table('attachments')
