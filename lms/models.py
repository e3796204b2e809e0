"""Every model, imported once so Alembic and `compare_metadata` see the whole schema."""

from lms.content.models import Lesson, Module, Question, QuestionVersion
from lms.db import Base
from lms.learning.models import AnswerSave, AttemptAnswer, LessonProgress, ModuleCompletion, QuizAttempt
from lms.notifications.models import Notification
from lms.regions.models import Region
from lms.users.models import ActivationToken, User, UserImport, UserImportRow, UserScope

metadata = Base.metadata

__all__ = [
           "ActivationToken",
           "AnswerSave",
           "AttemptAnswer",
           "Lesson",
           "LessonProgress",
           "Module",
           "ModuleCompletion",
           "Notification",
           "Question",
           "QuestionVersion",
           "QuizAttempt",
           "Region",
           "User",
           "UserImport",
           "UserImportRow",
           "UserScope",
           "metadata",
]
