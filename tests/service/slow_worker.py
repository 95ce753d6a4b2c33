"""`padan worker`, with the engine slowed down so a test can kill it in the middle of a run.

Run as a script: python tests/service/slow_worker.py SECONDS
"""

from __future__ import annotations

import sys
import time

import padan.linker.engine as engine
from padan.cli.main import app

real_link = engine.link
delay = float(sys.argv.pop(1))


def slow_link(parties, params, *, executor=None, progress=None):
    for step in range(20):
        if progress:
            progress(step, 20)
        time.sleep(delay / 20)
    return real_link(parties, params, executor=executor, progress=progress)


engine.link = slow_link
app(["worker"])
