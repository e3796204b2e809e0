"""Lesson and question markdown → safe HTML, a table of contents and a reading time.

Python-Markdown with the extensions of modules/README.md, then nh3: only the tags and
attributes those extensions produce survive (no script, style, iframe, event handlers or
`javascript:` URLs, even from this repository's files). Relative image and link URLs are
handed to a resolver while sanitising, which turns them into app URLs.

Rendering is pure; `LessonCache` keeps a bounded number of rendered lessons in the process,
keyed by the lesson's content hash, so a page view never renders markdown twice.
"""

from __future__ import annotations

import html
import math
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import markdown
import nh3
from markupsafe import Markup, escape

from lms.content.models import WORDS_PER_MINUTE

TOC_LEVELS = (2, 3)
CALLOUT_KINDS = frozenset({"pesan-kunci", "tanya", "note", "tip", "warning", "important", "danger"})
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".webp": "image/webp"}

# (tag, url) -> the URL to use, or None to drop the attribute.
UrlResolver = Callable[[str, str], str | None]

_EXTENSIONS = ["tables", "toc", "def_list", "admonition", "attr_list", "sane_lists"]
_HEADINGS = {f"h{level}" for level in range(1, 7)}
_TAGS = _HEADINGS | {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark", "abbr",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot", "tr",
    "th", "td", "img", "a", "code", "pre", "kbd", "div", "span", "figure", "figcaption",
}
_ATTRIBUTES = {
    **{tag: {"id"} for tag in _HEADINGS},
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
_CLASSES = {"div": {"admonition", *CALLOUT_KINDS}, "p": {"admonition-title"}, "a": {"headerlink"}}
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
                      "title", "svg", "math", "select"}
_URL_SCHEMES = {"http", "https", "mailto"}
_TAG_RE = re.compile(r"<[^>]+>")
_WORD_RE = re.compile(r"\w+(?:[-'’.,]\w+)*")


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: Markup
    toc: tuple[TocEntry, ...]
    word_count: int

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))


def slugify(value: str, separator: str = "-") -> str:
    """Heading ids from Indonesian (or any) text: ASCII letters and digits, `-` between words.

    "Pesan Kunci: 1.000 HPK" → "pesan-kunci-1000-hpk"; accents are dropped, never the letter.
    """
    text = unicodedata.normalize("NFKD", html.unescape(value))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"(?<=\d)[.,](?=\d)", "", text)  # 1.000 → 1000
    text = re.sub(r"[^a-z0-9]+", separator, text).strip(separator)
    return text or "bagian"


_local = threading.local()


def _markdown(with_toc: bool) -> markdown.Markdown:
    """One Markdown instance per thread and flavour (building one costs more than rendering)."""
    name = "lesson" if with_toc else "snippet"
    instance = getattr(_local, name, None)
    if instance is None:
        config = {"tables": {"use_align_attribute": True}}
        extensions = list(_EXTENSIONS)
        if with_toc:
            config["toc"] = {"permalink": True, "permalink_title": "Tautan ke bagian ini", "slugify": slugify,
                             "toc_depth": f"{TOC_LEVELS[0]}-{TOC_LEVELS[-1]}"}
        else:
            extensions.remove("toc")
        instance = markdown.Markdown(extensions=extensions, extension_configs=config, output_format="html")
        setattr(_local, name, instance)
    return instance.reset()


def sanitize(raw_html: str, resolve_url: UrlResolver | None = None) -> str:
    """Keep only what our markdown produces; hand every kept href/src to `resolve_url`."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src") and resolve_url is not None:
            return resolve_url(tag, value)
        return value

    return nh3.clean(
        raw_html, tags=_TAGS, attributes=_ATTRIBUTES, allowed_classes=_CLASSES,
        clean_content_tags=_DROP_WITH_CONTENT, url_schemes=_URL_SCHEMES,
        attribute_filter=attribute_filter, set_tag_attribute_values={"img": {"loading": "lazy"}},
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str, resolve_url: UrlResolver | None = None, *, with_toc: bool = True) -> Rendered:
    """Render lesson markdown: sanitised HTML, the h2/h3 table of contents, the word count."""
    md = _markdown(with_toc)
    raw = md.convert(text)
    clean = sanitize(raw, resolve_url)
    toc = tuple(_flatten(getattr(md, "toc_tokens", []))) if with_toc else ()
    return Rendered(html=Markup(_scrollable_tables(clean)), toc=toc, word_count=count_words(clean))


# A wide table scrolls sideways on a phone; the scrolling box must be reachable by keyboard and
# named for screen readers (axe: scrollable-region-focusable). Lessons are Indonesian, so is the name.
_TABLE_BOX = '<div class="table-scroll" role="region" tabindex="0" aria-label="Tabel">'


def _scrollable_tables(clean_html: str) -> str:
    """Wrap each table of sanitised HTML (nh3 leaves `<table>` bare) in a focusable scroll box."""
    return clean_html.replace("<table>", _TABLE_BOX + "<table>").replace("</table>", "</table></div>")


def _flatten(tokens: list[dict]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for token in tokens:
        if token["level"] in TOC_LEVELS:
            entries.append(TocEntry(token["level"], token["id"], html.unescape(token["name"])))
        entries.extend(_flatten(token.get("children", [])))
    return entries


def count_words(clean_html: str) -> int:
    text = html.unescape(_TAG_RE.sub(" ", clean_html.replace("¶", " ")))
    return len(_WORD_RE.findall(text))


def render_text(text: str, text_format: str = "markdown") -> Markup:
    """A question's text, explanation or feedback: markdown (default), html or plain."""
    if not text:
        return Markup("")
    key = (text_format, text)
    cached = _snippets.get(key)
    if cached is not None:
        return cached
    if text_format == "plain":
        result = Markup("<p>") + Markup("<br>").join(escape(line) for line in text.strip().split("\n")) + Markup(
            "</p>")
    elif text_format == "html":
        result = Markup(sanitize(text))
    else:
        result = render_markdown(text, with_toc=False).html
    _snippets.put(key, result)
    return result


K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A small thread-safe LRU map (rendered HTML is immutable, so sharing it is safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


# A lesson renders to ~20-40 KB; 256 of them stay well under 10 MB per worker.
lesson_cache: LruCache[tuple[str, str], Rendered] = LruCache(256)
_snippets: LruCache[tuple[str, str], Markup] = LruCache(4096)


def render_cached(content_hash: str, url_root: str, text: str, resolve_url: UrlResolver) -> Rendered:
    """The rendered lesson for `content_hash` (which covers everything the HTML depends on)."""
    key = (content_hash, url_root)
    rendered = lesson_cache.get(key)
    if rendered is None:
        rendered = render_markdown(text, resolve_url)
        lesson_cache.put(key, rendered)
    return rendered
