"""The command-line reporter's own words, in Indonesian and English.

``peluit-report`` follows the locale: Indonesian when ``LC_ALL``,
``LC_MESSAGES`` or ``LANG`` (the first one set) starts with ``id``, English
otherwise. Only the messages added with the fingerprint pinning, the
receipt file, messages from stdin or an editor, metadata removal, the
answers check, the server's answers and the case view: every message
``peluit-report`` prints after ``error:``, ``hint:`` or on its own. Each
entry is ``key: (Indonesian, English)``; tests/test_reporter_words.py checks
that every key the package uses is here with both languages.

A key table rather than a Babel catalog: ``reporter/`` may not import
``web/`` (whose catalog serves the pages), it is shipped as a single
download, and the messages are few enough for one reviewed table.
"""

from __future__ import annotations

from typing import Final

from common.cli_language import language

WORDS: Final[dict[str, tuple[str, str]]] = {
    "confirm.intro": (
        "Bandingkan sidik jari unit ini dengan yang tercetak di poster inspektorat atau di "
        "situs resminya sendiri (bukan di server ini).",
        "Compare this unit's fingerprint with the one printed on the inspectorate's poster "
        "or on its own official website (not on this server).",
    ),
    "confirm.unit": ("unit: {name} ({unit_id})", "unit: {name} ({unit_id})"),
    "confirm.fingerprint": ("sidik jari: {fingerprint}", "fingerprint: {fingerprint}"),
    "confirm.question": (
        "Sama persis? Ketik 'ya' untuk lanjut: ",
        "Exactly the same? Type 'yes' to go on: ",
    ),
    "confirm.declined": (
        "sidik jari tidak dikonfirmasi; tidak ada yang dikirim",
        "the fingerprint was not confirmed; nothing was sent",
    ),
    "pin.required": (
        "sidik jari unit belum dikonfirmasi dan tidak ada terminal untuk bertanya",
        "the unit's fingerprint is not confirmed and there is no terminal to ask",
    ),
    "pin.required.hint": (
        'berikan --fingerprint "abcd efgh ..." seperti di poster atau situs resmi inspektorat, '
        "atau --receipt-file dari laporan Anda",
        'give --fingerprint "abcd efgh ..." as printed on the inspectorate\'s poster or '
        "official website, or --receipt-file from your report",
    ),
    "pin.mismatch": (
        "sidik jari unit tidak cocok dengan yang Anda berikan",
        "the unit's fingerprint does not match the one you gave",
    ),
    "pin.mismatch.hint": (
        "jangan kirim apa pun; bandingkan dengan poster atau situs resmi inspektorat",
        "do not send anything; compare with the poster or the agency's website",
    ),
    "pin.other_unit": (
        "berkas tanda terima ini untuk unit lain",
        "this receipt file is for another unit",
    ),
    "pin.bad": (
        "sidik jari harus 32 huruf a-z dan angka 2-7 (8 kelompok 4)",
        "a fingerprint is 32 letters a-z and digits 2-7 (8 groups of 4)",
    ),
    "receipt.bad": (
        "berkas tanda terima tidak bisa dibaca: {why}",
        "the receipt file cannot be read: {why}",
    ),
    "receipt.exists": (
        "berkas tanda terima {path} sudah ada; tidak ditimpa",
        "the receipt file {path} exists; it is never overwritten",
    ),
    "receipt.written": (
        "tanda terima ditulis ke {path}; simpan di tempat aman, jangan dibagikan",
        "receipt written to {path}; keep it safe and share it with no one",
    ),
    "receipt.keep": (
        "RAHASIA: dengan kode ini siapa pun bisa membaca laporan Anda. Simpan baik-baik.",
        "SECRET: with this code anyone can read your report. Keep it safe.",
    ),
    "message.argv": (
        "pesan tidak pernah diambil dari baris perintah (riwayat shell dan pengguna lain bisa "
        "melihatnya)",
        "a message is never taken from the command line (the shell history and other users "
        "could see it)",
    ),
    "message.argv.hint": (
        "ketik pesan di editor (pada terminal) atau kirim lewat stdin: peluit-report send "
        "--receipt-file FILE < pesan.txt",
        "write it in the editor (on a terminal) or pipe it on stdin: peluit-report send "
        "--receipt-file FILE < message.txt",
    ),
    "message.empty": (
        "pesannya kosong; tidak ada yang dikirim",
        "the message is empty; nothing was sent",
    ),
    "message.editor_failed": (
        "editor {editor} berhenti dengan galat; tidak ada yang dikirim",
        "the editor {editor} failed; nothing was sent",
    ),
    "message.code_needs_file": (
        "kode tanda terima dan pesan tidak bisa sama-sama dari stdin",
        "the receipt code and the message cannot both come from stdin",
    ),
    "message.code_needs_file.hint": (
        "berikan --receipt-file, atau tulis kode pada baris pertama dan pesan sesudahnya",
        "give --receipt-file, or put the code on the first line and the message after it",
    ),
    "metadata.cleaned": (
        "metadata dihapus dari {name} ({kind}) sebelum dienkripsi",
        "metadata removed from {name} ({kind}) before encryption",
    ),
    "metadata.kept": (
        "peringatan: {name} dikirim apa adanya; dokumen dan berkas lain bisa membawa metadata "
        "(penulis, perangkat, tempat, waktu) yang dapat mengenali Anda; hapus dulu bila penting",
        "warning: {name} is sent as it is; documents and other files can carry metadata "
        "(author, device, place, times) that can identify you; remove it first if it matters",
    ),
    "metadata.unclean": (
        "peringatan: {name} tampak seperti {kind} tetapi strukturnya tidak bisa dibersihkan; "
        "dikirim apa adanya",
        "warning: {name} looks like a {kind} but its structure cannot be cleaned; it is sent "
        "as it is",
    ),
    "answers.unknown": (
        "berkas jawaban memuat kunci yang tidak ada di kuesioner: {keys}",
        "the answers file has keys the questionnaire does not know: {keys}",
    ),
    "answers.missing": (
        "berkas jawaban tidak mengisi kolom wajib: {keys}",
        "the answers file leaves required fields empty: {keys}",
    ),
    "answers.not_text": (
        "jawaban untuk {key} harus berupa teks",
        "the answer to {key} must be a string",
    ),
    "answers.too_long": (
        "jawaban untuk {key} lebih dari {max} karakter",
        "the answer to {key} is longer than {max} characters",
    ),
    "answers.option": (
        "jawaban untuk {key} harus salah satu dari: {options}",
        "the answer to {key} must be one of: {options}",
    ),
    "answers.not_object": (
        'berkas jawaban harus berupa objek JSON {{"kolom": "jawaban", ...}}',
        'the answers file must be a JSON object {{"field": "answer", ...}}',
    ),
    "answers.hint": (
        "lihat kolomnya dengan: peluit-report submit --help",
        "see the fields with: peluit-report submit --help",
    ),
    "answers.help": (
        'berkas jawaban: satu objek JSON UTF-8 {{"kolom": "jawaban", ...}} dengan kolom berikut '
        "(* wajib):",
        'answers file: one UTF-8 JSON object {{"field": "answer", ...}} with these fields '
        "(* required):",
    ),
    "answers.one_of": ("salah satu dari", "one of"),
    "answers.example": ("contoh", "example"),
    "standard": ("pesan standar unit", "the unit's standard message"),
    # the case as ``status`` shows it, and the lines of submit and send
    "view.case": ("kasus: {case}", "case: {case}"),
    "view.status": ("status: {status} (sejak {since})", "status: {status} (since {since})"),
    "view.deadline": (
        "batas waktu: {stage} paling lambat {due}{paused}",
        "deadline: {stage} by {due}{paused}",
    ),
    "view.paused": (" (ditunda)", " (paused)"),
    "view.fingerprint": ("sidik jari unit: {fingerprint}", "unit fingerprint: {fingerprint}"),
    "view.from": ("--- {day} {kind} dari {author}", "--- {day} {kind} from {author}"),
    "view.attachment": (
        "{head}: lampiran {size} bita (hanya unit yang dapat membukanya)",
        "{head}: an attachment of {size} bytes (only the unit can open it)",
    ),
    "view.unverified": (
        "PERINGATAN: butir ini tidak membawa tanda tangan sah unit atau tidak dapat dibuka; "
        "tidak ditampilkan dan jangan dipercaya",
        "WARNING: this item does not carry the unit's valid signature or cannot be opened; "
        "it is not shown and must not be trusted",
    ),
    "kind.tip": ("laporan", "report"),
    "kind.message": ("pesan", "message"),
    "kind.reply": ("balasan", "reply"),
    "kind.attachment": ("lampiran", "attachment"),
    "kind.status": ("status", "status"),
    "kind.identity": ("identitas", "identity"),
    "author.reporter": ("pelapor", "the reporter"),
    "author.unit": ("unit", "the unit"),
    "status.diterima": ("Diterima", "Received"),
    "status.diverifikasi": ("Diverifikasi", "Triaged"),
    "status.perlu_informasi": ("Perlu informasi", "Waiting for the reporter"),
    "status.dilimpahkan": ("Dilimpahkan", "Referred"),
    "status.tidak_dapat_ditindaklanjuti": ("Tidak dapat ditindaklanjuti", "Cannot be followed up"),
    "status.ditindaklanjuti": ("Ditindaklanjuti", "Being examined"),
    "status.selesai": ("Selesai", "Concluded"),
    "status.ditutup": ("Ditutup", "Closed"),
    "stage.triage": ("verifikasi", "triage"),
    "stage.first_followup": ("tindak lanjut awal", "first follow-up"),
    "stage.feedback": ("umpan balik", "feedback"),
    "stage.conclusion": ("penyelesaian", "conclusion"),
    "stage.auto_close": ("penutupan otomatis", "automatic closing"),
    "submit.case": (
        "kasus: {case} ({status}, {submitted})",
        "case: {case} ({status}, {submitted})",
    ),
    "submit.code": ("kode tanda terima: {code}", "receipt code: {code}"),
    "submit.keep": (
        "catat kode tanda terima dan simpan baik-baik; hanya dengan kode itu Anda dapat kembali "
        "ke laporan Anda, dan kode itu tidak dapat dipulihkan",
        "write the receipt code down and keep it safe; it is the only way back to your report "
        "and it cannot be recovered",
    ),
    "code.prompt": ("kode tanda terima: ", "receipt code: "),
    "send.done": ("pesan terkirim", "message sent"),
    "interrupted": (
        "dihentikan; tidak ada lagi yang dikirim",
        "interrupted; nothing more was sent",
    ),
    "returning.needs": (
        "berikan --receipt-file, atau --server dan --fingerprint",
        "give --receipt-file, or --server and --fingerprint",
    ),
    # files and the server
    "file.unreadable": ("berkas {what} tidak dapat dibaca", "cannot read the {what} file"),
    "file.too_large": ("berkas {what} lebih dari 1 MiB", "the {what} file is larger than 1 MiB"),
    "file.not_json": ("berkas {what} bukan JSON UTF-8", "the {what} file is not UTF-8 JSON"),
    "file.answers": ("jawaban", "answers"),
    "file.identity": ("identitas", "identity"),
    "attachment.unreadable": (
        "lampiran {name} tidak dapat dibaca",
        "cannot read the attachment {name}",
    ),
    "attachment.too_many": (
        "terlalu banyak lampiran untuk server ini",
        "too many attachments for this server",
    ),
    "attachment.too_large": (
        "{name} lebih besar dari yang diterima server",
        "{name} is larger than the server accepts",
    ),
    "attachment.limit": ("batasnya {mib} MiB per berkas", "the limit is {mib} MiB per file"),
    "attachment.lost": (
        "server kehilangan sebagian lampiran",
        "the server lost part of an attachment",
    ),
    "attachment.incomplete": (
        "sebuah lampiran tidak terkirim utuh",
        "an attachment was not sent completely",
    ),
    "send.again": ("kirim lagi", "send it again"),
    "message.too_long": ("pesannya terlalu panjang", "the message is too long"),
    "server.pow_refused": (
        "server tidak menerima bukti kerja",
        "the server did not accept the proof of work",
    ),
    "server.malformed": ("jawaban server rusak", "the server's answer is malformed"),
    "server.too_large": ("jawaban server terlalu besar", "the server's answer is too large"),
    "server.not_json": ("jawaban server bukan JSON", "the server's answer is not JSON"),
    "server.item_too_large": (
        "sebuah butir dari server lebih besar dari semestinya",
        "an item from the server is larger than it should be",
    ),
    "server.unreachable": ("server tidak dapat dihubungi", "cannot reach the server"),
    "server.unreachable.hint": (
        "periksa alamat dan sambungan Anda",
        "check the address and your connection",
    ),
    "server.refused": (
        "server menolak permintaan ({status})",
        "the server refused the request ({status})",
    ),
    "server.instance": (
        "keterangan instans dari server rusak",
        "the server's instance description is malformed",
    ),
    "server.salt": ("garam instans dari server rusak", "the server's instance salt is malformed"),
    "server.chunk": (
        "server memakai ukuran potongan yang lain",
        "the server uses a different chunk size",
    ),
    "server.chunk.hint": ("perbarui peluit-report", "update peluit-report"),
    "server.pow": ("bukti kerja dari server rusak", "the server's proof of work is malformed"),
    "server.upload": ("sesi unggah dari server rusak", "the server's upload session is malformed"),
    "card.bad": ("kartu unit tidak sah", "the unit's card does not verify"),
    "card.bad.hint": ("jangan kirim apa pun ke server ini", "do not send anything to this server"),
    "card.other_unit": (
        "server mengirim kartu unit lain",
        "the server sent the card of another unit",
    ),
    "unit.unknown": ("unit itu tidak ada di server ini", "no such unit on this server"),
    "unit.unknown.hint": ("unit yang ada: {units}", "the units are: {units}"),
    "url.https": (
        "alamat server harus diawali https://",
        "the server address must start with https://",
    ),
    "url.plain": (
        "alamat server harus alamat https:// biasa",
        "the server address must be a plain https:// address",
    ),
    "url.http": (
        "http:// biasa ke server jarak jauh ditolak",
        "refusing plain http:// to a remote server",
    ),
    "url.http.hint": (
        "pakai https://, atau alamat .onion dengan torsocks",
        "use https://, or the .onion address with torsocks",
    ),
    "hint.not_found": (
        "periksa kode tanda terima; kode yang salah dan yang tidak dikenal tampak sama",
        "check the receipt code; a wrong and an unknown code look the same",
    ),
    "hint.rate_limited": (
        "terlalu banyak percobaan dari sini; tunggu dan coba lagi nanti",
        "too many attempts from here; wait and try again later",
    ),
    "hint.unit_full": (
        "unit sudah mencapai batas hari ini; coba lagi besok",
        "the unit reached today's limit; try again tomorrow",
    ),
    "hint.storage_full": (
        "ruang disk server penuh; tidak ada yang diterima, coba lagi nanti",
        "the server is out of disk space; nothing was received, try again later",
    ),
    "hint.pow_required": (
        "coba lagi; bukti kerja mungkin sudah kedaluwarsa",
        "try again; the proof of work may have expired",
    ),
    "hint.pow_spent": ("coba lagi dengan bukti kerja baru", "try again with a fresh proof of work"),
    "hint.too_large": (
        "laporan atau berkas melebihi batas ukuran server",
        "the report or a file is over the server's size limit",
    ),
    "hint.case_day_full": (
        "laporan ini sudah menerima pesan dan berkas sebanyak yang diizinkan untuk hari ini;"
        " tidak ada yang dikirim, coba lagi besok",
        "this report took as many messages and files today as a day allows;"
        " nothing was sent, try again tomorrow",
    ),
    "hint.conflict": (
        "coba lagi; nomor kasus baru akan dipilih",
        "try again; a fresh case id will be chosen",
    ),
    "receipt.twice": ("{name} muncul dua kali", "{name} twice"),
    "receipt.missing": ("{names} tidak ada", "missing {names}"),
    "receipt.version": ("versinya tidak dikenal", "unknown version"),
    "receipt.key": ("signing-key rusak", "signing-key"),
    "receipt.size": ("lebih dari 16 KiB", "larger than 16 KiB"),
    "receipt.utf8": ("bukan UTF-8", "not UTF-8"),
    # --help
    "help.description": (
        "Kirim laporan terenkripsi ke inspektorat.",
        "Send an encrypted report to an inspectorate.",
    ),
    "help.submit": ("kirim laporan baru", "send a new report"),
    "help.status": (
        "baca kasus Anda dengan kode tanda terimanya",
        "read your case with its receipt code",
    ),
    "help.send": (
        "tambahkan pesan ke kasus Anda (editor atau stdin)",
        "add a message to your case (editor or stdin)",
    ),
    "help.receipt_file": ("berkas tanda terima laporan Anda", "the receipt file of your report"),
    "help.server": ("diperlukan tanpa --receipt-file", "needed without --receipt-file"),
    "help.fingerprint_returning": (
        "sidik jari unit, tanpa --receipt-file",
        "the unit's fingerprint, without --receipt-file",
    ),
    "help.server_submit": (
        "alamat server, misalnya https://wbs.inspektorat.go.id",
        "the server's address, e.g. https://wbs.inspektorat.go.id",
    ),
    "help.unit": ("id unit, misalnya inspektorat-demo", "the unit id, e.g. inspektorat-demo"),
    "help.answers": ("laporannya, sebuah berkas JSON", "the report, a JSON file"),
    "help.identity": (
        "bagian identitas (tidak wajib), sebuah berkas JSON",
        "optional identity section, a JSON file",
    ),
    "help.attach": ("berkas yang dilampirkan", "files to attach"),
    "help.fingerprint": (
        "sidik jari unit seperti di poster atau situs resminya",
        "the unit's fingerprint as on its poster or official website",
    ),
    "help.write_receipt": (
        "tulis tanda terima ke sini (berkas baru)",
        "write the receipt here (a new file)",
    ),
    # the shared errors of crypto/ and receipts/, by their English user_message
    "shared.length": ("Kode tanda terima terdiri dari 24 angka.", "A receipt code has 24 digits."),
    "shared.not_code": (
        "Ini bukan kode tanda terima Peluit.",
        "This is not a Peluit receipt code.",
    ),
    "shared.typo": (
        "Periksa kodenya: satu angka tampaknya salah.",
        "Check the code: one digit looks wrong.",
    ),
    "shared.receipt": (
        "Kode tanda terima ini tidak dapat dipakai.",
        "This receipt code cannot be used.",
    ),
    "shared.decrypt": ("Butir ini tidak dapat didekripsi.", "This item could not be decrypted."),
    "shared.format": ("Datanya rusak.", "The data is malformed."),
    "shared.signature": ("Tanda tangannya tidak sah.", "The signature does not verify."),
    "shared.card": ("Kartu unit ini tidak sah.", "This unit card is not valid."),
    "shared.other": ("Terjadi kesalahan.", "Something went wrong."),
}


def code_word(family: str, code: str) -> str:
    """A server's code (``status``, ``stage``, ``kind``, ``author``) as words; unknown: as is."""
    pair = WORDS.get(f"{family}.{code}")
    if pair is None:
        return code
    return pair[0] if language() == "id" else pair[1]


def shared_error(message: str) -> str:
    """A ``user_message`` of ``crypto/`` or ``receipts/`` in the reader's language, lowercase first.

    Those packages speak English only (they know no locale); an unknown
    message stays as it is.
    """
    for key, (indonesian, english) in WORDS.items():
        if key.startswith("shared.") and english == message:
            message = indonesian if language() == "id" else english
            break
    return message[:1].lower() + message[1:]


def t(word: str, /, **values: object) -> str:
    indonesian, english = WORDS[word]
    return (indonesian if language() == "id" else english).format(**values)
