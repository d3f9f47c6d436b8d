"""Leadership report layouts: which periods and sections, in which order, titled how.

A layout is data, a small JSON file (docs/spec/report-layout-v1.md)::

    {"format": "peluit-report-layout-1", "name": "nasional",
     "comment": "what regulation it follows",
     "title": {"id": "...", "en": "..."}, "intro": {"id": "...", "en": "..."},
     "periods": ["month", "quarter", "semester", "year"],
     "sections": [{"show": "category", "title": {"id": "...", "en": "..."}}, ...]}

Two ship with the workstation (``workstation/report_layouts/``):
``pergub-ntb-5-2024`` and ``nasional``. A unit may add its own with
``peluit-ws report-layout --add FILE``: it is checked, then copied to
``<folder>/report-layouts/NAME.json``, where an inspector can read and edit
it (it is checked again each time a report is made). The unit's choice is the
``report_layout`` row of the store's ``meta`` table; without one the report
uses :data:`DEFAULT`, the layout this workstation always had.

Every refusal says what is wrong in Indonesian and in English.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from workstation.errors import Refused

if TYPE_CHECKING:
    from workstation.store import WorkstationStore

FORMAT: Final = "peluit-report-layout-1"
DEFAULT: Final = "pergub-ntb-5-2024"
META_KEY: Final = "report_layout"
FOLDER: Final = "report-layouts"
MAX_BYTES: Final = 64 * 1024
SECTIONS: Final = ("category", "status", "agency", "outcome", "referral", "compliance")
PERIODS: Final = {  # kind: (Indonesian, English, example)
    "month": ("bulan", "month", "2026-11"),
    "quarter": ("triwulan", "quarter", "2026-Q4"),
    "semester": ("semester", "half-year", "2026-S2"),
    "year": ("tahun", "year", "2026"),
}
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z")
_KEYS: Final = {"format", "name", "comment", "title", "intro", "periods", "sections"}


@dataclass(frozen=True)
class Words:
    id: str
    en: str

    @property
    def both(self) -> str:
        return self.id if self.id == self.en else f"{self.id} / {self.en}"


@dataclass(frozen=True)
class Section:
    show: str  # one of SECTIONS
    title: Words


@dataclass(frozen=True)
class Layout:
    name: str
    comment: str
    title: Words
    intro: Words
    periods: tuple[str, ...]  # kinds from PERIODS, in the order given
    sections: tuple[Section, ...]

    def period_words(self, lang: str) -> str:
        """The periods this layout reports on, as examples: "2026-11, 2026-Q4 atau 2026"."""
        examples = [PERIODS[kind][2] for kind in self.periods]
        joiner = " atau " if lang == "id" else " or "
        return (
            examples[0] if len(examples) == 1 else ", ".join(examples[:-1]) + joiner + examples[-1]
        )


class LayoutRefused(Refused):
    """A layout file that cannot be used; the message names the file and the fault."""

    def __init__(self, source: str, id_text: str, en_text: str) -> None:
        self.source = source
        super().__init__(
            f"tata letak laporan {source}: {id_text} / report layout {source}: {en_text}"
        )


# --- reading and checking -------------------------------------------------------------


def parse(data: bytes, source: str) -> Layout:
    """Check a layout file's bytes; :class:`LayoutRefused` names the first fault."""
    if len(data) > MAX_BYTES:
        raise LayoutRefused(source, "berkas lebih dari 64 KB", "the file is over 64 KB")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as bad:
        line = getattr(bad, "lineno", None)
        where = f" (baris {line})" if line else ""
        where_en = f" (line {line})" if line else ""
        raise LayoutRefused(
            source, f"bukan JSON yang sah{where}", f"not valid JSON{where_en}"
        ) from None
    if not isinstance(doc, dict):
        raise LayoutRefused(
            source, "isinya harus satu objek JSON {…}", "it must be one JSON object {…}"
        )
    if doc.get("format") != FORMAT:
        raise LayoutRefused(source, f'"format" harus "{FORMAT}"', f'"format" must be "{FORMAT}"')
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise LayoutRefused(
            source,
            f"kunci tidak dikenal: {', '.join(unknown)}",
            f"unknown keys: {', '.join(unknown)}",
        )
    name = doc.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise LayoutRefused(
            source,
            '"name" hanya huruf kecil, angka dan "-" (paling banyak 40)',
            '"name" is lowercase letters, digits and "-" (at most 40)',
        )
    comment = doc.get("comment", "")
    if not isinstance(comment, str):
        raise LayoutRefused(source, '"comment" harus teks', '"comment" must be text')
    return Layout(
        name,
        comment,
        _words(doc, "title", source),
        _words(doc, "intro", source),
        _periods(doc.get("periods"), source),
        _sections(doc.get("sections"), source),
    )


