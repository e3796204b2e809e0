"""Every model, imported once so Alembic and `compare_metadata` see the whole schema."""

from lms.cohorts.models import (
    Attendance,
    CalendarFeed,
    Cohort,
    CohortSession,
    CohortTrainer,
    CohortType,
    Enrolment,
    Microteaching,
)
from lms.content.models import Lesson, Module, Question, QuestionVersion
from lms.db import Base
from lms.grading.models import AttemptGrant, GradeAudit, ReviewFlag
from lms.learning.models import AnswerSave, AttemptAnswer, LessonProgress, ModuleCompletion, QuizAttempt
from lms.notifications.models import Notification
from lms.regions.models import Region
from lms.users.models import ActivationToken, User, UserImport, UserImportRow, UserScope

metadata = Base.metadata

__all__ = [
    "ActivationToken",
    "AnswerSave",
    "AttemptAnswer",
    "AttemptGrant",
    "Attendance",
    "CalendarFeed",
    "Cohort",
    "CohortSession",
    "CohortTrainer",
    "CohortType",
    "Enrolment",
    "GradeAudit",
    "Lesson",
    "LessonProgress",
    "Microteaching",
    "Module",
    "ModuleCompletion",
    "Notification",
    "Question",
    "QuestionVersion",
    "QuizAttempt",
    "Region",
    "ReviewFlag",
    "User",
    "UserImport",
    "UserImportRow",
    "UserScope",
    "metadata",
]
