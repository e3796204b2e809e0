"""A new pendamping's first module, in Debian's Chromium at 360 px: pre-test, every lesson,
a failed quiz attempt, a passed one, and the module complete on the dashboard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms import db
from lms.content.models import Module
from lms.learning.models import QuizAttempt
from lms.users import services as users
from tests.browser.fixtures import CheckedPage, LiveServer
from tests.learning.helpers import right_response, wrong_response

pytestmark = pytest.mark.browser
PASSWORD = "rekrut-baru-2026"


@pytest.fixture
def recruit(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        users.create_user(db.session(), email="rekrut.modul1@demo.fds.id", name="Dewi Rekrut",
                          role="pendamping", region_codes=["1871"], password=PASSWORD)
        db.session.commit()
    return "rekrut.modul1@demo.fds.id"


def _open_attempt(live_server: LiveServer, email: str) -> list[tuple[int, str, object]]:
    """(position, type, response) to give, read from the attempt the browser just started."""
    with live_server.app.app_context():
        attempt = db.session.scalar(
            sa.select(QuizAttempt).join(QuizAttempt.user).where(QuizAttempt.status == "in_progress")
            .where(sa.text("users.email = :email")).params(email=email).order_by(QuizAttempt.id.desc()))
        assert attempt is not None
        return [(a.position, a.version.type, a.version) for a in attempt.answers]


def _tick(locator) -> None:  # type: ignore[no-untyped-def]
    # Centre the input first: at 360 px the sticky Save/Submit bar can cover one near the bottom.
    locator.evaluate("element => element.scrollIntoView({block: 'center'})")
    locator.check()


def _answer(browse: CheckedPage, answers: list, right: bool) -> None:
    for position, qtype, version in answers:
        response = right_response(version) if right else wrong_response(version)
        box = browse.page.locator(f'fieldset[data-position="{position}"]')
        if qtype == "single":
            _tick(box.locator(f'input[name="q{position}"][value="{response}"]'))
        elif qtype == "multiple":
            for index in response:
                _tick(box.locator(f'input[name="q{position}"][value="{index}"]'))
        elif qtype == "truefalse":
            _tick(box.locator(f'input[name="q{position}"][value="{"true" if response else "false"}"]'))
        else:
            box.locator("input[type=text], textarea").fill(str(response))


def test_new_pendamping_completes_module_one(browse: CheckedPage, live_server: LiveServer, recruit: str) -> None:
    browse.login(recruit, PASSWORD)
    browse.screenshot("dashboard-new-360")
    with live_server.app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.number == 1))
        lesson_count = len(module.lessons)

    # The dashboard's next step is the pre-test of module 1.
    browse.page.get_by_role("link", name="Kerjakan pra-tes Pengasuhan dan Pendidikan Anak").click()
    browse.check()
    browse.page.get_by_role("button", name="Mulai pra-tes").click()
    browse.check()
    _answer(browse, _open_attempt(live_server, recruit), right=False)
    browse.page.get_by_role("button", name="Kumpulkan").click()
    browse.check()
    assert "Nilai pra-tes Anda: 0%" in browse.page.locator("main").inner_text()

    # Read every lesson, moving on with "Selesai: pelajaran berikutnya".
    browse.page.get_by_role("link", name="Ke daftar pelajaran").click()
    browse.check()
    browse.page.locator("ol.lessons a").first.click()
    browse.check()
    browse.screenshot("lesson-360", full_page=False)
    for number in range(lesson_count):
        assert f"Pelajaran {number + 1} dari {lesson_count}" in browse.page.locator("main").inner_text()
        last = number == lesson_count - 1
        browse.page.get_by_role("button", name="Selesai: kembali ke modul" if last else
                                "Selesai: pelajaran berikutnya").click()
        browse.check()
    assert f"{lesson_count} dari {lesson_count} pelajaran dibaca" in browse.page.locator("main").inner_text()

    # First attempt: every answer wrong, on purpose.
    browse.page.get_by_role("button", name="Mulai kuis").click()
    browse.check()
    assert "Percobaan ke-1 dari 3" in browse.page.locator("main").inner_text()
    _answer(browse, _open_attempt(live_server, recruit), right=False)
    browse.screenshot("quiz-360", full_page=False)
    browse.page.get_by_role("button", name="Kumpulkan").click()
    browse.check()
    result = browse.page.locator("main").inner_text()
    assert "Tidak lulus" in result and "Anda masih punya 2 kesempatan." in result
    browse.screenshot("review-failed-360", full_page=False)

    # Second attempt: every answer right.
    browse.page.get_by_role("link", name="Kembali ke modul").click()
    browse.check()
    browse.page.get_by_role("button", name="Mulai percobaan baru").click()
    browse.check()
    _answer(browse, _open_attempt(live_server, recruit), right=True)
    browse.page.get_by_role("button", name="Kumpulkan").click()
    browse.check()
    result = browse.page.locator("main").inner_text()
    assert "Lulus" in result and "(100%)" in result and "Kemajuan Anda sejak pra-tes: +100 poin" in result
    browse.screenshot("review-passed-360", full_page=False)

    browse.page.get_by_role("link", name="Dasbor").click()
    browse.check()
    dashboard = browse.page.locator("main").inner_text()
    assert "1 dari 6 modul selesai" in dashboard and "Selesai pada" in dashboard
    browse.screenshot("dashboard-module-complete-360")
    browse.goto("/notifications")
    assert "Hasil kuis Pengasuhan dan Pendidikan Anak: lulus dengan 100%." in browse.page.locator("main").inner_text()
