"""Settings from the environment, with defaults that work on a fresh clone."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting is missing or wrong; raised at start-up with a message for the operator."""


def _secret_key(instance_path: Path, env: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise ConfigError(
            "SECRET_KEY is not set. In production set SECRET_KEY to a long random value "
            "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    # Development: generate once and keep it, so sessions survive a restart.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the configuration: defaults < environment < explicit overrides (tests)."""
    overrides = dict(overrides or {})
    env = overrides.get("LMS_ENV") or os.environ.get("LMS_ENV", "development")
    database_url = overrides.get("DATABASE_URL") or os.environ.get("DATABASE_URL") or (
        f"sqlite:///{instance_path / 'lms.db'}"
    )
    base_url = overrides.get("LMS_BASE_URL") or os.environ.get("LMS_BASE_URL", "")
    if env == "production" and not base_url:
        raise ConfigError(
            "LMS_BASE_URL is not set. In production set it to the public address of the site, "
            "e.g. https://akademi-fds.example.go.id (used in QR codes and links in emails)."
        )
    config: dict[str, Any] = {
        "LMS_ENV": env,
        "DATABASE_URL": database_url,
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_path, env),
        "LMS_DEFAULT_LOCALE": os.environ.get("LMS_DEFAULT_LOCALE", "id"),
        "LMS_BASE_URL": (base_url or "http://127.0.0.1:5000").rstrip("/"),
        "LMS_PROXY_COUNT": int(os.environ.get("LMS_PROXY_COUNT", "0")),
        "LMS_ACTIVATION_DAYS": int(os.environ.get("LMS_ACTIVATION_DAYS", "60")),
        "LMS_CONTENT_DIR": os.environ.get("LMS_CONTENT_DIR", str(PROJECT_ROOT / "modules")),
        "LMS_SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("LMS_SQLITE_BUSY_TIMEOUT_MS", "15000")),
        "RATELIMIT_STORAGE_URI": os.environ.get("LMS_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # forms stay valid while a learner reads on a slow link
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript", "application/json",
                               "image/svg+xml", "text/calendar", "text/csv"],
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "PER_PAGE": 50,
    }
    config.update(overrides)
    return config
