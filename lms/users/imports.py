"""Recruit import: a recruitment CSV is staged, checked row by row, then confirmed.

Rows are streamed into `user_import_rows` with their problems, so a 40,000-row file never sits
in memory and the admin's preview survives between requests. Confirming writes every
account in one transaction, or nothing.
"""

from __future__ import annotations

import csv
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lms.db import utcnow
from lms.regions.models import KABUPATEN, KECAMATAN, Region
from lms.users.models import ActivationToken, Role, User, UserImport, UserImportRow
from lms.users.services import activation_token_string, normalise_email

REQUIRED_COLUMNS = ("name", "email", "phone", "region_code", "recruitment_year")
OPTIONAL_COLUMNS = ("kecamatan_code",)
BATCH = 500


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, **self.params}


class ImportNotAllowed(ValueError):
    """The import cannot be confirmed (it has problems, or was confirmed already)."""


def describe(problem: dict[str, Any]) -> str:
    """One problem in the current language; problems are stored as codes so each reader
    sees them in their own language."""
    code, p = problem["code"], problem
    messages = {
        "missing_columns": lambda: _("the header lacks the columns: %(columns)s", columns=p.get("columns")),
        "empty_file": lambda: _("the file has no rows"),
        "not_utf8": lambda: _("the file is not UTF-8 text (save it from the spreadsheet as CSV UTF-8)"),
        "missing": lambda: _("%(field)s is empty", field=p.get("field")),
        "bad_email": lambda: _("%(value)s is not a valid email address", value=p.get("value")),
        "bad_phone": lambda: _("%(value)s is not a phone number", value=p.get("value")),
        "bad_year": lambda: _("%(value)s is not a recruitment year", value=p.get("value")),
        "unknown_region": lambda: _("unknown region code %(value)s", value=p.get("value")),
        "not_kabupaten": lambda: _("region code %(value)s is not a kabupaten/kota", value=p.get("value")),
        "unknown_kecamatan": lambda: _("unknown kecamatan code %(value)s", value=p.get("value")),
        "kecamatan_outside": lambda: _(
            "kecamatan %(kecamatan)s does not lie in kabupaten/kota %(region)s",
            kecamatan=p.get("kecamatan"), region=p.get("region")),
        "duplicate_in_file": lambda: _(
            "%(email)s appears more than once in the file (first on line %(first)d)",
            email=p.get("email"), first=p.get("first", 0)),
        "duplicate_in_db": lambda: _("an account with %(email)s already exists", email=p.get("email")),
        "too_many_columns": lambda: _("the row has more values than the header"),
    }
    return messages[code]() if code in messages else code


def _region_levels(session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(Region.code, Region.level))
    return dict(rows.all())


def _check_row(row: dict[str, str], regions: dict[str, int]) -> tuple[list[Problem], str | None]:
    problems: list[Problem] = []
    for column in ("name", "email", "region_code", "recruitment_year"):
        if not row.get(column):
            problems.append(Problem("missing", {"field": column}))
    email = normalise_email(row["email"]) if row.get("email") else None
    if row.get("email") and email is None:
        problems.append(Problem("bad_email", {"value": row["email"]}))
    phone = row.get("phone", "")
    digits = phone.replace("+", "").replace(" ", "").replace("-", "")
    if phone and (not digits.isdigit() or not 8 <= len(digits) <= 15):
        problems.append(Problem("bad_phone", {"value": phone}))
    year = row.get("recruitment_year", "")
    if year and (not year.isdigit() or not 2007 <= int(year) <= date.today().year + 1):
        problems.append(Problem("bad_year", {"value": year}))
    region = row.get("region_code", "")
    if region:
        if region not in regions:
            problems.append(Problem("unknown_region", {"value": region}))
        elif regions[region] != KABUPATEN:
            problems.append(Problem("not_kabupaten", {"value": region}))
    kecamatan = row.get("kecamatan_code", "")
    if kecamatan:
        if regions.get(kecamatan) != KECAMATAN:
            problems.append(Problem("unknown_kecamatan", {"value": kecamatan}))
        elif region and not kecamatan.startswith(region):
            problems.append(Problem("kecamatan_outside", {"kecamatan": kecamatan, "region": region}))
    return problems, email


def _read_rows(stream: IO[str]) -> tuple[list[str] | None, Iterator[tuple[int, dict[str, str], bool]]]:
    """The header and an iterator of (line number, cleaned row, had extra values)."""
    first = stream.readline()
    if not first.strip():
        return None, iter(())
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in id-ID saves with ;
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter))]
    reader = csv.reader(stream, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, dict[str, str], bool]]:
        for index, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            cleaned = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
            yield index, cleaned, len(values) > len(header)

    return header, rows()


def stage_import(session: Session, stream: IO[str], filename: str, created_by_id: int | None) -> UserImport:
    """Read and check a recruitment CSV, store its rows and their problems; returns the import."""
    user_import = UserImport(filename=filename[:255], created_by_id=created_by_id)
    session.add(user_import)
    session.flush()
    try:
        header, rows = _read_rows(stream)
        if header is None:
            return _file_problem(user_import, Problem("empty_file"))
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            return _file_problem(user_import, Problem("missing_columns", {"columns": ", ".join(missing)}))
        regions = _region_levels(session)
        seen: dict[str, int] = {}
        batch: list[dict[str, Any]] = []
        for line, row, extra in rows:
            problems, email = _check_row(row, regions)
            if extra:
                problems.append(Problem("too_many_columns"))
            if email:
                if email in seen:
                    problems.append(Problem("duplicate_in_file", {"email": email, "first": seen[email]}))
                else:
                    seen[email] = line
            batch.append(_staged_row(user_import.id, line, row, email, problems))
            if len(batch) >= BATCH:
                _flush_rows(session, user_import, batch)
                batch = []
        _flush_rows(session, user_import, batch)
    except UnicodeDecodeError:
        return _file_problem(user_import, Problem("not_utf8"))
    if user_import.row_count == 0 and not user_import.file_error:
        _file_problem(user_import, Problem("empty_file"))
    session.flush()
    return user_import


