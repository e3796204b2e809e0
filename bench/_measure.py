"""Run one command as this process's only child; print its wall time and peak RSS as JSON.

Used by the bench scripts: `ru_maxrss` of RUSAGE_CHILDREN is then exactly that command's peak.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

started = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "peak_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "returncode": result.returncode,
    "tail": (result.stdout + result.stderr)[-1500:],
}))
