"""What every layer of Peluit shares: one home instead of deliberate copies.

The layering (tests/test_layering.py) keeps the workstation away from the
vault and the web app, and the vault away from the workstation. What they
must all agree on lives here, once; every package may import it, and it
imports nothing of Peluit (only the standard library and the pinned
third-party packages). It holds no cryptography and no storage policy.

- ``case_status``: the case statuses, their codes (outcome, reason,
  referral target) and the transitions allowed between them;
- ``days``: today's date in Jakarta, the only clock resolution Peluit keeps;
- ``day_words``: days and months in words, in Indonesian and English;
- ``working_days``: the working-day calendar (weekends, national holidays,
  cuti bersama) and its file, ``cuti_bersama.json``, shipped here;
- ``durable_file``: writes that survive a crash (fsync the file, rename,
  fsync the folder) and overwrite-then-unlink;
- ``sqlite_files``: opening a SQLite file (every pragma, owner-only files)
  and the write transaction;
- ``security_headers``: the response headers every page gets, online and on
  the workstation's loopback UI;
- ``same_origin``: where a redirect may lead (a path on this origin only);
- ``cli_language``: which language a command line speaks (``LC_ALL``,
  ``LC_MESSAGES``, ``LANG``);
- ``strict_json``: parsing hostile JSON (UTF-8 only, no duplicate keys, no
  NaN, no lone surrogates).
"""
