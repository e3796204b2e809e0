"""Wrong role → 403, wrong region → 404, and every view declares who may open it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.users.models import User

ADMIN_PAGES = ["/admin/users/new", "/admin/imports", "/admin/activations", "/admin/users/{id}/edit"]
ADMIN_ACTIONS = ["/admin/users/{id}/deactivate", "/admin/users/{id}/reactivate",
                 "/admin/users/{id}/reset-password", "/admin/users/{id}/logout-everywhere"]


@pytest.mark.parametrize("role", ["pendamping", "trainer", "coordinator"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_refuse_other_roles(client: FlaskClient, make_user: Callable[..., User],
                                        login_as: Callable[..., FlaskClient], role: str, path: str) -> None:
    target = make_user()
    login_as(make_user(role=role))
    response = client.get(path.format(id=target.id))
    assert response.status_code == 403
    assert "Anda tidak memiliki akses" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_ACTIONS)
def test_admin_actions_refuse_a_pendamping(client: FlaskClient, make_user: Callable[..., User],
                                           login_as: Callable[..., FlaskClient], path: str) -> None:
    target = make_user()
    login_as(make_user())
    assert client.post(path.format(id=target.id)).status_code == 403
    assert target.is_active and target.session_version == 1


def test_pendamping_cannot_open_user_lists(client: FlaskClient, make_user: Callable[..., User],
                                           login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user())
    assert client.get("/users/").status_code == 403


def test_anonymous_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/admin/imports")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_coordinator_of_jawa_tengah_cannot_see_lampung_users(
        client: FlaskClient, make_user: Callable[..., User], login_as: Callable[..., FlaskClient]) -> None:
    semarang = make_user(regions=["3374"], name="Pendamping Semarang")
    lampung = make_user(regions=["1871"], name="Pendamping Bandar Lampung")
    login_as(make_user(role="coordinator", regions=["33"]))
    listing = client.get("/users/?role=pendamping").get_data(as_text=True)
    assert "Pendamping Semarang" in listing
    assert "Pendamping Bandar Lampung" not in listing
    assert "Pendamping Bandar Lampung" not in client.get("/users/?q=lampung").get_data(as_text=True)
    assert client.get(f"/users/{semarang.id}").status_code == 200
    response = client.get(f"/users/{lampung.id}")
    assert response.status_code == 404
    assert "Bandar Lampung" not in response.get_data(as_text=True)


def test_koreg_with_several_provinces_sees_all_of_them(
        client: FlaskClient, make_user: Callable[..., User], login_as: Callable[..., FlaskClient]) -> None:
    semarang = make_user(regions=["3374"])
    lampung = make_user(regions=["1871"])
    bali = make_user(regions=["5171"])
    login_as(make_user(role="coordinator", regions=["33", "18"]))
    assert client.get(f"/users/{semarang.id}").status_code == 200
    assert client.get(f"/users/{lampung.id}").status_code == 200
    assert client.get(f"/users/{bali.id}").status_code == 404


def test_korkab_sees_only_their_kabupaten(client: FlaskClient, make_user: Callable[..., User],
                                          login_as: Callable[..., FlaskClient]) -> None:
    semarang = make_user(regions=["3374"])
    kendal = make_user(regions=["3324"])
    login_as(make_user(role="coordinator", regions=["3374"]))
    assert client.get(f"/users/{semarang.id}").status_code == 200
    assert client.get(f"/users/{kendal.id}").status_code == 404


def test_trainer_home_counts_only_their_regions(client: FlaskClient, make_user: Callable[..., User],
                                                login_as: Callable[..., FlaskClient]) -> None:
    make_user(regions=["3374"])
    make_user(regions=["1871"])
    login_as(make_user(role="trainer", regions=["33"]))
    page = client.get("/").get_data(as_text=True)
    assert "Kota Semarang" in page
    assert "Kota Bandar Lampung" not in page


PUBLIC_ENDPOINTS = {"static", "core.healthz", "core.set_language", "auth.login", "auth.logout",
                    "auth.activate", "home.index"}


def test_every_view_declares_its_permission(app: Flask) -> None:
    """A view without `@require(...)` must be one of the few deliberately public ones."""
    missing = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint not in PUBLIC_ENDPOINTS and not hasattr(view, "permission_rule"):
            missing.append(rule.endpoint)
    assert missing == [], f"views without a permission rule: {missing}"
