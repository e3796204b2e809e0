"""Security headers on every response, and content-hashed static files cached for a year."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}

ONE_YEAR = 365 * 24 * 3600


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class StaticFiles:
    """Serves `static/` under names that carry a hash of the content: `css/app.3f2a9c1b.css`.

    A changed file gets a new name, so browsers may keep every file for a year.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._hashes: dict[str, str] = {}

    def digest(self, filename: str) -> str:
        if filename not in self._hashes:
            path = self.folder / filename
            self._hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        return self._hashes[filename]

    def hashed_name(self, filename: str) -> str:
        stem, dot, ext = filename.rpartition(".")
        if not dot:
            return filename
        return f"{stem}.{self.digest(filename)}.{ext}"

    def serve(self, filename: str) -> Response:
        stem, _dot, ext = filename.rpartition(".")
        base, _sep, digest = stem.rpartition(".")
        original = f"{base}.{ext}" if base else filename
        if base and (self.folder / original).is_file():
            if self.digest(original) == digest:
                response = send_from_directory(self.folder, original, max_age=ONE_YEAR)
                response.cache_control.immutable = True
                return response
            # A page cached before a deploy asks for the old hash: serve today's file briefly.
            return send_from_directory(self.folder, original, max_age=300)
        if not (self.folder / filename).is_file():
            abort(404)
        return send_from_directory(self.folder, filename, max_age=300)


def init_static(app: Flask, folder: Path) -> None:
    files = StaticFiles(folder)
    app.extensions["lms.static"] = files
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=files.serve)

    @app.url_defaults
    def _hash_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            with contextlib.suppress(FileNotFoundError):
                values["filename"] = files.hashed_name(values["filename"])
