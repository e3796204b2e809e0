"""Admin pages: create, edit role and regions, deactivate, reset a password."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.users.models import User
from lms.users.services import find_by_email


def test_admin_creates_a_coordinator_with_two_provinces(
        client: FlaskClient, db: Session, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    response = client.post("/admin/users/new", data={
        "email": "Koreg.Sumatera@Kemensos.go.id", "name": "Koreg Sumatera", "role": "coordinator",
        "regions": "18, 16", "phone": "", "kecamatan": ""})
    assert response.status_code == 302
    user = find_by_email(db, "koreg.sumatera@kemensos.go.id")
    assert user is not None and user.scope_codes == ["16", "18"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tautan aktivasi" in page and "http://lms.test/activate/" in page


def test_create_user_form_errors_are_shown_on_the_field(
        client: FlaskClient, db: Session, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    page = client.post("/admin/users/new", data={
        "email": "baru@test.fds.id", "name": "Baru", "role": "pendamping", "regions": "33"}).get_data(as_text=True)
    assert "Pendamping harus memiliki tepat satu kabupaten/kota asal." in page
    assert find_by_email(db, "baru@test.fds.id") is None
    page = client.post("/admin/users/new", data={
        "email": "baru@test.fds.id", "name": "Baru", "role": "pendamping", "regions": "3374",
        "kecamatan": "187101"}).get_data(as_text=True)
    assert "Kecamatan tersebut tidak berada di kabupaten/kota yang dipilih." in page


def test_admin_changes_role_and_regions(client: FlaskClient, db: Session, make_user: Callable[..., User],
                                        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    user = make_user(regions=["3374"])
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "name": "Kini Pelatih", "role": "trainer", "regions": "33,34", "phone": "", "kecamatan": ""})
    assert response.status_code == 302
    db.refresh(user)
    assert user.role == "trainer" and user.scope_codes == ["33", "34"] and user.home_region_code is None


def test_deactivate_keeps_the_account_and_ends_sessions(
        client: FlaskClient, db: Session, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    user = make_user()
    client.post(f"/admin/users/{user.id}/deactivate")
    db.refresh(user)
    assert not user.is_active and user.session_version == 2 and user.deactivated_at is not None
    assert "Nonaktif" in client.get(f"/users/{user.id}").get_data(as_text=True)


def test_admin_cannot_deactivate_themselves(client: FlaskClient, db: Session, make_user: Callable[..., User],
                                            login_as: Callable[..., FlaskClient]) -> None:
    admin = make_user(role="admin")
    login_as(admin)
    client.post(f"/admin/users/{admin.id}/deactivate")
    db.refresh(admin)
    assert admin.is_active


def test_reset_password_shows_a_temporary_password_once(
        client: FlaskClient, db: Session, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    user = make_user(password="lama-sekali-1")
    page = client.post(f"/admin/users/{user.id}/reset-password").get_data(as_text=True)
    db.refresh(user)
    assert user.must_change_password
    assert "kata sandi sementara" in page.lower()


def test_search_by_name(client: FlaskClient, make_user: Callable[..., User],
                        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="admin"))
    make_user(name="Rahmawati Putri")
    make_user(name="Agus Salim")
    page = client.get("/users/?q=rahma").get_data(as_text=True)
    assert "Rahmawati Putri" in page and "Agus Salim" not in page
