"""Markdown → safe HTML: the extensions of the content format, sanitising, URL rewriting, caching."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.content import rendering
from lms.content.loader import load_content
from lms.content.rendering import (
    TocEntry,
    lesson_cache,
    render_cached,
    render_markdown,
    render_text,
    sanitize,
    slugify,
)
from lms.users.models import User
from tests.content.conftest import SMALL, edit

XSS = """## Bagian

<script>alert(1)</script>

<img src=x onerror=alert(1)>

[klik](javascript:alert(1)) dan <a href="JaVaScRiPt:alert(2)">ini</a> dan <a href="jav&#x09;ascript:alert(3)">itu</a>

<iframe src="https://evil.example"></iframe><style>body{display:none}</style>
<div onclick="alert(4)" style="color:red" class="admonition evil">teks</div>
<svg><script>alert(5)</script></svg><object data="x"></object>
{: onmouseover="alert(6)" }
"""


def lesson_text() -> str:
    return (SMALL / "01-contoh" / "01-pertama.md").read_text(encoding="utf-8")


def test_tables_definition_lists_and_callouts_render() -> None:
    html = render_markdown(lesson_text()).html
    assert "<table>" in html and '<th align="right">Waktu</th>' in html and "<td>Salam dan doa.</td>" in html
    assert "<dl>" in html and "<dt>Stunting</dt>" in html and "<dd>Anak terlalu pendek" in html
    assert '<div class="admonition pesan-kunci">' in html
    assert '<div class="admonition tanya">' in html
    assert '<p class="admonition-title">Tanyakan kepada kelompok</p>' in html
    assert 'rel="noopener noreferrer"' in html  # external and internal links alike


def test_headings_get_ids_and_a_table_of_contents() -> None:
    rendered = render_markdown(lesson_text())
    assert '<h2 id="tujuan-sesi">' in rendered.html
    assert '<a class="headerlink" href="#tujuan-sesi"' in rendered.html
    assert rendered.toc[:3] == (TocEntry(2, "tujuan-sesi", "Tujuan Sesi"), TocEntry(2, "pesan-kunci", "Pesan Kunci"),
                                TocEntry(3, "tabel-langkah", "Tabel langkah"))


@pytest.mark.parametrize(("heading", "slug"), [
    ("Tujuan Sesi", "tujuan-sesi"),
    ("Pesan Kunci: 1.000 HPK", "pesan-kunci-1000-hpk"),
    ("Anak usia 0–2 tahun", "anak-usia-0-2-tahun"),
    ("Peran Ayah & Ibu", "peran-ayah-ibu"),
    ("Kreatif & Inovatif: Éducation", "kreatif-inovatif-education"),
    ("???", "bagian"),
])
def test_slugify_is_safe_for_indonesian(heading: str, slug: str) -> None:
    assert slugify(heading) == slug


def test_word_count_and_reading_time() -> None:
    rendered = render_markdown("kata " * 401)
    assert rendered.word_count == 401
    assert rendered.reading_minutes == 3
    assert render_markdown("## Judul\n\nsatu dua").reading_minutes == 1


def test_images_and_lesson_links_are_rewritten_by_the_resolver() -> None:
    seen: list[tuple[str, str]] = []

    def resolve(tag: str, url: str) -> str | None:
        seen.append((tag, url))
        if url.startswith("images/"):
            return "/modules/contoh/images/" + url.removeprefix("images/")
        if url.endswith(".md"):
            return "/modules/contoh/lessons/c-kedua"
        return url

    html = render_markdown(lesson_text(), resolve).html
    assert ('<img alt="Diagram contoh dengan tiga kotak" src="/modules/contoh/images/diagram.svg" loading="lazy">'
            in html)
    assert 'href="/modules/contoh/lessons/c-kedua"' in html
    assert ("img", "images/diagram.svg") in seen and ("a", "https://www.kemkes.go.id/") in seen


def test_a_resolver_returning_none_drops_the_url() -> None:
    html = render_markdown("[x](rahasia.pdf)", lambda tag, url: None).html
    assert html == '<p><a rel="noopener noreferrer">x</a></p>'


def test_scripts_handlers_and_javascript_urls_are_removed() -> None:
    html = render_markdown(XSS).html.lower()
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "<iframe", "<style", "onclick", "style=",
                "<svg", "<object", "onmouseover", "evil"):
        assert bad not in html, bad
    assert '<img src="x" loading="lazy">' in html  # the image stays, without its handler
    assert '<div class="admonition">teks</div>' in html


def test_sanitize_keeps_only_known_tags_and_attributes() -> None:
    assert sanitize('<p data-x="1" lang="id">a</p><marquee>b</marquee><h2 id="x" class="y">c</h2>') == (
        '<p lang="id">a</p>b<h2 id="x">c</h2>')


def test_question_text_formats() -> None:
    assert render_text("**tebal** <b>x</b><script>1</script>") == "<p><strong>tebal</strong> <b>x</b></p>"
    assert render_text("<p onclick='x()'>Halo <i>dunia</i></p>", "html") == "<p>Halo <i>dunia</i></p>"
    assert render_text("a < b\nbaris dua", "plain") == "<p>a &lt; b<br>baris dua</p>"
    assert render_text("") == ""


def test_lessons_are_rendered_once_per_content_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = rendering.render_markdown

    def counting(text: str, resolve_url: rendering.UrlResolver | None = None, **kwargs: bool) -> rendering.Rendered:
        calls.append(text)
        return real(text, resolve_url, **kwargs)

    monkeypatch.setattr(rendering, "render_markdown", counting)
    first = render_cached("hash-for-cache-test", "", "## Satu", lambda tag, url: url)
    second = render_cached("hash-for-cache-test", "", "## Satu", lambda tag, url: url)
    assert first is second and len(calls) == 1
    render_cached("another-hash-for-cache-test", "", "## Satu", lambda tag, url: url)
    assert len(calls) == 2


def test_the_cache_is_bounded() -> None:
    cache: rendering.LruCache[int, int] = rendering.LruCache(3)
    for number in range(5):
        cache.put(number, number)
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) == 4
    assert lesson_cache.size <= 1000


def test_a_hostile_lesson_is_served_clean(small_tree: Path, db: Session, client: FlaskClient,
                                          make_user: Callable[..., User],
                                          login_as: Callable[[User], FlaskClient]) -> None:
    # The checker would refuse an image without alt text, so this one has alt text and a handler.
    hostile = XSS.replace("<img src=x onerror=alert(1)>", '<img src="images/diagram.svg" alt="d" onerror=alert(1)>')
    edit(small_tree / "01-contoh" / "02-kedua.md", "## Rangkuman", hostile + "\n## Rangkuman")
    load_content(db, small_tree)
    login_as(make_user(role="pendamping"))
    response = client.get("/modules/contoh/lessons/c-kedua")
    assert response.status_code == 200
    page = response.get_data(as_text=True).lower()
    for bad in ("alert(", "onerror", "javascript:", "<iframe", "onclick", "onmouseover"):
        assert bad not in page, bad
    # The one script tag of the page would be the layout's own (it has none today).
    assert "<script>" not in page
