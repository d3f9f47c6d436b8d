"""``peluit doctor``'s look at the database itself: does it answer, is it whole?

The database is the data folder's SQLite file, or PostgreSQL when
``PELUIT_DATABASE_URL`` names one (docs/scale.md). The check reaches it
only through :mod:`vault.folder_survey` (web/ names no backend). On a
current schema it runs the consistency checks a restore runs
(vault/consistency.py): every envelope whole, no orphan piece, no case
without its tip; on SQLite also ``integrity_check`` and
``foreign_key_check``. It reads every row, ciphertext included; ``--skip
database`` leaves it out on a vault too large to read at that moment.

On PostgreSQL ``pg_quiet`` also reads the server's settings that would
make it keep what Peluit never keeps (docs/scale.md, "What PostgreSQL
learns about reporters"): statements in its log (``log_statement``
beyond ``ddl``, any ``log_min_duration_statement``, sampled statements),
an error's ``DETAIL`` line with the colliding key and the failed
statement with its parameters (``log_error_verbosity`` other than
``terse``, ``log_min_error_statement`` below ``panic``,
``log_parameter_max_length_on_error``), query plans (``auto_explain``
preloaded) and an exact commit time for every row
(``track_commit_timestamp``). Every line of the server log starts with a
timestamp, so whatever lands there is tied to a moment.
"""

from __future__ import annotations

from vault.folder_survey import (
    database_consistency,
    database_problem,
    on_postgres,
    postgres_settings,
)
from vault.upgrade import schema_state
from web.doctor_checks import Context, Finding, ok, problem

POSTGRES_FIX_ID = (
    "periksa PELUIT_DATABASE_URL dan layanan PostgreSQL (systemctl status postgresql;"
    " docs/scale.md)"
)
POSTGRES_FIX_EN = (
    "check PELUIT_DATABASE_URL and the PostgreSQL service (systemctl status postgresql;"
    " docs/scale.md)"
)


def check_database(ctx: Context) -> list[Finding]:
    engine = "PostgreSQL" if on_postgres() else "SQLite"
    why = database_problem(ctx.folder)
    if why is not None:
        if not on_postgres():
            return []  # no database file: the schema check names it
        return [
            problem(
                "database",
                f"PostgreSQL tidak menjawab: {why}",
                f"PostgreSQL does not answer: {why}",
                POSTGRES_FIX_ID,
                POSTGRES_FIX_EN,
            )
        ]
    if schema_state(ctx.folder.root).pending:
        return []  # an older schema: the schema check says to migrate first
    found = database_consistency(ctx.folder)
    if found.problems:
        listed = "; ".join(found.problems)
        return [
            problem(
                "database",
                f"basis data {engine} tidak utuh: {listed}",
                f"the {engine} database is not whole: {listed}",
                "hentikan peluit, simpan salinan basis data, pulihkan cadangan terakhir"
                " (docs/operations.md)",
                "stop peluit, keep a copy of the database, restore the last backup"
                " (docs/operations.md)",
            )
        ]
    return [
        ok(
            "database",
            f"{engine} menjawab dan utuh: {found.cases} kasus, {found.envelopes} amplop",
            f"{engine} answers and is whole: {found.cases} cases, {found.envelopes} envelopes",
        )
    ]


QUIET_VALUES = {
    "log_min_duration_statement": "-1",
    "track_commit_timestamp": "off",
    "log_error_verbosity": "terse",  # DETAIL (a colliding key) and the statement stay out
    "log_min_error_statement": "panic",  # no failed statement with its parameters
    "log_transaction_sample_rate": "0",
    "log_min_duration_sample": "-1",
    "log_parameter_max_length_on_error": "0",
}
"""Each setting's one quiet value (docs/scale.md); ``log_statement`` may also be ``ddl``."""
PRELOADS = ("shared_preload_libraries", "session_preload_libraries", "local_preload_libraries")


def _loud(settings: dict[str, str]) -> list[str]:
    """``name = value`` for each setting that makes PostgreSQL keep more than Peluit."""
    loud = []
    if settings.get("log_statement", "none") not in ("none", "ddl"):
        loud.append(f"log_statement = {settings['log_statement']}")
    for name, quiet in QUIET_VALUES.items():
        if settings.get(name, quiet) != quiet:
            loud.append(f"{name} = {settings[name]}")
    for name in PRELOADS:
        libraries = [part.strip().strip('"') for part in settings.get(name, "").split(",")]
        if any(lib.rsplit("/", 1)[-1] == "auto_explain" for lib in libraries):
            loud.append(f"{name} = {settings[name]}")  # plans, with parameters, in the log
    return loud


def check_postgres_quiet(ctx: Context) -> list[Finding]:
    settings = postgres_settings(ctx.folder)
    if not settings:
        return []  # SQLite, or a server that does not answer (the database check)
    loud = _loud(settings)
    if loud:
        names = ", ".join(loud)
        quiet = (
            "log_statement = none, log_min_duration_statement = -1,"
            " track_commit_timestamp = off, log_error_verbosity = terse,"
            " log_min_error_statement = panic, log_transaction_sample_rate = 0,"
            " log_min_duration_sample = -1, log_parameter_max_length_on_error = 0"
        )
        return [
            problem(
                "pg_quiet",
                f"PostgreSQL menyimpan lebih dari Peluit: {names}",
                f"PostgreSQL keeps more than Peluit does: {names}",
                f"setel {quiet}, tanpa auto_explain (postgresql.conf; docs/scale.md),"
                " lalu muat ulang",
                f"set {quiet}, no auto_explain (postgresql.conf; docs/scale.md), then reload",
            )
        ]
    return [
        ok(
            "pg_quiet",
            "PostgreSQL tidak mencatat pernyataan, rincian kesalahan, maupun waktu commit",
            "PostgreSQL logs no statements or error details and keeps no commit times",
        )
    ]
