"""Regions: counts after init, time zones, and the cheap "inside" test."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms import create_app
from lms.cli import lms_cli
from lms.regions.models import Region, is_within
from lms.regions.services import timezone_for
from tests.conftest import make_test_config


def test_init_twice_on_empty_sqlite_leaves_all_regions(tmp_path: Path) -> None:
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'fresh.db'}"))
    runner = app.test_cli_runner()
    first = runner.invoke(lms_cli, ["init"])
    second = runner.invoke(lms_cli, ["init"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "regions written: 7829" in first.output
    assert "regions written: 0" in second.output
    with app.app_context():
        from lms import db as lms_db

        counts = dict(lms_db.session.execute(
            sa.select(Region.level, sa.func.count()).group_by(Region.level)).all())
    assert counts == {1: 38, 2: 514, 3: 7277}


def test_region_knows_parent_and_level(db: Session) -> None:
    semarang = db.get(Region, "3374")
    assert semarang is not None and semarang.level == 2
    assert semarang.parent is not None and semarang.parent.code == "33"
    assert semarang.parent.name == "JAWA TENGAH"
    kecamatan = db.get(Region, "337401")
    assert kecamatan is not None and kecamatan.parent_code == "3374"


@pytest.mark.parametrize(("code", "zone"), [
    ("9171", "Asia/Jayapura"),   # Kota Jayapura, WIT
    ("160816", "Asia/Jakarta"),  # kecamatan JAYAPURA in South Sumatra, WIB
    ("3374", "Asia/Jakarta"),    # Kota Semarang, WIB
    ("5171", "Asia/Makassar"),   # Kota Denpasar, WITA
    ("6471", "Asia/Makassar"),   # East Kalimantan, WITA
    ("6171", "Asia/Jakarta"),    # West Kalimantan, WIB
    ("8171", "Asia/Jayapura"),   # Maluku, WIT
])
def test_time_zone_by_province(db: Session, code: str, zone: str) -> None:
    assert timezone_for(code) == zone
    region = db.get(Region, code)
    assert region is not None and region.timezone == zone


def test_is_within() -> None:
    assert is_within("337401", "33")
    assert is_within("3374", "3374")
    assert not is_within("1871", "33")
    assert not is_within("33", "3374")


def test_descendants_are_a_prefix_query(db: Session) -> None:
    below = db.scalar(sa.select(sa.func.count()).where(Region.code.startswith("33"), Region.code != "33"))
    kabupaten = db.scalar(sa.select(sa.func.count()).where(Region.parent_code == "33"))
    kecamatan = db.scalar(sa.select(sa.func.count()).where(Region.level == 3, Region.code.startswith("33")))
    assert below == kabupaten + kecamatan
    assert kabupaten == 35
