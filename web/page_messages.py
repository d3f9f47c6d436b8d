"""Messages the page scripts show, translated on the server.

The pages embed them as a JSON data block (``<script
type="application/json">`` is never executed, so the CSP allows it); the
scripts read it with ``JSON.parse``. Placeholders are ``{name}``.
"""

from __future__ import annotations

from collections.abc import Callable


def _(message: str) -> str:
    """Marks a message for extraction; translation happens in ``messages``."""
    return message


MESSAGES: dict[str, str] = {
    "required": _("Please fill in this field."),
    "too_long": _("This is too long (at most {max} characters)."),
    "form_invalid": _("Some fields need your attention."),
    "code_length": _("A receipt code has 24 digits."),
    "code_typo": _("Check the code: one digit looks wrong."),
    "code_invalid": _("This is not a Peluit receipt code."),
    "not_found": _("No report matches this code. Check the code and try again."),
    "rate_limited": _("Too many attempts. Wait a few minutes and try again."),
    "derive_running": _("Preparing your keys on this device… (about {seconds} seconds)"),
    "derive_slow": _(
        "This code was made in a browser with WebAssembly. Without it (Tor Browser Safer level) opening it takes about {seconds} seconds. You may switch this site to the Standard level for this page."
    ),
    "derive_done": _("Your keys are ready."),
    "pow_running": _("Checking that you are not an automated sender (a few seconds)…"),
    "case_day_full": _(
        "This report has received as many messages and files today as one day allows. Your message has NOT been sent. Try again tomorrow."
    ),
    "encrypting": _("Encrypting and uploading attachment {n} of {total}: {percent}%"),
    "sending": _("Sending your encrypted report…"),
    "network_error": _(
        "The connection failed. Your report has NOT been sent. Check your connection and try again."
    ),
    "server_error": _(
        "The server could not take your report. It has NOT been sent. Try again later."
    ),
    "file_too_big": _("{name} is larger than the limit of {limit} MB."),
    "report_too_big": _("Together the files are larger than the limit of {limit} MB."),
    "too_many_files": _("At most {max} files per report."),
    "cleaned": _("hidden data removed"),
    "not_cleaned": _("may contain the author's name and other hidden data"),
    "clean_failed": _("could not be read as an image; it will be sent as it is"),
    "remove": _("Remove"),
    "copied": _("Copied."),
    "receipt_file": _(
        "Peluit receipt code. Keep it secret. It is the only way back to your report."
    ),
    "status_diterima": _("Received: your report has arrived and is waiting to be checked."),
    "status_diverifikasi": _("Verified: the inspectorate has checked your report and accepted it."),
    "status_perlu_informasi": _(
        "More information needed: the inspectorate has a question for you. Please reply below."
    ),
    "status_dilimpahkan": _(
        "Referred: your report was passed on to the body that is competent to handle it, as a summary without your identity."
    ),
    "status_tidak_dapat_ditindaklanjuti": _(
        "Cannot be followed up: see the inspectorate's message for the reason."
    ),
    "status_ditindaklanjuti": _("Being examined: the inspectorate is looking into your report."),
    "status_selesai": _("Concluded: the examination is finished. See the inspectorate's message."),
    "status_ditutup": _("Closed."),
    "deadline_due": _("The inspectorate should {stage} by {date} ({days} working days from now)."),
    "deadline_today": _("The inspectorate should {stage} today."),
    "deadline_overdue": _("The inspectorate should have {stage_past} by {date}."),
    "deadline_paused": _("The clock is paused until you answer the inspectorate's question."),
    "deadline_none": _("No deadline is running."),
    "stage_triage": _("check your report"),
    "stage_triage_past": _("checked your report"),
    "stage_first_followup": _("start following up"),
    "stage_first_followup_past": _("started following up"),
    "stage_feedback": _("tell you what it found so far"),
    "stage_feedback_past": _("told you what it found so far"),
    "stage_conclusion": _("conclude the examination"),
    "stage_conclusion_past": _("concluded the examination"),
    "stage_auto_close": _("close the case unless you object"),
    "stage_auto_close_past": _("closed the case"),
    "from_unit": _("From the inspectorate (signature verified)"),
    "from_unit_standard": _("Standard message from the inspectorate (signature verified)"),
    "unverified": _(
        "WARNING: this message does not carry a valid signature of the inspectorate. Do not trust it."
    ),
    "from_you": _("You"),
    "your_report": _("Your report"),
    "your_identity": _("Your identity (sealed separately)"),
    "attachment": _("Attachment"),
    "message_empty": _("Write a message or choose a file."),
    "message_sent": _("Your message was received."),
    "unreadable": _("This item could not be decrypted."),
    "status_perlu_informasi_answered": _(
        "More information needed: your answer was sent and the inspectorate has it. It will go on with your report once it has read your answer."
    ),
    "deadline_paused_answered": _(
        "The clock stays paused until the inspectorate has read your answer and goes on with your report."
    ),
}


def messages(gettext: Callable[[str], str]) -> dict[str, str]:
    return {key: gettext(text) for key, text in MESSAGES.items()}
