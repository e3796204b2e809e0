"""cohorts enrolment attendance: cohort_types (with Bimtap and Diklat), cohorts, cohort_sessions,
cohort_trainers, enrolments, attendance, microteachings, calendar_feeds

Revision ID: 20261123_135947
Revises: 20261123_134428
Create Date: 2026-11-23 13:59:47.861593
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision = '20261123_135947'
down_revision = '20261123_134428'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cohort_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('default_days', sa.Integer(), nullable=False),
    sa.Column('requires_all_modules', sa.Boolean(), nullable=False),
    sa.Column('requires_type_id', sa.Integer(), nullable=True),
    sa.Column('has_microteaching', sa.Boolean(), nullable=False),
    sa.Column('excused_allowed', sa.Integer(), nullable=False),
    sa.Column('absent_allowed', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['requires_type_id'], ['cohort_types.id'], name=op.f('fk_cohort_types_requires_type_id_cohort_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_types')),
    sa.UniqueConstraint('key', name=op.f('uq_cohort_types_key'))
    )
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('nonce', name=op.f('uq_calendar_feeds_nonce')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    op.create_table('cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('preparation', sa.Text(), nullable=False),
    sa.Column('excused_allowed', sa.Integer(), nullable=False),
    sa.Column('absent_allowed', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cohorts_created_by_id_users')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_cohorts_region_code_regions')),
    sa.ForeignKeyConstraint(['type_id'], ['cohort_types.id'], name=op.f('fk_cohorts_type_id_cohort_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts'))
    )
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.create_index('ix_cohorts_dates', ['start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_type_id'), ['type_id'], unique=False)

    op.create_table('cohort_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_sessions_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_sessions'))
    )
    with op.batch_alter_table('cohort_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_sessions_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('cohort_trainers',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_trainers_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_trainers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'user_id', name=op.f('pk_cohort_trainers'))
    )
    with op.batch_alter_table('cohort_trainers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_trainers_user_id'), ['user_id'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_enrolments_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['users.id'], name=op.f('fk_enrolments_enrolled_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrolments_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_enrolments_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_cohort_status', ['cohort_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_user_id'), ['user_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_attendance_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_attendance_marked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('enrolment_id', 'day', name='uq_attendance_enrolment_day')
    )
    op.create_table('microteachings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('session_title', sa.String(length=200), nullable=False),
    sa.Column('preparation', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('involvement', sa.Integer(), nullable=False),
    sa.Column('key_messages', sa.Integer(), nullable=False),
    sa.Column('timing', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('scored_by_id', sa.Integer(), nullable=True),
    sa.Column('scored_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_microteachings_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scored_by_id'], ['users.id'], name=op.f('fk_microteachings_scored_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_microteachings')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_microteachings_enrolment_id'))
    )

    _seed_types()


def _seed_types() -> None:
    """The two kinds every deployment needs: a 3-day Bimtap, then a 10-day Diklat that requires
    every module passed and a completed Bimtap, with microteaching and one excused day allowed."""
    cohort_types = sa.table(
        'cohort_types', sa.column('key', sa.String), sa.column('name', sa.String),
        sa.column('default_days', sa.Integer), sa.column('requires_all_modules', sa.Boolean),
        sa.column('requires_type_id', sa.Integer), sa.column('has_microteaching', sa.Boolean),
        sa.column('excused_allowed', sa.Integer), sa.column('absent_allowed', sa.Integer),
        sa.column('created_at', sa.DateTime),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(cohort_types, [{
        'key': 'bimtap', 'name': 'Bimtap', 'default_days': 3, 'requires_all_modules': False,
        'requires_type_id': None, 'has_microteaching': False, 'excused_allowed': 0, 'absent_allowed': 0,
        'created_at': now}])
    bimtap_id = sa.select(sa.column('id')).select_from(sa.table('cohort_types')).where(
        sa.column('key') == 'bimtap').scalar_subquery()
    op.execute(cohort_types.insert().values(
        key='diklat', name='Diklat', default_days=10, requires_all_modules=True, requires_type_id=bimtap_id,
        has_microteaching=True, excused_allowed=1, absent_allowed=0, created_at=now))


def downgrade() -> None:
    op.drop_table('microteachings')
    op.drop_table('attendance')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_user_id'))
        batch_op.drop_index('ix_enrolments_cohort_status')

    op.drop_table('enrolments')
    with op.batch_alter_table('cohort_trainers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_trainers_user_id'))

    op.drop_table('cohort_trainers')
    with op.batch_alter_table('cohort_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_sessions_cohort_id'))

    op.drop_table('cohort_sessions')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohorts_type_id'))
        batch_op.drop_index(batch_op.f('ix_cohorts_status'))
        batch_op.drop_index(batch_op.f('ix_cohorts_region_code'))
        batch_op.drop_index('ix_cohorts_dates')

    op.drop_table('cohorts')
    op.drop_table('calendar_feeds')
    op.drop_table('cohort_types')