def _words(doc: dict[str, Any], key: str, source: str) -> Words:
    value = doc.get(key)
    if (
        not isinstance(value, dict)
        or set(value) != {"id", "en"}
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise LayoutRefused(
            source,
            f'"{key}" harus berisi teks "id" dan "en", keduanya terisi',
            f'"{key}" must hold an "id" and an "en" text, both filled in',
        )
    return Words(value["id"].strip(), value["en"].strip())


def _periods(value: object, source: str) -> tuple[str, ...]:
    known = ", ".join(PERIODS)
    if not isinstance(value, list) or not value:
        raise LayoutRefused(
            source,
            f'"periods" harus daftar yang tidak kosong dari: {known}',
            f'"periods" must be a non-empty list of: {known}',
        )
    for kind in value:
        if kind not in PERIODS:
            raise LayoutRefused(
                source,
                f'periode "{kind}" tidak dikenal; yang ada: {known}',
                f'unknown period "{kind}"; known: {known}',
            )
    if len(set(value)) != len(value):
        raise LayoutRefused(
            source, '"periods" menyebut satu periode dua kali', '"periods" names a period twice'
        )
    return tuple(value)


def _sections(value: object, source: str) -> tuple[Section, ...]:
    known = ", ".join(SECTIONS)
    if not isinstance(value, list) or not value:
        raise LayoutRefused(
            source,
            f'"sections" harus daftar yang tidak kosong; bagian yang ada: {known}',
            f'"sections" must be a non-empty list; known sections: {known}',
        )
    result = []
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, dict) or set(entry) != {"show", "title"}:
            raise LayoutRefused(
                source,
                f'bagian ke-{number} harus berisi "show" dan "title" saja',
                f'section {number} must hold "show" and "title" only',
            )
        if entry["show"] not in SECTIONS:
            raise LayoutRefused(
                source,
                f'bagian ke-{number}: "{entry["show"]}" tidak dikenal; yang ada: {known}',
                f'section {number}: unknown "{entry["show"]}"; known: {known}',
            )
        result.append(Section(entry["show"], _words(entry, "title", f"{source}, #{number}")))
    shows = [s.show for s in result]
    if len(set(shows)) != len(shows):
        raise LayoutRefused(source, "satu bagian disebut dua kali", "a section is named twice")
    return tuple(result)


# --- where layouts live ---------------------------------------------------------------


def shipped() -> dict[str, bytes]:
    folder = resources.files("workstation") / "report_layouts"
    return {
        entry.name.removesuffix(".json"): entry.read_bytes()
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


def _own(folder: Path) -> dict[str, Path]:
    where = folder / FOLDER
    if not where.is_dir():
        return {}
    return {p.stem: p for p in sorted(where.glob("*.json")) if _NAME.match(p.stem)}


def available(folder: Path) -> list[str]:
    """The layouts this workstation can use: shipped first, then the unit's own."""
    ours = shipped()
    return sorted(ours) + [name for name in _own(folder) if name not in ours]


def load(folder: Path, name: str) -> Layout:
    ours = shipped()
    if name in ours:
        return parse(ours[name], name)
    path = _own(folder).get(name)
    if path is None:
        names = ", ".join(available(folder))
        raise Refused(f"no report layout {name!r}; available: {names}")
    layout = parse(path.read_bytes()[: MAX_BYTES + 1], str(path))
    if layout.name != name:
        raise LayoutRefused(
            str(path),
            f'"name" harus "{name}", sama dengan nama berkas',
            f'"name" must be "{name}", the same as the file name',
        )
    return layout


SHIPPED_LABELS: Final = {
    "pergub-ntb-5-2024": Words(
        "Pergub NTB No. 5 Tahun 2024 (untuk Gubernur dan Sekretaris Daerah)",
        "NTB Governor Regulation 5/2024 (for the Governor and the Regional Secretary)",
    ),
    "nasional": Words(
        "Nasional: SE MenPANRB No. 08 Tahun 2012 (untuk pimpinan instansi)",
        "National: MenPANRB Circular 08/2012 (for the head of the agency)",
    ),
}


def labels(folder: Path) -> dict[str, Words]:
    """What the layout select shows for each layout: what it follows, never its file name.

    A unit's own layout is shown by its title (its file name only when the file is refused).
    """
    shown: dict[str, Words] = {}
    for name in available(folder):
        if name in SHIPPED_LABELS:
            shown[name] = SHIPPED_LABELS[name]
            continue
        try:
            shown[name] = load(folder, name).title
        except Refused:
            shown[name] = Words(name, name)
    return shown


def chosen_name(store: WorkstationStore) -> str:
    return store.meta(META_KEY) or DEFAULT


def chosen(folder: Path, store: WorkstationStore) -> Layout:
    """The unit's layout, checked now (an edited file is refused with its fault)."""
    return load(folder, chosen_name(store))


def choose(folder: Path, store: WorkstationStore, name: str) -> Layout:
    """Make ``name`` the unit's layout, after checking it."""
    layout = load(folder, name)
    store.set_meta(META_KEY, layout.name)
    return layout


def add(folder: Path, file: Path) -> Layout:
    """Check a unit's own layout file and copy it to ``<folder>/report-layouts/NAME.json``."""
    if not file.is_file():
        raise Refused(f"no such file: {file}")
    data = file.read_bytes()[: MAX_BYTES + 1]
    layout = parse(data, str(file))
    if layout.name in shipped():
        raise LayoutRefused(
            str(file),
            f'"{layout.name}" adalah tata letak bawaan; pilih nama lain',
            f'"{layout.name}" is a shipped layout; choose another name',
        )
    where = folder / FOLDER
    where.mkdir(mode=0o700, exist_ok=True)
    temporary = where / f".{layout.name}.json.new"
    temporary.write_bytes(data)
    os.replace(temporary, where / f"{layout.name}.json")
    return layout
