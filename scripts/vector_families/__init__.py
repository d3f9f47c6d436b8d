"""One module per family of test vectors, written to tests/vectors/<kind>/.

``scripts/make_vectors.py`` runs them in order: ``receipt`` (derivation and
parsing), ``envelope`` (one short generator per group of scenarios), ``card``,
``reply`` and ``keyfile``. ``common`` holds the deterministic inputs and the
writer, which stores a vector over 64 KiB gzipped (``<name>.json.gz``).
"""
