"""The walks of ``scripts/screenshots``: which pages, in which states, under which names.

Each ``*_tour`` drives Chromium through one part of the product (reporter,
console, workstation UI) and hands each screen to ``Shots.take``, which saves
it as ``<area>-<page>-<state>-<lang>-<size>.png`` with the page's text beside
it. The servers and the temporary installation are made in screenshots.py; the
reporter's walks are in screenshot_reporter.py.
"""

from __future__ import annotations

import datetime
import fnmatch
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}
LANGS = ("id", "en")
UNIT = "demo-inspektorat"
RETIRED = "inspektorat-lama"
STAFF_PASSWORD = "kuda laut menari di bawah bulan"  # noqa: S105 (a throwaway demo)
TIMEOUT = 180_000


@dataclass
class Shots:
    """Where the images go and which ones are wanted."""

    out: Path
    only: list[str]
    langs: list[str]
    sizes: list[str]
    taken: list[str] = field(default_factory=list)

    def wants(self, name: str) -> bool:
        return not self.only or any(fnmatch.fnmatch(name, p) for p in self.only)

    def wants_any(self, *names: str) -> bool:
        return any(self.wants(n) for n in names)

    def take(self, page: Page, name: str, lang: str, size: str) -> None:
        if not self.wants(name):
            return
        page.wait_for_load_state()
        filename = f"{name}-{lang}-{size}.png"
        page.screenshot(path=str(self.out / filename), full_page=True)
        text = page.evaluate("() => document.body.innerText")
        (self.out / "text").mkdir(exist_ok=True)
        (self.out / "text" / filename.replace(".png", ".txt")).write_text(text)
        self.taken.append(filename)
        print(f"  {filename}", flush=True)


@dataclass
class World:
    """The temporary installation: data folder, workstation, staff and servers."""

    folder: Path
    env: dict[str, str]
    passphrase: str = ""
    totp: dict[str, pyotp.TOTP] = field(default_factory=dict)
    site: str = ""
    desk: str = ""
    codes: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    """Each language's report (its receipt code, its reference), answered with a question."""
    totp_steps: dict[str, int] = field(default_factory=dict)

    @property
    def workstation(self) -> Path:
        return self.folder / "ws"


LOCALES = {"id": "id-ID", "en": "en-US"}


def new_context(browser: Browser, size: str, lang: str = "id") -> BrowserContext:
    """A fresh browser profile; ``lang``: the browser's own language (Accept-Language)."""
    width, height = SIZES[size]
    ctx = browser.new_context(
        locale=LOCALES[lang],
        viewport={"width": width, "height": height},
        service_workers="block",
        accept_downloads=True,
    )
    ctx.set_default_timeout(TIMEOUT)
    return ctx


def set_size(page: Page, size: str) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})


def ready(page: Page) -> None:
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")


AFTER_THE_REPORT = (
    "console-cases-list", "console-case-new", "console-dashboard-default",
    "console-transfer-default", "console-password-default", "console-transfer-imported",
    "console-case-answered", "console-forbidden-inspector", "ws-unlock-empty", "ws-unlock-error",
    "ws-import-empty", "ws-import-done", "ws-cases-list", "ws-case-new", "ws-forward-default",
    "ws-reports-default", "ws-export-empty", "ws-identitylog-default", "ws-reply-queued",
    "ws-status-queued", "ws-case-queued", "ws-reports-month", "ws-reports-written",
    "ws-export-done", "reporter-status-question", "reporter-status-answered",
)  # fmt: skip


def needs_case(shots: Shots) -> bool:
    """Whether anything after the report form is wanted (console, workstation, status)."""
    return shots.wants_any(*AFTER_THE_REPORT)


def console_prefix(lang: str) -> str:
    return "/konsol" if lang == "id" else "/en/konsol"


def fresh_totp(world: World, who: str) -> str:
    """A code of a step the account has not signed in with: the console refuses a replay."""
    totp = world.totp[who]
    step = int(time.time()) // totp.interval
    while step <= world.totp_steps.get(who, -1):
        time.sleep(totp.interval - time.time() % totp.interval + 0.2)
        step = int(time.time()) // totp.interval
    world.totp_steps[who] = step
    return totp.at(step * totp.interval)


def console_sign_in(page: Page, world: World, who: str) -> None:
    page.goto(world.site + "/konsol/masuk")
    page.fill("#username", who)
    page.fill("#password", STAFF_PASSWORD)
    page.fill("#totp", fresh_totp(world, who))
    page.click("#sign-in")
    page.wait_for_load_state()


def each_size(page: Page, shots: Shots, name: str, lang: str = "id") -> None:
    """The page as it stands in every wanted size."""
    for size in shots.sizes:
        set_size(page, size)
        shots.take(page, name, lang, size)


