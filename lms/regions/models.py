"""Indonesia's administrative regions (Kemendagri codes).

A child's code always starts with its parent's code (33 → 3374 → 337401), so "is X inside
Y" is a string prefix test and a scoped query is an indexable `code LIKE '33%'`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base

PROVINCE, KABUPATEN, KECAMATAN = 1, 2, 3


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(13), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("regions.code"), index=True, default=None
    )
    level: Mapped[int] = mapped_column(sa.SmallInteger)
    name: Mapped[str] = mapped_column(sa.String(120))
    timezone: Mapped[str] = mapped_column(sa.String(32))

    parent: Mapped[Region | None] = relationship(remote_side=[code])

    def contains(self, other_code: str) -> bool:
        return is_within(other_code, self.code)

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def display_name(self) -> str:
        """Official names are in capitals; title case reads better in lists."""
        return self.name.title()

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


def is_within(code: str, ancestor_code: str) -> bool:
    """True when region `code` is `ancestor_code` itself or lies below it."""
    return code.startswith(ancestor_code)
