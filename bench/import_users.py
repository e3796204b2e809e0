"""Time and peak memory of `lms import-users` for generated recruitment lists.

    .venv/bin/python bench/import_users.py --rows 5000 40000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "app", "lms"]
KECAMATAN = {"3374": "337401", "1871": "187101", "9171": "917101", "5171": "517101"}


def write_csv(path: Path, rows: int) -> None:
    codes = list(KECAMATAN)
    with path.open("w") as handle:
        handle.write("name,email,phone,region_code,recruitment_year,kecamatan_code\n")
        for n in range(rows):
            code = codes[n % len(codes)]
            handle.write(f"Pendamping Uji {n},bench{n}@rekrut.example.id,0812{n:08d},{code},2026,{KECAMATAN[code]}\n")


def measure(command: list[str], env: dict[str, str]) -> dict:
    output = subprocess.run([sys.executable, str(ROOT / "bench" / "_measure.py"), *command],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output)
    if figures["returncode"] != 0:
        sys.exit(f"{' '.join(command)} failed:\n{figures['tail']}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 40000])
    parser.add_argument("--database-url", default=None,
                        help="an empty database to use (its users are added to); default: a fresh SQLite file")
    args = parser.parse_args()
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.db"
            env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "LMS_BASE_URL": "http://bench"}
            subprocess.run([*FLASK, "init"], cwd=ROOT, env=env, capture_output=True, check=True)
            csv_path = Path(tmp) / "recruits.csv"
            write_csv(csv_path, rows)
            figures = measure([*FLASK, "import-users", str(csv_path)], env)
            print(f"import-users {rows:>6,} rows on {url.split(':', 1)[0]:<10}: {figures['seconds']:6.2f} s "
                  f"({rows / figures['seconds']:,.0f} rows/s), peak RSS {figures['peak_rss_kib'] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
