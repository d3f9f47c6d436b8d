# ruff: noqa: E501  (whole sentences read better unbroken)
"""The UI's words: English message ids and their Indonesian translations.

``workstation/`` may not import ``web/`` (and so not its Babel catalog); the
UI has few enough messages for one table. tests/test_ws_ui.py checks that
every message a template or route uses is here.
"""

from __future__ import annotations

from typing import Final

from workstation.cli_words import translated

INDONESIAN: Final[dict[str, str]] = {
    "(free text below)": "(teks bebas di bawah)",
    "Accept a bundle that does not follow the last one imported": "Terima paket yang tidak menyambung dengan paket terakhir yang diimpor",
    "Active content": "Konten aktif",
    "Agency": "Instansi",
    "Aggregate figures only: no reference, no name, no text. Cells under 3 are shown as <3.": "Hanya angka agregat: tanpa nomor kasus, nama, atau isi. Angka di bawah 3 ditampilkan sebagai <3.",
    "Answers to include": "Jawaban yang disertakan",
    "Attachment names are never sent; only their sniffed types.": "Nama lampiran tidak pernah dikirim; hanya jenis berkas yang terdeteksi.",
    "Attachment saved": "Lampiran disimpan",
    "Attachments": "Lampiran",
    "Back": "Kembali",
    "Bundle file": "Berkas paket",
    "Cannot be decrypted": "Tidak dapat didekripsi",
    "Cases": "Kasus",
    "Category": "Kategori",
    "Change status": "Ubah status",
    "Check the card": "Periksa kartu",
    "Closed. Open it only when the case needs it: every opening is logged.": "Tertutup. Buka hanya bila kasus memerlukannya: setiap pembukaan dicatat.",
    "Compare the fingerprint, tick the box, then send.": "Bandingkan sidik jari, centang kotaknya, lalu kirim.",
    "Custodian key folder (when identities are sealed to the custodian)": "Folder kunci kustodian (bila identitas disegel untuk kustodian)",
    "Custodian passphrase": "Frasa sandi kustodian",
    "Day": "Hari",
    "Every opening of an identity section on this workstation. The log cannot be changed or deleted.": "Setiap pembukaan bagian identitas di workstation ini. Catatan ini tidak dapat diubah atau dihapus.",
    "Fields sent": "Isian yang dikirim",
    "Fingerprint": "Sidik jari",
    "Forward": "Limpahkan",
    "Forward a redacted summary to another unit": "Limpahkan ringkasan tersamar ke unit lain",
    "Forwarding": "Pelimpahan",
    "Free text that may contain names: read it before ticking": "Teks bebas yang mungkin memuat nama: baca dulu sebelum mencentang",
    "I compared this fingerprint with the one the other unit published": "Saya sudah membandingkan sidik jari ini dengan yang diumumkan unit tersebut",
    "I need the identity for this case; record the opening": "Saya memerlukan identitas untuk kasus ini; catat pembukaannya",
    "Identity": "Identitas",
    "Identity log": "Catatan identitas",
    "Import": "Impor",
    "Import an export bundle": "Impor paket ekspor",
    "Import it online with the console; it can be applied once.": "Impor di konsol daring; paket hanya dapat diterapkan sekali.",
    "Imported": "Diimpor",
    "Imported export": "Ekspor diimpor",
    "Include the identity section (opening it is logged)": "Sertakan bagian identitas (pembukaannya dicatat)",
    "Included by default": "Disertakan secara bawaan",
    "Items": "Butir",
    "Kept on this workstation only, encrypted.": "Hanya disimpan di workstation ini, terenkripsi.",
    "Key": "Kunci",
    "Lock": "Kunci layar",
    "May identify the reporter: left out unless ticked": "Dapat mengungkap pelapor: tidak disertakan kecuali dicentang",
    "Messages and replies": "Pesan dan balasan",
    "Never opened.": "Belum pernah dibuka.",
    "New status": "Status baru",
    "No cases yet: import an export bundle.": "Belum ada kasus: impor paket ekspor.",
    "None.": "Tidak ada.",
    "Not done": "Tidak dilakukan",
    "Not opened.": "Tidak dibuka.",
    "Notes": "Catatan",
    "Open identity": "Buka identitas",
    "Opened and logged. Close this page when done.": "Dibuka dan dicatat. Tutup halaman ini setelah selesai.",
    "Openings of this case's identity": "Pembukaan identitas kasus ini",
    "Outcome (only for: concluded)": "Hasil (hanya untuk: selesai)",
    "Passphrase": "Frasa sandi",
    "Period": "Periode",
    "Person reported": "Terlapor",
    "Queue reply": "Antrekan balasan",
    "Queue status change": "Antrekan perubahan status",
    "Queued status change": "Perubahan status dalam antrean",
    "Reason (only for: cannot be followed up)": "Alasan (hanya untuk: tidak dapat ditindaklanjuti)",
    "Recipient": "Penerima",
    "Reference": "Nomor",
    "Referred to": "Dilimpahkan kepada",
    "Referred to (only for: referred)": "Dilimpahkan kepada (hanya untuk: dilimpahkan)",
    "Refused": "Ditolak",
    "Reply bundle": "Paket balasan",
    "Reply bundle written": "Paket balasan ditulis",
    "Reply to the reporter": "Balas pelapor",
    "Report": "Laporan",
    "Report layout of this unit": "Tata letak laporan unit ini",
    "Report written": "Laporan ditulis",
    "Reports": "Laporan pimpinan",
    "Reports for leadership": "Laporan untuk pimpinan",
    "Retaliation risk": "Risiko pembalasan",
    "Save (never opened, never overwrites)": "Simpan (tidak dibuka, tidak menimpa)",
    "Save to (full path of a new file)": "Simpan ke (jalur lengkap berkas baru)",
    "Save triage": "Simpan triase",
    "Saved to": "Disimpan ke",
    "Seal, sign and write": "Segel, tandatangani, dan tulis",
    "Sealed and signed at once; sent with the next reply bundle.": "Langsung disegel dan ditandatangani; dikirim dengan paket balasan berikutnya.",
    "Send replies": "Kirim balasan",
    "Show": "Tampilkan",
    "Use this layout": "Pakai tata letak ini",
    "Sign and queue the standard messages": "Tandatangani dan antrekan pesan standar",
    "Since": "Sejak",
    "Sniffed type": "Jenis terdeteksi",
    "Standard messages": "Pesan standar",
    "Standard messages signed": "Pesan standar ditandatangani",
    "Status": "Status",
    "Submitted": "Masuk",
    "Summary": "Ringkasan",
    "Summary forwarded": "Ringkasan dilimpahkan",
    "Template": "Templat",
    "Template texts (Indonesian, then English)": "Teks templat (bahasa Indonesia, lalu bahasa Inggris)",
    "Text": "Teks",
    "The fixed texts the online console may send without this workstation. Sign them once; they travel in the next reply bundle.": "Teks tetap yang boleh dikirim konsol daring tanpa workstation ini. Tandatangani sekali; teks ikut paket balasan berikutnya.",
    "The other unit's card (full path of unit-card.json)": "Kartu unit tujuan (jalur lengkap unit-card.json)",
    "The report cannot be read": "Laporan tidak dapat dibaca",
    "The reporter says": "Menurut pelapor",
    "The status change to “referred” is queued for the next reply bundle.": "Perubahan status menjadi “dilimpahkan” masuk antrean paket balasan berikutnya.",
    "This form has expired. Reload the page and try again.": "Formulir ini kedaluwarsa. Muat ulang halaman dan coba lagi.",
    "Triage": "Triase",
    "Type the full path of the bundle from the online vault (on the USB stick). Every check runs before anything is stored.": "Ketik jalur lengkap paket dari brankas daring (di diska USB). Semua pemeriksaan berjalan sebelum apa pun disimpan.",
    "Type the unit key passphrase. Nothing can be read before the key file opens.": "Ketik frasa sandi kunci unit. Tidak ada yang dapat dibaca sebelum berkas kunci terbuka.",
    "Unlock": "Buka",
    "Unlock the workstation": "Buka workstation",
    "Urgency": "Urgensi",
    "Warning": "Peringatan",
    "Workstation": "Workstation",
    "Write a summary in your own words. Fields that may identify the reporter are left out unless you tick them.": "Tulis ringkasan dengan kata-kata Anda sendiri. Isian yang dapat mengungkap pelapor tidak disertakan kecuali Anda mencentangnya.",
    "Write files": "Tulis berkas",
    "Save this report in a folder (full path)": "Simpan laporan ini ke folder (jalur lengkap)",
    "Two new files: a page to print (HTML) and a table to open in a spreadsheet such as Excel (CSV). In the table, days are written as 2026-12-31 so the spreadsheet reads them as dates.": "Dua berkas baru: halaman untuk dicetak (HTML) dan tabel untuk dibuka di program lembar kerja seperti Excel (CSV). Di tabel itu tanggal ditulis seperti 2026-12-31 agar program lembar kerja membacanya sebagai tanggal.",
    "Write the file to (full path of a new file)": "Tulis berkas ke (jalur lengkap berkas baru)",
    "Write the reply bundle to (full path of a new file)": "Tulis paket balasan ke (jalur lengkap berkas baru)",
    "Write the signed reply bundle": "Tulis paket balasan bertanda tangan",
    "Written to": "Ditulis ke",
    "bytes encrypted": "bita terenkripsi",
    "custodian": "kustodian",
    "day": "hari",
    "fields": "isian",
    "identity included": "identitas disertakan",
    "item(s) queued: replies, status changes and standard messages.": "butir dalam antrean: balasan, perubahan status, dan pesan standar.",
    "mat2 is not installed": "mat2 belum terpasang",
    "new case(s)": "kasus baru",
    "new item(s)": "butir baru",
    "opened with the key of the": "dibuka dengan kunci",
    "queued": "dalam antrean",
    "reply(ies)": "balasan",
    "reporter": "pelapor",
    "since": "sejak",
    "standard message(s)": "pesan standar",
    "status change(s)": "perubahan status",
    "unit": "unit",
    "updated": "diperbarui",
    "Quarantined, not opened": "Dikarantina, tidak dibuka",
    "sent in reply bundle {bundle}, not applied online yet": "terkirim dalam paket balasan {bundle}, belum diterapkan di server",
    "Status change sent in reply bundle {bundle}, not applied online yet": "Perubahan status terkirim dalam paket balasan {bundle}, belum diterapkan di server",
    "Report received": "Laporan diterima",
    "More information needed": "Perlu informasi tambahan",
    "Referred elsewhere": "Dilimpahkan",
    "Cannot be followed up": "Tidak dapat ditindaklanjuti",
    "Examination concluded": "Pemeriksaan selesai",
    "What you need to know (for: more information needed)": "Informasi yang diperlukan (untuk: perlu informasi tambahan)",
    "Where it was referred (for: referred elsewhere)": "Instansi tujuan pelimpahan (untuk: dilimpahkan)",
    "Why it cannot be followed up (for: cannot be followed up)": "Alasan tidak dapat ditindaklanjuti (untuk: tidak dapat ditindaklanjuti)",
    "The outcome, in words for the reporter (for: examination concluded)": "Hasil pemeriksaan, dengan kata-kata untuk pelapor (untuk: pemeriksaan selesai)",
    "Fill in only the blanks of the template you chose.": "Isi hanya bagian kosong dari templat yang Anda pilih.",
    "Remove hidden file details (metadata) with mat2": "Hapus keterangan tersembunyi dalam berkas (metadata) dengan mat2",
    "A case with the status “{current}” cannot go to “{new}”.": "Kasus berstatus “{current}” tidak dapat diubah menjadi “{new}”.",
    "For the status “{new}”, choose the outcome.": "Untuk status “{new}”, pilih hasilnya.",
    "For the status “{new}”, choose the reason.": "Untuk status “{new}”, pilih alasannya.",
    "For the status “{new}”, choose where it is referred to.": "Untuk status “{new}”, pilih instansi tujuan pelimpahan.",
    "Leave the outcome, the reason and the referral empty unless the status asks for one.": "Kosongkan hasil, alasan, dan tujuan pelimpahan kecuali statusnya memintanya.",
    "(choose where it is referred to)": "(pilih tujuan pelimpahan)",
    "Case": "Kasus",
    "Name": "Nama",
    "NIP (civil-servant number)": "NIP (nomor induk pegawai)",
    "Safe way to contact the reporter": "Cara aman menghubungi pelapor",
    "Being verified": "Sedang diverifikasi",
    "Being followed up": "Sedang ditindaklanjuti",
    "Please wait for our answer": "Mohon tunggu jawaban kami",
    "Attachment": "Lampiran",
    "Message": "Pesan",
    "Reply": "Balasan",
    "Choose where the case is referred to.": "Pilih instansi tujuan pelimpahan.",
}

