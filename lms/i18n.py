"""Locale selection: the account's language, else a cookie, else the default (Indonesian)."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
LOCALE_COOKIE = "lang"


def select_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return current_app.config["LMS_DEFAULT_LOCALE"]
