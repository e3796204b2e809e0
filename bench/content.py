"""Time `check-content`, `load-content` and lesson rendering (cold and from the cache).

    .venv/bin/python bench/content.py [--database-url URL] [--repeat 20]

Loads the shipped modules into a fresh database (SQLite in a temporary folder by default),
then times a lesson page through the test client with an empty and with a warm render cache.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lms import create_app, db  # noqa: E402
from lms.content import rendering  # noqa: E402
from lms.content.checker import check_tree  # noqa: E402
from lms.content.loader import load_content  # noqa: E402
from lms.migrate import upgrade_to_head  # noqa: E402
from lms.regions.services import load_regions  # noqa: E402
from lms.users import services  # noqa: E402

LESSON = "/modules/kesehatan-gizi/lessons/m3-gizi-ibu-hamil"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade_to_head(app)
            load_regions(db.session())
            db.session.commit()
            content = app.config["LMS_CONTENT_DIR"]
            check = min(timeit.repeat(lambda: check_tree(content), number=1, repeat=3))
            started = time.perf_counter()
            with db.transaction() as session:
                report = load_content(session, content)
            first = time.perf_counter() - started
            started = time.perf_counter()
            with db.transaction() as session:
                again = load_content(session, content)
            second = time.perf_counter() - started
            user = services.create_user(db.session(), email="bench@fds.id", name="Bench", role="pendamping",
                                        region_codes=["3374"], password="bench-password-1")
            db.session.commit()
            login = user.get_id()
        print(f"check-content (shipped modules):       {ms(check)}")
        print(f"load-content, empty database:          {ms(first)} ({report.created} rows created)")
        print(f"load-content, nothing changed:         {ms(second)} ({again.created + again.updated} changes)")
        body = (Path(content) / "03-kesehatan-gizi" / "01-gizi-ibu-hamil.md").read_text()
        cold = timeit.repeat(lambda: rendering.render_markdown(body), number=1, repeat=args.repeat)
        print(f"render one lesson (markdown + nh3):    median {ms(statistics.median(cold))}")
        client = app.test_client()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = login

        def page_cold() -> None:
            rendering.lesson_cache.clear()
            assert client.get(LESSON).status_code == 200

        def page_warm() -> None:
            assert client.get(LESSON).status_code == 200

        page_warm()
        cold_page = timeit.repeat(page_cold, number=1, repeat=args.repeat)
        warm_page = timeit.repeat(page_warm, number=1, repeat=args.repeat)
        print(f"lesson page, render cache empty:       median {ms(statistics.median(cold_page))}")
        print(f"lesson page, render cache warm:        median {ms(statistics.median(warm_page))}")
        with app.app_context():
            db.engine().dispose()


if __name__ == "__main__":
    main()
