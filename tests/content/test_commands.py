"""`lms check-content`, `lms load-content`, `lms import-gift` and content in `lms init`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from lms import create_app
from lms.cli import lms_cli
from lms.config import PROJECT_ROOT
from lms.content.grading import score_answer
from lms.content.models import Question, QuestionVersion
from lms.migrate import upgrade_to_head
from tests.conftest import make_test_config
from tests.content.conftest import SHIPPED, edit, line_of

GIFT = PROJECT_ROOT / "tests" / "fixtures" / "gift"


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(lms_cli, list(args))


PointAt = Callable[[Path], Path]


@pytest.fixture
def content_in(app: Flask, monkeypatch: pytest.MonkeyPatch) -> PointAt:
    """Point the app's LMS_CONTENT_DIR at a test copy for one test."""

    def point(path: Path) -> Path:
        monkeypatch.setitem(app.config, "LMS_CONTENT_DIR", str(path))
        return path

    return point


def test_check_content_passes_on_the_shipped_modules(app: Flask) -> None:
    result = run(app, "check-content", "--dir", str(SHIPPED))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(": 0 error(s), 0 warning(s).")


def test_check_content_prints_path_line_message_and_exits_1(app: Flask, shipped_copy: Path) -> None:
    questions = shipped_copy / "02-keuangan-keluarga" / "questions.yaml"
    edit(questions, "- id: m2-q03", "- id: m2-q02")
    result = run(app, "check-content", "--dir", str(shipped_copy))
    assert result.exit_code == 1
    line = line_of(questions, "- id: m2-q02", occurrence=2)
    assert result.output.splitlines()[0] == (
        f"modules/02-keuangan-keluarga/questions.yaml:{line}: duplicate id 'm2-q02' (question); "
        f"first used at modules/02-keuangan-keluarga/questions.yaml:{line_of(questions, '- id: m2-q02')}")
    assert "1 error(s), 0 warning(s)." in result.output


def test_warnings_alone_do_not_fail(app: Flask, small_tree: Path) -> None:
    edit(small_tree / "01-contoh" / "01-pertama.md", "(#tujuan-sesi)", "(#hilang)")
    result = run(app, "check-content", "--dir", str(small_tree))
    assert result.exit_code == 0
    line = line_of(small_tree / "01-contoh" / "01-pertama.md", "#hilang")
    assert f"modules/01-contoh/01-pertama.md:{line}: warning: link #hilang" in result.output


def test_load_content_refuses_content_with_errors(app: Flask, db: Session, shipped_copy: Path,
                                                  content_in: PointAt) -> None:
    content_in(shipped_copy)
    edit(shipped_copy / "03-kesehatan-gizi" / "questions.yaml", "    answer: false", "    answer: mungkin")
    edit(shipped_copy / "03-kesehatan-gizi" / "module.yaml", "title:\n  id: Kesehatan dan Gizi",
         "title:\n  id: Kesehatan dan Gizi (diubah)")
    result = run(app, "load-content")
    assert result.exit_code == 1
    line = line_of(shipped_copy / "03-kesehatan-gizi" / "questions.yaml", "answer: mungkin")
    assert f"modules/03-kesehatan-gizi/questions.yaml:{line}: question m3-q04: answer must be" in result.output
    assert "Nothing was loaded" in result.output
    assert "(diubah)" not in " ".join(db.scalars(sa.text("SELECT title_id FROM modules")))


def test_load_content_reports_changes(app: Flask, db: Session, shipped_copy: Path, content_in: PointAt) -> None:
    content_in(shipped_copy)
    result = run(app, "load-content")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Modules: 0 created, 0 updated, 0 retired. Lessons: 0 created")
    edit(shipped_copy / "04-perlindungan-anak" / "questions.yaml", "    answer: false", "    answer: true")
    result = run(app, "load-content")
    assert result.exit_code == 0, result.output
    assert "Questions: 0 created, 1 new versions" in result.output
    assert "  question m4-q" in result.output


# --------------------------------------------------------------------------- import-gift

