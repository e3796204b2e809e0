"""Recruit import: CLI and admin preview/confirm; all or nothing."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.cli import lms_cli
from lms.users.models import ActivationToken, User, UserImport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "recruits"


def _pendamping_count(db: Session) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(User).where(User.role == "pendamping")) or 0


def test_cli_import_with_bad_rows_names_each_and_writes_nothing(app: Flask, db: Session) -> None:
    before = _pendamping_count(db)
    result = app.test_cli_runner().invoke(lms_cli, ["import-users", str(FIXTURES / "bad.csv")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert lines == [
        "line 3: agus.prasetyo@ is not a valid email address",
        "line 4: unknown region code 9999",
        "line 5: kecamatan 187101 does not lie in kabupaten/kota 3374",
        "line 6: siti.rahmawati@example.id appears more than once in the file (first on line 2)",
        "line 7: region code 33 is not a kabupaten/kota",
        "line 8: name is empty",
        "line 9: tahun is not a recruitment year",
    ]
    assert _pendamping_count(db) == before
    assert db.scalar(sa.select(sa.func.count()).select_from(UserImport)) == 0


def test_cli_import_of_corrected_file_imports_every_row(app: Flask, db: Session) -> None:
    result = app.test_cli_runner().invoke(lms_cli, ["import-users", str(FIXTURES / "good.csv")])
    assert result.exit_code == 0, result.output
    assert "Imported 8 recruit(s)" in result.output
    assert result.output.count("http://lms.test/activate/") == 8
    siti = db.scalar(sa.select(User).where(User.email == "siti.rahmawati@example.id"))
    assert siti is not None and siti.home_region_code == "3374" and siti.kecamatan_code == "337401"
    assert siti.recruitment_year == 2026 and siti.password_hash is None
    assert db.scalar(sa.select(sa.func.count()).select_from(ActivationToken)
                     .where(ActivationToken.user_id == siti.id)) == 1
    # Importing the same file again: every row is now a duplicate of an existing account.
    again = app.test_cli_runner().invoke(lms_cli, ["import-users", str(FIXTURES / "good.csv")])
    assert again.exit_code == 1
    assert "line 2: an account with siti.rahmawati@example.id already exists" in again.output


def test_cli_import_reports_a_wrong_header(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("nama,email\nSiti,siti@example.id\n")
    result = app.test_cli_runner().invoke(lms_cli, ["import-users", str(path)])
    assert result.exit_code == 1
    assert "line 1: the header lacks the columns: name, phone, region_code, recruitment_year" in result.output


def test_semicolon_csv_from_indonesian_excel_is_read(app: Flask, db: Session, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffname;email;phone;region_code;recruitment_year\nSiti;siti.excel@example.id;;3374;2026\n"
                     .encode())
    result = app.test_cli_runner().invoke(lms_cli, ["import-users", str(path)])
    assert result.exit_code == 0, result.output
    assert db.scalar(sa.select(User).where(User.email == "siti.excel@example.id")) is not None


def test_admin_preview_then_confirm(client: FlaskClient, db: Session, make_user: Callable[..., User],
                                    login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    response = client.post("/admin/imports", data={
        "file": (io.BytesIO((FIXTURES / "bad.csv").read_bytes()), "rekrutmen.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "kode wilayah 9999 tidak dikenal" in page                 # problems in the user's language
    assert "Konfirmasi dan buat akun" not in page                    # no confirm button with errors
    import_id = int(preview_url.rsplit("/", 1)[1])
    client.post(f"/admin/imports/{import_id}/confirm")
    assert db.scalar(sa.select(User).where(User.email == "agus.prasetyo@example.id")) is None

    response = client.post("/admin/imports", data={
        "file": (io.BytesIO((FIXTURES / "good.csv").read_bytes()), "rekrutmen.csv")},
        content_type="multipart/form-data")
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Semua baris benar" in page
    assert _pendamping_count(db) == 0 or db.scalar(
        sa.select(User).where(User.email == "siti.rahmawati@example.id")) is None  # nothing yet
    client.post(preview_url + "/confirm")
    page = client.get(preview_url).get_data(as_text=True)
    assert page.count("http://lms.test/activate/") == 8
    client.set_cookie("lang", "en")
    assert "Activation links" in client.get(preview_url).get_data(as_text=True)


def test_confirm_refuses_when_an_account_appeared_after_preview(
        client: FlaskClient, db: Session, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    response = client.post("/admin/imports", data={
        "file": (io.BytesIO((FIXTURES / "good.csv").read_bytes()), "r.csv")}, content_type="multipart/form-data")
    make_user(email="nur.aini@example.id")
    client.post(response.headers["Location"] + "/confirm")
    assert db.scalar(sa.select(User).where(User.email == "siti.rahmawati@example.id")) is None


def _big_csv(path: Path, rows: int) -> None:
    with path.open("w") as handle:
        handle.write("name,email,phone,region_code,recruitment_year,kecamatan_code\n")
        for n in range(rows):
            handle.write(f"Pendamping {n},pendamping{n}@besar.example.id,0812{n:08d},3374,2026,337401\n")


def test_five_thousand_rows_import_in_seconds(app: Flask, db: Session, tmp_path: Path) -> None:
    path = tmp_path / "5000.csv"
    _big_csv(path, 5000)
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(lms_cli, ["import-users", str(path)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output[-500:]
    assert db.scalar(sa.select(sa.func.count()).select_from(User)
                     .where(User.email.like("%@besar.example.id"))) == 5000
    print(f"\n5,000-row import: {elapsed:.2f} s")  # measured by bench/import_users.py; never asserted
