"""The command-line reporter's own words, in Indonesian and English.

``peluit-report`` follows the locale: Indonesian when ``LC_ALL``,
``LC_MESSAGES`` or ``LANG`` (the first one set) starts with ``id``, English
otherwise. Only the messages added with the fingerprint pinning, the
receipt file, messages from stdin or an editor, metadata removal and the
answers check live here; the older messages of ``peluit-report`` are still
English only. Each entry is ``key: (Indonesian, English)``.
"""

from __future__ import annotations

import os
from typing import Final

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
}


def language() -> str:
    """``"id"`` or ``"en"``, from the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "id" if value.lower().startswith("id") else "en"
    return "en"


def t(word: str, /, **values: object) -> str:
    indonesian, english = WORDS[word]
    return (indonesian if language() == "id" else english).format(**values)
