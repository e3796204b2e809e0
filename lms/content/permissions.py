"""Who may see what of the content: lessons are for everyone logged in, the bank is not."""

from __future__ import annotations

from lms.auth.permissions import Rule, any_user, is_admin, is_trainer
from lms.users.models import User

can_read_lessons: Rule = any_user


def can_browse_question_bank(user: User) -> bool:
    """Trainers and admins see questions with their answers; learners and coordinators never."""
    return is_trainer(user) or is_admin(user)
