"""The online vault: everything the server stores, and the rules it keeps while storing it.

The vault holds ciphertext it cannot read, the few facts it must know to
keep deadlines (days, statuses, units), staff accounts and an audit log. It
imports no web framework and can load no private key (tests/test_layering.py);
``web/`` reaches it through :class:`vault.store.VaultStore` and
:class:`vault.console_store.ConsoleStore`. What it shares with the
workstation (case statuses, the working-day calendar, durable writes, SQLite
pragmas) is in ``common/``.

The modules, by what they serve (each line: what the module owns;
tests/test_package_maps.py checks that the map and the folder agree).

Reporter side: a report arriving, and a reporter coming back

- ``limits``: size and count limits and their defaults
- ``identifiers``: case and item ids (16 random bytes chosen by the browser)
- ``envelope_shape``: is a ciphertext plausibly an envelope v1, checked without a key
- ``staging``: upload sessions, ciphertext pieces appended in order
- ``item_batch``: a batch of envelopes checked, then stored with its rows
- ``cases``: a case created in one transaction, found by receipt, its status events
- ``case_envelopes``: a case's later envelopes: follow-ups, replies, reading
- ``questionnaires``: a unit's questionnaire versions, published once, never changed
- ``ack_templates``: a unit's signed standard acknowledgements, and which was sent
- ``notifications``: new-report counts per unit and day, and the daily hook

Staff and console: who may do what, and the record of it

- ``staff``: accounts, roles and sign-in: the one name the rest of Peluit imports
- ``staff_accounts``: who an account is, its role and units, its password hash
- ``staff_login``: sign-in with password and TOTP, replay refusal, throttling
- ``staff_sessions``: console sessions, in memory only
- ``staff_totp``: TOTP secrets, sealed at rest, checked against one-time codes
- ``console_store``: what the console may ask of storage, roles enforced here
- ``console_access``: who is asking and which cases they may see
- ``console_accounts``: administrators manage accounts, everyone signs in
- ``console_cases``: inspectors' case list, one case, assignment, status changes
- ``console_ack``: an inspector of the case's unit sends a standard message
- ``console_figures``: per-unit figures and the audit log, for inspectors and auditors
- ``console_quarantine``: quarantine notes and re-export, for the unit's inspectors
- ``console_questionnaires``: administrators list and publish questionnaire versions
- ``console_units``: administrators register unit cards and change unit settings
- ``units``: inspectorate units: their signed public cards and settings
- ``unit_lifetime``: retiring a unit, removing one that never took a report
- ``audit_log``: the staff audit log, append-only and hash-chained

Lifecycle and deadlines: what happens to a case over time

- ``lifecycle``: the case state machine applied to the database
- ``deadlines``: working-day deadlines: which clock runs, when it is due, pauses
- ``working_days``: the data folder's cuti bersama file, read again when it changes
- ``retention``: destroying a case at the end of its retention period or on order
- ``daily_jobs``: the day each daily job last completed, for ``peluit doctor``

Bundles: crossing the air gap on a USB stick (docs/spec/bundles-v1.md)

- ``export_bundle``: new and changed cases of one unit, for the workstation
- ``reply_import``: reply bundles checked completely, then applied at once
- ``reexport``: a case or a whole unit asked to cross the air gap again
- ``quarantine_notes``: what the workstation held in quarantine, as it reports it

Storage: one SQLite file in one data folder (or PostgreSQL), and keeping it whole

- ``store``: the storage interface of the online vault and its implementation
- ``housekeeping``: the storage interface of the operator's commands (retention, deadlines)
- ``folder_survey``: the doctor's read-only look at the vault's database (SQLite or PostgreSQL)
- ``database``: SQLite connections with every pragma, explicit transactions; the engine switch
- ``pg_database``: the same connection surface on PostgreSQL (docs/scale.md)
- ``job_lock``: one copy of each daily job at a time (a folder lock; PostgreSQL: advisory)
- ``group_commit``: concurrent writers sharing one transaction and one commit
- ``writer_lock``: SQLite writers of every process waiting in the kernel, one at a time
- ``schema``: numbered SQL migrations in ``vault/migrations/``
- ``upgrade``: schema upgrades, with a backup first (SQLite; PostgreSQL's are its own)
- ``blob_store``: ciphertext as rows, in pieces of at most 1 MiB
- ``blob_files``: moving an earlier version's ciphertext files into the database
- ``data_folder``: where the vault keeps everything it keeps
- ``folder_lock``: who else has the data folder open
- ``file_times``: reads that leave no access time on the database files
- ``consistency``: is a data folder whole after a crash, a restore or a full disk
- ``backup``: backing up a running vault, restoring into a fresh folder
- ``errors``: the vault's errors, each with a message safe to show
"""
