"""Content-test helpers: throwaway copies of the shipped modules and of a minimal tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.config import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "modules"
SMALL = PROJECT_ROOT / "tests" / "fixtures" / "content" / "modules"


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """modules/ copied to tmp_path/modules, so findings read `modules/...` as for the real tree."""
    target = tmp_path / "modules"
    shutil.copytree(SHIPPED, target)
    return target


@pytest.fixture
def small_tree(tmp_path: Path) -> Path:
    """tests/fixtures/content/modules (one module `contoh`, every question type) in tmp_path."""
    target = tmp_path / "modules"
    shutil.copytree(SMALL, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file (which must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`."""
    found = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if needle in line]
    assert len(found) >= occurrence, f"{needle!r} not in {path}"
    return found[occurrence - 1]
