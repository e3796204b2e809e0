"""`check_content`: the shipped modules pass; every kind of mistake is named with path and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.content.checker import check_content, check_tree
from lms.content.schema import Finding
from tests.content.conftest import SHIPPED, edit, line_of

Q = "modules/01-contoh/questions.yaml"
META = "modules/01-contoh/module.yaml"
LESSON = "modules/01-contoh/01-pertama.md"


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.is_error]


def only_error(findings: list[Finding]) -> Finding:
    found = errors(findings)
    assert len(found) == 1, "\n".join(map(str, findings))
    return found[0]


def test_shipped_modules_have_no_errors() -> None:
    result = check_tree(SHIPPED)
    assert result.errors == [], "\n".join(map(str, result.errors))
    print(f"shipped content: {len(result.warnings)} warning(s)")
    assert len(result.modules) == 6
    assert sum(len(module.lessons) for module in result.modules) >= 18
    assert sum(len(module.questions) for module in result.modules) >= 90


def test_the_minimal_fixture_tree_is_clean(small_tree: Path) -> None:
    assert check_content(small_tree) == []


def test_broken_copy_of_shipped_modules_names_path_and_line(shipped_copy: Path) -> None:
    questions = shipped_copy / "03-kesehatan-gizi" / "questions.yaml"
    edit(questions, "- id: m3-q02", "- id: m3-q01")
    # m3-q01 is single choice: take away its one correct answer.
    edit(questions, "        correct: true\n", "")
    duplicate_line = line_of(questions, "- id: m3-q01", occurrence=2)
    q01_choices = line_of(questions, "choices:", occurrence=1)
    (shipped_copy / "03-kesehatan-gizi" / "images" / "seribu-hari-pertama.svg").unlink()
    lesson = shipped_copy / "03-kesehatan-gizi" / "01-gizi-ibu-hamil.md"
    image_line = line_of(lesson, "](images/seribu-hari-pertama.svg)")

    found = {(f.path, f.line): f.message for f in errors(check_content(shipped_copy))}

    path = "modules/03-kesehatan-gizi/questions.yaml"
    assert "duplicate id 'm3-q01'" in found[(path, duplicate_line)]
    assert "exactly one choice with correct: true (found 0)" in found[(path, q01_choices)]
    assert "does not exist" in found[("modules/03-kesehatan-gizi/01-gizi-ibu-hamil.md", image_line)]
    assert len(found) == 3, found


def test_finding_format() -> None:
    assert str(Finding("modules/a/questions.yaml", 7, "boom")) == "modules/a/questions.yaml:7: boom"
    assert str(Finding("modules/a/x.md", 2, "hmm", "warning")) == "modules/a/x.md:2: warning: hmm"


# --------------------------------------------------------------------------- module.yaml

@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("number: 1\n", "", "id: contoh", "module has no number"),
    ("  en: Example Module\n", "", "title:", "title has no en"),
    ("estimated_hours: 1.5", "estimated_hours: lama", "estimated_hours:", "estimated_hours"),
    ("grading: highest", "grading: best", "grading:", "grading must be one of"),
    ("show_answers: after_submit", "show_answers: always", "show_answers:", "show_answers must be one of"),
    ("pass_mark: 70", "pass_mark: 170", "pass_mark:", "pass_mark must be a whole number between 0 and 100"),
    ("shuffle_choices: false", "shuffle_choices: kadang", "shuffle_choices:", "true or false"),
    ("attempts: 3", "attemps: 3", "attemps:", "unknown key 'attemps'"),
    ("    auto: 4", "    auto: 9", "draw:", "draws 9 automatically graded questions but the bank has 4"),
    ("    essay: 1", "    essay: 2", "draw:", "draws 2 essays but the bank has 1"),
    ("pretest: 2", "pretest: 5", "pretest:", "pre-test draws 5"),
    ("id: contoh", "id: Contoh Modul", "id: Contoh", "use lower-case letters"),
    ("    minutes: 90\n", "", "- id: c-kedua", "lesson c-kedua has no minutes"),
])
def test_module_metadata_errors(small_tree: Path, old: str, new: str, needle: str, message: str) -> None:
    meta = small_tree / "01-contoh" / "module.yaml"
    edit(meta, old, new)
    finding = only_error(check_content(small_tree))
    assert (finding.path, finding.line) == (META, line_of(meta, needle))
    assert message in finding.message


def test_yaml_syntax_error_and_duplicate_key_have_lines(small_tree: Path) -> None:
    meta = small_tree / "01-contoh" / "module.yaml"
    edit(meta, "number: 1\n", "number: 1\nnumber: 2\n")
    finding = only_error(check_content(small_tree))
    assert (finding.line, finding.message) == (3, "duplicate key 'number'")
    edit(meta, "number: 2\n", "number: [2\n")
    finding = only_error(check_content(small_tree))
    assert finding.path == META and "YAML syntax error" in finding.message and finding.line > 3


def test_listed_lesson_must_exist_and_every_lesson_file_must_be_listed(small_tree: Path) -> None:
    folder = small_tree / "01-contoh"
    (folder / "02-kedua.md").rename(folder / "03-ketiga.md")
    (folder / "README.md").write_text("Catatan untuk pengelola konten.\n")
    found = errors(check_content(small_tree))
    assert [(f.path, f.line) for f in found] == [
        # 01-pertama.md links to the lesson that is gone.
        (LESSON, line_of(folder / "01-pertama.md", "](02-kedua.md)")),
        ("modules/01-contoh/03-ketiga.md", 1),
        (META, line_of(folder / "module.yaml", "file: 02-kedua.md")),
    ]
    assert "not listed under lessons" in found[1].message
    assert "file 02-kedua.md does not exist" in found[2].message


def test_ids_are_unique_across_modules_lessons_and_questions(small_tree: Path) -> None:
    second = small_tree / "02-lain"
    shutil.copytree(small_tree / "01-contoh", second)
    edit(second / "module.yaml", "number: 1", "number: 2")
    found = errors(check_content(small_tree))
    # The copy repeats the module id, both lesson ids and five question ids.
    assert len([f for f in found if "duplicate id" in f.message]) == 1 + 2 + 5
    assert all(f.path.startswith("modules/02-lain/") for f in found)
    edit(second / "module.yaml", "id: contoh", "id: c-q01")
    assert any("duplicate id 'c-q01' (module)" in f.message for f in check_content(small_tree))


# --------------------------------------------------------------------------- questions

@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("        correct: true\n", "", "choices:", "exactly one choice with correct: true (found 0)"),
    ("      - text: 730 hari\n", "      - text: 730 hari\n        correct: true\n", "choices:", "(found 2)"),
    ("        weight: -50\n        feedback: Nasi", "        weight: 50\n        feedback: Nasi", "choices:@2",
     "positive weights add up to 150, not 100"),
    ("      - text: Ikan\n        weight: 50", "      - text: Ikan\n        weight: -50", "choices:@2",
     "add up to 50"),
    ("        weight: 50\n        feedback: Puskesmas", "        weight: 0\n        feedback: Puskesmas",
     "weight: 0", "more than 0 and at most 100"),
    ("    answer: true", "    answer: benar", "answer: benar", "answer must be true or false"),
    ("        points: 6", "        points: 5", "rubric:", "rubric adds up to 9 points but the question is worth 10"),
    ("    explanation: Telur dan ikan adalah lauk hewani.\n", "    explanation: ''\n", "explanation: ''",
     "has no explanation"),
    ("    lesson: c-kedua\n    text: ASI", "    lesson: c-ketiga\n    text: ASI", "lesson: c-ketiga",
     "lesson c-ketiga is not a lesson of module contoh"),
    ("    type: multiple", "    type: matching", "type: matching", "type must be one of"),
    ("      - text: Telur\n", "      - text: Telur\n        benar: ya\n", "benar: ya", "unknown key 'benar'"),
    ("      - text: posyandu\n", "      - text: '   '\n", "text: '   '", "text is empty"),
    ("    points: 2\n", "    points: -2\n", "points: -2", "points must be a positive number"),
])
def test_question_errors(small_tree: Path, old: str, new: str, needle: str, message: str) -> None:
    questions = small_tree / "01-contoh" / "questions.yaml"
    edit(questions, old, new)
    finding = only_error([f for f in check_content(small_tree) if "draws" not in f.message])
    needle, _, nth = needle.partition("@")
    assert (finding.path, finding.line) == (Q, line_of(questions, needle, int(nth or 1)))
    assert message in finding.message


def test_thirds_of_a_hundred_are_a_hundred(small_tree: Path) -> None:
    questions = small_tree / "01-contoh" / "questions.yaml"
    edit(questions, "        weight: 50\n      - text: Ikan\n        weight: 50",
         "        weight: 33.333\n      - text: Ikan\n        weight: 33.333\n      - text: Tempe\n"
         "        weight: 33.333")
    assert errors(check_content(small_tree)) == []


def test_essay_without_rubric_is_an_error_unless_it_is_a_draft(small_tree: Path) -> None:
    questions = small_tree / "01-contoh" / "questions.yaml"
    text = questions.read_text()
    start = text.index("    rubric:")
    end = text.index("    explanation: Jawaban")
    questions.write_text(text[:start] + text[end:])
    finding = only_error(check_content(small_tree))
    assert "an essay needs a rubric" in finding.message
    assert finding.line == line_of(questions, "- id: c-q05")
    edit(questions, "    type: essay\n", "    type: essay\n    draft: true\n")
    findings = check_content(small_tree)
    # The only essay is now a draft, so the quiz's one essay cannot be drawn: an error on module.yaml.
    assert [(f.path, f.message) for f in errors(findings)] == [
        (META, "quiz draws 1 essays but the bank has 0 (drafts excluded)")]
    draft = [f for f in findings if not f.is_error]
    assert [(f.line, f.message) for f in draft] == [
        (line_of(questions, "draft: true"), "question c-q05 is a draft: never drawn in a quiz until finished")]


def test_draft_without_explanation_is_only_warned(small_tree: Path) -> None:
    questions = small_tree / "01-contoh" / "questions.yaml"
    edit(questions, "    explanation: ASI saja sampai usia 6 bulan.\n", "    draft: true\n")
    edit(small_tree / "01-contoh" / "module.yaml", "    auto: 4", "    auto: 3")
    findings = check_content(small_tree)
    assert errors(findings) == []
    assert {f.message for f in findings} == {
        "question c-q03 is a draft: never drawn in a quiz until finished",
        "question c-q03 has no explanation (shown to learners after grading)"}


def test_gift_question_files_are_read_too(small_tree: Path) -> None:
    extra = small_tree / "01-contoh" / "questions-gift-tambahan.yaml"
    extra.write_text("questions:\n  - id: c-q01\n    type: truefalse\n    text: Benar?\n    answer: yes\n"
                     "    explanation: Ya.\n")
    finding = only_error(check_content(small_tree))
    assert (finding.path, finding.line) == ("modules/01-contoh/questions-gift-tambahan.yaml", 2)
    assert "duplicate id 'c-q01'" in finding.message and f"{Q}:2" in finding.message


# --------------------------------------------------------------------------- lessons

@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("![Diagram contoh dengan tiga kotak](images/diagram.svg)", "![](images/diagram.svg)", "![](images",
     "image images/diagram.svg has no alt text"),
    ("(images/diagram.svg)", "(images/hilang.svg)", "images/hilang.svg", "image images/hilang.svg does not exist"),
    ("(images/diagram.svg)", "(../../rahasia.svg)", "rahasia.svg", "images are"),
    ("(images/diagram.svg)", "(https://contoh.id/a.png)", "contoh.id/a.png", "images must be files in"),
    ("[sesi kedua](02-kedua.md)", "[sesi kedua](09-tidak-ada.md)", "09-tidak-ada.md",
     "not a lesson listed in a module.yaml"),
    ("[sesi kedua](02-kedua.md)", "[sesi kedua](module.yaml)", "(module.yaml)", "only lessons and images"),
    ("[sesi kedua](02-kedua.md)", "[sesi kedua](lembar-kerja.pdf)", "lembar-kerja.pdf", "does not exist"),
])
def test_lesson_link_and_image_errors(small_tree: Path, old: str, new: str, needle: str, message: str) -> None:
    lesson = small_tree / "01-contoh" / "01-pertama.md"
    edit(lesson, old, new)
    finding = only_error(check_content(small_tree))
    assert (finding.path, finding.line) == (LESSON, line_of(lesson, needle))
    assert message in finding.message


def test_lesson_warnings_for_h1_and_missing_anchor(small_tree: Path) -> None:
    lesson = small_tree / "01-contoh" / "01-pertama.md"
    edit(lesson, "## Tujuan Sesi", "# Sesi Pertama\n\n## Tujuan Sesi")
    edit(lesson, "(#tujuan-sesi)", "(#tidak-ada)")
    findings = check_content(small_tree)
    assert errors(findings) == []
    assert [(f.line, f.severity) for f in findings] == [(1, "warning"), (line_of(lesson, "#tidak-ada"), "warning")]


def test_missing_content_folder(tmp_path: Path) -> None:
    finding = only_error(check_content(tmp_path / "nothing"))
    assert "does not exist" in finding.message
