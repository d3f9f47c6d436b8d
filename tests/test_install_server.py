"""``scripts/install-server`` in a scratch root, and what it installs, checked by the real tools.

The script runs for real with ``--root DIR``: every file lands under DIR and
nothing is run (no apt-get, useradd, chown or systemctl; each skipped step
is printed). Then the installed files go through the programs that will read
them on a server: ``systemd-analyze verify`` and ``security`` for the units,
``tor --verify-config`` and a real Tor (network off) that makes the onion
address, ``caddy validate`` and ``nginx -t`` for the proxies with the
Onion-Location header filled in, and each proxy running, sending it.
"""

from __future__ import annotations

import os
import re
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest
from browser.conftest import serve_app
from deploy_fixtures import (
    Caddy,
    Nginx,
    nginx_config_for_test,
    recorder,
    run_caddy,
    run_nginx,
    wait_for_file,
)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "install-server"
DOMAIN = "lapor.inspektorat-uji.go.id"
UNITS = [
    "peluit.service",
    *(
        f"peluit-{job}.{kind}"
        for job in ("deadlines", "retention", "notify", "backup")
        for kind in ("service", "timer")
    ),
]
CHANGE_WORDS = ("created", "updated", "chmod", "chown", "linked", "unlinked", "ran")


def install(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def tree(root: Path) -> dict[str, tuple[int, bytes | str, int]]:
    """Every path under root: its mode, its content (or link target) and its mtime."""
    found: dict[str, tuple[int, bytes | str, int]] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        if path.is_symlink():
            content: bytes | str = os.readlink(path)
        elif path.is_file():
            content = path.read_bytes()
        else:
            content = "dir"
        found[str(path.relative_to(root))] = (st.st_mode, content, st.st_mtime_ns)
    return found


def changes(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.split(" ", 1)[0] in CHANGE_WORDS]


def test_twice_in_a_scratch_root_the_second_run_changes_nothing(tmp_path: Path) -> None:
    first = install(tmp_path, "--domain", DOMAIN, "--onion")
    assert first.returncode == 0, first.stderr
    assert "created   /etc/systemd/system/peluit.service" in first.stdout
    assert "skipped   apt-get install python3-venv caddy tor" in first.stdout
    assert "skipped   useradd --system peluit" in first.stdout
    after_first = tree(tmp_path)
    assert oct(after_first["var/lib/peluit"][0] & 0o777) == "0o700"
    assert oct(after_first["var/backups/peluit"][0] & 0o777) == "0o700"
    assert oct(after_first["etc/peluit/peluit.env"][0] & 0o777) == "0o640"
    caddyfile = (tmp_path / "etc/caddy/Caddyfile").read_text()
    assert f"{DOMAIN} {{" in caddyfile and "lapor.example.go.id" not in caddyfile
    env = (tmp_path / "etc/peluit/peluit.env").read_text()
    assert f"PELUIT_PUBLIC_URL=https://{DOMAIN}\n" in env
    for unit in UNITS:
        text = (tmp_path / "etc/systemd/system" / unit).read_text()
        assert "/opt/peluit" not in text  # the program folder is this checkout
    assert "install-server: 16 change(s) made" in first.stdout

    second = install(tmp_path, "--domain", DOMAIN, "--onion")
    assert second.returncode == 0, second.stderr
    assert changes(second.stdout) == []
    assert second.stdout.rstrip().endswith(
        "install-server: nothing to do, everything was already in place"
    )
    assert tree(tmp_path) == after_first


def test_settings_you_edited_are_never_overwritten(tmp_path: Path) -> None:
    assert install(tmp_path, "--domain", DOMAIN).returncode == 0
    env = tmp_path / "etc/peluit/peluit.env"
    env.write_text(env.read_text() + "PELUIT_POW_BITS=18\n")
    (tmp_path / "etc/caddy/Caddyfile").write_text("# edited by hand\n")
    again = install(tmp_path, "--domain", DOMAIN)
    assert again.returncode == 0, again.stderr
    assert env.read_text().endswith("PELUIT_POW_BITS=18\n")
    assert "updated   /etc/caddy/Caddyfile" in again.stdout
    kept = tmp_path / "etc/caddy/Caddyfile.before-peluit"
    assert kept.read_text() == "# edited by hand\n"
    assert "install-server: 1 change(s) made" in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--domain", "lapor.go.id;rm -rf /"], "is not a host name"),
        (["--domain", "Lapor.Go.Id"], "is not a host name"),
        ([], "--domain is required"),
        (["--domain", DOMAIN, "--proxy", "apache"], "--proxy must be caddy, nginx or none"),
        (["--proxy", "none"], "use --onion"),
        (["--domain", DOMAIN, "--bogus"], "unknown option: --bogus"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    refused = install(tmp_path, *args)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: ") and message in refused.stderr
    assert list(tmp_path.iterdir()) == []


def unit_settings(path: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def test_the_installed_units_pass_systemd_analyze(tmp_path: Path) -> None:
    assert install(tmp_path, "--domain", DOMAIN).returncode == 0
    folder = tmp_path / "etc/systemd/system"
    paths = [str(folder / unit) for unit in UNITS]
    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *paths],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # Unknown keys and bad values are only warnings: any output is a failure.
    assert verified.returncode == 0 and verified.stderr == "" and verified.stdout == "", (
        verified.stderr
    )
    for unit in UNITS:
        if not unit.endswith(".service"):
            continue
        security = subprocess.run(
            ["systemd-analyze", "security", "--offline=yes", str(folder / unit)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        level = re.search(r"Overall exposure level for \S+: ([0-9.]+)", security.stdout)
        assert level, security.stdout + security.stderr
        assert float(level.group(1)) <= 2.0, f"{unit}: {level.group(0)}"

    serve = unit_settings(folder / "peluit.service")
    expected = {
        "User": ["peluit"],
        "StateDirectory": ["peluit"],
        "StateDirectoryMode": ["0700"],
        "ProtectSystem": ["strict"],
        "PrivateTmp": ["yes"],
        "NoNewPrivileges": ["yes"],
        "IPAddressDeny": ["any"],
        "IPAddressAllow": ["localhost"],
        "Restart": ["on-failure"],
        "UMask": ["0077"],
        "EnvironmentFile": ["/etc/peluit/peluit.env"],
    }
    for key, value in expected.items():
        assert serve[key] == value, key
    assert serve["ExecStart"] == [f"{ROOT}/.venv/bin/peluit serve --host 127.0.0.1 --port 8000"]
    for job in ("deadlines", "retention", "backup"):
        assert unit_settings(folder / f"peluit-{job}.service")["PrivateNetwork"] == ["yes"]
    for job in ("deadlines", "retention", "notify", "backup"):
        timer = unit_settings(folder / f"peluit-{job}.timer")
        assert timer["Persistent"] == ["yes"]
        assert timer["OnCalendar"][0].endswith(" Asia/Jakarta")


def run_tor_once(root: Path) -> str:
    """A real Tor, network off, on the installed torrc (and the torrc.d it includes).

    The installed files name /etc/tor and /var/lib/tor: a copy of each, with
    those paths moved under the scratch root, is what Tor reads; it checks
    the configuration, then writes the onion address and stops.
    """
    hs = root / "var/lib/tor/peluit"
    data = root / "tor-data"
    for made in (hs, data):
        made.mkdir(parents=True, exist_ok=True)
        made.chmod(0o700)
    included = root / "tor-test/torrc.d"
    included.mkdir(parents=True)
    snippet = (root / "etc/tor/torrc.d/peluit.conf").read_text()
    assert "HiddenServiceDir /var/lib/tor/peluit/\n" in snippet
    (included / "peluit.conf").write_text(snippet.replace("/var/lib/tor/peluit/", f"{hs}/"))
    torrc = (root / "etc/tor/torrc").read_text()
    assert "%include /etc/tor/torrc.d/*.conf\n" in torrc
    config = root / "tor-test/torrc"
    config.write_text(
        torrc.replace("/etc/tor/torrc.d/", f"{included}/")
        + f"DataDirectory {data}\nSocksPort 0\nDisableNetwork 1\n"
    )
    base = ["tor", "-f", str(config), "--defaults-torrc", "/dev/null"]
    checked = subprocess.run(
        [*base, "--verify-config"], capture_output=True, text=True, check=False, timeout=60
    )
    assert checked.returncode == 0 and "Configuration was valid" in checked.stdout, checked.stdout
    tor = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_file(hs / "hostname", tor)
    finally:
        tor.terminate()
        tor.wait(timeout=30)
    address = (hs / "hostname").read_text().strip()
    assert re.fullmatch(r"[a-z2-7]{56}\.onion", address)
    return address


def onion_location(proxy: Caddy | Nginx, ca: Path) -> str:
    """The Onion-Location header the running proxy sends for a page with a query."""
    tls = ssl.create_default_context(cafile=str(ca))
    with httpx.Client(verify=tls) as http:
        answer = http.get(proxy.base + "/id/cek?lang=id")
    assert answer.status_code == 200
    [value] = answer.headers.get_list("onion-location")
    return value


def test_onion_service_then_onion_location_with_caddy(tmp_path: Path) -> None:
    first = install(tmp_path, "--domain", DOMAIN, "--onion")
    assert "run this script again to add the Onion-Location header" in first.stdout
    address = run_tor_once(tmp_path)

    again = install(tmp_path, "--domain", DOMAIN, "--onion")
    assert again.returncode == 0, again.stderr
    assert "updated   /etc/caddy/Caddyfile" in again.stdout
    assert f"onion     http://{address}/" in again.stdout
    caddyfile = tmp_path / "etc/caddy/Caddyfile"
    assert f"\t\tOnion-Location http://{address}{{uri}}\n" in caddyfile.read_text()
    validated = subprocess.run(
        ["caddy", "validate", "--config", str(caddyfile), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "cd"),
            "XDG_CONFIG_HOME": str(tmp_path / "cc"),
        },
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    with serve_app(recorder, csp=None) as upstream:
        up = upstream.removeprefix("http://")
        with run_caddy(tmp_path / "caddy", up, source=caddyfile, site=DOMAIN) as caddy:
            assert onion_location(caddy, caddy.root_ca) == f"http://{address}/id/cek?lang=id"
    assert changes(install(tmp_path, "--domain", DOMAIN, "--onion").stdout) == []


def test_nginx_site_with_onion_location_passes_nginx_t(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    enabled = root / "etc/nginx/sites-enabled"
    enabled.mkdir(parents=True)
    (enabled / "default").symlink_to("../sites-available/default")
    live = root / "etc/letsencrypt/live" / DOMAIN
    live.mkdir(parents=True)
    (live / "fullchain.pem").write_text("certbot's certificate\n")  # certbot ran first
    install(root, "--domain", DOMAIN, "--proxy", "nginx", "--onion")
    address = run_tor_once(root)
    done = install(root, "--domain", DOMAIN, "--proxy", "nginx", "--onion")
    assert done.returncode == 0, done.stderr
    assert not (enabled / "default").is_symlink()
    assert os.readlink(enabled / "peluit") == "../sites-available/peluit"
    site = root / "etc/nginx/sites-available/peluit"
    line = f"\t\tadd_header Onion-Location http://{address}$request_uri always;\n"
    assert line in site.read_text()
    test_folder = tmp_path / "nginx"
    test_folder.mkdir()
    main = nginx_config_for_test(
        test_folder, 8443, 8080, "127.0.0.1:8000", site_file=site, name=DOMAIN
    )
    checked = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(main), "-p", str(test_folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    with serve_app(recorder, csp=None) as upstream:
        up = upstream.removeprefix("http://")
        with run_nginx(tmp_path / "running", up, source=site, site=DOMAIN) as nginx:
            assert onion_location(nginx, nginx.ca) == f"http://{address}/id/cek?lang=id"


def test_a_missing_scratch_root_is_created(tmp_path: Path) -> None:
    done = install(tmp_path / "coba", "--domain", DOMAIN)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "coba/etc/peluit/peluit.env").is_file()


def test_help_is_the_usage_text_not_shell_code() -> None:
    done = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("Installs Peluit's server side on a Debian machine")
    assert "set -euo" not in done.stdout and "app=" not in done.stdout
    assert done.stdout.rstrip().endswith("a way to see what it would write.")


def test_a_new_torrc_is_created_an_existing_one_updated(tmp_path: Path) -> None:
    fresh = install(tmp_path / "a", "--proxy", "none", "--onion")
    assert "created   /etc/tor/torrc (now includes /etc/tor/torrc.d/)" in fresh.stdout
    torrc = tmp_path / "b/etc/tor/torrc"
    torrc.parent.mkdir(parents=True)
    torrc.write_text("SocksPort 0\n")
    again = install(tmp_path / "b", "--proxy", "none", "--onion")
    assert "updated   /etc/tor/torrc (now includes /etc/tor/torrc.d/)" in again.stdout


def test_comments_are_installed_as_written(tmp_path: Path) -> None:
    """The program folder and the name are written into settings, never into comments."""
    assert install(tmp_path, "--domain", DOMAIN, "--proxy", "nginx").returncode == 0

    def comments(path: Path) -> list[str]:
        return [line for line in path.read_text().splitlines() if line.lstrip().startswith("#")]

    pairs = [
        (ROOT / "deploy/systemd" / unit, tmp_path / "etc/systemd/system" / unit) for unit in UNITS
    ]
    pairs.append((ROOT / "deploy/nginx/peluit.conf", tmp_path / "etc/nginx/sites-available/peluit"))
    for source, installed in pairs:
        assert comments(installed) == comments(source), installed
    service = (tmp_path / "etc/systemd/system/peluit.service").read_text()
    assert f"ExecStart={ROOT}/.venv/bin/peluit serve" in service


def test_nginx_site_waits_for_its_certificate(tmp_path: Path) -> None:
    """Without the certificate the site would keep nginx from starting (nginx -t fails)."""
    enabled = tmp_path / "etc/nginx/sites-enabled"
    enabled.mkdir(parents=True)
    (enabled / "default").symlink_to("../sites-available/default")
    (tmp_path / "etc/nginx/nginx.conf").write_text(
        "http {\n\taccess_log /var/log/nginx/access.log;\n}\n"
    )
    first = install(tmp_path, "--domain", DOMAIN, "--proxy", "nginx")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "etc/nginx/sites-available/peluit").is_file()
    assert not (enabled / "peluit").exists() and (enabled / "default").is_symlink()
    assert f"certbot certonly --webroot -w /var/www/html -d {DOMAIN}" in first.stdout
    assert "/etc/nginx/nginx.conf keeps an access log" in first.stdout
    live = tmp_path / "etc/letsencrypt/live" / DOMAIN
    live.mkdir(parents=True)
    (live / "fullchain.pem").write_text("certbot's certificate\n")
    second = install(tmp_path, "--domain", DOMAIN, "--proxy", "nginx")
    assert "linked    /etc/nginx/sites-enabled/peluit" in second.stdout
    assert os.readlink(enabled / "peluit") == "../sites-available/peluit"
    assert not (enabled / "default").exists()


def test_onion_only_says_to_set_the_public_url(tmp_path: Path) -> None:
    first = install(tmp_path, "--proxy", "none", "--onion")
    assert "Onion-Location" not in first.stdout
    assert "PELUIT_PUBLIC_URL" in first.stdout
    hostname = tmp_path / "var/lib/tor/peluit/hostname"
    hostname.parent.mkdir(parents=True)
    address = "a" * 56 + ".onion"
    hostname.write_text(address + "\n")
    second = install(tmp_path, "--proxy", "none", "--onion")
    assert f"onion     http://{address}/" in second.stdout
    assert f"set PELUIT_PUBLIC_URL=http://{address} in /etc/peluit/peluit.env" in second.stdout


def test_the_guide_lists_every_word_the_script_prints() -> None:
    script = SCRIPT.read_text()
    words = set(re.findall(r'\b(?:say|changed) "([a-z]+)[ "]', script))
    words |= set(re.findall(r"\bword=([a-z]+)", script)) | {"skipped", "ran"}
    assert {"created", "updated", "ok", "hint", "note", "onion", "linked", "unlinked"} <= words
    guide = (ROOT / "docs/deploy.md").read_text()
    indonesian, english = guide.split("## English")
    for word in words:
        assert f"`{word}`" in indonesian and f"`{word}`" in english, word
