"""Module and lesson pages for every role, the image route, and the question bank for trainers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.users.models import User

LESSON = "/modules/kesehatan-gizi/lessons/m3-gizi-ibu-hamil"
IMAGE = "/modules/kesehatan-gizi/images/seribu-hari-pertama.svg"

MakeUser = Callable[..., User]
LoginAs = Callable[[User], FlaskClient]


@pytest.fixture
def pendamping(make_user: MakeUser, login_as: LoginAs) -> FlaskClient:
    return login_as(make_user(role="pendamping"))


@pytest.fixture
def trainer(make_user: MakeUser, login_as: LoginAs) -> FlaskClient:
    return login_as(make_user(role="trainer"))


def test_a_pendamping_reads_a_lesson(pendamping: FlaskClient) -> None:
    response = pendamping.get(LESSON)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h1 id="lesson-title" lang="id">Gizi dan Layanan Kesehatan Ibu Hamil</h1>' in page
    assert '<nav class="toc card" aria-labelledby="toc-title">' in page
    assert '<a href="#tujuan-sesi">Tujuan Sesi</a>' in page and '<h2 id="tujuan-sesi">' in page
    assert '<div class="admonition pesan-kunci">' in page and "<table>" in page and "<dl>" in page
    image = re.search(r'<img alt="[^"]+" src="([^"]+)"', page)
    assert image and re.fullmatch(re.escape(IMAGE) + r"\?v=[0-9a-f]{10}", image.group(1))
    # First lesson: a link to the next one, none to a previous one.
    assert 'href="/modules/kesehatan-gizi/lessons/m3-gizi-menyusui-balita" rel="next"' in page
    assert 'rel="prev"' not in page
    assert "Kesehatan dan Gizi" in page


def test_links_between_lessons_point_to_lesson_pages(pendamping: FlaskClient) -> None:
    page = pendamping.get("/modules/kesehatan-gizi/lessons/m3-gizi-menyusui-balita").get_data(as_text=True)
    assert 'href="/modules/kesehatan-gizi/lessons/m3-gizi-ibu-hamil"' in page
    assert ".md" not in re.sub(r"<[^>]*lang=[^>]*>", "", page.split('<div class="prose"')[1])
    assert 'rel="prev"' in page and 'rel="next"' in page


def test_module_list_and_module_page(pendamping: FlaskClient) -> None:
    page = pendamping.get("/modules/").get_data(as_text=True)
    assert page.count('<li class="card">') == 6
    assert 'href="/modules/pengasuhan-anak"' in page
    module = pendamping.get("/modules/pengasuhan-anak")
    assert module.status_code == 200
    text = module.get_data(as_text=True)
    assert "Menjelaskan hak anak, disiplin positif" in text
    assert text.count('href="/modules/pengasuhan-anak/lessons/') == 4


@pytest.mark.parametrize("path", [
    "/modules/tidak-ada", "/modules/tidak-ada/lessons/m3-gizi-ibu-hamil", "/modules/kesehatan-gizi/lessons/tidak-ada",
    # A lesson exists, but in another module.
    "/modules/pengasuhan-anak/lessons/m3-gizi-ibu-hamil",
])
def test_unknown_module_or_lesson_is_404(pendamping: FlaskClient, path: str) -> None:
    assert pendamping.get(path).status_code == 404


def test_pages_need_a_login(client: FlaskClient) -> None:
    for path in ("/modules/", LESSON, IMAGE, "/bank/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_images_are_served_with_a_strict_policy_and_long_cache(pendamping: FlaskClient) -> None:
    page = pendamping.get(LESSON).get_data(as_text=True)
    url = re.search(r'src="(' + re.escape(IMAGE) + r'\?v=[0-9a-f]+)"', page)
    assert url
    response = pendamping.get(url.group(1))
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    assert response.cache_control.private and not response.cache_control.public
    assert response.data.lstrip().startswith(b"<svg") or b"<svg" in response.data[:300]
    unversioned = pendamping.get(IMAGE)
    assert unversioned.status_code == 200 and unversioned.cache_control.max_age == 3600


@pytest.mark.parametrize("path", [
    "/modules/kesehatan-gizi/images/../module.yaml",
    "/modules/kesehatan-gizi/images/..%2Fmodule.yaml",
    "/modules/kesehatan-gizi/images/%2e%2e/%2e%2e/06-pertemuan-kelompok/images/alur-pertemuan.svg",
    "/modules/kesehatan-gizi/images/../../06-pertemuan-kelompok/images/alur-pertemuan.svg",
    "/modules/kesehatan-gizi/images/..%2F..%2F..%2Flms%2Fconfig.py",
    "/modules/kesehatan-gizi/images//etc/passwd",
    "/modules/kesehatan-gizi/images/tidak-ada.svg",
    "/modules/kesehatan-gizi/images/../01-gizi-ibu-hamil.md",
    "/modules/pertemuan-kelompok/images/seribu-hari-pertama.svg",  # another module's image
])
def test_the_image_route_refuses_traversal_and_other_files(pendamping: FlaskClient, path: str) -> None:
    # (Werkzeug first redirects a double slash to the single-slash URL.)
    assert pendamping.get(path, follow_redirects=True).status_code == 404


@pytest.mark.parametrize("role", ["pendamping", "coordinator"])
def test_learners_and_coordinators_cannot_browse_the_bank(make_user: MakeUser, login_as: LoginAs,
                                                          role: str) -> None:
    browser = login_as(make_user(role=role))
    assert browser.get("/bank/").status_code == 403
    assert browser.get("/bank/kesehatan-gizi").status_code == 403
    assert 'href="/bank/"' not in browser.get("/modules/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_trainers_and_admins_see_the_bank(make_user: MakeUser, login_as: LoginAs, role: str) -> None:
    browser = login_as(make_user(role=role))
    page = browser.get("/bank/").get_data(as_text=True)
    assert page.count('href="/bank/') >= 6 + 1  # six modules and the menu item


def test_the_bank_marks_right_answers(trainer: FlaskClient) -> None:
    response = trainer.get("/bank/kesehatan-gizi")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<article class="card question') >= 18
    q01 = page[page.index(">m3-q01<"):page.index(">m3-q02<")]
    right = re.findall(r'<li class="right">(.*?)</li>', q01, re.S)
    assert len(right) == 1 and "Menjelaskan bahwa anak masih berada dalam 1.000 hari pertama" in right[0]
    assert "Remaja memang tumbuh pesat" in q01  # a choice's feedback
    assert "Seribu hari pertama kehidupan adalah 270 hari" in q01  # the explanation
    assert 'href="/modules/kesehatan-gizi/lessons/m3-gizi-ibu-hamil"' in q01
    q03 = page[page.index(">m3-q03<"):page.index(">m3-q04<")]
    assert ">+40%</strong>" in q03 and ">-50%</strong>" in q03
    q05 = page[page.index(">m3-q05<"):page.index(">m3-q06<")]
    assert ">100%</strong> 270" in q05
    assert '<table class="rubric">' in page


def test_the_bank_filters_by_type_and_lesson(trainer: FlaskClient) -> None:
    essays = trainer.get("/bank/kesehatan-gizi?type=essay").get_data(as_text=True)
    assert essays.count('<article class="card question') == 2
    assert '<option selected value="essay">' in essays
    lesson = trainer.get("/bank/kesehatan-gizi?lesson=m3-gizi-ibu-hamil&type=truefalse").get_data(as_text=True)
    keys = re.findall(r'<span class="mono">(m3-q\d+)</span>', lesson)
    assert keys and "m3-q04" in keys
    nothing = trainer.get("/bank/kesehatan-gizi?type=bogus").get_data(as_text=True)
    assert nothing.count('<article class="card question') >= 18  # an invalid filter is ignored


def test_navigation_offers_modules_to_all_and_the_bank_to_trainers(pendamping: FlaskClient,
                                                                   make_user: MakeUser, login_as: LoginAs,
                                                                   app: Flask) -> None:
    page = pendamping.get("/modules/").get_data(as_text=True)
    assert '<a href="/modules/" aria-current="page">' in page
    assert 'href="/bank/"' not in page
    other = app.test_client()
    login_as(make_user(role="trainer"), on=other)
    assert 'href="/bank/"' in other.get("/modules/").get_data(as_text=True)


def test_lesson_page_renders_from_the_cache(pendamping: FlaskClient) -> None:
    from lms.content.rendering import lesson_cache

    pendamping.get(LESSON)
    hits = lesson_cache.hits
    pendamping.get(LESSON)
    assert lesson_cache.hits == hits + 1


def test_image_files_never_come_from_outside_the_images_folder(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from lms.content.services import image_file

    images = tmp_path / "modules" / "01-contoh" / "images"
    images.mkdir(parents=True)
    (images / "ok.png").write_bytes(b"\x89PNG")
    (images / "catatan.txt").write_text("bukan gambar")
    (tmp_path / "secret.svg").write_text("<svg/>")
    (images / "escape.svg").symlink_to(tmp_path / "secret.svg")
    module = SimpleNamespace(folder="01-contoh")
    content = tmp_path / "modules"
    assert image_file(content, module, "ok.png") == (images / "ok.png").resolve()
    for name in ("catatan.txt", "escape.svg", "../images/../../../secret.svg", "/etc/hosts.png", "none.png"):
        assert image_file(content, module, name) is None, name
