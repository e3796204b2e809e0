"""As each demo role: log in and see that role's home page (Debian's Chromium, live server)."""

from __future__ import annotations

import pytest

from lms.cli import DEMO_PASSWORD
from tests.browser.fixtures import CheckedPage

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("email", "heading", "expected"), [
    ("admin@demo.fds.id", "Administrasi", ["Impor rekrutan", "Buat akun", "Tautan aktivasi"]),
    ("pelatih@demo.fds.id", "Halo, Dra. Sri Wahyuni", ["Pelatih untuk: Daerah Istimewa Yogyakarta, Jawa Tengah",
                                                       "Pendamping di wilayah Anda", "Kota Semarang"]),
    ("korwil@demo.fds.id", "Halo, Bambang Susilo", ["Koordinator untuk: Jawa Tengah", "Kota Semarang"]),
    ("pendamping@demo.fds.id", "Halo, Siti Aminah", ["Pendamping di Kota Semarang", "Enam modul FDS",
                                                      "Modul 1: Pengasuhan dan Pendidikan Anak"]),
])
def test_each_demo_role_sees_its_home_page(browse: CheckedPage, email: str, heading: str,
                                           expected: list[str]) -> None:
    browse.login(email, DEMO_PASSWORD)
    assert browse.page.locator("h1").inner_text().startswith(heading)
    body = browse.page.locator("main").inner_text()
    for text in expected:
        assert text in body
    role = email.split("@")[0]
    browse.screenshot(f"home-{role}-360")
    browse.logout()
    assert browse.page.url.endswith("/login")


def test_pendamping_is_refused_admin_pages(browse: CheckedPage) -> None:
    browse.login("pendamping@demo.fds.id", DEMO_PASSWORD)
    browse.goto("/admin/imports", expect_status=403)
    assert "Anda tidak memiliki akses" in browse.page.locator("h1").inner_text()


def test_admin_pages_pass_accessibility_checks(browse: CheckedPage) -> None:
    browse.login("admin@demo.fds.id", DEMO_PASSWORD)
    for path in ["/users/", "/admin/users/new", "/admin/imports", "/admin/activations", "/account/password"]:
        browse.goto(path)
    browse.page.get_by_role("button", name="English").click()
    browse.check()
    assert browse.page.locator("h1").inner_text() == "My account"
    browse.goto("/users/")
    browse.screenshot("users-en-360")
    browse.page.set_viewport_size({"width": 1280, "height": 800})
    browse.goto("/admin/users/new")
    browse.page.get_by_role("button", name="Save").click()
    browse.check()
    assert "Enter an email address." in browse.page.locator("main").inner_text()
    browse.screenshot("create-user-errors-desktop")
    browse.page.get_by_role("button", name="Bahasa Indonesia").click()
    browse.check()


def test_admin_imports_recruits_and_a_recruit_activates(browse: CheckedPage, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "recruits"
    browse.login("admin@demo.fds.id", DEMO_PASSWORD)
    browse.goto("/admin/imports")
    browse.page.get_by_label("Daftar rekrutmen (CSV)").set_input_files(str(fixtures / "bad.csv"))
    browse.page.get_by_role("button", name="Periksa berkas").click()
    browse.check()
    assert "kode wilayah 9999 tidak dikenal" in browse.page.locator("main").inner_text()
    browse.screenshot("import-problems-360")
    browse.goto("/admin/imports")
    browse.page.get_by_label("Daftar rekrutmen (CSV)").set_input_files(str(fixtures / "good.csv"))
    browse.page.get_by_role("button", name="Periksa berkas").click()
    browse.check()
    browse.page.get_by_role("button", name="Konfirmasi dan buat akun").click()
    browse.check()
    link = browse.page.locator("td.mono").first.inner_text()
    assert "/activate/" in link
    browse.page.get_by_role("link", name="Kembali ke daftar impor").click()
    browse.check()
    browse.logout()

    browse.goto(link.replace(browse.server.url, ""))
    browse.page.get_by_label("Kata sandi baru", exact=True).fill("rekrutan-baru-1")
    browse.page.get_by_label("Ulangi kata sandi baru").fill("rekrutan-baru-1")
    browse.screenshot("activate-360")
    browse.page.get_by_role("button", name="Tetapkan kata sandi saya").click()
    browse.check()
    assert "Selamat datang! Akun Anda sudah siap." in browse.page.locator("main").inner_text()
    browse.goto("/tidak-ada", expect_status=404)


def test_coordinator_pages(browse: CheckedPage) -> None:
    browse.login("korwil@demo.fds.id", DEMO_PASSWORD)
    browse.goto("/users/?role=pendamping")
    browse.page.get_by_role("link", name="Siti Aminah (pendamping)").click()
    browse.check()
    assert "Kota Semarang" in browse.page.locator("main").inner_text()
    browse.screenshot("user-detail-360")
    browse.goto("/account/password")
