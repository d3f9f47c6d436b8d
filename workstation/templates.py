"""Built-in texts: reply templates for the inspector and the unit's standard messages.

Reply templates (``peluit-ws reply CASE --template NAME``) are starting
points for the common answers, Indonesian first then English, with
``{...}`` blanks the inspector fills in (``--fill what=...``). Standard
messages are the fixed acknowledgements the online console may send
without the workstation (docs/spec/unit-card-v1.md, "Standard messages");
``peluit-ws templates sign`` signs them and queues them for the next reply
bundle.
"""

from __future__ import annotations

import string
from typing import Final

from workstation.errors import Refused

REPLY_TEMPLATES: Final[dict[str, str]] = {
    "received": (
        "Laporan Anda sudah kami terima dan sedang diverifikasi. Kami akan menghubungi "
        "Anda lagi di halaman ini. Simpan kode tanda terima Anda.\n\n"
        "We have received your report and are verifying it. We will contact you again "
        "on this page. Keep your receipt code safe."
    ),
    "need-info": (
        "Terima kasih. Untuk menindaklanjuti laporan ini kami memerlukan informasi lebih "
        "lanjut tentang: {what}. Mohon jawab di halaman ini; jangan tulis hal yang bisa "
        "mengungkap identitas Anda.\n\n"
        "Thank you. To follow up this report we need more information about: {what}. "
        "Please answer on this page; do not write anything that could identify you."
    ),
    "referred": (
        "Laporan Anda berada di luar kewenangan kami dan telah kami limpahkan kepada "
        "{to} dalam bentuk ringkasan tanpa identitas Anda.\n\n"
        "Your report is outside our authority and we have referred it to {to} as a "
        "summary without your identity."
    ),
    "cannot-follow-up": (
        "Mohon maaf, laporan ini tidak dapat kami tindak lanjuti karena {why}.\n\n"
        "We are sorry: we cannot follow up this report because {why}."
    ),
    "concluded": (
        "Pemeriksaan atas laporan Anda telah selesai. Hasil: {outcome}. Terima kasih "
        "atas keberanian Anda melapor.\n\n"
        "The examination of your report is concluded. Outcome: {outcome}. Thank you for "
        "your courage in reporting."
    ),
}

STANDARD_MESSAGES: Final[dict[str, str]] = {
    "diterima": (
        "Laporan Anda telah diterima dan akan diverifikasi. / "
        "Your report has been received and will be verified."
    ),
    "sedang-diverifikasi": (
        "Laporan Anda sedang diverifikasi. Mohon periksa halaman ini secara berkala. / "
        "Your report is being verified. Please check this page from time to time."
    ),
    "sedang-ditindaklanjuti": (
        "Laporan Anda sedang ditindaklanjuti. / Your report is being followed up."
    ),
    "mohon-tunggu": (
        "Terima kasih atas pesan Anda; kami akan menjawab secepatnya. / "
        "Thank you for your message; we will answer as soon as we can."
    ),
}


def blanks(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def fill_template(name: str, values: dict[str, str]) -> str:
    """The template ``name`` with its blanks filled; refuse unknown names or missing blanks."""
    if name not in REPLY_TEMPLATES:
        raise Refused(f"unknown template {name!r}; one of: {', '.join(REPLY_TEMPLATES)}")
    template = REPLY_TEMPLATES[name]
    missing = [blank for blank in blanks(template) if not values.get(blank)]
    if missing:
        raise Refused(f"template {name!r} needs --fill {missing[0]}=...")
    return template.format(**{blank: values[blank] for blank in blanks(template)})
