"""Peluit as deployed: ``peluit serve`` behind Debian's Caddy with the project's Caddyfile.

Real components only: a ``peluit serve`` process (bench/live_server.py) on
a real data folder, Caddy from Debian with ``deploy/caddy/Caddyfile``
(``tls internal`` on localhost, high ports on 127.0.0.1, its state in a temp
folder: tests/deploy_fixtures.py), and Debian's Chromium in both engines.

Chromium trusts Caddy's local authority through a temporary NSS database
(``HOME`` points at a temp folder holding ``.pki/nssdb``): the TLS check is
real; no ``--ignore-certificate-errors``, no ``ignore_https_errors``.

1. the reporter sends a report with two attachments over https, and comes
   back with the receipt code; the unit opens the tip;
2. every page arrives with exactly one HSTS header and the app's own CSP;
3. an inspector signs in to the console and gets the ``__Host-`` cookie,
   ``Secure`` (this needs ``PELUIT_PUBLIC_URL``, which the server is given);
4. neither Caddy nor Peluit wrote an access log.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from deploy_fixtures import Caddy, free_port, run_caddy, trust_in_nss
from playwright.sync_api import Browser, Page, Playwright, Response

from bench.live_server import LiveServer, UnitKeys, prepare_data
from browser.conftest import CHROMIUM, ENGINES, assert_engine
from browser.test_reporter_flow import fill_report, jpeg_with_hidden_data, png_with_text
from crypto.envelope import Context, open_envelope
from receipts.derivation import derive
from receipts.receipt_code import parse
from vault import staff
from vault.database import opened
from vault.store import SqliteVaultStore
from web.security_headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

PASSWORD = "kata sandi yang panjang"
HSTS = "max-age=31536000"


@dataclass
class Deployment:
    caddy: Caddy
    server: LiveServer
    data: Path
    unit: UnitKeys
    totp: dict[str, pyotp.TOTP]
    """One inspector per engine: a TOTP code is accepted only once."""
    home: Path
    server_log: Path

    @property
    def base(self) -> str:
        return self.caddy.base


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("deployment")
    data = folder / "data"
    unit = prepare_data(data)
    totp = {}
    with opened(data / "vault.sqlite3") as db:
        for engine in ENGINES:
            _, secret = staff.create_user(
                db, f"ines-{engine}", "inspector", unit_ids=[unit.card.unit_id], password=PASSWORD
            )
            totp[engine] = pyotp.TOTP(secret.reveal())
    https_port = free_port()
    log = folder / "peluit-serve.log"
    # Proof of work at 8 bits, as in every browser test (app_fixtures.py says why).
    env = {"PELUIT_POW_BITS": "8", "PELUIT_PUBLIC_URL": f"https://localhost:{https_port}"}
    server = LiveServer(data, env=env, log=log)
    with server, run_caddy(folder / "caddy", f"127.0.0.1:{server.port}", https_port) as caddy:
        home = folder / "home"
        trust_in_nss(home, caddy.root_ca)
        yield Deployment(caddy, server, data, unit, totp, home, log)


@pytest.fixture(scope="module", params=list(ENGINES))
def browser(
    request: pytest.FixtureRequest, playwright_instance: Playwright, deployment: Deployment
) -> Iterator[Browser]:
    """Chromium in one engine, trusting Caddy's local authority (and nothing more)."""
    engine = request.param
    launched = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=ENGINES[engine],
        headless=True,
        env={**os.environ, "HOME": str(deployment.home)},
    )
    launched.engine = engine  # type: ignore[attr-defined]
    yield launched
    launched.close()


def one_hsts_and_our_csp(response: Response | None) -> None:
    assert response is not None and response.ok
    headers = response.headers_array()
    hsts = [h["value"] for h in headers if h["name"].lower() == "strict-transport-security"]
    csp = [h["value"] for h in headers if h["name"].lower() == "content-security-policy"]
    assert hsts == [HSTS]
    assert csp == [CONTENT_SECURITY_POLICY]
    assert not [h for h in headers if h["name"].lower() == "server"]


