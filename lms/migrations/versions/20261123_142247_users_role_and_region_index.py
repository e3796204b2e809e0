"""users role and region index

Revision ID: 20261123_142247
Revises: 20261123_135947
Create Date: 2026-11-23 14:22:47.537319
"""
from alembic import op
import sqlalchemy as sa


revision = '20261123_142247'
down_revision = '20261123_135947'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_role_home_region_code', ['role', 'home_region_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_role_home_region_code')

