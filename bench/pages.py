"""Requests per second and memory of real pages under gunicorn, against a bare Flask page.

    .venv/bin/python bench/pages.py --learners 40000 --seconds 8

Both apps run under the same gunicorn settings (one sync worker) on the same machine; the bare
page is Flask + SQLAlchemy reading one row and rendering a small template, so the ratio shows
what our pages cost on top of the framework. Each worker's peak resident memory (VmHWM) is read
from /proc after the run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.import_users import write_csv  # noqa: E402

BARE_APP = '''
import os
import sqlalchemy as sa
from flask import Flask, render_template_string
engine = sa.create_engine(os.environ["DATABASE_URL"])
app = Flask(__name__)
PAGE = "<!doctype html><html lang=id><title>{{ name }}</title><h1>Halo, {{ name }}</h1><p>{{ email }}</p></html>"
@app.get("/bare")
def bare():
    with engine.connect() as connection:
        name, email = connection.execute(sa.text("SELECT name, email FROM users WHERE id = 1")).one()
    return render_template_string(PAGE, name=name, email=email)
'''


def start_gunicorn(module: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", module],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn {module} did not start")


def worker_peaks_mb(master: subprocess.Popen) -> list[float]:
    peaks = []
    for pid in [master.pid, *map(int, subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True,
                                                      text=True).stdout.split())]:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return peaks


def login(port: int, email: str, password: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/login")
    response = connection.getresponse()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode()).group(1)
    body = urlencode({"csrf_token": token, "email": email, "password": password})
    connection.request("POST", "/login", body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie", "").split(";")[0]


def hammer(port: int, path: str, cookie: str, seconds: float, threads: int) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, bytes) for `threads` keep-alive clients during `seconds`."""
    latencies: list[float] = []
    size = [0]
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            mine.append(time.perf_counter() - started)
            size[0] = len(body)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies.sort()
    return (len(latencies) / seconds, statistics.median(latencies) * 1000,
            latencies[int(len(latencies) * 0.95)] * 1000, size[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=40000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench",
               "LMS_BASE_URL": "http://bench", "PYTHONPATH": str(ROOT)}
        flask = [sys.executable, "-m", "flask", "--app", "app", "lms"]
        for command in (["init"], ["demo"]):
            subprocess.run([*flask, *command], cwd=ROOT, env=env, capture_output=True, check=True)
        write_csv(tmp / "learners.csv", args.learners)
        subprocess.run([*flask, "import-users", str(tmp / "learners.csv")], cwd=ROOT, env=env,
                       capture_output=True, check=True)
        (tmp / "bare.py").write_text(BARE_APP)
        ours = start_gunicorn("app:app", 8701, env, ROOT)
        bare = start_gunicorn("bare:app", 8702, {**env, "PYTHONPATH": str(tmp)}, tmp)
        try:
            baseline, *_ = hammer(8702, "/bare", "", args.seconds, args.threads)
            print(f"{args.learners:,} learners; gunicorn 1 sync worker; "
                  f"{args.threads} clients; {args.seconds:.0f} s each")
            print(f"{'page':<44}{'req/s':>8}{'ratio':>7}{'p50 ms':>8}{'p95 ms':>8}{'bytes':>8}")
            print(f"{'bare Flask + SQLAlchemy /bare':<44}{baseline:8.0f}{1:7.2f}")
            pages = [("anonymous /login", "", "/login"),
                     ("pendamping / (dashboard)", "pendamping@demo.fds.id", "/"),
                     ("pendamping module page", "pendamping@demo.fds.id", "/modules/pengasuhan-anak"),
                     ("pendamping lesson page (records the visit)", "pendamping@demo.fds.id",
                      "/modules/pengasuhan-anak/lessons/m1-orang-tua-lebih-baik"),
                     ("coordinator / (region counts)", "korwil@demo.fds.id", "/"),
                     ("coordinator /users/?role=pendamping", "korwil@demo.fds.id", "/users/?role=pendamping"),
                     ("admin /users/?q=uji 39", "admin@demo.fds.id", "/users/?q=uji+39"),
                     ("trainer /bank/pengasuhan-anak", "pelatih@demo.fds.id", "/bank/pengasuhan-anak"),
                     ("healthz", "", "/healthz")]
            cookies: dict[str, str] = {}
            for label, email, path in pages:
                if email and email not in cookies:
                    cookies[email] = login(8701, email, "demo-fds-2026")
                rate, p50, p95, size = hammer(8701, path, cookies.get(email, ""), args.seconds, args.threads)
                print(f"{label:<44}{rate:8.0f}{rate / baseline:7.2f}{p50:8.1f}{p95:8.1f}{size:8d}")
            print("peak RSS (MB), ours: master + workers:", ", ".join(f"{m:.0f}" for m in worker_peaks_mb(ours)))
            print("peak RSS (MB), bare: master + workers:", ", ".join(f"{m:.0f}" for m in worker_peaks_mb(bare)))
        finally:
            for process in (ours, bare):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