def each_view(page: Page, shots: Shots, url: str, name: str, lang: str) -> None:
    """One GET page in every wanted size."""
    if not shots.wants(name):
        return
    page.goto(url)
    for size in shots.sizes:
        set_size(page, size)
        shots.take(page, name, lang, size)


def console_sign_in_tour(browser: Browser, world: World, shots: Shots) -> None:
    for lang in shots.langs:
        for size in shots.sizes:
            if not shots.wants_any("console-signin-empty", "console-signin-error"):
                return
            ctx = new_context(browser, size, lang)
            page = ctx.new_page()
            page.goto(world.site + console_prefix(lang) + "/masuk")
            shots.take(page, "console-signin-empty", lang, size)
            page.fill("#username", "tamu")
            page.fill("#password", "bukan sandinya")
            page.fill("#totp", "000000")
            page.click("#sign-in")
            shots.take(page, "console-signin-error", lang, size)
            ctx.close()


def inspector_tour(browser: Browser, world: World, shots: Shots) -> Path:
    """The inspector's console: list, case, dashboard, transfer; the export bundle."""
    ctx = new_context(browser, "desktop")
    page = ctx.new_page()
    console_sign_in(page, world, "ines")
    case_link = page.locator("#cases tbody tr a").first.get_attribute("href") or ""
    case_id = case_link.rstrip("/").rsplit("/", 1)[-1]
    for lang in shots.langs:
        pre = world.site + console_prefix(lang)
        each_view(page, shots, pre + "/kasus", "console-cases-list", lang)
        each_view(page, shots, f"{pre}/kasus/{case_id}", "console-case-new", lang)
        each_view(page, shots, pre + "/dasbor", "console-dashboard-default", lang)
        each_view(page, shots, pre + "/pertukaran", "console-transfer-default", lang)
        each_view(page, shots, pre + "/sandi", "console-password-default", lang)
    page.goto(world.site + "/konsol/pertukaran")
    with page.expect_download() as info:
        page.click("#export")
    bundle = world.folder / "ekspor.peluit"
    info.value.save_as(bundle)
    world.env["CASE_ID"] = case_id
    ctx.close()
    return bundle


def inspector_import(browser: Browser, world: World, shots: Shots, replies: Path) -> None:
    """The signed reply bundle back online; the audit log refused to an inspector."""
    ctx = new_context(browser, "desktop")
    page = ctx.new_page()
    console_sign_in(page, world, "ines")
    first = True
    for lang in shots.langs:
        pre = world.site + console_prefix(lang)
        if first:
            page.goto(pre + "/pertukaran")
            page.set_input_files("#bundle", str(replies))
            page.click("#import")
            page.wait_for_selector("#import-applied, #import-failed")
            for size in shots.sizes:
                set_size(page, size)
                shots.take(page, "console-transfer-imported", lang, size)
            first = False
        each_view(page, shots, pre + "/audit", "console-forbidden-inspector", lang)
    ctx.close()


def admin_tour(browser: Browser, world: World, shots: Shots) -> None:
    """The administrator's screens, then the auditor's (dashboard and audit log)."""
    admin = (
        "console-users-default", "console-units-default", "console-settings-default",
        "console-questionnaire-default",
    )  # fmt: skip
    if shots.wants_any(*admin):
        ctx = new_context(browser, "desktop")
        page = ctx.new_page()
        console_sign_in(page, world, "admin")
        for lang in shots.langs:
            pre = world.site + console_prefix(lang)
            each_view(page, shots, pre + "/akun", "console-users-default", lang)
            each_view(page, shots, pre + "/unit", "console-units-default", lang)
            each_view(page, shots, f"{pre}/pengaturan/{UNIT}", "console-settings-default", lang)
            url = f"{pre}/kuesioner/{UNIT}"
            each_view(page, shots, url, "console-questionnaire-default", lang)
        ctx.close()
    if shots.wants_any("console-audit-default", "console-dashboard-auditor"):
        ctx = new_context(browser, "desktop")
        page = ctx.new_page()
        console_sign_in(page, world, "audit")
        for lang in shots.langs:
            pre = world.site + console_prefix(lang)
            each_view(page, shots, pre + "/audit", "console-audit-default", lang)
            each_view(page, shots, pre + "/dasbor", "console-dashboard-auditor", lang)
        ctx.close()


def ws_prefix(lang: str) -> str:
    return "" if lang == "id" else "/en"


QUESTION = {
    "id": "Terima kasih. Mohon kirim salinan kontrak pengadaan laptop.",
    "en": "Thank you. Please send a copy of the laptop purchase contract.",
}


def ws_case(page: Page, world: World, lang: str) -> str:
    """The workstation's case id of ``lang``'s report (its row in the case list)."""
    row = page.locator("tbody tr", has_text=world.refs[lang])
    href = row.locator("a").first.get_attribute("href") or ""
    return href.rsplit("/", 1)[-1]


