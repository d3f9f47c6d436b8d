"""Hypothesis profiles for the fuzz tests (tests/test_fuzz_*.py).

``HYPOTHESIS_PROFILE=short`` (the default) keeps the suite quick;
``HYPOTHESIS_PROFILE=long`` is the long run (docs/operations.md):

    HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz_*.py

Deadlines catch hangs: one example must finish in a few seconds even on a
loaded two-core machine (Argon2id in the key-file reader is the slowest).
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, settings

_common = {
    "deadline": dt.timedelta(seconds=5),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": False,
}
settings.register_profile("short", max_examples=40, **_common)
settings.register_profile("long", max_examples=5000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "short"))
