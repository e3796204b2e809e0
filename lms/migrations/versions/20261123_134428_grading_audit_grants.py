"""grading audit grants: grade_audits, attempt_grants, review_flags, quiz_attempts.comment

Revision ID: 20261123_134428
Revises: 20261123_133018
Create Date: 2026-11-23 13:44:28.720683
"""
from alembic import op
import sqlalchemy as sa


revision = '20261123_134428'
down_revision = '20261123_133018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attempt_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_attempt_grants_granted_by_id_users')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_attempt_grants_module_id_modules')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempt_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_grants'))
    )
    with op.batch_alter_table('attempt_grants', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_grants_user_module', ['user_id', 'module_id'], unique=False)

    op.create_table('grade_audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('before_value', sa.Text(), nullable=True),
    sa.Column('after_value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_grade_audits_actor_id_users')),
    sa.ForeignKeyConstraint(['answer_id'], ['attempt_answers.id'], name=op.f('fk_grade_audits_answer_id_attempt_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_grade_audits_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_grade_audits_learner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_grade_audits_module_id_modules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_audits'))
    )
    with op.batch_alter_table('grade_audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_audits_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grade_audits_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grade_audits_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_grade_audits_learner_module', ['learner_id', 'module_id'], unique=False)

    op.create_table('review_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_review_flags_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['audit_id'], ['grade_audits.id'], name=op.f('fk_review_flags_audit_id_grade_audits')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_review_flags_module_id_modules')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_flags_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_flags'))
    )
    with op.batch_alter_table('review_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_flags_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('comment')

    with op.batch_alter_table('review_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_flags_user_id'))

    op.drop_table('review_flags')
    with op.batch_alter_table('grade_audits', schema=None) as batch_op:
        batch_op.drop_index('ix_grade_audits_learner_module')
        batch_op.drop_index(batch_op.f('ix_grade_audits_created_at'))
        batch_op.drop_index(batch_op.f('ix_grade_audits_attempt_id'))
        batch_op.drop_index(batch_op.f('ix_grade_audits_actor_id'))

    op.drop_table('grade_audits')
    with op.batch_alter_table('attempt_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_grants_user_module')

    op.drop_table('attempt_grants')
