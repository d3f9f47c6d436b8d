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
beyond ``ddl``, any ``log_min_duration_statement``) and an exact commit
time for every row (``track_commit_timestamp``).
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


def check_postgres_quiet(ctx: Context) -> list[Finding]:
    settings = postgres_settings(ctx.folder)
    if not settings:
        return []  # SQLite, or a server that does not answer (the database check)
    loud = []
    if settings.get("log_statement", "none") not in ("none", "ddl"):
        loud.append(f"log_statement = {settings['log_statement']}")
    if settings.get("log_min_duration_statement", "-1") != "-1":
        loud.append(f"log_min_duration_statement = {settings['log_min_duration_statement']}")
    if settings.get("track_commit_timestamp", "off") != "off":
        loud.append(f"track_commit_timestamp = {settings['track_commit_timestamp']}")
    if loud:
        names = ", ".join(loud)
        return [
            problem(
                "pg_quiet",
                f"PostgreSQL menyimpan lebih dari Peluit: {names}",
                f"PostgreSQL keeps more than Peluit does: {names}",
                "setel log_statement = none, log_min_duration_statement = -1,"
                " track_commit_timestamp = off (postgresql.conf; docs/scale.md), lalu muat ulang",
                "set log_statement = none, log_min_duration_statement = -1,"
                " track_commit_timestamp = off (postgresql.conf; docs/scale.md), then reload",
            )
        ]
    return [
        ok(
            "pg_quiet",
            "PostgreSQL tidak mencatat pernyataan maupun waktu commit",
            "PostgreSQL logs no statements and keeps no commit times",
        )
    ]
