from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from lms.learning.models import QuizAttempt
from lms.users.models import User
from tests.grading.helpers import essay_attempt


@pytest.fixture
def learner(make_user: Callable[..., User]) -> User:
    return make_user(name="Rina Pendamping", regions=["3374"])  # Kota Semarang, Jawa Tengah


@pytest.fixture
def trainer(make_user: Callable[..., User]) -> User:
    return make_user(role="trainer", regions=["33"], name="Pelatih Jawa Tengah")


@pytest.fixture
def waiting(app: Flask, db: Session, learner: User) -> QuizAttempt:
    """Rina's module 2 attempt: every automatic answer right, the essay waiting for a trainer."""
    return essay_attempt(db, app, learner)