def imported_file(module_dir: Path) -> Path:
    [path] = module_dir.glob("questions-gift-*.yaml")
    return path


def test_import_gift_end_to_end(app: Flask, db: Session, shipped_copy: Path, content_in: PointAt) -> None:
    content_in(shipped_copy)
    module_dir = shipped_copy / "03-kesehatan-gizi"
    result = run(app, "import-gift", str(GIFT / "all_features.gift"), "--module", "kesehatan-gizi")
    assert result.exit_code == 0, result.output
    target = imported_file(module_dir)
    assert target.name == "questions-gift-all-features.yaml"
    imported = yaml.safe_load(target.read_text())["questions"]
    assert all(question["id"].startswith("m3-") for question in imported)

    # Essays (no rubric) and questions without #### general feedback (no explanation) come in
    # as drafts: check-content passes and lists each of them as a warning.
    check = run(app, "check-content")
    assert check.exit_code == 0, check.output
    drafts = {q["id"] for q in imported if q.get("draft")}
    assert {q["id"] for q in imported if q["type"] == "essay" or not q["explanation"]} == drafts
    warnings = [line for line in check.output.splitlines() if ": warning: " in line]
    assert warnings and all(any(key in line for key in drafts) for line in warnings)
    assert all(any(key in line for line in warnings) for key in drafts)
    assert len(drafts) < len(imported)  # the rest are ready to be drawn

    loaded = run(app, "load-content")
    assert loaded.exit_code == 0, loaded.output
    assert f"Questions: {len(imported)} created, 0 new versions" in loaded.output
    _imported_questions_score_as_written(db, imported)


def _imported_questions_score_as_written(db: Session, imported: list[dict[str, Any]]) -> None:
    versions = {key: version for key, version in db.execute(
        sa.select(Question.key, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.key.in_([q["id"] for q in imported])))}
    assert set(versions) == {q["id"] for q in imported}
    for question in imported:
        version = versions[question["id"]]
        data, qtype, points = version.payload, version.type, version.points
        assert (qtype, float(points), version.is_draft) == (
            question["type"], question["points"], bool(question.get("draft")))
        if qtype == "single":
            right = [c.get("correct", False) for c in question["choices"]].index(True)
            assert score_answer(data, qtype, points, right) == 1
            assert score_answer(data, qtype, points, (right + 1) % len(question["choices"])) == 0
        elif qtype == "multiple":
            positive = [i for i, c in enumerate(question["choices"]) if c["weight"] > 0]
            negative = [i for i, c in enumerate(question["choices"]) if c["weight"] < 0]
            assert score_answer(data, qtype, points, positive) == pytest.approx(1, abs=1e-4)
            assert score_answer(data, qtype, points, positive[:1]) == pytest.approx(
                question["choices"][positive[0]]["weight"] / 100)
            assert score_answer(data, qtype, points, negative) == 0
        elif qtype == "truefalse":
            assert score_answer(data, qtype, points, question["answer"]) == 1
            assert score_answer(data, qtype, points, not question["answer"]) == 0
        elif qtype == "short":
            for answer in question["answers"]:
                typed = f"  {answer['text'].upper()} "
                assert score_answer(data, qtype, points, typed) == pytest.approx(answer["weight"] / 100)
            assert score_answer(data, qtype, points, "jawaban lain") == 0
        else:
            assert score_answer(data, qtype, points, "esai") is None
    # Spot checks against the GIFT file itself.
    by_title = {q.get("title"): versions[q["id"]] for q in imported if q.get("title")}
    posyandu = by_title["Posyandu"]
    assert score_answer(posyandu.payload, "short", posyandu.points, "Puskesmas") == 0.5
    assert score_answer(posyandu.payload, "short", posyandu.points, "pos  pelayanan TERPADU") == 1
    rentenir = by_title["Rentenir"]
    assert score_answer(rentenir.payload, "multiple", rentenir.points, [0, 3]) == 0  # 33% - 100% → 0


