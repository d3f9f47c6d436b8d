"""The air-gapped workstation (``peluit-ws``): where a unit's inspectors read and answer reports.

It holds the unit's private keys, opens what the online vault cannot, and
sends back only signed, encrypted bundles on a USB stick. It never imports
``web/`` or ``vault/`` (tests/test_layering.py); what it shares with them
(case statuses, the working-day calendar, durable writes, SQLite pragmas,
days in words) is in ``common/``. :class:`workstation.desk.Desk` is the
service layer that the command line and the local UI both call.

The modules, by what they serve (each line: what the module owns;
tests/test_package_maps.py checks that the map and the folder agree).

Keys: the unit's keys, their backup and the second key

- ``ceremony``: the key ceremony: a unit's keys, its key file and its public card
- ``keyring``: opening the key file, and rewriting it safely
- ``passphrase``: how strong a key-file passphrase must be
- ``card_issue``: the unit card the key file calls for, and how to register it
- ``rotation``: rotating the unit's encryption key
- ``backup``: backups as Shamir shares (SLIP-39), k of n
- ``custodian``: the second key, held by another person, that alone opens identities
- ``local_key``: the workstation key that seals what only it keeps

Bundles: what crosses the air gap

- ``bundle_import``: importing an export bundle, completely or not at all
- ``entry_checks``: the per-entry checks shared by the import and a quarantine retry
- ``quarantine``: entries that did not verify, kept but never shown as content
- ``reply_bundle``: queued replies, status changes and messages, and their bundle
- ``forwarding``: a redacted summary sealed to another unit (*pelimpahan*)
- ``lifecycle``: the checks made before a status change is queued

Case work: reading, assessing, answering

- ``desk``: the service layer the CLI and the UI both call
- ``reading``: a case opened for reading, decrypted in memory only when viewed
- ``attachments``: saving an attachment where the inspector asks, nowhere else
- ``sniff``: what an attachment really is, and whether it can act on its own
- ``terminal``: text from reporters made safe to show
- ``questionnaire``: the report form's labels, as the reporter saw the questions
- ``triage``: the inspector's own assessment, sealed at rest
- ``templates``: reply templates and the unit's standard messages
- ``code_names``: Indonesian and English names of the lifecycle and triage codes

Reports: aggregate figures for the unit's leadership

- ``reports``: the figures for a period, in the unit's layout, as CSV and HTML
- ``report_layout``: which periods and sections, in which order, titled how
- ``charts``: SVG bar charts with no script and no inline style

Storage: one SQLite file in the workstation folder

- ``store``: the local store (docs/spec/workstation-store-v1.md)
- ``outbox``: the outbox and the reply bundles that carried it, its only home
- ``held_rows``: the quarantine table's rows
- ``case_view``: what the desk shows of a case and of the case list
- ``database``: the connection with every pragma, explicit transactions, migrations
- ``durable``: a batch of new files made durable with one flush
- ``errors``: the workstation's errors, each safe to print

Command line and local UI

- ``cli``: ``peluit-ws``, its entry point
- ``cli_parser``: the argument parser of every subcommand but ``init``
- ``cli_commands``: the subcommands on top of the desk and the key tools
- ``cli_tools``: ``ui``, ``forward``, ``open-forward``, ``report``, ``report-layout``
- ``cli_words``: the command line's words, English and Indonesian
- ``prompts``: reading passphrases, shares and texts from the inspector
- ``ui``: the local UI on loopback (its own map: ``workstation/ui/__init__.py``)
"""
