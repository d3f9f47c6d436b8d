"""Reading the test vectors: ``<name>.json``, or ``<name>.json.gz`` when large.

``scripts/make_vectors.py`` stores a vector over ``GZIP_OVER`` bytes of JSON
gzipped (the multi-chunk envelopes, the oversized key file); every reader
goes through :func:`vector_files` and :func:`read_vector`, so a scenario is
named the same either way.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).parent / "vectors"
GZIP_OVER = 64 * 1024  # as scripts/vector_families/common.py


def vector_name(path: Path) -> str:
    """The scenario's name: the file name without ``.json`` or ``.json.gz``."""
    return path.name.removesuffix(".gz").removesuffix(".json")


def vector_files(folder: Path) -> list[Path]:
    """Every scenario file in ``folder``, in the order of their names."""
    found = [*folder.glob("*.json"), *folder.glob("*.json.gz")]
    return sorted(found, key=vector_name)


def read_vector(path: Path) -> Any:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return json.loads(data.decode("utf-8"))
