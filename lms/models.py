"""Every model, imported once so Alembic and `compare_metadata` see the whole schema."""

from lms.db import Base
from lms.regions.models import Region
from lms.users.models import ActivationToken, User, UserImport, UserImportRow, UserScope

metadata = Base.metadata

__all__ = ["ActivationToken", "Region", "User", "UserImport", "UserImportRow", "UserScope", "metadata"]
