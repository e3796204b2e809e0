"""Log in and out, sessions that can be ended, password changes and activation links."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.users import services
from lms.users.models import User
from tests.conftest import TEST_PASSWORD


def _login(client: FlaskClient, email: str, password: str = TEST_PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_and_logout(client: FlaskClient, make_user: Callable[..., User], db: Session) -> None:
    user = make_user(password=TEST_PASSWORD, name="Siti Aminah")
    response = _login(client, user.email.upper())  # email is case-insensitive
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Halo, Siti Aminah" in client.get("/").get_data(as_text=True)
    db.refresh(user)
    assert user.last_login_at is not None
    client.post("/logout")
    assert client.get("/").headers["Location"] == "/login"


def test_wrong_password_is_refused_with_a_message(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(password=TEST_PASSWORD)
    response = _login(client, user.email, "salah-sekali")
    assert response.status_code == 200
    assert "Email atau kata sandi salah" in response.get_data(as_text=True)


def test_password_is_hashed_with_a_current_algorithm(make_user: Callable[..., User]) -> None:
    user = make_user(password=TEST_PASSWORD)
    assert user.password_hash and user.password_hash.startswith("pbkdf2:sha256:600000$")
    assert TEST_PASSWORD not in user.password_hash


def test_open_redirect_after_login_is_refused(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(password=TEST_PASSWORD)
    response = client.post("/login?next=//evil.example/x", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"


def test_deactivated_users_open_session_stops_at_next_request(
        app: Flask, client: FlaskClient, make_user: Callable[..., User], db: Session) -> None:
    user = make_user(password=TEST_PASSWORD)
    _login(client, user.email)
    assert client.get("/").status_code == 200
    services.deactivate(user)
    db.flush()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    # ... and cannot log in again; nothing of theirs is deleted.
    assert "Email atau kata sandi salah" in _login(client, user.email).get_data(as_text=True)
    assert db.get(User, user.id) is not None


def test_remember_cookie_also_ends_on_deactivation(
        app: Flask, client: FlaskClient, make_user: Callable[..., User], db: Session) -> None:
    user = make_user(password=TEST_PASSWORD)
    _login(client, user.email, remember="y")
    client.delete_cookie("session")  # browser restarted: only the remember-me cookie is left
    assert client.get("/").status_code == 200
    services.deactivate(user)
    db.flush()
    client.delete_cookie("session")
    assert client.get("/").status_code == 302


def test_change_password_ends_other_sessions(app: Flask, make_user: Callable[..., User], db: Session) -> None:
    user = make_user(password=TEST_PASSWORD)
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, user.email)
    _login(laptop, user.email)
    response = laptop.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "kata-sandi-baru-1", "confirm": "kata-sandi-baru-1"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200      # this session continues
    assert phone.get("/").status_code == 302       # the other one has ended
    assert _login(app.test_client(), user.email, "kata-sandi-baru-1").status_code == 302


def test_change_password_form_errors(client: FlaskClient, make_user: Callable[..., User],
                                     login_as: Callable[..., FlaskClient]) -> None:
    user = make_user(password=TEST_PASSWORD)
    login_as(user)
    page = client.post("/account/password", data={
        "current_password": "salah", "new_password": "pendek", "confirm": "lain"}).get_data(as_text=True)
    assert "Kata sandi minimal 8 karakter." in page
    assert "Kedua kata sandi tidak sama." in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="new_password-error"' in page


def test_logout_everywhere(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(password=TEST_PASSWORD)
    first, second = app.test_client(), app.test_client()
    _login(first, user.email)
    _login(second, user.email)
    second.post("/account/logout-everywhere")
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 302


def test_reset_password_forces_a_new_one(app: Flask, client: FlaskClient, make_user: Callable[..., User],
                                         db: Session) -> None:
    user = make_user(password=TEST_PASSWORD)
    with app.app_context():
        temporary = services.reset_password(user)
    db.flush()
    _login(client, user.email, temporary)
    response = client.get("/users/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    client.post("/account/password", data={
        "current_password": temporary, "new_password": "baru-dan-rahasia", "confirm": "baru-dan-rahasia"})
    db.refresh(user)
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_activation_link_is_single_use(app: Flask, client: FlaskClient, make_user: Callable[..., User],
                                       db: Session) -> None:
    user = make_user()
    assert user.is_pending_activation
    with app.test_request_context():
        token = services.issue_activation(db, user)
    page = client.get(f"/activate/{token}").get_data(as_text=True)
    assert user.email in page
    response = client.post(f"/activate/{token}", data={"new_password": "milik-saya-123", "confirm": "milik-saya-123"})
    assert response.status_code == 302
    db.refresh(user)
    assert not user.is_pending_activation
    client.post("/logout")
    again = client.get(f"/activate/{token}")
    assert again.status_code == 404
    assert "tidak dapat dipakai" in again.get_data(as_text=True)


@pytest.mark.parametrize("token", ["bukan-token", "InNvbWUi.tampered"])
def test_forged_activation_links_are_refused(client: FlaskClient, token: str) -> None:
    assert client.get(f"/activate/{token}").status_code == 404


def test_csrf_is_required_on_forms(app: Flask, make_user: Callable[..., User]) -> None:
    from lms import create_app
    from tests.conftest import make_test_config

    strict = create_app(make_test_config(app.config["DATABASE_URL"], WTF_CSRF_ENABLED=True))
    user = make_user(password=TEST_PASSWORD)
    response = strict.test_client().post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)


def test_session_works_on_another_process_and_after_restart(app: Flask, make_user: Callable[..., User]) -> None:
    """Sessions are signed cookies checked against the database: no state lives in a process."""
    from lms import create_app
    from tests.conftest import make_test_config

    user = make_user(password=TEST_PASSWORD, name="Pindah Proses")
    first = app.test_client()
    _login(first, user.email)
    restarted = create_app(make_test_config(app.config["DATABASE_URL"]))
    restarted.extensions["lms.db"].session_factory = app.extensions["lms.db"].session_factory
    second = restarted.test_client()
    second.set_cookie("session", first.get_cookie("session").value)
    assert "Halo, Pindah Proses" in second.get("/").get_data(as_text=True)


def test_login_is_rate_limited(app: Flask, make_user: Callable[..., User]) -> None:
    from lms import create_app
    from lms.extensions import limiter
    from tests.conftest import make_test_config

    limited = create_app(make_test_config(app.config["DATABASE_URL"], RATELIMIT_ENABLED=True))
    limited.extensions["lms.db"].session_factory = app.extensions["lms.db"].session_factory
    client = limited.test_client()
    try:
        statuses = [client.post("/login", data={"email": "x@y.id", "password": "salah"}).status_code
                    for _ in range(11)]
        assert statuses[:10] == [200] * 10 and statuses[10] == 429
        assert "Terlalu banyak percobaan" in client.post("/login", data={}).get_data(as_text=True)
    finally:
        # Flask-Limiter keeps `enabled` on the shared extension object: switch it off again for
        # the other tests, and forget the counted attempts.
        limiter.enabled = False
        limiter.reset()