def ask(page: Page, world: World, case: str, question: str) -> None:
    """Queue a question and the status "needs information" for a case, without images."""
    page.goto(f"{world.desk}/kasus/{case}")
    page.fill("#reply-text", question)
    page.locator("form[action$='/balas'] button[type=submit]").click()
    page.goto(f"{world.desk}/kasus/{case}")
    page.select_option("#new", "perlu_informasi")
    page.locator("form[action$='/status'] button[type=submit]").click()


def ws_tour(browser: Browser, world: World, shots: Shots, bundle: Path) -> Path:
    """The workstation UI: unlock, import, list, case, reply, status, forward, reports."""
    ctx = new_context(browser, "desktop")
    page = ctx.new_page()
    for lang in shots.langs:
        each_view(page, shots, world.desk + ws_prefix(lang) + "/masuk", "ws-unlock-empty", lang)
    page.goto(world.desk + "/masuk")
    page.fill("#passphrase", "bukan kata sandi yang benar")
    page.get_by_role("button", name="Buka", exact=True).click()
    each_size(page, shots, "ws-unlock-error")
    page.fill("#passphrase", world.passphrase)
    page.get_by_role("button", name="Buka", exact=True).click()
    page.wait_for_load_state()
    for lang in shots.langs:
        each_view(page, shots, world.desk + ws_prefix(lang) + "/impor", "ws-import-empty", lang)
    page.goto(world.desk + "/impor")
    page.fill("#path", str(bundle))
    page.locator("form[action$='/impor'] button[type=submit]").click()
    each_size(page, shots, "ws-import-done")
    page.goto(world.desk + "/")
    cases = {lang: ws_case(page, world, lang) for lang in world.refs}
    case = cases.get("id") or next(iter(cases.values()))
    for lang in shots.langs:
        pre = world.desk + ws_prefix(lang)
        each_view(page, shots, pre + "/", "ws-cases-list", lang)
        each_view(page, shots, f"{pre}/kasus/{case}", "ws-case-new", lang)
        each_view(page, shots, f"{pre}/kasus/{case}/limpahkan", "ws-forward-default", lang)
        each_view(page, shots, pre + "/laporan", "ws-reports-default", lang)
        each_view(page, shots, pre + "/ekspor", "ws-export-empty", lang)
        each_view(page, shots, pre + "/log-identitas", "ws-identitylog-default", lang)
    page.goto(f"{world.desk}/kasus/{case}")
    page.fill("#reply-text", QUESTION["id"])
    page.locator("form[action$='/balas'] button[type=submit]").click()
    each_size(page, shots, "ws-reply-queued")
    page.goto(f"{world.desk}/kasus/{case}")
    page.select_option("#new", "perlu_informasi")
    page.locator("form[action$='/status'] button[type=submit]").click()
    each_size(page, shots, "ws-status-queued")
    for lang in shots.langs:
        each_view(
            page, shots, f"{world.desk}{ws_prefix(lang)}/kasus/{case}", "ws-case-queued", lang
        )
    for lang, other in cases.items():  # every language's report has a question to answer
        if other != case:
            ask(page, world, other, QUESTION[lang])
    month = datetime.date.today().strftime("%Y-%m")
    for lang in shots.langs:
        url = f"{world.desk}{ws_prefix(lang)}/laporan?period={month}"
        each_view(page, shots, url, "ws-reports-month", lang)
    page.goto(f"{world.desk}/laporan?period={month}")
    page.fill("#out", str(world.folder / "laporan-pimpinan"))
    page.locator("form[method=post][action$='/laporan'] button[type=submit]").click()
    each_size(page, shots, "ws-reports-written")
    replies = world.folder / "balasan.peluit"
    page.goto(world.desk + "/ekspor")
    page.fill("#path", str(replies))
    page.locator("form[action$='/ekspor'] button[type=submit]").click()
    each_size(page, shots, "ws-export-done")
    ctx.close()
    return replies


def console_answered_tour(browser: Browser, world: World, shots: Shots) -> None:
    """The inspector's console view of the case the reporter answered (the Indonesian one)."""
    if not shots.wants("console-case-answered"):
        return
    ctx = new_context(browser, "desktop")
    page = ctx.new_page()
    console_sign_in(page, world, "ines")
    reference = world.refs.get("id") or next(iter(world.refs.values()))
    href = page.locator("#cases tbody tr a", has_text=reference).first.get_attribute("href")
    case_id = (href or "").rstrip("/").rsplit("/", 1)[-1]
    for lang in shots.langs:
        url = f"{world.site}{console_prefix(lang)}/kasus/{case_id}"
        each_view(page, shots, url, "console-case-answered", lang)
    ctx.close()