@pytest.mark.parametrize(("gift", "line", "message"), [
    ("syntax_error.gift", 7, "never closed"),
    ("matching.gift", 8, "matching questions are not supported"),
])
def test_import_gift_errors_name_the_line_and_write_nothing(app: Flask, shipped_copy: Path, content_in: PointAt,
                                                            gift: str, line: int, message: str) -> None:
    content_in(shipped_copy)
    before = sorted(p.relative_to(shipped_copy) for p in shipped_copy.rglob("*"))
    result = run(app, "import-gift", str(GIFT / gift), "--module", "kesehatan-gizi")
    assert result.exit_code == 1
    assert f"{GIFT / gift}:line {line}: " in result.output and message in result.output
    assert sorted(p.relative_to(shipped_copy) for p in shipped_copy.rglob("*")) == before


def test_import_gift_refuses_ids_that_exist_and_unknown_modules(app: Flask, shipped_copy: Path, content_in: PointAt,
                                                                tmp_path: Path) -> None:
    content_in(shipped_copy)
    gift = tmp_path / "ulang.gift"
    gift.write_text("::Q01::Soal yang bentrok dengan m3-q01.{T}\n")
    result = run(app, "import-gift", str(gift), "--module", "kesehatan-gizi")
    assert result.exit_code == 1 and f"{gift}:line 1: question id m3-q01 already exists" in result.output
    result = run(app, "import-gift", str(gift), "--module", "tidak-ada")
    assert result.exit_code == 1 and "No module 'tidak-ada'" in result.output
    assert not list(shipped_copy.glob("*/questions-gift-*.yaml"))


def test_module_prefix_falls_back_to_the_number(small_tree: Path) -> None:
    from lms.content.checker import check_tree
    from lms.content.commands import module_prefix

    result = check_tree(small_tree)
    assert module_prefix("contoh", result) == "c"
    edit(small_tree / "01-contoh" / "questions.yaml", "- id: c-q01", "- id: pertanyaan-satu")
    for number in range(2, 6):
        edit(small_tree / "01-contoh" / "questions.yaml", f"- id: c-q0{number}", f"- id: soal-{number}")
    assert module_prefix("contoh", check_tree(small_tree)) == "m1"


# --------------------------------------------------------------------------- lms init

def test_init_loads_content_and_pages_serve_it(tmp_path: Path, small_tree: Path) -> None:
    """A separate app on its own SQLite file and content folder, as after a fresh install."""
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'init.db'}", LMS_CONTENT_DIR=str(small_tree)))
    try:
        result = run(app, "init")
        assert result.exit_code == 0, result.output
        assert "Modules: 1 created" in result.output and "Questions: 5 created" in result.output
        assert "Modules: 0 created, 0 updated" in run(app, "init").output
        with app.app_context():
            from lms import db
            from lms.users import services

            user = services.create_user(db.session(), email="p@test.fds.id", name="P", role="pendamping",
                                        region_codes=["3374"], password="rahasia-uji-123")
            db.session.commit()
            login = user.get_id()
        client = app.test_client()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = login
        page = client.get("/modules/contoh/lessons/c-pertama").get_data(as_text=True)
        assert 'src="/modules/contoh/images/diagram.svg?v=' in page
        assert 'href="/modules/contoh/lessons/c-kedua"' in page
        image = client.get("/modules/contoh/images/diagram.svg")
        assert image.status_code == 200 and image.mimetype == "image/svg+xml"
        assert image.data == (small_tree / "01-contoh" / "images" / "diagram.svg").read_bytes()
    finally:
        with app.app_context():
            from lms import db

            db.engine().dispose()


def test_init_fails_on_broken_content(tmp_path: Path, small_tree: Path) -> None:
    edit(small_tree / "01-contoh" / "questions.yaml", "        correct: true\n", "")
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'broken.db'}", LMS_CONTENT_DIR=str(small_tree)))
    with app.app_context():
        upgrade_to_head(app)
    result = run(app, "init")
    assert result.exit_code == 1
    assert "modules/01-contoh/questions.yaml:9: question c-q01: a single-choice question" in result.output
