"""Unit tests for the GIFT importer (lms.content.gift): pure, no app or database."""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.content.gift import GiftError, import_gift_file, parse_gift

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gift"
ALL_FEATURES = FIXTURES / "all_features.gift"
PREFIX = "m9"
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@pytest.fixture(scope="module")
def questions() -> dict[str, dict[str, Any]]:
    parsed = parse_gift(ALL_FEATURES.read_text(encoding="utf-8"), PREFIX)
    return {question["id"]: question for question in parsed}


def _untitled_id(source: str) -> str:
    return f"{PREFIX}-gift-{hashlib.sha1(source.encode('utf-8')).hexdigest()[:8]}"


def _line_of(path: Path, start: str) -> int:
    """1-based number of the first line of path starting with start."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


def _error(source: str) -> GiftError:
    with pytest.raises(GiftError) as caught:
        parse_gift(source, PREFIX)
    return caught.value


# ---------------------------------------------------------------- the feature fixture

ESSAY_SOURCE = (
    "Tuliskan rencana menabung keluarga Anda selama satu bulan.{\n"
    "####Jawaban yang baik menyebut jumlah, tempat menabung dan tujuan tabungan.\n"
    "}"
)
MISSING_WORD_SOURCE = "Ibu hamil perlu minimal {~empat =enam ~dua} kali pemeriksaan kehamilan."
TRUE_SOURCE = "Anak dalam PKH adalah anggota keluarga yang berusia di bawah 18 tahun.{T}"


def test_comments_are_skipped_and_every_question_is_found_in_order() -> None:
    parsed = parse_gift(ALL_FEATURES.read_text(encoding="utf-8"), PREFIX)
    assert [question["id"] for question in parsed] == [
        "m9-pemeriksaan-kehamilan",
        _untitled_id(MISSING_WORD_SOURCE),
        "m9-asi-eksklusif",
        "m9-posyandu",
        _untitled_id(TRUE_SOURCE),
        "m9-lansia-batas-usia",
        "m9-usia-lansia",
        "m9-usia-anak",
        "m9-rentenir",
        "m9-rentenir-2",
        _untitled_id(ESSAY_SOURCE),
    ]
    assert not any("komentar" in str(question) for question in parsed)


def test_category_lines_apply_to_the_questions_that_follow(
    questions: dict[str, dict[str, Any]],
) -> None:
    assert questions["m9-pemeriksaan-kehamilan"]["category"] == "PKH/Kesehatan"
    assert questions["m9-posyandu"]["category"] == "PKH/Kesehatan"
    assert questions[_untitled_id(TRUE_SOURCE)]["category"] == "PKH/Perlindungan Anak"
    assert questions["m9-usia-anak"]["category"] == "PKH/Perlindungan Anak"
    assert questions["m9-rentenir"]["category"] == "PKH/Ekonomi"


def test_titled_single_choice_with_answer_and_general_feedback(
    questions: dict[str, dict[str, Any]],
) -> None:
    assert questions["m9-pemeriksaan-kehamilan"] == {
        "id": "m9-pemeriksaan-kehamilan",
        "type": "single",
        "title": "Pemeriksaan kehamilan",
        "category": "PKH/Kesehatan",
        "points": 1,
        "text": "Berapa kali **minimal** ibu hamil memeriksakan kehamilannya?",
        "choices": [
            {
                "text": "Enam kali",
                "correct": True,
                "feedback": "Benar, minimal enam kali selama kehamilan.",
            },
            {"text": "Empat kali", "feedback": "Itu anjuran lama; sekarang minimal enam kali."},
            {"text": "Dua kali"},
        ],
        "explanation": (
            "Pemeriksaan kehamilan minimal enam kali: dua kali pada trimester pertama, "
            "satu kali pada trimester kedua dan tiga kali pada trimester ketiga."
        ),
    }


def test_untitled_missing_word_question_gets_a_blank_and_a_hash_id(
    questions: dict[str, dict[str, Any]],
) -> None:
    question_id = _untitled_id(MISSING_WORD_SOURCE)
    assert questions[question_id] == {
        "id": question_id,
        "type": "single",
        "category": "PKH/Kesehatan",
        "points": 1,
        "text": "Ibu hamil perlu minimal ___ kali pemeriksaan kehamilan.",
        "choices": [{"text": "empat"}, {"text": "enam", "correct": True}, {"text": "dua"}],
        "explanation": "",
        "draft": True,
    }


def test_true_with_both_feedbacks_maps_them_by_the_learners_answer(
    questions: dict[str, dict[str, Any]],
) -> None:
    # {TRUE#for a wrong answer#for a right answer}: answering false is wrong here.
    question = questions["m9-asi-eksklusif"]
    assert question["type"] == "truefalse"
    assert question["answer"] is True
    assert question["feedback_false"] == "Keliru: ASI eksklusif memang selama 6 bulan."
    assert question["feedback_true"] == "Tepat, 6 bulan ASI saja."
    assert question["explanation"] == (
        "ASI eksklusif diberikan sejak lahir sampai bayi berusia 6 bulan."
    )
    assert question["points"] == 1


def test_false_with_only_the_wrong_answer_feedback(
    questions: dict[str, dict[str, Any]],
) -> None:
    # {F#...}: the one feedback is for a wrong answer, i.e. for answering true.
    question = questions["m9-usia-lansia"]
    assert question["answer"] is False
    assert question["feedback_true"] == "Keliru: lansia PKH berusia 60 tahun ke atas."
    assert "feedback_false" not in question


def test_short_true_false_forms_without_feedback(questions: dict[str, dict[str, Any]]) -> None:
    plain_true = questions[_untitled_id(TRUE_SOURCE)]
    lower_false = questions["m9-usia-anak"]
    assert plain_true == {
        "id": _untitled_id(TRUE_SOURCE),
        "type": "truefalse",
        "category": "PKH/Perlindungan Anak",
        "points": 1,
        "text": "Anak dalam PKH adalah anggota keluarga yang berusia di bawah 18 tahun.",
        "answer": True,
        "explanation": "",
        "draft": True,
    }
    assert lower_false["answer"] is False
    assert not {"feedback_true", "feedback_false"} & lower_false.keys()


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", True), ("{t}", True), ("{TRUE}", True), ("{True}", True),
     ("{F}", False), ("{f}", False), ("{FALSE}", False), ("{false}", False)],
)
def test_every_true_false_spelling(block: str, answer: bool) -> None:
    [question] = parse_gift(f"Lansia berusia 60 tahun ke atas. {block}", PREFIX)
    assert question["type"] == "truefalse"
    assert question["answer"] is answer


def test_short_answer_with_partial_credit_and_multi_line_text(
    questions: dict[str, dict[str, Any]],
) -> None:
    assert questions["m9-posyandu"] == {
        "id": "m9-posyandu",
        "type": "short",
        "title": "Posyandu",
        "category": "PKH/Kesehatan",
        "points": 1,
        "text": "Di mana balita ditimbang setiap bulan?\nTulis satu nama tempat.",
        "answers": [
            {"text": "posyandu", "weight": 100},
            {
                "text": "puskesmas",
                "weight": 50,
                "feedback": "Puskesmas juga melayani, tetapi penimbangan bulanan ada di posyandu.",
            },
            {"text": "pos pelayanan terpadu", "weight": 100},
        ],
        "explanation": "",
        "draft": True,
    }


def test_escapes_and_the_moodle_format(questions: dict[str, dict[str, Any]]) -> None:
    question = questions["m9-lansia-batas-usia"]
    assert question["title"] == "Lansia: batas usia"
    assert question["text_format"] == "plain"  # [moodle] is read as plain text
    assert question["text"] == (
        "Lansia dalam PKH berusia {60} tahun ke atas.\nApakah usia 60 tahun = lansia?"
    )
    assert question["choices"] == [
        {"text": "Ya, 60 tahun sudah lansia", "correct": True,
         "feedback": "Benar: 60 tahun ke atas."},
        {"text": "Tidak, harus di atas 60 ~ 65 tahun"},
        {"text": "Tergantung nomor # kartu keluarga"},
    ]
    assert question["explanation"] == (
        "Komponen lansia PKH: usia 60 tahun ke atas. Garis miring terbalik ditulis \\."
    )


def test_weighted_multiple_choice_with_negative_weights_and_html(
    questions: dict[str, dict[str, Any]],
) -> None:
    assert questions["m9-rentenir"] == {
        "id": "m9-rentenir",
        "type": "multiple",
        "title": "Rentenir",
        "category": "PKH/Ekonomi",
        "points": 1,
        "text_format": "html",
        "text": "<p>Manakah yang merupakan <b>ciri rentenir</b>?</p>",
        "choices": [
            {"text": "Bunga sangat tinggi", "weight": 33.33333,
             "feedback": "Ya, bunganya mencekik."},
            {"text": "Pinjaman mudah tanpa syarat", "weight": 33.33333},
            {"text": "Menagih dengan ancaman", "weight": 33.33333},
            {"text": "Diawasi oleh OJK", "weight": -100,
             "feedback": "Tidak: lembaga yang diawasi OJK bukan rentenir."},
            {"text": "Koperasi simpan pinjam resmi", "weight": -50},
        ],
        "explanation": "",
        "draft": True,
    }


def test_text_formats_default_to_markdown_and_omit_the_key(
    questions: dict[str, dict[str, Any]],
) -> None:
    formats = {qid: q.get("text_format", "markdown") for qid, q in questions.items()}
    assert formats["m9-pemeriksaan-kehamilan"] == "markdown"
    assert "text_format" not in questions["m9-posyandu"]  # explicit [markdown] is the default
    assert formats["m9-asi-eksklusif"] == "plain"
    assert formats["m9-rentenir"] == "html"


def test_essays_are_ten_point_drafts_without_rubric_and_titles_are_deduplicated(
    questions: dict[str, dict[str, Any]],
) -> None:
    assert questions["m9-rentenir-2"] == {
        "id": "m9-rentenir-2",
        "type": "essay",
        "title": "Rentenir",
        "category": "PKH/Ekonomi",
        "points": 10,
        "text": (
            "Ceritakan pengalaman keluarga dampingan Anda yang terjerat rentenir — "
            "apa yang terjadi dan apa yang Anda lakukan."
        ),
        "explanation": "",
        "draft": True,
    }
    with_feedback = questions[_untitled_id(ESSAY_SOURCE)]
    assert with_feedback["type"] == "essay"
    assert with_feedback["explanation"] == (
        "Jawaban yang baik menyebut jumlah, tempat menabung dan tujuan tabungan."
    )
    assert with_feedback["draft"] is True
    assert "rubric" not in with_feedback


# ---------------------------------------------------------------- ids


def test_slugs_are_ascii_lower_case_and_at_most_fifty_characters() -> None:
    long_title = "Pemeriksaan kehamilan minimal enam kali selama masa kehamilan ibu"
    source = (
        "::Ké-6 pemeriksaan: Ibu Hamil!::Berapa kali? {=enam ~empat}\n\n"
        f"::{long_title}::Berapa kali? {{=enam ~empat}}"
    )
    first, second = parse_gift(source, PREFIX)
    assert first["id"] == "m9-ke-6-pemeriksaan-ibu-hamil"
    slug = second["id"].removeprefix("m9-")
    assert len(slug) <= 50
    assert long_title.lower().replace(" ", "-").startswith(slug)
    assert not slug.endswith("-")


def test_duplicate_ids_get_numbered_and_titles_without_ascii_fall_back_to_a_hash() -> None:
    source = "\n\n".join(
        ["::Anak::Anak? {T}", "::anak::Anak? {F}", "::ANAK!::Anak? {T}", "::Anak 2::Dua? {T}",
         "::Ω::Lansia? {T}"]
    )
    ids = [question["id"] for question in parse_gift(source, PREFIX)]
    assert ids[:4] == ["m9-anak", "m9-anak-2", "m9-anak-3", "m9-anak-2-2"]
    assert ids[4] == _untitled_id("::Ω::Lansia? {T}")


def test_an_untitled_id_does_not_depend_on_the_questions_position() -> None:
    question = "Anak berusia di bawah 18 tahun. {T}"
    alone = parse_gift(question, PREFIX)[0]["id"]
    later = parse_gift(f"// komentar\n\n::Lain::Lansia? {{F}}\n\n{question}\n", PREFIX)[1]["id"]
    assert alone == later == _untitled_id(question)


def test_invalid_id_prefix_is_refused() -> None:
    with pytest.raises(GiftError) as caught:
        parse_gift("Anak? {T}", "M 9")
    assert caught.value.line == 0


# ---------------------------------------------------------------- details of the syntax


def test_crlf_line_endings_and_a_byte_order_mark() -> None:
    source = (
        "\ufeff// komentar\r\n::Anak::Anak\r\nberusia di bawah 18?\r\n{T}\r\n\r\nLansia? {F}\r\n"
    )
    first, second = parse_gift(source, PREFIX)
    assert first["text"] == "Anak\nberusia di bawah 18?"
    assert second["answer"] is False


def test_category_without_blank_line_before_the_question() -> None:
    [question] = parse_gift("$CATEGORY: PKH/Anak\n::Anak::Anak? {T}", PREFIX)
    assert question["category"] == "PKH/Anak"


def test_unknown_bracket_prefix_stays_in_the_text() -> None:
    [question] = parse_gift("[catatan] Anak? {T}", PREFIX)
    assert question["text"] == "[catatan] Anak?"
    assert "text_format" not in question


def test_missing_word_with_short_answers() -> None:
    [question] = parse_gift("ASI eksklusif diberikan selama {=6 =enam} bulan.", PREFIX)
    assert question["type"] == "short"
    assert question["text"] == "ASI eksklusif diberikan selama ___ bulan."
    assert question["answers"] == [{"text": "6", "weight": 100}, {"text": "enam", "weight": 100}]


def test_a_backslash_before_other_characters_is_kept() -> None:
    [question] = parse_gift(r"Jalur C:\data\n\%? {=ya ~tidak}", PREFIX)
    assert question["text"] == "Jalur C:\\data\n\\%?"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("::A::Berapa {#6:1}", 1, "numerical questions are not supported"),
        ("Jodohkan\n{\n=anak -> 17\n}", 2, "matching questions are not supported"),
        ("Hanya teks tanpa jawaban.", 1, "description items"),
        ("Anak?\n{=ya ~tidak", 2, "never closed"),
        ("Anak?\n} {=ya ~tidak}", 2, "'}' without an opening '{'"),
        ("Anak? {=ya ~tidak}\n}", 2, "stray brace"),
        ("Anak? {=ya}\nLansia? {T}", 2, "separate questions with a blank line"),
        ("Anak? {=ya {~tidak}", 1, "'{' inside an answer block"),
        ("Anak? {ya tidak}", 1, "no answers marked with = or ~"),
        ("Anak?\n{\n~ya\n~tidak\n}", 2, "no right answer"),
        ("Anak? {\n=ya\n=betul\n~tidak\n}", 3, "exactly one = answer"),
        ("Anak? {\n=ya\n~%50%kadang\n}", 3, "%n% weights need every answer"),
        ("Anak? {~%50%ya ~%40%betul ~tidak}", 1, "add up to 90%, not 100%"),
        ("Anak? {\n~%150%ya\n}", 2, "between -100% and 100%"),
        ("Anak? {\n~%lima%ya ~%100%betul\n}", 2, "a weight is written like %50%"),
        ("Anak? {\n=ya\n~#umpan balik\n}", 3, "an answer has no text"),
        ("Anak? {hmm =ya ~tidak}", 1, "text before the first answer"),
        ("Anak? {=%50%ya =%20%mungkin}", 1, "needs one answer worth 100%"),
        ("Anak? {=ya\n=%0%tidak}", 2, "weight must be more than 0%"),
        ("Anak? {~%100%ya}", 1, "at least two answers"),
        ("Anak? {T#a#b#c}", 1, "at most two #feedbacks"),
        ("::Judul tanpa penutup\nAnak? {T}", 1, "no closing ::"),
        ("::Judul::\n{=ya ~tidak}", 2, "no text before its answer block"),
        ("$CATEGORY:\n\nAnak? {T}", 1, "needs a category path"),
        ("Anak \ue000? {T}", 1, "private-use character"),
    ],
)
def test_syntax_errors_name_the_line(source: str, line: int, message: str) -> None:
    padded = f"// baris pertama\n\n::Baik::Lansia? {{T}}\n\n{source}"  # errors start at line 5
    error = _error(padded)
    assert error.line == line + 4
    assert message in error.message


def test_the_first_error_wins() -> None:
    assert _error("Anak? {~a ~b}\n\nLansia? {#3}").line == 1


def test_gift_error_formats_its_line() -> None:
    error = GiftError(7, "matching questions are not supported")
    assert (error.line, error.message) == (7, "matching questions are not supported")
    assert str(error) == "line 7: matching questions are not supported"


# ---------------------------------------------------------------- property tests

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co"))
    | st.sampled_from("\n~=#{}:\\\x85\u2028 "),
    min_size=1,
).filter(lambda text: text == text.strip() and not text.startswith("%"))


def _escape(text: str) -> str:
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


@given(title=_TEXT, text=_TEXT, right=_TEXT, wrong=_TEXT, feedback=_TEXT)
def test_escaped_text_survives_a_round_trip(
    title: str, text: str, right: str, wrong: str, feedback: str
) -> None:
    source = (
        f"::{_escape(title)}::[plain]{_escape(text)}"
        f"{{={_escape(right)} ~{_escape(wrong)}#{_escape(feedback)}}}"
    )
    [question] = parse_gift(source, PREFIX)
    assert (question["title"], question["text"]) == (title, text)
    assert question["choices"] == [
        {"text": right, "correct": True},
        {"text": wrong, "feedback": feedback},
    ]


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, min_size=1, max_size=4))
def test_written_yaml_loads_back_for_any_text(texts: list[str]) -> None:
    gift = "\n\n".join(f"{_escape(text)}{{={_escape(text)} ~x#{_escape(text)}}}" for text in texts)
    with tempfile.TemporaryDirectory() as folder:
        gift_path = Path(folder) / "acak.gift"
        gift_path.write_text(gift, encoding="utf-8")
        written = import_gift_file(gift_path, Path(folder), PREFIX, set())
        loaded = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert loaded == {"questions": parse_gift(gift, PREFIX)}


_GIFT_TOKENS = ["{", "}", "~", "=", "#", "####", "%50%", "%-100%", "::", "->", "\\", "\\n",
                "\n", "\n\n", "//", "$CATEGORY: x", "[html]", "T", "false", "anak", " "]


@given(st.lists(st.sampled_from(_GIFT_TOKENS)).map("".join) | st.text())
def test_any_input_parses_or_raises_gift_error(source: str) -> None:
    try:
        parsed = parse_gift(source, PREFIX)
    except GiftError as error:
        assert error.line >= 1 and error.message
        return
    for question in parsed:
        assert ID_RE.fullmatch(question["id"])
        assert question["type"] in {"single", "multiple", "truefalse", "short", "essay"}
    assert len({question["id"] for question in parsed}) == len(parsed)


# ---------------------------------------------------------------- import_gift_file


def test_import_writes_readable_yaml_that_loads_back_to_the_same_questions(
    tmp_path: Path,
) -> None:
    written = import_gift_file(ALL_FEATURES, tmp_path, PREFIX, {"m1-q01", "m9-lain"})
    assert written == tmp_path / "questions-gift-all-features.yaml"
    assert list(tmp_path.iterdir()) == [written]  # no temp file left behind
    content = written.read_text(encoding="utf-8")
    expected = parse_gift(ALL_FEATURES.read_text(encoding="utf-8"), PREFIX)
    assert yaml.safe_load(content) == {"questions": expected}
    assert content.startswith("questions:\n  - id: m9-pemeriksaan-kehamilan\n")
    assert "rentenir — apa" in content  # allow_unicode: no \u escapes
    assert "    text: |-\n      Di mana balita ditimbang setiap bulan?\n" in content


@pytest.mark.parametrize(
    ("fixture", "line", "message"),
    [
        ("syntax_error.gift", 7, "never closed"),  # the '{' on line 7 of the second question
        ("matching.gift", 8, "matching questions are not supported"),
    ],
)
def test_import_of_a_broken_file_names_the_line_and_writes_nothing(
    tmp_path: Path, fixture: str, line: int, message: str
) -> None:
    with pytest.raises(GiftError) as caught:
        import_gift_file(FIXTURES / fixture, tmp_path, PREFIX, set())
    assert caught.value.line == line
    assert message in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_import_refuses_an_id_that_already_exists(tmp_path: Path) -> None:
    with pytest.raises(GiftError) as caught:
        import_gift_file(ALL_FEATURES, tmp_path, PREFIX, {"m9-rentenir"})
    assert caught.value.line == _line_of(ALL_FEATURES, "::Rentenir::[html]")
    assert "m9-rentenir" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_import_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "questions-gift-all-features.yaml"
    target.write_text("questions: []\n", encoding="utf-8")
    with pytest.raises(GiftError) as caught:
        import_gift_file(ALL_FEATURES, tmp_path, PREFIX, set())
    assert caught.value.line == 0
    assert "already exists" in caught.value.message
    assert target.read_text(encoding="utf-8") == "questions: []\n"
    assert list(tmp_path.iterdir()) == [target]


def test_import_of_a_file_without_questions_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "kosong.gift"
    empty.write_text("// hanya komentar\n\n$CATEGORY: PKH\n", encoding="utf-8")
    target_dir = tmp_path / "modul"
    target_dir.mkdir()
    with pytest.raises(GiftError) as caught:
        import_gift_file(empty, target_dir, PREFIX, set())
    assert caught.value.line == 0
    assert list(target_dir.iterdir()) == []
