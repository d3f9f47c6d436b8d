# ruff: noqa: E501  (whole sentences read better unbroken)
"""The command line's words: English message ids and their Indonesian translations.

``peluit-ws`` follows the locale: Indonesian when the first of ``LC_ALL``,
``LC_MESSAGES``, ``LANG`` that is set starts with ``id``, English otherwise.
The table has the shape of :mod:`workstation.ui.words` (English id →
Indonesian), the one mechanism of this package; it is a separate table
because the UI chooses its language per page (``/en``) while the command
line follows the locale, and because ``workstation/`` may not import
``web/``'s Babel catalog. :func:`translated` also puts the English
``user_message`` of the workstation's errors into Indonesian by matching
it against the same templates. tests/test_cli_words.py checks that every id
the command line uses is here, with the same ``{placeholders}``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from common.cli_language import language
from workstation.code_names import NAMES
from workstation.code_names import name as code_name

INDONESIAN: Final[dict[str, str]] = {
    # errors and hints (workstation/cli.py and the errors it shows)
    "interrupted; nothing more was done": "dihentikan; tidak ada lagi yang dikerjakan",
    "cannot read or write a file": "berkas tidak dapat dibaca atau ditulis",
    "{why}: {path}": "{why}: {path}",
    "weak passphrase: {why}": "frasa sandi lemah: {why}",
    "too few different characters; use five or more random words": "terlalu sedikit karakter yang berbeda; pakai lima kata acak atau lebih",
    "a run of keyboard or digit sequence; use five or more random words": "urutan tombol papan ketik atau angka; pakai lima kata acak atau lebih",
    "use at least {words} random words, or {chars}+ characters mixing lower case, upper case, digits and symbols": "pakai paling sedikit {words} kata acak, atau {chars} karakter lebih yang mencampur huruf kecil, huruf besar, angka, dan simbol",
    "{path} exists; keys are never overwritten": "{path} sudah ada; kunci tidak pernah ditimpa",
    "the two passphrases differ": "kedua frasa sandi berbeda",
    "new passphrase (five or more random words): ": "frasa sandi baru (lima kata acak atau lebih): ",
    "repeat it: ": "ulangi: ",
    "passphrase: ": "frasa sandi: ",
    "custodian passphrase: ": "frasa sandi kustodian: ",
    "--unit-id and --name are required": "--unit-id dan --name wajib diisi",
    "or use --demo for a demo unit": "atau pakai --demo untuk unit percobaan",
    "choose an empty folder": "pilih folder yang kosong",
    "the reply is empty": "balasannya kosong",
    "the reply is empty: no terminal to open an editor on, and nothing came on stdin": "balasannya kosong: tidak ada terminal untuk membuka editor, dan tidak ada teks dari stdin",
    "type the reply in the editor on a terminal, or send it on stdin after the passphrase line: printf '%s\\n%s\\n' PASSPHRASE TEXT | peluit-ws reply CASE": "ketik balasan di editor pada terminal, atau kirim lewat stdin sesudah baris frasa sandi: printf '%s\\n%s\\n' FRASA TEKS | peluit-ws reply KASUS",
    "the reply is empty: the editor {editor} saved no text (lines starting with # are dropped)": "balasannya kosong: editor {editor} tidak menyimpan teks (baris yang diawali # dibuang)",
    "the reply is longer than {max} characters": "balasannya lebih dari {max} karakter",
    "nothing is queued: no reply, status change or standard message": "tidak ada yang menunggu dikirim: tidak ada balasan, perubahan status, atau pesan standar",
    "{path} exists; choose a new file name": "{path} sudah ada; pilih nama berkas baru",
    "no such case on this workstation": "kasus itu tidak ada di workstation ini",
    "no case {reference} on this workstation": "kasus {reference} tidak ada di workstation ini",
    "no item {item} in this case": "butir {item} tidak ada di kasus ini",
    "item {item} is a {kind}, not an attachment": "butir {item} adalah {kind}, bukan lampiran",
    "no such item in this case": "butir itu tidak ada di kasus ini",
    "this folder holds no unit key file": "folder ini tidak berisi berkas kunci unit",
    "the workstation could not do this": "workstation tidak dapat melakukan ini",
    "the unit card in this folder does not belong to this key file": "kartu unit di folder ini bukan milik berkas kunci ini",
    "wrong passphrase, or the key file was altered": "frasa sandi salah, atau berkas kunci telah diubah",
    "This item could not be decrypted.": "Butir ini tidak dapat didekripsi.",
    "This key file is not valid.": "Berkas kunci ini tidak sah.",
    "a case that is {current} cannot become {new} (allowed: {allowed})": "kasus berstatus {current} tidak dapat menjadi {new} (yang boleh: {allowed})",
    "this status needs --{name}: one of {allowed}": "status ini memerlukan --{name}: salah satu dari {allowed}",
    "--{name} does not belong to this status": "--{name} tidak berlaku untuk status ini",
    "with --use-name, --out is the folder to save into": "dengan --use-name, --out adalah folder tujuan penyimpanan",
    "this case has no identity section": "kasus ini tidak memiliki bagian identitas",
    "this identity is sealed to the custodian's key: the custodian's key file and passphrase are needed": "identitas ini disegel untuk kunci kustodian: berkas kunci dan frasa sandi kustodian diperlukan",
    "custodian attach needs --card custodian-card.json": "custodian attach memerlukan --card custodian-card.json",
    "bundle rejected: {check}; nothing was imported": "paket ditolak: {check}; tidak ada yang diimpor",
    "bundle rejected: {check} ({detail}); nothing was imported": "paket ditolak: {check} ({detail}); tidak ada yang diimpor",
    "{path} exists; the workstation never overwrites a file": "{path} sudah ada; workstation tidak pernah menimpa berkas",
    "the folder {path} does not exist": "folder {path} tidak ada",
    "this attachment could not be decrypted; nothing was saved": "lampiran ini tidak dapat didekripsi; tidak ada yang disimpan",
    "use 2 <= threshold <= shares <= 16 (for example --shares 5 --threshold 3)": "pakai 2 <= threshold <= shares <= 16 (misalnya --shares 5 --threshold 3)",
    "these shares do not open this backup file (shares from another backup?)": "bagian-bagian ini tidak membuka berkas cadangan ini (bagian dari cadangan lain?)",
    "this case has no answer {field} to include or exclude": "kasus ini tidak memiliki jawaban {field} untuk disertakan atau dikecualikan",
    "the summary is longer than {max} characters": "ringkasannya lebih dari {max} karakter",
    "forward to another unit's card, not to this unit's own": "limpahkan ke kartu unit lain, bukan ke kartu unit ini sendiri",
    "unknown target {target}; one of {allowed}": "tujuan {target} tidak dikenal; salah satu dari {allowed}",
    "{what} is larger than {max} bytes": "{what} lebih dari {max} bita",
    "unknown {name} {value}; one of {allowed}": "{name} {value} tidak dikenal; salah satu dari {allowed}",
    "unknown status {value}; one of: {allowed}": "status {value} tidak dikenal; salah satu dari: {allowed}",
    "local data is damaged": "data lokal rusak",
    "local data is damaged or belongs to another case": "data lokal rusak atau milik kasus lain",
    "a text item is larger than 4 MiB; not shown": "butir teks lebih dari 4 MiB; tidak ditampilkan",
    "the decrypted item is not a JSON object": "butir yang didekripsi bukan objek JSON",
    "the period is a month (2026-11), a quarter (2026-Q4) or a year (2026)": "periode berupa bulan (2026-11), triwulan (2026-Q4), atau tahun (2026)",
    "the period is a month (2026-11), a quarter (2026-Q4), a half-year (2026-S2) or a year (2026)": "periode berupa bulan (2026-11), triwulan (2026-Q4), semester (2026-S2), atau tahun (2026)",
    "the {layout} layout does not report by {kind}; its periods look like {examples}": "tata letak {layout} tidak melaporkan per {kind}; periodenya seperti {examples}",
    "no report layout {name}; available: {names}": "tata letak laporan {name} tidak ada; yang ada: {names}",
    "no such file: {file}": "berkas tidak ada: {file}",
    "the store's unit cannot be changed": "unit milik penyimpanan ini tidak dapat diubah",
    "month": "bulan",
    "quarter": "triwulan",
    "half-year": "semester",
    "year": "tahun",
    "the month is 01 to 12": "bulan ditulis 01 sampai 12",
    "this store belongs to unit {store}, not {unit}": "penyimpanan ini milik unit {store}, bukan {unit}",
    "template {name} needs --fill {blank}=...": "templat {name} memerlukan --fill {blank}=...",
    "{what} is longer than {max} characters": "{what} lebih dari {max} karakter",
    "a range of days too long to count": "rentang hari terlalu panjang untuk dihitung",
    "the shares do not rebuild the backup secret: {why}": "bagian-bagian ini tidak membentuk kembali rahasia cadangan: {why}",
    "write a summary: the forwarded file needs the inspector's own words": "tulis ringkasan: berkas pelimpahan memerlukan kata-kata inspektur sendiri",
    "{what} not found: {path}": "{what} tidak ditemukan: {path}",
    "cannot read {what}: {why}": "{what} tidak dapat dibaca: {why}",
    "nothing is held as #{id}: see 'peluit-ws quarantine list'": "tidak ada yang ditahan dengan nomor #{id}: lihat 'peluit-ws quarantine list'",
    "unknown template {name}; one of: {allowed}": "templat {name} tidak dikenal; salah satu dari: {allowed}",
    "urgency is one of: {allowed}": "urgensi adalah salah satu dari: {allowed}",
    "retaliation risk is one of: {allowed}": "risiko pembalasan adalah salah satu dari: {allowed}",
    "cuti bersama file: {why}": "berkas cuti bersama: {why}",
    "too large": "terlalu besar",
    "format must be {format} with years": "format harus {format} dengan tahun",
    "not a JSON object": "bukan objek JSON",
    "year {year} needs a list of days": "tahun {year} memerlukan daftar tanggal",
    "{day} is not a day of {year}": "{day} bukan tanggal pada tahun {year}",
    "signed by the unit": "ditandatangani unit",
    "standard message, signed by the unit": "pesan standar, ditandatangani unit",
    "WARNING: signature does not verify": "PERINGATAN: tanda tangan tidak sah",
    "cannot be read: {why}": "tidak dapat dibaca: {why}",
    "{note}; queued, not sent yet": "{note}; menunggu, belum dikirim",
    "{note}; sent in reply bundle {bundle}": "{note}; terkirim dalam paket balasan {bundle}",
    # the UI's own refusals (workstation/ui/)
    "the field {name} is empty": "isian {name} kosong",
    "the field {name} is longer than {max} characters": "isian {name} lebih dari {max} karakter",
    "the field {name} is not a path": "isian {name} bukan jalur berkas",
    "a form must be sent as application/x-www-form-urlencoded": "formulir harus dikirim sebagai application/x-www-form-urlencoded",
    "the form is too large": "formulirnya terlalu besar",
    "the form could not be read": "formulir tidak dapat dibaca",
    "tick the box: the identity opens only deliberately": "centang kotaknya: identitas hanya dibuka dengan sengaja",
    "the other unit's card: {why}": "kartu unit tujuan: {why}",
    "the workstation UI listens on 127.0.0.1 or ::1 only, never on {host}": "antarmuka workstation hanya mendengarkan di 127.0.0.1 atau ::1, tidak pernah di {host}",
    # a unit card that does not pass (crypto/unit_card.py), on the forwarding page
    "This unit card is not valid.": "Kartu unit ini tidak sah.",
    "The card's unit id is not 1 to 64 characters of a-z, 0-9 and '-'.": "ID unit pada kartu bukan 1 sampai 64 karakter a-z, 0-9, dan '-'.",
    "The card's name must be 1 to 200 characters.": "Nama pada kartu harus 1 sampai 200 karakter.",
    "The card's jurisdiction must be at most 2000 characters.": "Wilayah kewenangan pada kartu paling banyak 2000 karakter.",
    "The card's creation date is not YYYY-MM-DD.": "Tanggal pembuatan kartu tidak berbentuk YYYY-MM-DD.",
    "The card's {name} is not base64url.": "{name} pada kartu bukan base64url.",
    "The card's {name} has the wrong length.": "Panjang {name} pada kartu salah.",
    "The card is larger than 16 KiB.": "Kartu lebih besar dari 16 KiB.",
    "The card is not a UTF-8 JSON object.": "Kartu bukan objek JSON UTF-8.",
    "The card has missing or unknown fields.": "Kartu kekurangan isian atau memuat isian yang tidak dikenal.",
    "Unknown card format.": "Format kartu tidak dikenal.",
    "Unknown card version.": "Versi kartu tidak dikenal.",
    "The card holds an invalid public key.": "Kartu memuat kunci publik yang tidak sah.",
    "The card's signature does not verify.": "Tanda tangan kartu tidak sah.",
    # why a bundle was rejected (crypto/bundle.py, crypto/bundle_schema.py, workstation/bundle_import.py)
    "the file ends early (truncated)": "berkas berakhir terlalu cepat (terpotong)",
    "entry {number} does not start like an envelope v1": "entri {number} tidak diawali seperti amplop v1",
    "the bundle was not read to its end": "paket tidak terbaca sampai akhir",
    "this is not a Peluit {kind} bundle, version 1": "ini bukan paket {kind} Peluit versi 1",
    "export": "ekspor",
    "reply": "balasan",
    "the header": "kepala paket",
    "the trailer": "penutup paket",
    "entry {number}'s meta": "metadata entri {number}",
    "{where} is larger than 64 KiB": "{where} lebih besar dari 64 KiB",
    "{where} is not a strict JSON object": "{where} bukan objek JSON yang ketat",
    "{where} lacks the field {name}": "{where} tidak memuat isian {name}",
    "{where} has an unknown field {name}": "{where} memuat isian {name} yang tidak dikenal",
    "{where}'s field {name} is not valid": "isian {name} pada {where} tidak sah",
    "the header's 'since_seq' is not before 'export_seq'": "'since_seq' pada kepala paket tidak lebih kecil dari 'export_seq'",
    "the trailer's data length is not 0": "panjang data penutup paket bukan 0",
    "the trailer's entry count does not match": "jumlah entri pada penutup paket tidak cocok",
    "the trailer's sha256 does not match the bundle": "sha256 pada penutup paket tidak cocok dengan paketnya",
    "there are bytes after the end of the bundle": "ada bita sesudah akhir paket",
    "entry {number} is over the limit on entries": "entri {number} melewati batas jumlah entri",
    "entry {number}'s data_len is over its bound": "data_len entri {number} melewati batasnya",
    "entry {number}'s data_len is not its size": "data_len entri {number} tidak sama dengan ukurannya",
    "entry {number} is over the limit on data": "entri {number} melewati batas ukuran data",
    "the bundle holds more bytes than it declares": "paket memuat lebih banyak bita daripada yang dinyatakannya",
    "the bundle holds more cases than it declares": "paket memuat lebih banyak kasus daripada yang dinyatakannya",
    "the bundle holds more envelopes than it declares": "paket memuat lebih banyak amplop daripada yang dinyatakannya",
    "the bundle's entries do not match its declared totals": "entri paket tidak cocok dengan jumlah yang dinyatakannya",
    "the signature does not verify with the unit's key": "tanda tangan tidak sah menurut kunci unit",
    "entry {number} has an unknown type 0x{code}": "entri {number} berjenis 0x{code} yang tidak dikenal",
    "entry {number}'s sha256 does not match its data": "sha256 entri {number} tidak cocok dengan datanya",
    "entry {number} repeats a case": "entri {number} mengulang sebuah kasus",
    "entry {number} repeats an item_id": "entri {number} mengulang sebuah item_id",
    "entry {number} repeats a questionnaire version": "entri {number} mengulang sebuah versi kuesioner",
    "entry {number} repeats a template_id": "entri {number} mengulang sebuah template_id",
    "entry {number} is for a case not announced before it": "entri {number} milik kasus yang belum disebut sebelumnya",
    "a questionnaire version is not what its entry says": "sebuah versi kuesioner tidak sesuai dengan yang disebut entrinya",
    "a questionnaire version in the bundle is not valid": "sebuah versi kuesioner dalam paket tidak sah",
    "the bundle is for unit {unit}, this workstation holds unit {store}": "paket ini untuk unit {unit}, sedangkan workstation ini memegang unit {store}",
    "export {seq} is not newer than the last import ({last})": "ekspor {seq} tidak lebih baru daripada impor terakhir ({last})",
    "this export follows export {since}, but the last one imported here is {last}: import the missing bundle first": "ekspor ini menyambung ekspor {since}, padahal yang terakhir diimpor di sini adalah {last}: impor dulu paket yang terlewat",
    "cannot read the bundle: {why}": "paket tidak dapat dibaca: {why}",
    # why an entry was held in quarantine (workstation/entry_checks.py)
    "the case entry has an unknown status": "entri kasus memuat status yang tidak dikenal",
    "the case entry changes a known case's reference or reporter key (the stored ones are kept)": "entri kasus mengubah nomor atau kunci pelapor kasus yang sudah ada (yang tersimpan dipertahankan)",
    "a {kind} is not written by {author}": "{kind} tidak ditulis oleh {author}",
    "the tip was not sealed to the reporter key the export names (the key was swapped): replies to this case would go to someone else": "laporan tidak disegel untuk kunci pelapor yang disebut ekspor (kuncinya ditukar): balasan untuk kasus ini akan sampai ke orang lain",
    "the case entry's reporter key is not an X-Wing key": "kunci pelapor pada entri kasus bukan kunci X-Wing",
    "this item id is stored already with other content or in another case (the stored item is kept)": "nomor butir ini sudah tersimpan dengan isi lain atau di kasus lain (butir yang tersimpan dipertahankan)",
    "does not open with this unit's keys under its unit, case, kind and item (forged, altered, truncated, or sealed to a key this workstation lacks)": "tidak dapat dibuka dengan kunci unit ini untuk unit, kasus, jenis, dan butirnya (dipalsukan, diubah, terpotong, atau disegel untuk kunci yang tidak dimiliki workstation ini)",
    # what an attachment is (workstation/sniff.py)
    "PDF document": "dokumen PDF",
    "JPEG image": "gambar JPEG",
    "PNG image": "gambar PNG",
    "GIF image": "gambar GIF",
    "Office document (OOXML: docx/xlsx/pptx)": "dokumen Office (OOXML: docx/xlsx/pptx)",
    "ZIP archive": "arsip ZIP",
    "legacy Office document (OLE2: doc/xls/ppt)": "dokumen Office lama (OLE2: doc/xls/ppt)",
    "Windows executable (PE)": "program Windows (PE)",
    "Linux executable (ELF)": "program Linux (ELF)",
    "macOS executable (Mach-O)": "program macOS (Mach-O)",
    "script (#!)": "skrip (#!)",
    "HTML page": "halaman HTML",
    "SVG image (can hold scripts)": "gambar SVG (dapat memuat skrip)",
    "plain text": "teks biasa",
    "type not recognised (not a common document, image or program)": "jenis tidak dikenali (bukan dokumen, gambar, atau program yang umum)",
    "contains macros (vbaProject.bin)": "berisi makro (vbaProject.bin)",
    "legacy Office file: macros possible": "berkas Office lama: mungkin berisi makro",
    "executable program: never run it": "program yang dapat dijalankan: jangan pernah menjalankannya",
    "active content (scripts): never open it in a browser or run it": "konten aktif (skrip): jangan pernah membukanya di peramban atau menjalankannya",
    "PDF with active content ({names})": "PDF dengan konten aktif ({names})",
    # --help
    "Peluit air-gapped workstation": "Workstation Peluit tanpa jaringan",
    "127.0.0.1 or ::1 only": "hanya 127.0.0.1 atau ::1",
    "2026-11, 2026-Q4 or 2026": "2026-11, 2026-Q4 atau 2026",
    "2026-11, 2026-Q4, 2026-S2 or 2026": "2026-11, 2026-Q4, 2026-S2 atau 2026",
    "this time only: another layout than the unit's": "kali ini saja: tata letak selain milik unit",
    "a clearly marked demo unit": "unit percobaan yang ditandai jelas",
    "a separate key that alone opens identities": "kunci terpisah yang satu-satunya dapat membuka identitas",
    "accept a bundle that does not follow the last one imported": "terima paket yang tidak menyambung dengan paket terakhir yang diimpor",
    "add a new encryption key and write a new unit card": "tambahkan kunci enkripsi baru dan tulis kartu unit baru",
    "aggregate figures for leadership (HTML with SVG, CSV)": "angka agregat untuk pimpinan (HTML dengan SVG, CSV)",
    "back the keys up as Shamir shares (k of n)": "cadangkan kunci sebagai bagian Shamir (k dari n)",
    "create a unit's keys, key file and public card": "buat kunci unit, berkas kunci, dan kartu publik",
    "custodian-card.json (for attach)": "custodian-card.json (untuk attach)",
    "file to write (a folder with --use-name)": "berkas yang ditulis (sebuah folder dengan --use-name)",
    "folder to write into": "folder tujuan penulisan",
    "list released entries too": "tampilkan juga butir yang sudah dilepas",
    "open the identity (logged)": "buka identitas (dicatat)",
    "rebuild the key file from k shares and the backup file": "bangun kembali berkas kunci dari k bagian dan berkas cadangan",
    "retry only these (default: all)": "coba ulang hanya ini (bawaan: semua)",
    "run mat2 on the saved copy": "jalankan mat2 pada salinan yang disimpan",
    "seal a redacted summary of a case to another unit": "segel ringkasan tersamar sebuah kasus untuk unit lain",
    "send the identity section too (opening it is logged)": "kirim juga bagian identitas (pembukaannya dicatat)",
    "the attachment's number in 'show', or its item id": "nomor lampiran di 'show', atau id butirnya",
    "the custodian's key folder": "folder kunci kustodian",
    "the file to deliver": "berkas yang akan diserahkan",
    "the local web UI on 127.0.0.1 (never another address)": "antarmuka web lokal di 127.0.0.1 (tidak pernah alamat lain)",
    "the other unit's unit-card.json": "unit-card.json milik unit lain",
    "the sender's card, to pin it": "kartu pengirim, untuk memastikannya",
    "use the reporter's file name, cleaned": "pakai nama berkas dari pelapor, dibersihkan",
    "verify and read a summary another unit sent": "periksa dan baca ringkasan kiriman unit lain",
    "workstation folder (default: $PELUIT_WS_DIR or .)": "folder workstation (bawaan: $PELUIT_WS_DIR atau .)",
    "workstation folder (or -C)": "folder workstation (atau -C)",
    "write numbered share files and the backup file here": "tulis berkas bagian bernomor dan berkas cadangan di sini",
    "import an export bundle from the online vault": "impor paket ekspor dari server daring",
    "entries an import held back: list, or retry": "butir yang ditahan saat impor: tampilkan, atau coba ulang",
    "list cases: reference, status, days, urgency": "daftar kasus: nomor, status, tanggal, urgensi",
    "show a case (identity stays closed)": "tampilkan kasus (identitas tetap tertutup)",
    "save an attachment (never opened, never overwrites)": "simpan lampiran (tidak dibuka, tidak menimpa)",
    "record triage (kept on this workstation, encrypted)": "catat penilaian awal (disimpan di workstation ini, terenkripsi)",
    "queue a signed, encrypted reply to the reporter": "antrekan balasan bertanda tangan dan terenkripsi untuk pelapor",
    "queue a status change": "antrekan perubahan status",
    "list templates, or sign the standard messages": "daftar templat, atau tanda tangani pesan standar",
    "write the signed reply bundle": "tulis paket balasan bertanda tangan",
    "every opening of an identity section": "setiap pembukaan bagian identitas",
    "mat2 is not installed: metadata was NOT removed (install mat2, then save again)": "mat2 belum terpasang: metadata TIDAK dihapus (pasang mat2, lalu simpan lagi)",
    "mat2 failed: metadata was NOT removed": "mat2 gagal: metadata TIDAK dihapus",
    "mat2 could not clean this file type: metadata was NOT removed": "mat2 tidak dapat membersihkan jenis berkas ini: metadata TIDAK dihapus",
    "metadata removed with mat2 (check the file before forwarding it)": "metadata dihapus dengan mat2 (periksa berkasnya sebelum meneruskannya)",
    "workstation UI on {address} (loopback only); ctrl-c to stop": "antarmuka workstation di {address} (hanya loopback); ctrl-c untuk berhenti",
    # init, rotate, custodian
    "unit card written to {path}": "kartu unit ditulis ke {path}",
    "register it online on the server with: peluit unit add {path}": "daftarkan kartu ini di server daring dengan: peluit unit add {path}",
    "fingerprint to publish: {fingerprint}": "sidik jari untuk diumumkan: {fingerprint}",
    "DEMO unit; its passphrase is in {path}": "unit DEMO; frasa sandinya ada di {path}",
    "new encryption key added; new card written to {path}": "kunci enkripsi baru ditambahkan; kartu baru ditulis ke {path}",
    "register it online on the server with: peluit unit add {path} --rotation": "daftarkan kartu ini di server daring dengan: peluit unit add {path} --rotation",
    "new fingerprint to publish: {fingerprint}": "sidik jari baru untuk diumumkan: {fingerprint}",
    "the custodian key stays on the card": "kunci kustodian tetap di kartu",
    "old keys are kept for old reports; make a new backup now": "kunci lama disimpan untuk laporan lama; buat cadangan baru sekarang",
    "custodian key file and card written to {path}": "berkas kunci dan kartu kustodian ditulis ke {path}",
    "custodian fingerprint: {fingerprint}": "sidik jari kustodian: {fingerprint}",
    "custodian key attached (fingerprint {fingerprint}); identities sealed to it need the custodian's key file and passphrase to open": "kunci kustodian dipasang (sidik jari {fingerprint}); identitas yang disegel untuknya hanya terbuka dengan berkas kunci dan frasa sandi kustodian",
    "until this card is registered, identities are still sealed to the unit key": "sampai kartu ini terdaftar, identitas masih disegel ke kunci unit",
    "make a new backup now": "buat cadangan baru sekarang",
    # import, quarantine, list, show
    "imported export {seq}: {new} new case(s), {updated} updated, {items} new item(s)": "ekspor {seq} diimpor: {new} kasus baru, {updated} diperbarui, {items} butir baru",
    "new: {reference}": "baru: {reference}",
    "released from quarantine: {count} item(s) that now open": "dilepas dari karantina: {count} butir yang kini dapat dibuka",
    "quarantined: {line}": "dikarantina: {line}",
    "'peluit-ws quarantine list' shows why; nothing of them is shown or opened": "'peluit-ws quarantine list' menunjukkan alasannya; isinya tidak ditampilkan atau dibuka",
    "#{id} {reference} {kind} of {day} item {item}: {check} ({detail})": "#{id} {reference} {kind} tanggal {day} butir {item}: {check} ({detail})",
    "released {released} item(s), {held} still held": "{released} butir dilepas, {held} masih ditahan",
    "; new case(s): {references}": "; kasus baru: {references}",
    "nothing is held in quarantine": "tidak ada yang ditahan di karantina",
    "; held since {day}": "; ditahan sejak {day}",
    " (released {day})": " (dilepas {day})",
    "no cases yet: import an export bundle with 'peluit-ws import BUNDLE'": "belum ada kasus: impor paket ekspor dengan 'peluit-ws import PAKET'",
    "{status} -> {pending} (queued, not exported yet)": "{status} -> {pending} (menunggu, belum diekspor)",
    "{status} -> {pending} (exported in reply bundle {bundle}, not applied online yet)": "{status} -> {pending} (sudah diekspor dalam paket balasan {bundle}, belum diterapkan di server)",
    "{reference} {status} since {status_day}  submitted {submitted_day}  urgency {urgency}": "{reference} {status} sejak {status_day}  masuk {submitted_day}  urgensi {urgency}",
    "{reference}  status {status} since {status_day}; submitted {submitted_day}": "{reference}  status {status} sejak {status_day}; masuk {submitted_day}",
    "status change queued, not exported yet: {pending}": "perubahan status menunggu, belum diekspor: {pending}",
    "status change exported in reply bundle {bundle}, not applied online yet: {pending}": "perubahan status sudah diekspor dalam paket balasan {bundle}, belum diterapkan di server: {pending}",
    "triage: urgency {urgency}, retaliation risk {risk}, category {category}": "penilaian awal: urgensi {urgency}, risiko pembalasan {risk}, kategori {category}",
    "error: the report cannot be read: {why}": "error: laporan tidak dapat dibaca: {why}",
    "reporter says {name} ({type})": "menurut pelapor {name} ({type})",
    "reporter says {name}": "menurut pelapor {name}",
    "unreadable: {why}": "tidak terbaca: {why}",
    "[{number}] {kind}; {size} bytes encrypted; {told}; day {day}": "[{number}] {kind}; {size} bita terenkripsi; {told}; tanggal {day}",
    "    WARNING: {warning}": "    PERINGATAN: {warning}",
    "reporter": "pelapor",
    "unit": "unit",
    "custodian": "kustodian",
    "closed: use --open-identity (every opening is logged)": "tertutup: pakai --open-identity (setiap pembukaan dicatat)",
    "saved to {path} ({kind}); not opened": "disimpan ke {path} ({kind}); tidak dibuka",
    "WARNING: {warning}": "PERINGATAN: {warning}",
    "mat2 is a separate program: apt install mat2": "mat2 adalah program terpisah: apt install mat2",
    "triage saved (encrypted, kept on this workstation only)": "penilaian awal disimpan (terenkripsi, hanya di workstation ini)",
    "reply to the reporter": "balasan untuk pelapor",
    "{what}. Lines starting with # are dropped.": "{what}. Baris yang diawali # dibuang.",
    "reply {item} queued; send it with 'peluit-ws export-replies OUT'": "balasan {item} menunggu dikirim; kirim dengan 'peluit-ws export-replies BERKAS'",
    "status change to {status} queued; send it with 'peluit-ws export-replies OUT'": "perubahan status ke {status} menunggu dikirim; kirim dengan 'peluit-ws export-replies BERKAS'",
    "reply template {name}:": "templat balasan {name}:",
    "standard message {name}: {text}": "pesan standar {name}: {text}",
    "{count} standard messages signed and queued: {names}": "{count} pesan standar ditandatangani dan menunggu dikirim: {names}",
    "reply bundle {seq} written to {path}: {replies} repl(ies), {statuses} status change(s), {templates} standard message(s), {quarantined} quarantine report(s)": "paket balasan {seq} ditulis ke {path}: {replies} balasan, {statuses} perubahan status, {templates} pesan standar, {quarantined} laporan karantina",
    "import it online with the console; it can be applied once": "impor di konsol daring; paket hanya dapat diterapkan sekali",
    "{seq} {day} {reference} item {item} opened with the {key} key": "{seq} {day} {reference} butir {item} dibuka dengan kunci {key}",
    # forward, open-forward, report
    "recipient: {name} ({unit})": "penerima: {name} ({unit})",
    "recipient fingerprint: {fingerprint}": "sidik jari penerima: {fingerprint}",
    "compare it with the fingerprint the other unit published": "bandingkan dengan sidik jari yang diumumkan unit tersebut",
    "redacted summary for the other unit": "ringkasan tersamar untuk unit lain",
    "sent": "dikirim",
    "left out": "tidak dikirim",
    "may identify the reporter: left out unless --include": "dapat mengungkap pelapor: tidak dikirim kecuali --include",
    "free text, may contain names: left out unless --include": "teks bebas, mungkin memuat nama: tidak dikirim kecuali --include",
    "included unless --exclude": "dikirim kecuali --exclude",
    "identity section; attachment names are never sent (only their types)": "bagian identitas; nama lampiran tidak pernah dikirim (hanya jenisnya)",
    "forwarded summary written to {path} (sha256 {sha256})": "ringkasan pelimpahan ditulis ke {path} (sha256 {sha256})",
    "status change to {status} ({target}) queued; send it with export-replies": "perubahan status ke {status} ({target}) menunggu dikirim; kirim dengan export-replies",
    "from: {name} ({unit}); day {day}": "dari: {name} ({unit}); tanggal {day}",
    "sender fingerprint: {fingerprint}": "sidik jari pengirim: {fingerprint}",
    "signature verified; compare the fingerprint with the one the sender published": "tanda tangan sah; bandingkan sidik jari dengan yang diumumkan pengirim",
    "their reference: {reference}": "nomor kasus mereka: {reference}",
    "attachments held by the sender: {kinds}": "lampiran yang dipegang pengirim: {kinds}",
    "written: {path}": "ditulis: {path}",
    "{total} case(s) submitted in {period}; cells under 3 shown as <3": "{total} kasus masuk pada {period}; angka di bawah 3 ditampilkan sebagai <3",
    # backup, restore
    "{card} does not match the key file (custodian key or newest encryption key); run 'peluit-ws custodian attach' again with the custodian's card and register the card it writes": "{card} tidak cocok dengan berkas kunci (kunci kustodian atau kunci enkripsi terbaru); jalankan lagi 'peluit-ws custodian attach' dengan kartu kustodian dan daftarkan kartu yang ditulisnya",
    "backup file written to {path}; copy it next to each share: it is useless without {threshold} shares, and the shares are useless without it": "berkas cadangan ditulis ke {path}; salin di samping setiap bagian: tanpa {threshold} bagian berkas ini tidak berguna, dan tanpa berkas ini bagian-bagiannya tidak berguna",
    "share sheets written to {path}: print each, give each to one person, then delete": "lembar bagian ditulis ke {path}: cetak masing-masing, berikan masing-masing kepada satu orang, lalu hapus",
    "after 'rotate' or 'custodian attach', make a new backup": "sesudah 'rotate' atau 'custodian attach', buat cadangan baru",
    "{path} exists; restore into an empty folder": "{path} sudah ada; pulihkan ke folder kosong",
    "type one share per line (33 words); an empty line when done": "ketik satu bagian per baris (33 kata); baris kosong bila selesai",
    "share: ": "bagian: ",
    "key file restored to {path} with the new passphrase": "berkas kunci dipulihkan ke {path} dengan frasa sandi baru",
    "no {card} next to the backup file; copy the unit's card into {folder} (it names the unit)": "tidak ada {card} di samping berkas cadangan; salin kartu unit ke {folder} (kartu itu menyebut unitnya)",
    "{path} is the card of another unit; the key file was restored": "{path} adalah kartu unit lain; berkas kunci sudah dipulihkan",
    "warning": "peringatan",
}


def _(english: str, /, **values: object) -> str:
    """``english`` (a key of :data:`INDONESIAN`) in the reader's language, filled in."""
    template = INDONESIAN[english] if language() == "id" else english
    return template.format(**values)


