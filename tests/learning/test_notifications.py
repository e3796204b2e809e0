"""notify(), the unread count in the navigation, the list and "mark all read"."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.learning import quiz
from lms.learning.completion import RESULT_KIND
from lms.notifications import services
from lms.notifications.models import Notification
from lms.users.models import User
from tests.learning.test_quiz import finish_lessons, module1  # noqa: F401 - fixture


def test_result_notification_counts_links_and_reads(app: Flask, client: FlaskClient, db: Session,
                                                    make_user: Callable[..., User], module1,  # noqa: F811
                                                    login_as: Callable[..., FlaskClient]) -> None:
    learner = make_user()
    finish_lessons(db, learner, module1)
    with app.test_request_context():
        attempt = quiz.start_attempt(db, learner, module1)
        quiz.submit(db, attempt)  # nothing answered: 0 %, final at once
    login_as(learner)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="1 pemberitahuan belum dibaca"' in home and '<span class="badge">1</span>' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "Hasil kuis Pengasuhan dan Pendidikan Anak: tidak lulus (0%)." in page
    notification = db.scalars(sa.select(Notification)
                              .where(Notification.user_id == learner.id)).one()
    assert notification.kind == RESULT_KIND and notification.target_id == attempt.id
    opened = client.post(f"/notifications/{notification.id}/open")
    assert opened.headers["Location"] == f"/attempts/{attempt.id}/review"
    db.refresh(notification)
    assert notification.read_at is not None
    assert '<span class="badge">' not in client.get("/").get_data(as_text=True)


def test_mark_all_read_and_others_notifications(app: Flask, client: FlaskClient, db: Session,
                                               make_user: Callable[..., User], module1,  # noqa: F811
                                               login_as: Callable[..., FlaskClient]) -> None:
    learner, other = make_user(), make_user()
    finish_lessons(db, learner, module1)
    with app.test_request_context():
        for _ in range(2):
            db.expire_all()
            attempt = quiz.start_attempt(db, learner, module1)
            quiz.submit(db, attempt)
    assert services.unread_count(db, learner) == 2
    login_as(other)
    note = db.scalars(sa.select(Notification)
                      .where(Notification.user_id == learner.id)).first()
    assert client.post(f"/notifications/{note.id}/open").status_code == 404  # not theirs
    login_as(learner)
    client.post("/notifications/read-all")
    assert services.unread_count(db, learner) == 0
