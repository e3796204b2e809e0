"""`load_content`: the shipped modules are in the database; reloading is idempotent; edits add
question versions and keep the old ones; removed content is retired, never deleted."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.content.loader import ContentError, load_content
from lms.content.models import Lesson, Module, Question, QuestionVersion
from tests.content.conftest import SHIPPED, edit


def question(db: Session, key: str) -> Question:
    return db.scalars(sa.select(Question).where(Question.key == key)).one()


def count(db: Session, model: type, *where: sa.ColumnElement[bool]) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_shipped_content_is_loaded(db: Session) -> None:
    assert count(db, Module, Module.is_retired.is_(False)) == 6
    assert count(db, Lesson, Lesson.is_retired.is_(False)) >= 18
    assert count(db, Question, Question.is_retired.is_(False)) >= 90
    module = db.scalars(sa.select(Module).where(Module.slug == "kesehatan-gizi")).one()
    assert (module.number, module.title_en, module.draw_auto, module.draw_essay) == (3, "Health and Nutrition", 10, 1)
    assert (module.grading_method, module.time_limit_minutes, module.pretest_count) == ("highest", 30, 5)
    assert len(module.goal_list) >= 3 and module.folder == "03-kesehatan-gizi"
    lesson = db.scalars(sa.select(Lesson).where(Lesson.key == "m3-gizi-ibu-hamil")).one()
    assert lesson.module is module and lesson.position == 1 and lesson.word_count > 500
    assert lesson.source_path == "03-kesehatan-gizi/01-gizi-ibu-hamil.md"
    assert lesson.body_markdown.startswith("## Tujuan Sesi")
    q01 = question(db, "m3-q01")
    assert q01.lesson is lesson and q01.current_version is not None
    version = q01.current_version
    assert (version.number, version.type, version.points_value, version.is_draft) == (1, "single", 1, False)
    assert [choice["correct"] for choice in version.payload["choices"]] == [True, False, False, False]
    assert version.explanation.startswith("Seribu hari pertama")


def test_loading_twice_changes_nothing(db: Session) -> None:
    report = load_content(db, SHIPPED)
    assert (report.created, report.updated, report.retired) == (0, 0, 0)
    assert report.changes == []


def test_an_edited_question_gets_a_new_version_and_keeps_the_old(db: Session, shipped_copy: Path) -> None:
    before = question(db, "m3-q02").current_version
    assert before is not None
    old = (before.id, before.text, before.data, before.content_hash)
    questions = shipped_copy / "03-kesehatan-gizi" / "questions.yaml"
    edit(questions, "berlaku sekarang, apa yang sebaiknya Anda sampaikan?",
         "berlaku sekarang, apa yang sebaiknya Anda katakan?")
    # Make the second choice the right one instead of the first.
    edit(questions, "          dokter, sesuai anjuran puskesmas.\n        correct: true\n",
         "          dokter, sesuai anjuran puskesmas.\n")
    edit(questions, "      - text: Cukup empat kali selama kehamilan, seperti yang tertulis di bahan lama.\n",
         "      - text: Cukup empat kali selama kehamilan, seperti yang tertulis di bahan lama.\n"
         "        correct: true\n")

    report = load_content(db, shipped_copy)

    assert (report.questions_created, report.question_versions_created, report.questions_updated) == (0, 1, 0)
    assert (report.lessons_updated, report.modules_updated, report.retired) == (0, 0, 0)
    assert report.changes == ["question m3-q02: version 2"]
    q02 = question(db, "m3-q02")
    assert [version.number for version in q02.versions] == [1, 2]
    first, second = q02.versions
    assert q02.current_version is second
    assert (first.id, first.text, first.data, first.content_hash) == old
    assert [c["correct"] for c in json.loads(first.data)["choices"]][:2] == [True, False]
    assert [c["correct"] for c in second.payload["choices"]][:2] == [False, True]
    assert second.text.endswith("Anda katakan?")
    # Loading the same files again adds nothing.
    again = load_content(db, shipped_copy)
    assert (again.created, again.updated, again.retired) == (0, 0, 0)


def test_a_removed_question_is_retired_and_comes_back(db: Session, shipped_copy: Path) -> None:
    questions = shipped_copy / "03-kesehatan-gizi" / "questions.yaml"
    text = questions.read_text()
    start, end = text.index("  - id: m3-q04\n"), text.index("  - id: m3-q05\n")
    questions.write_text(text[:start] + text[end:])

    report = load_content(db, shipped_copy)

    assert (report.questions_retired, report.changes) == (1, ["retired question m3-q04"])
    q04 = question(db, "m3-q04")
    assert q04.is_retired and q04.current_version is not None and len(q04.versions) == 1
    # Positions after the gap shift; that moves questions but makes no new versions.
    assert report.question_versions_created == 0 and report.questions_updated > 0
    back = load_content(db, SHIPPED)
    assert back.question_versions_created == 0 and not question(db, "m3-q04").is_retired


def test_a_removed_lesson_and_module_are_retired(db: Session, shipped_copy: Path) -> None:
    shutil.rmtree(shipped_copy / "06-pertemuan-kelompok")
    meta = shipped_copy / "01-pengasuhan-anak" / "module.yaml"
    text = meta.read_text()
    meta.write_text(text[:text.index("  - id: m1-sukses-di-sekolah")])
    (shipped_copy / "01-pengasuhan-anak" / "04-sukses-di-sekolah.md").unlink()
    questions = shipped_copy / "01-pengasuhan-anak" / "questions.yaml"
    questions.write_text(questions.read_text().replace("lesson: m1-sukses-di-sekolah",
                                                       "lesson: m1-orang-tua-lebih-baik"))

    report = load_content(db, shipped_copy)

    assert report.modules_retired == 1 and report.lessons_retired == 1 + 4
    assert db.scalars(sa.select(Module).where(Module.slug == "pertemuan-kelompok")).one().is_retired
    assert db.scalars(sa.select(Lesson).where(Lesson.key == "m1-sukses-di-sekolah")).one().is_retired
    assert report.questions_retired == count(db, Question, Question.key.like("m6-%"))
    assert count(db, QuestionVersion) >= 90  # nothing deleted


def test_content_with_errors_is_refused_and_nothing_written(db: Session, shipped_copy: Path) -> None:
    edit(shipped_copy / "03-kesehatan-gizi" / "questions.yaml", "    answer: false", "    answer: mungkin")
    edit(shipped_copy / "03-kesehatan-gizi" / "module.yaml", "title:\n  id: Kesehatan dan Gizi",
         "title:\n  id: Kesehatan dan Gizi (baru)")
    with pytest.raises(ContentError) as caught:
        load_content(db, shipped_copy)
    assert [finding.message for finding in caught.value.errors] == [
        "question m3-q04: answer must be true or false"]
    assert db.scalars(sa.select(Module.title_id).where(Module.slug == "kesehatan-gizi")).one() == "Kesehatan dan Gizi"


def test_the_small_tree_loads_every_question_type(db: Session, small_tree: Path) -> None:
    report = load_content(db, small_tree)
    assert (report.modules_created, report.lessons_created, report.questions_created) == (1, 2, 5)
    assert report.modules_retired == 6  # the shipped modules are not in this tree
    types = db.execute(sa.select(Question.key, QuestionVersion.type, QuestionVersion.points)
                       .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
                       .where(Question.key.like("c-q%")).order_by(Question.key)).all()
    assert [(key, qtype, float(points)) for key, qtype, points in types] == [
        ("c-q01", "single", 1), ("c-q02", "multiple", 2), ("c-q03", "truefalse", 1), ("c-q04", "short", 1),
        ("c-q05", "essay", 10)]
    module = db.scalars(sa.select(Module).where(Module.slug == "contoh")).one()
    assert (module.hours, module.shuffle_choices, module.time_limit_minutes) == (1.5, False, 15)


def test_loading_the_shipped_modules_is_fast(db: Session, small_tree: Path) -> None:
    load_content(db, small_tree)  # retire everything, so the next load rewrites it all
    started = time.perf_counter()
    report = load_content(db, SHIPPED)
    elapsed = time.perf_counter() - started
    print(f"load_content of the shipped modules: {elapsed:.2f} s")
    assert report.modules_updated == 6
    assert elapsed < 5