def test_reporter_flow_over_https(
    page: Page, engine: str, deployment: Deployment, tmp_path: Path
) -> None:
    page.set_default_timeout(180_000)
    base = deployment.base
    unit_id = deployment.unit.card.unit_id
    marker = f"PELUIT-MARKER-{secrets.token_hex(8)}"
    photo = tmp_path / "foto_kantor.jpg"
    photo.write_bytes(jpeg_with_hidden_data())
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_with_text())

    page.peluit.allowed_origins.add(base)  # type: ignore[attr-defined]
    one_hsts_and_our_csp(page.goto(f"{base}/id/lapor/{unit_id}"))
    assert page.evaluate("window.isSecureContext") is True
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    assert_engine(page, engine)
    assert page.text_content("#fingerprint") == deployment.unit.card.fingerprint()
    fill_report(page, marker, [photo, scan])
    page.click("#continue")
    page.wait_for_selector("#step-receipt", state="visible")
    code = parse(page.text_content("#receipt-code") or "")
    page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
    page.check("#saved")
    page.click("#send")
    page.wait_for_selector("#step-done", state="visible", timeout=120_000)
    reference = page.text_content("#done-ref") or ""
    assert reference.startswith("WBS-")

    # The unit (the test) opens the tip that came through the proxy.
    store = SqliteVaultStore.open(deployment.data, sweep=False)
    try:
        keys = derive(code, store.instance_salt())
        case = store.find_case(keys.selector.reveal(), keys.validator.reveal())
        assert case is not None and case.reference == reference
        infos = store.list_envelopes(case.case_id)
        assert sorted(i.kind for i in infos) == ["attachment", "attachment", "identity", "tip"]
        tip_info = next(i for i in infos if i.kind == "tip")
        sealed = b"".join(store.stream_envelope(case.case_id, tip_info.item_id))
    finally:
        store.close()
    ctx = Context(unit_id, bytes.fromhex(case.case_id), "tip", bytes.fromhex(tip_info.item_id))
    tip = json.loads(open_envelope(sealed, [deployment.unit.xwing], ctx))
    assert marker in tip["answers"]["what"]

    # The reporter comes back.
    one_hsts_and_our_csp(page.goto(f"{base}/id/cek"))
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    page.fill("#code", code.digits)
    page.click("#open")
    page.wait_for_selector("#case", state="visible", timeout=120_000)
    assert page.text_content("#case-ref") == reference
    assert marker in page.inner_text("#conversation")

    # Neither Caddy nor Peluit wrote down a visit.
    for log in (deployment.caddy.log_text(), deployment.server_log.read_text()):
        assert "/id/lapor" not in log and "/api/" not in log and "/id/cek" not in log
        assert "handled request" not in log
        assert reference not in log and marker not in log


def test_console_sign_in_over_https_gets_the_host_cookie(
    browser: Browser, engine: str, deployment: Deployment
) -> None:
    context = browser.new_context(service_workers="block")
    try:
        desk = context.new_page()
        desk.set_default_timeout(120_000)
        problems: list[str] = []
        desk.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        desk.on("pageerror", lambda e: problems.append(str(e)))
        one_hsts_and_our_csp(desk.goto(deployment.base + "/konsol/masuk"))
        desk.fill("#username", f"ines-{engine}")
        desk.fill("#password", PASSWORD)
        desk.fill("#totp", deployment.totp[engine].now())
        desk.click("#sign-in")
        desk.wait_for_url(deployment.base + "/konsol/kasus")
        assert desk.locator("#cases").count() == 1
        cookies = context.cookies()
        assert [c["name"] for c in cookies] == ["__Host-peluit-konsol"]
        [cookie] = cookies
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/" and cookie["domain"] == "localhost"
        assert not [p for p in problems if "favicon" not in p], problems
    finally:
        context.close()
    assert "/konsol" not in deployment.caddy.log_text()
