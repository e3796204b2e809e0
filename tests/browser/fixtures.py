"""Browser-test fixtures: one live server on a per-run SQLite database with committed data,
Debian's Chromium kept off the internet, and a `browse` page that fails the test on any console
error, CSP violation, server error or serious accessibility finding (axe-core) on every page it
loads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass
class LiveServer:
    url: str
    app: Any
    server_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from flask import request

    from lms import create_app, db
    from lms.cli import lms_cli
    from tests.conftest import make_test_config

    path = tmp_path_factory.mktemp("live") / "live.db"
    config = make_test_config(f"sqlite:///{path}", TESTING=False, WTF_CSRF_ENABLED=True)
    app = create_app(config)
    runner = app.test_cli_runner()
    for command in (["init"], ["demo"]):
        result = runner.invoke(lms_cli, command)
        assert result.exit_code == 0, result.output
    server = LiveServer(url="", app=app)

    @app.after_request
    def _record_server_errors(response):  # type: ignore[no-untyped-def]
        if response.status_code >= 500:
            server.server_errors.append(f"{response.status_code} {request.method} {request.path}")
        return response

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    app.config["LMS_BASE_URL"] = server.url
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    with app.app_context():
        db.engine().dispose()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
            "--proxy-server=http://127.0.0.1:9",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 360, "height": 780}, "locale": "id-ID"}


class CheckedPage:
    """Wraps a Playwright page: every loaded page is checked with axe-core; console errors,
    CSP violations and 5xx answers are collected and fail the test at its end."""

    def __init__(self, page: Any, server: LiveServer) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.server = server
        self.problems: list[str] = []
        self.checked_urls: list[str] = []
        self._axe = Axe()
        self._expected_error_status: int | None = None
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        expected = self._expected_error_status
        if expected and f"status of {expected}" in message.text:
            return  # the page under test is meant to answer with this error status
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def _on_response(self, response: Any) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} for {response.url}")

    def goto(self, path: str, expect_status: int = 200) -> Any:
        self._expected_error_status = expect_status if expect_status >= 400 else None
        response = self.page.goto(self.server.url + path)
        assert response is not None and response.status == expect_status, (path, response and response.status)
        self.check()
        self._expected_error_status = None
        return response

    def check(self) -> None:
        """Run axe-core on the current page (call after each navigation that a click caused)."""
        self.page.wait_for_load_state("load")
        results = self._axe.run(self.page)
        self.checked_urls.append(self.page.url)
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                nodes = "; ".join(n.get("html", "")[:120] for n in violation["nodes"][:3])
                self.problems.append(f"axe {violation['impact']} {violation['id']} on {self.page.url}: {nodes}")

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def login(self, email: str, password: str) -> None:
        self.goto("/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Kata sandi", exact=True).fill(password)
        self.page.get_by_role("button", name="Masuk").click()
        self.check()

    def logout(self) -> None:
        self.page.get_by_role("button", name="Keluar").click()
        self.check()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)


@pytest.fixture
def browse(page: Any, live_server: LiveServer) -> Iterator[CheckedPage]:
    checked = CheckedPage(page, live_server)
    yield checked
    problems = checked.problems + live_server.server_errors
    live_server.server_errors.clear()
    assert not problems, "\n".join(problems)
