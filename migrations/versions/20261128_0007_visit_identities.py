"""2026-11-28 the identity given at each visit, and kept versions of a person's identity

A counter user no longer overwrites a person: each case keeps the identity typed at its visit
(its SMS go to that phone), a difference waits for the back office, and an accepted change keeps
the replaced values. Existing cases get the person's current identity as their visit identity.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 10:24:06.861239

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('review', sa.String(length=20), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('birth_place', sa.String(length=80), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('kk_number', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('rt', sa.String(length=3), nullable=False),
    sa.Column('rw', sa.String(length=3), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('members', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_visit_identities_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_visit_identities_person_id_people')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_visit_identities_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_identities')),
    sa.UniqueConstraint('case_id', name=op.f('uq_visit_identities_case_id'))
    )
    with op.batch_alter_table('visit_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_identities_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_identities_review'), ['review'], unique=False)

    # Cases registered before: their visit identity is the person's identity as stored now.
    op.execute(
        "INSERT INTO visit_identities (case_id, person_id, review, review_reason, created_at, name, birth_place, "
        "birth_date, sex, phone, kk_number, address, rt, rw, region_code, members) "
        "SELECT c.id, p.id, 'same', '', c.created_at, p.name, p.birth_place, p.birth_date, p.sex, p.phone, "
        "p.kk_number, p.address, p.rt, p.rw, p.region_code, '' "
        "FROM cases c JOIN people p ON p.id = c.person_id")

    op.create_table('person_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('visit_identity_id', sa.Integer(), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('birth_place', sa.String(length=80), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('kk_number', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('rt', sa.String(length=3), nullable=False),
    sa.Column('rw', sa.String(length=3), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('members', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_versions_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name=op.f('fk_person_versions_replaced_by_id_users')),
    sa.ForeignKeyConstraint(['visit_identity_id'], ['visit_identities.id'], name=op.f('fk_person_versions_visit_identity_id_visit_identities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_versions'))
    )
    with op.batch_alter_table('person_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_versions_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_versions_visit_identity_id'), ['visit_identity_id'], unique=False)



def downgrade():
    with op.batch_alter_table('person_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_versions_visit_identity_id'))
        batch_op.drop_index(batch_op.f('ix_person_versions_person_id'))

    op.drop_table('person_versions')
    with op.batch_alter_table('visit_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_identities_review'))
        batch_op.drop_index(batch_op.f('ix_visit_identities_person_id'))

    op.drop_table('visit_identities')
