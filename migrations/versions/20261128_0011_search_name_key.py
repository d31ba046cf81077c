"""search: a phonetic name key on people, visit identities and registry people; household members by NIK

The staff search matches names on slrt.search.phonetic.name_key (Djoko = Joko, Sitti = Siti); the key is
kept next to the name by intake and the registry importer, and backfilled here for the rows already stored.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 11:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BATCH = 5000


def _backfill(table: str) -> None:
    """Compute the key in Python (the rules are not SQL) in batches by id, so a registry of two million
    people neither holds one huge transaction nor reads everything into memory."""
    from slrt.search.phonetic import name_key
    bind = op.get_bind()
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('name_phonetic', sa.String))
    last = 0
    while True:
        batch = bind.execute(sa.select(rows.c.id, rows.c.name).where(rows.c.id > last)
                             .order_by(rows.c.id).limit(BATCH)).all()
        if not batch:
            break
        bind.execute(rows.update().where(rows.c.id == sa.bindparam('row_id'))
                     .values(name_phonetic=sa.bindparam('key')),
                     [{'row_id': row_id, 'key': name_key(name or '')} for row_id, name in batch])
        last = batch[-1][0]


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_phonetic', sa.String(length=120), server_default='', nullable=False))
    _backfill('people')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_name_phonetic'), ['name_phonetic'], unique=False)

    with op.batch_alter_table('registry_people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_phonetic', sa.String(length=120), server_default='', nullable=False))
    _backfill('registry_people')
    with op.batch_alter_table('registry_people', schema=None) as batch_op:
        batch_op.create_index('ix_registry_people_name_phonetic', ['name_phonetic'], unique=False)

    # The name given at each visit: what the queues and the search match on.
    with op.batch_alter_table('visit_identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_phonetic', sa.String(length=120), server_default='', nullable=False))
    _backfill('visit_identities')
    with op.batch_alter_table('visit_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_identities_name_phonetic'), ['name_phonetic'], unique=False)

    # A member's NIK typed in the search finds the applicant whose household they are in.
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_members_nik'), ['nik'], unique=False)


def downgrade():
    with op.batch_alter_table('visit_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_identities_name_phonetic'))
        batch_op.drop_column('name_phonetic')
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_members_nik'))
    with op.batch_alter_table('registry_people', schema=None) as batch_op:
        batch_op.drop_index('ix_registry_people_name_phonetic')
        batch_op.drop_column('name_phonetic')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_name_phonetic'))
        batch_op.drop_column('name_phonetic')
