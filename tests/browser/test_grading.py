"""A trainer grades an essay attempt from the queue; the learner then sees the comments and the
final result (Debian's Chromium, live server, 360 px)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms import db
from lms.cli import DEMO_PASSWORD
from lms.learning.models import QuizAttempt
from lms.users import services as users
from tests.browser.fixtures import CheckedPage, LiveServer
from tests.grading.helpers import essay_attempt

pytestmark = pytest.mark.browser
PASSWORD = "esai-modul-dua-2026"
LEARNER = "wulan.esai@demo.fds.id"
ESSAY_COMMENT = "Langkah Anda runtut. Tambahkan cara menjaga kerahasiaan Ibu Yuni."
OVERALL_COMMENT = "Bagus sekali, pertahankan."


@pytest.fixture
def waiting_essay(live_server: LiveServer) -> int:
    """Wulan (Kota Semarang, inside the demo trainer's Jawa Tengah) submitted module 2 with an essay."""
    app = live_server.app
    with app.app_context():
        learner = users.create_user(db.session(), email=LEARNER, name="Wulan Esai", role="pendamping",
                                    region_codes=["3374"], password=PASSWORD)
        attempt = essay_attempt(db.session(), app, learner)
        db.session.commit()
        return attempt.id


def test_trainer_grades_an_essay_and_the_learner_sees_the_result(browse: CheckedPage, live_server: LiveServer,
                                                                 waiting_essay: int) -> None:
    browse.login("pelatih@demo.fds.id", DEMO_PASSWORD)
    browse.page.locator('nav a[href="/grading/"]').click()
    browse.check()
    browse.screenshot("grading-queue-360")
    browse.page.get_by_role("link", name="Wulan Esai").click()
    browse.check()
    assert browse.page.url.endswith(f"/grading/attempts/{waiting_essay}")
    assert browse.page.locator("table.rubric").count() == 1
    browse.screenshot("grading-attempt-360")

    score = browse.page.locator('input[name="answers-0-score"]')
    score.fill("11")  # more than the essay's 10 points: the browser's own check stops it
    assert score.evaluate("element => element.validity.rangeOverflow")
    score.fill("8.5")
    browse.page.locator('textarea[name="answers-0-comment"]').fill(ESSAY_COMMENT)
    browse.page.locator('textarea[name="comment"]').fill(OVERALL_COMMENT)
    browse.page.locator('input[name="save"]').click()
    browse.check()
    assert "Lulus" in browse.page.locator("#result").inner_text()
    browse.screenshot("grading-attempt-graded-360")
    with live_server.app.app_context():
        attempt = db.session.get(QuizAttempt, waiting_essay)
        assert attempt is not None and attempt.status == "graded" and attempt.passed
        percent = f"{attempt.percent_value:g}"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)
                                 .where(QuizAttempt.status == "needs_grading",
                                        QuizAttempt.id == waiting_essay)) == 0
    browse.page.set_viewport_size({"width": 1280, "height": 900})
    browse.goto(f"/grading/attempts/{waiting_essay}")
    browse.screenshot("grading-attempt-desktop", full_page=False)
    browse.page.set_viewport_size({"width": 360, "height": 780})
    browse.logout()

    browse.login(LEARNER, PASSWORD)
    dashboard = browse.page.locator("main").inner_text()
    assert "1 dari 6 modul selesai" in dashboard and f"Komentar pelatih: {OVERALL_COMMENT}" in dashboard
    browse.screenshot("dashboard-graded-essay-360")
    browse.goto("/notifications")
    browse.page.get_by_role("button", name=f"Hasil kuis Pengelolaan Keuangan dan Perencanaan Usaha: lulus dengan "
                                         f"{percent}%.").click()
    browse.check()
    review = browse.page.locator("main").inner_text()
    assert "Lulus" in review and ESSAY_COMMENT in review and OVERALL_COMMENT in review
    assert "Komentar pelatih:" in review
    browse.screenshot("review-graded-essay-360")
