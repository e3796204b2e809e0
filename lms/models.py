"""Every model, imported once so Alembic and `compare_metadata` see the whole schema."""

from lms.content.models import Lesson, Module, Question, QuestionVersion
from lms.db import Base
from lms.regions.models import Region
from lms.users.models import ActivationToken, User, UserImport, UserImportRow, UserScope

metadata = Base.metadata

__all__ = ["ActivationToken", "Lesson", "Module", "Question", "QuestionVersion", "Region", "User", "UserImport",
           "UserImportRow", "UserScope", "metadata"]
