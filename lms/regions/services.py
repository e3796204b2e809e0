"""Loading and looking up regions."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.config import PROJECT_ROOT
from lms.regions.models import KABUPATEN, KECAMATAN, PROVINCE, Region

WILAYAH_CSV = PROJECT_ROOT / "data" / "wilayah.csv"

# Province code → IANA time zone (domain brief): WIB, WITA, WIT.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}


def timezone_for(code: str) -> str:
    province = code[:2]
    if province in _WIT:
        return "Asia/Jayapura"
    if province in _WITA:
        return "Asia/Makassar"
    return "Asia/Jakarta"


def read_wilayah(path: Path = WILAYAH_CSV) -> Iterable[dict[str, object]]:
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {
                "code": row["kode"],
                "parent_code": row["induk"] or None,
                "level": int(row["tingkat"]),
                "name": row["nama"],
                "timezone": timezone_for(row["kode"]),
            }


def load_regions(session: Session, path: Path = WILAYAH_CSV) -> int:
    """Insert regions that are missing and update changed names; returns rows written.

    Idempotent: running it twice writes nothing the second time. Rows come in parent-first
    order in the CSV, so foreign keys hold as we insert.
    """
    existing = {
        code: (name, parent, tz)
        for code, name, parent, tz in session.execute(
            sa.select(Region.code, Region.name, Region.parent_code, Region.timezone)
        )
    }
    inserts, updates = [], []
    for row in read_wilayah(path):
        current = existing.get(row["code"])
        if current is None:
            inserts.append(row)
        elif current != (row["name"], row["parent_code"], row["timezone"]):
            updates.append(row)
    for level in (PROVINCE, KABUPATEN, KECAMATAN):
        batch = [r for r in inserts if r["level"] == level]
        if batch:
            session.execute(sa.insert(Region), batch)
    if updates:
        session.execute(sa.update(Region), updates)
    session.flush()
    return len(inserts) + len(updates)


def get_region(session: Session, code: str | None) -> Region | None:
    if not code:
        return None
    return session.get(Region, code.strip())


def region_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    codes = list(set(codes))
    if not codes:
        return {}
    rows = session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(codes)))
    return {code: name.title() for code, name in rows}


def provinces(session: Session) -> list[Region]:
    return list(session.scalars(sa.select(Region).where(Region.level == PROVINCE).order_by(Region.code)))


def children(session: Session, code: str) -> list[Region]:
    return list(
        session.scalars(sa.select(Region).where(Region.parent_code == code).order_by(Region.name))
    )
