"""Catalogs are complete, and each UI language shows no string of the other."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from lms.config import PROJECT_ROOT
from lms.users.models import User

TRANSLATIONS = PROJECT_ROOT / "translations"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "recruits"


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_indonesian_catalog_is_complete_and_not_fuzzy() -> None:
    """msgids are English, so the Indonesian catalog must translate every one of them."""
    problems = []
    for message in _catalog("id"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert problems == [], f"untranslated or fuzzy in translations/id: {problems}"


def test_catalog_holds_every_string_of_the_code() -> None:
    """A string marked in code but never extracted would show in English on the Indonesian UI."""
    from babel.messages.extract import extract_from_dir

    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    extracted = {msgid if isinstance(msgid, str) else msgid[0]
                 for _file, _line, msgid, _comments, _context in extract_from_dir(
                     str(PROJECT_ROOT), method_map, options_map, keywords=keywords)
                 if not str(_file).startswith((".venv", "tests"))}
    catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("id") if m.id}
    assert sorted(extracted - catalog) == [], "run scripts/i18n.sh and translate the new strings"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_compiled_catalog_matches_source(locale: str) -> None:
    from babel.messages.mofile import write_mo

    compiled = io.BytesIO()
    write_mo(compiled, _catalog(locale))
    committed = (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert compiled.getvalue() == committed, "messages.mo is stale: run scripts/i18n.sh"


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<[^>]+\b(?:aria-label|placeholder|title|alt)="([^"]*)"[^>]*>', r" \1 ", html)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"'))


def _fragments(text: str) -> list[str]:
    """Fixed pieces of a message (placeholders removed) long enough to be unambiguous."""
    pieces = re.split(r"%\([a-z_]+\)[sd]|%[sd]", text)
    return [p.strip(" .,:;") for p in pieces if len(p.strip(" .,:;").split()) >= 2]


def _pages(client: FlaskClient, make_user: Callable[..., User], login_as: Callable[..., FlaskClient]) -> list[str]:
    """Every page of the foundation issue, as admin, trainer, coordinator and pendamping."""
    pages = [client.get("/login").get_data(as_text=True),
             client.post("/login", data={"email": "x@y.id", "password": "salah"}).get_data(as_text=True),
             client.get("/activate/rusak").get_data(as_text=True)]
    learner = make_user(name="Siti Aminah")
    admin = make_user(role="admin", name="Admin Pusat")
    login_as(admin)
    upload = client.post("/admin/imports", data={"file": (io.BytesIO((FIXTURES / "bad.csv").read_bytes()), "r.csv")},
                         content_type="multipart/form-data")
    for path in ["/", "/users/", f"/users/{learner.id}", "/admin/users/new", f"/admin/users/{learner.id}/edit",
                 "/admin/imports", upload.headers["Location"], "/admin/activations", "/account/password",
                 "/tidak-ada"]:
        pages.append(client.get(path).get_data(as_text=True))
    pages.append(client.post("/admin/users/new", data={"email": "salah", "name": "", "role": "pendamping"})
                 .get_data(as_text=True))
    pages.append(client.post("/account/password", data={"current_password": "", "new_password": "a", "confirm": "b"})
                 .get_data(as_text=True))
    for role in ("trainer", "coordinator"):
        login_as(make_user(role=role))
        pages.append(client.get("/").get_data(as_text=True))
    login_as(learner)
    pages += [client.get("/").get_data(as_text=True), client.get("/users/").get_data(as_text=True)]
    return [_visible_text(page) for page in pages]


INDONESIAN_WORDS = re.compile(r"\b(dan|yang|untuk|Anda|dengan|tidak|belum|sudah|kata sandi|Masuk|Keluar|Beranda|"
                              r"Simpan|Cari|Pengguna|Wilayah|Peran|Baris|Berkas|Halaman)\b")
ENGLISH_WORDS = re.compile(r"\b(the|and|your|with|Log in|Log out|Password|Save|Search|Users|Region|Role|"
                           r"Home|File|Page|not found|Email address)\b")
# Proper names, codes and data shown in both languages.
SHARED = re.compile(r"Akademi FDS|FDS Academy|PKH|FDS|Bimtap|Diklat|KOTA [A-Z ]+|Kota [A-Za-z ]+|Kecamatan [A-Za-z ]+|"
                    r"Siti Aminah|Admin Pusat|Pengguna \d+|[\w.+-]+@[\w.-]+|Bahasa Indonesia|English|"
                    r"name,email,phone,region_code,recruitment_year,kecamatan_code|region_code|kecamatan_code")


def test_english_ui_has_no_indonesian_strings(client: FlaskClient, make_user: Callable[..., User],
                                              login_as: Callable[..., FlaskClient]) -> None:
    client.set_cookie("lang", "en")
    translations = [m.string for m in _catalog("id") if m.id and isinstance(m.string, str) and m.string != m.id]
    for text in _pages(client, make_user, login_as):
        for translation in translations:
            for fragment in _fragments(translation):
                assert fragment not in text, f"Indonesian {fragment!r} on an English page"
        stripped = SHARED.sub(" ", text)
        assert not INDONESIAN_WORDS.search(stripped), f"Indonesian word in: {stripped[:300]}"


def test_indonesian_ui_has_no_english_strings(client: FlaskClient, make_user: Callable[..., User],
                                              login_as: Callable[..., FlaskClient]) -> None:
    messages = [m.id for m in _catalog("id") if m.id and isinstance(m.id, str) and m.string != m.id]
    for text in _pages(client, make_user, login_as):
        for msgid in messages:
            for fragment in _fragments(msgid):
                assert fragment not in text, f"English {fragment!r} on an Indonesian page"
        stripped = SHARED.sub(" ", text)
        match = ENGLISH_WORDS.search(stripped)
        assert not match, f"English word {match.group(0)!r} in: {stripped[max(0, match.start() - 80):match.end() + 80]}"