def _staged_row(import_id: int, line: int, row: dict[str, str], email: str | None,
                problems: list[Problem]) -> dict[str, Any]:
    return {
        "import_id": import_id, "line": line, "name": row.get("name", "")[:200],
        "email": (email or row.get("email", ""))[:254], "phone": row.get("phone", "")[:32],
        "region_code": row.get("region_code", "")[:13], "kecamatan_code": row.get("kecamatan_code", "")[:13],
        "recruitment_year": row.get("recruitment_year", "")[:8],
        "problems": json.dumps([p.as_json() for p in problems]) if problems else None,
    }


def _flush_rows(session: Session, user_import: UserImport, batch: list[dict[str, Any]]) -> None:
    if not batch:
        return
    emails = [r["email"] for r in batch if r["email"]]
    existing = set(session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    for row in batch:
        if row["email"] in existing:
            problems = json.loads(row["problems"] or "[]")
            problems.append(Problem("duplicate_in_db", {"email": row["email"]}).as_json())
            row["problems"] = json.dumps(problems)
    session.execute(sa.insert(UserImportRow), batch)
    user_import.row_count += len(batch)
    user_import.error_count += sum(1 for r in batch if r["problems"])


def _file_problem(user_import: UserImport, problem: Problem) -> UserImport:
    user_import.file_error = json.dumps([problem.as_json()])
    user_import.error_count += 1
    return user_import


def row_problems(user_import: UserImport, session: Session) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(line, problems) for every bad row, in file order; line 1 is the header."""
    if user_import.file_error:
        yield 1, json.loads(user_import.file_error)
    query = (sa.select(UserImportRow.line, UserImportRow.problems)
             .where(UserImportRow.import_id == user_import.id, UserImportRow.problems.is_not(None))
             .order_by(UserImportRow.line))
    for line, problems in session.execute(query).yield_per(BATCH):
        yield line, json.loads(problems)


def confirm_import(session: Session, user_import: UserImport, expires_days: int) -> int:
    """Create every staged account with an activation token; returns how many.

    The caller commits; any failure leaves nothing written.
    """
    if user_import.status != "preview":
        raise ImportNotAllowed(_("This import has already been confirmed or discarded."))
    if user_import.error_count:
        raise ImportNotAllowed(_("Correct the file and upload it again: it still has problems."))
    rows = session.execute(
        sa.select(UserImportRow).where(UserImportRow.import_id == user_import.id).order_by(UserImportRow.line)
    ).scalars().yield_per(BATCH)
    created = 0
    batch: list[UserImportRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            created += _create_accounts(session, user_import, batch, expires_days)
            batch = []
    created += _create_accounts(session, user_import, batch, expires_days)
    user_import.status = "confirmed"
    user_import.confirmed_at = utcnow()
    session.flush()
    return created


def _create_accounts(session: Session, user_import: UserImport, rows: list[UserImportRow],
                     expires_days: int) -> int:
    if not rows:
        return 0
    now = utcnow()
    # Someone may have created one of these accounts since the preview.
    clash = session.scalar(sa.select(User.email).where(User.email.in_([r.email for r in rows])).limit(1))
    if clash:
        raise ImportNotAllowed(_("An account with %(email)s was created after the preview; "
                                 "upload the file again.", email=clash))
    values = [{
        "email": r.email, "name": r.name, "phone": r.phone or None, "role": Role.PENDAMPING.value,
        "home_region_code": r.region_code, "kecamatan_code": r.kecamatan_code or None,
        "recruitment_year": int(r.recruitment_year), "is_active": True, "must_change_password": False,
        "session_version": 1, "created_at": now, "user_import_id": user_import.id,
    } for r in rows]
    ids = session.scalars(sa.insert(User).returning(User.id, sort_by_parameter_order=True), values).all()
    session.execute(sa.insert(ActivationToken), [
        {"user_id": user_id, "nonce": secrets.token_urlsafe(24), "created_at": now,
         "expires_at": now + timedelta(days=expires_days)} for user_id in ids
    ])
    return len(ids)


def activation_links_for_import(session: Session, user_import: UserImport) -> Iterator[tuple[str, str, str]]:
    """(name, email, activation token string) for the accounts an import created and not yet activated."""
    query = (sa.select(User.name, User.email, ActivationToken.nonce)
             .join(ActivationToken, ActivationToken.user_id == User.id)
             .where(User.user_import_id == user_import.id, User.password_hash.is_(None),
                    ActivationToken.used_at.is_(None))
             .order_by(User.id))
    for name, email, nonce in session.execute(query).yield_per(BATCH):
        yield name, email, activation_token_string(nonce)


def problem_lines(rows: Iterable[tuple[int, list[dict[str, Any]]]]) -> Iterator[str]:
    """`line N: problem; problem` lines, as the CLI prints them."""
    for line, problems in rows:
        yield f"line {line}: " + "; ".join(describe(p) for p in problems)