# The identity section's fields (web/templates/report.html, web/js/submit.js).
IDENTITY_NAMES: Final[dict[str, str]] = {
    "name": "Name",
    "nip": "NIP (civil-servant number)",
    "contact": "Safe way to contact the reporter",
}

# The standard messages (workstation/templates.py), by the words a person reads.
STANDARD_NAMES: Final[dict[str, str]] = {
    "diterima": "Report received",
    "sedang-diverifikasi": "Being verified",
    "sedang-ditindaklanjuti": "Being followed up",
    "mohon-tunggu": "Please wait for our answer",
}

# The kinds of a case's items, by the words a person reads.
KIND_NAMES: Final[dict[str, str]] = {
    "case": "Case",
    "tip": "Report",
    "attachment": "Attachment",
    "message": "Message",
    "reply": "Reply",
    "identity": "Identity",
}

# Reply templates (workstation/templates.py) and their blanks, by the words a
# person reads instead of their names in the code.
TEMPLATE_NAMES: Final[dict[str, str]] = {
    "received": "Report received",
    "need-info": "More information needed",
    "referred": "Referred elsewhere",
    "cannot-follow-up": "Cannot be followed up",
    "concluded": "Examination concluded",
}
BLANK_NAMES: Final[dict[str, str]] = {
    "what": "What you need to know (for: more information needed)",
    "to": "Where it was referred (for: referred elsewhere)",
    "why": "Why it cannot be followed up (for: cannot be followed up)",
    "outcome": "The outcome, in words for the reporter (for: examination concluded)",
}


def translate(lang: str, message: str) -> str:
    """``message`` in ``lang``: Indonesian from the table, English as written."""
    if lang == "en":
        return message
    return INDONESIAN.get(message, message)


def said(lang: str, message: str) -> str:
    """A message from the workstation's modules (an error, a note on a reply, what an
    attachment is) in ``lang``: this table first, else the command line's, whose
    templates also match messages with values in them."""
    if lang == "en" or message in INDONESIAN:
        return translate(lang, message)
    return translated(message, lang)
