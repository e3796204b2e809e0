"""What each role's home page shows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.auth.permissions import region_clause
from lms.regions.models import Region
from lms.users.models import Role, User


@dataclass
class RegionCount:
    code: str
    name: str
    learners: int
    activated: int


def learners_by_region(session: Session, viewer: User, limit: int = 50) -> list[RegionCount]:
    """Facilitators in the viewer's regions, counted per kabupaten/kota."""
    query = (
        sa.select(Region.code, Region.name, sa.func.count(User.id),
                  sa.func.count(User.password_hash))
        .join(User, User.home_region_code == Region.code)
        .where(User.role == Role.PENDAMPING.value, User.is_active.is_(True),
               region_clause(viewer, User.home_region_code))
        .group_by(Region.code, Region.name)
        .order_by(Region.code)
        .limit(limit)
    )
    return [RegionCount(code, name.title(), total, active) for code, name, total, active in session.execute(query)]


def user_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        sa.select(User.role, sa.func.count()).where(User.is_active.is_(True)).group_by(User.role)
    )
    return dict(rows.all())
