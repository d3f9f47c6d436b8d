"""Indonesian and English names of the lifecycle and triage codes, for pages and reports."""

from __future__ import annotations

from typing import Final

NAMES: Final[dict[str, tuple[str, str]]] = {
    # statuses (workstation/lifecycle.py)
    "diterima": ("Diterima", "Received"),
    "diverifikasi": ("Diverifikasi", "Triaged"),
    "perlu_informasi": ("Perlu informasi", "Waiting for the reporter"),
    "dilimpahkan": ("Dilimpahkan", "Referred"),
    "tidak_dapat_ditindaklanjuti": ("Tidak dapat ditindaklanjuti", "Cannot be followed up"),
    "ditindaklanjuti": ("Ditindaklanjuti", "Being examined"),
    "selesai": ("Selesai", "Concluded"),
    "ditutup": ("Ditutup", "Closed"),
    # outcomes
    "terbukti": ("Terbukti", "Proven"),
    "tidak_terbukti": ("Tidak terbukti", "Not proven"),
    "sebagian_terbukti": ("Sebagian terbukti", "Partly proven"),
    "dihentikan": ("Dihentikan", "Stopped"),
    # reasons
    "terlalu_umum": ("Terlalu umum", "Too vague"),
    "di_luar_kewenangan": ("Di luar kewenangan", "Out of scope"),
    "kedaluwarsa": ("Kedaluwarsa", "Too old"),
    "duplikat": ("Duplikat", "Duplicate"),
    # referral targets
    "kpk": ("KPK", "KPK (anti-corruption commission)"),
    "kepolisian": ("Kepolisian", "Police"),
    "kejaksaan": ("Kejaksaan", "Prosecutors"),
    "inspektorat_lebih_tinggi": ("Inspektorat yang lebih tinggi", "Higher inspectorate"),
    "lapor": ("SP4N-LAPOR!", "SP4N-LAPOR!"),
    # urgency (NTB Care tiers) and retaliation risk
    "segera": ("Segera", "Urgent"),
    "penting": ("Penting", "Important"),
    "biasa": ("Biasa", "Ordinary"),
    "tinggi": ("Tinggi", "High"),
    "sedang": ("Sedang", "Medium"),
    "rendah": ("Rendah", "Low"),
    "belum-dinilai": ("Belum dinilai", "Not assessed"),
    # report stages
    "triage": ("Verifikasi", "Triage"),
    "first_followup": ("Tindak lanjut awal", "First follow-up"),
    "feedback": ("Umpan balik", "Feedback"),
    "conclusion": ("Penyelesaian", "Conclusion"),
}


def name(code: str, lang: str = "id") -> str:
    """The code's name in ``lang``; an unknown code is shown as it is."""
    pair = NAMES.get(code)
    if pair is None:
        return code
    return pair[0] if lang == "id" else pair[1]
