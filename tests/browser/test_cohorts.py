"""A trainer schedules a Bimtap, enrols three learners, marks three days of attendance, and each
learner's dashboard shows the Bimtap done (Debian's Chromium, live server, 360 px)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.cli import DEMO_PASSWORD
from lms.cohorts.attendance import local_today_for
from lms.users import services as users
from tests.browser.fixtures import CheckedPage, LiveServer

pytestmark = pytest.mark.browser
PASSWORD = "bimtap-angkatan-2026"
LEARNERS = [("ayu.bimtap@demo.fds.id", "Ayu Lestari"), ("bayu.bimtap@demo.fds.id", "Bayu Pratama"),
            ("cici.bimtap@demo.fds.id", "Cici Handayani")]
NAME = "Bimtap Angkatan VII Semarang 2026"


@pytest.fixture
def recruits(live_server: LiveServer) -> list[str]:
    with live_server.app.app_context():
        for email, name in LEARNERS:
            users.create_user(db.session(), email=email, name=name, role="pendamping", region_codes=["3374"],
                              password=PASSWORD, recruitment_year=2026)
        db.session.commit()
    return [email for email, _name in LEARNERS]


def test_trainer_runs_a_bimtap_and_learners_see_it_done(browse: CheckedPage, live_server: LiveServer,
                                                         recruits: list[str]) -> None:
    first_day = local_today_for("Asia/Jakarta") - timedelta(days=2)  # the third day is today in Semarang
    browse.login("pelatih@demo.fds.id", DEMO_PASSWORD)
    browse.page.locator('nav a[href="/cohorts/"]').click()
    browse.check()
    browse.page.locator("#new-cohort").click()
    browse.check()
    form = browse.page.locator("main form")
    form.locator("#type_id").select_option(label="Bimtap")
    form.locator("#name").fill(NAME)
    form.locator("#region_code").fill("3374")
    form.locator("#venue").fill("Balai Diklat Kesejahteraan Sosial Semarang")
    form.locator("#address").fill("Jl. Pemuda 1, Semarang")
    form.locator("#start_date").fill(first_day.isoformat())  # the last day follows from Bimtap's 3 days
    form.locator("#capacity").fill("3")
    form.locator("#preparation").fill("Bawa KTP dan alat tulis.")
    browse.screenshot("cohort-form-360")
    form.locator("#save-cohort").click()
    browse.check()
    assert browse.page.locator("h1").inner_text() == NAME
    cohort_url = browse.page.url

    browse.page.locator("#enrol-learners").click()
    browse.check()
    browse.page.locator("#emails").fill("\n".join(recruits))
    browse.screenshot("cohort-enrol-360")
    browse.page.locator("#enrol-emails").click()
    browse.check()
    assert browse.page.locator('li[data-outcome="enrolled"]').count() == 3
    browse.screenshot("cohort-enrol-results-360")
    browse.page.locator("#back-to-cohort").click()
    browse.check()
    browse.screenshot("cohort-page-360")

    for day in (1, 2, 3):
        browse.page.locator(f'a[data-day="{day}"]').click()
        browse.check()
        for person in browse.page.locator("fieldset.person").all():
            person.locator("label.pick.present").click()  # one tap per person
        if day == 3:
            assert browse.page.locator(".qr svg").count() == 1  # today: the self check-in code
            browse.screenshot("cohort-day-360")
        browse.page.locator("#save-attendance").click()
        browse.check()
        assert browse.page.locator('input[type=radio][value="present"]:checked').count() == 3
        browse.goto(cohort_url.removeprefix(live_server.url))
    assert browse.page.locator("td .tag.ok").count() == 3  # completed, all three
    browse.goto("/cohorts/?view=month&month=" + first_day.strftime("%Y-%m"))
    assert browse.page.locator("a.chip", has_text=NAME).count() >= 1
    browse.screenshot("cohort-month-360")
    browse.logout()

    for email in recruits:
        browse.login(email, PASSWORD)
        done = browse.page.locator('[data-completed="bimtap"]')
        assert done.count() == 1 and NAME in done.inner_text()
        assert "Bimtap" in done.locator(".tag.ok").inner_text()
        if email == recruits[0]:
            browse.screenshot("dashboard-bimtap-done-360")
        browse.logout()
