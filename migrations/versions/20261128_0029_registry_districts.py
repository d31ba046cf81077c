"""registry districts: each DTSEN import belongs to one kabupaten/kota

Revision ID: 0029
Revises: 0027
Create Date: 2026-11-28 22:30:00

`registry_imports.district_code` (NN.NN): the district whose extract it is. An import compares with, replaces and
compacts only its own district's registry. Existing imports are filled from the importing user's region (its
first five characters, when the user worked in a district), else from the database's first district (the one
0026 created from the district this database served before several were hosted).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0027'
branch_labels = None
depends_on = None


def _first_district():
    bind = op.get_bind()
    code = bind.scalar(sa.text('SELECT code FROM districts ORDER BY created_at, code LIMIT 1'))
    if code is None and bind.scalar(sa.text('SELECT COUNT(*) FROM registry_imports')):
        from flask import current_app  # no district row at all (cannot happen after 0026): the configured one
        code = current_app.config['SLRT_REGION_CODE']
    return code


def upgrade():
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_code', sa.String(length=5), nullable=True))
    op.execute(sa.text(
        'UPDATE registry_imports SET district_code = (SELECT SUBSTR(users.region_code, 1, 5) FROM users '
        'WHERE users.id = registry_imports.user_id AND LENGTH(users.region_code) >= 5)'))
    code = _first_district()
    if code is not None:
        op.execute(sa.text('UPDATE registry_imports SET district_code = :code WHERE district_code IS NULL')
                   .bindparams(code=code))
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.alter_column('district_code', existing_type=sa.String(length=5), nullable=False)
        batch_op.create_index(batch_op.f('ix_registry_imports_district_code'), ['district_code'], unique=False)


def downgrade():
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_imports_district_code'))
        batch_op.drop_column('district_code')
