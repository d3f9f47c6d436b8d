"""Human names for the codes the console shows (msgids are English; see messages.po)."""

from __future__ import annotations

from collections.abc import Callable

from common.case_status import OUTCOMES, REASONS, TARGETS, CaseStatus


def _(message: str) -> str:
    """Marks a message for extraction; translation happens in :func:`names`."""
    return message


STATUS = {
    "diterima": _("Received"),
    "diverifikasi": _("Verified (triaged)"),
    "perlu_informasi": _("Waiting for the reporter"),
    "dilimpahkan": _("Referred"),
    "tidak_dapat_ditindaklanjuti": _("Cannot be followed up"),
    "ditindaklanjuti": _("Being examined"),
    "selesai": _("Concluded"),
    "ditutup": _("Closed"),
}
STAGES = {
    "triage": _("Triage"),
    "first_followup": _("First follow-up"),
    "feedback": _("Feedback to the reporter"),
    "conclusion": _("Conclusion"),
    "auto_close": _("Closing"),
}
CODES = {
    "terbukti": _("proven"),
    "tidak_terbukti": _("not proven"),
    "sebagian_terbukti": _("partly proven"),
    "dihentikan": _("stopped"),
    "terlalu_umum": _("too vague"),
    "di_luar_kewenangan": _("outside our authority"),
    "kedaluwarsa": _("too old"),
    "duplikat": _("duplicate"),
    "kpk": _("KPK"),
    "kepolisian": _("police"),
    "kejaksaan": _("prosecutors"),
    "inspektorat_lebih_tinggi": _("higher inspectorate"),
    "lapor": _("SP4N-LAPOR!"),
}
KINDS = {
    "tip": _("report"),
    "attachment": _("attachment"),
    "identity": _("identity (sealed separately)"),
    "message": _("message"),
    "reply": _("reply"),
    "forward": _("forward"),
}
AUTHORS = {"reporter": _("reporter"), "unit": _("unit")}
ROLES = {"admin": _("administrator"), "inspector": _("inspector"), "auditor": _("auditor")}
COMPLIANCE = {"met": _("on time"), "missed": _("late"), "running": _("still running")}

STATUS_ORDER = [s.value for s in CaseStatus]
OUTCOME_ORDER = sorted(OUTCOMES)
REASON_ORDER = sorted(REASONS)
TARGET_ORDER = sorted(TARGETS)


def names(gettext: Callable[[str], str]) -> dict[str, dict[str, str]]:
    """Every table translated, for templates."""
    tables = {
        "status_names": STATUS,
        "stage_names": STAGES,
        "code_names": CODES,
        "kind_names": KINDS,
        "author_names": AUTHORS,
        "role_names": ROLES,
        "compliance_names": COMPLIANCE,
    }
    return {key: {k: gettext(v) for k, v in table.items()} for key, table in tables.items()}
