"""Every message a page can show has an Indonesian translation (Indonesian first)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from web.i18n import translations

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "web" / "locale" / "id" / "LC_MESSAGES" / "messages.po"
METHOD_MAP = [
    ("web/page_messages.py", "python"),
    ("web/**.py", "python"),
    ("web/templates/**.html", "jinja2"),
]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, options_map=OPTIONS
    ):
        if isinstance(message, str):
            found.add(message)
    return found


def test_extraction_finds_the_pages_messages() -> None:
    messages = extracted()
    assert "Report wrongdoing safely" in messages
    assert "Check the code: one digit looks wrong." in messages
    assert len(messages) > 100


def test_every_message_has_an_indonesian_translation() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    missing = sorted(m for m in extracted() if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []


def test_placeholders_survive_translation() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    for message in catalog:
        if not message.id or not message.string:
            continue
        assert set(re.findall(r"\{\w+\}", str(message.id))) == set(
            re.findall(r"\{\w+\}", str(message.string))
        ), message.id


def test_the_catalog_is_what_the_pages_use() -> None:
    assert translations("id").gettext("Continue") == "Lanjut"
    assert translations("en").gettext("Continue") == "Continue"


def test_every_plural_message_has_its_indonesian_form() -> None:
    """Indonesian has one form ("1 kasus", "5 kasus"); every ngettext pair is translated."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    assert catalog.num_plurals == 1
    pairs = [
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHOD_MAP, options_map=OPTIONS
        )
        if isinstance(message, tuple)
    ]
    assert pairs
    missing = [
        pair for pair in pairs if not (catalog.get(pair[0]) and all(catalog.get(pair[0]).string))
    ]
    assert missing == []