def word(code: str) -> str:
    """A lifecycle or triage code as its words (``tidak_dapat_ditindaklanjuti`` → "Tidak ...")."""
    return code_name(code, language())


@cache
def _pattern(english: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", english)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


def translated(message: str, lang: str | None = None) -> str:
    """An English message from the workstation's modules, in the reader's language.

    ``lang`` (``"id"`` or ``"en"``) when the reader is not the terminal's:
    the workstation UI passes its page's language (workstation/ui/guard.py).

    The most specific template that matches wins (the one with the most
    literal text); lifecycle codes among the values are shown as their words.
    A message the table does not know stays as it is (English), so nothing
    is ever lost; tests/test_ws_cli_words.py finds those.
    """
    if (lang or language()) != "id":
        return message
    best: tuple[int, str] | None = None
    for english, indonesian in INDONESIAN.items():
        found = _pattern(english).fullmatch(message)
        literal = len(re.sub(r"\{\w+\}", "", english))
        if found and (best is None or literal > best[0]):
            values = {key: _words(value, "id") for key, value in found.groupdict().items()}
            best = (literal, indonesian.format(**values))
    return message if best is None else best[1]


def _words(value: str, lang: str) -> str:
    """``"diterima"`` or ``"kpk, lapor"`` as words, a known message translated, else as it is."""
    parts = value.split(", ")
    if all(part in NAMES for part in parts):
        return ", ".join(word(part) for part in parts)
    return translated(value, lang)  # a shorter text each time: the recursion ends
