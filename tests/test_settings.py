"""One checked settings file, and the public origin's cookie and HSTS (issues 14 and 17).

Every bad value is refused with the setting's name and what it accepts, in
Indonesian and English; an unknown name is a typo and refused too. The
annotated example parses and names every ``PELUIT_*`` the online code reads.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from app_fixtures import AppClient, Env, make_env
from console_fixtures import Console, add_account

from web.app import create_app
from web.cli import main
from web.public_origin import PublicOrigin
from web.settings import KEYS, OTHER_PROGRAMS, Settings
from web.settings_file import SettingsError, parse_env_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "deploy" / "peluit.env.example"
ONION = "http://" + "a" * 56 + ".onion"


def load(text: str, tmp_path: Path, environ: dict[str, str] | None = None) -> Settings:
    config = tmp_path / "peluit.env"
    config.write_text(text)
    return Settings.load(environ or {}, config)


BAD_VALUES = [
    ("PELUIT_POW_BITS", "abc"),
    ("PELUIT_POW_BITS", "-1"),
    ("PELUIT_POW_BITS", "25"),
    ("PELUIT_ATTACHMENT_MIB", "0"),
    ("PELUIT_ATTACHMENT_MIB", "2.5"),
    ("PELUIT_REPORT_MIB", "99999999"),
    ("PELUIT_DEBUG", "yes"),
    ("PELUIT_ACCESS_LOG", "true"),
    ("PELUIT_DATA", ""),
    ("PELUIT_PUBLIC_URL", "http://wbs.example.go.id"),
    ("PELUIT_PUBLIC_URL", "ftp://wbs.example.go.id"),
    ("PELUIT_PUBLIC_URL", "https://wbs.example.go.id/peluit"),
    ("PELUIT_PUBLIC_URL", "https://user@wbs.example.go.id"),
    ("PELUIT_PUBLIC_URL", "https://wbs.example.go.id/?x=1"),
    ("PELUIT_PUBLIC_URL", "https://bad_host!/"),
    ("PELUIT_PUBLIC_URL", "wbs.example.go.id"),
    ("PELUIT_NOTIFY_COMMAND", "notify-send 'unclosed"),
    ("PELUIT_NOTIFY_COMMAND", "relative/script"),
    ("PELUIT_BACKUP_DIR", "backups"),
    ("PELUIT_BACKUP_KEEP", "0"),
    ("PELUIT_BACKUP_KEEP", "seven"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_each_bad_value_is_refused_with_its_name(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        load(f"{name}={value}\n", tmp_path)
    assert name in refused.value.message_id and name in refused.value.user_message
    assert "salah" in refused.value.message_id and "bad setting" in refused.value.user_message
    # the same value from the environment is refused the same way
    with pytest.raises(SettingsError):
        Settings.load({name: value}, None)


def test_report_limit_below_attachment_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PELUIT_REPORT_MIB"):
        load("PELUIT_ATTACHMENT_MIB=300\nPELUIT_REPORT_MIB=100\n", tmp_path)


@pytest.mark.parametrize("name", ["PELUIT_POW_BIT", "PELUIT_PUBLIC_ULR", "PELUIT_"])
def test_unknown_names_are_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="unknown setting") as refused:
        load(f"{name}=1\n", tmp_path)
    assert name in refused.value.message_id
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.load({name: "1"}, None)


def test_other_programs_names_and_other_variables_are_left_alone() -> None:
    settings = Settings.load({"PELUIT_WS_DIR": "/x", "PELUIT_CONFIG": "", "HOME": "/root"}, None)
    assert settings == Settings()


@pytest.mark.parametrize(
    "text", ["PELUIT_POW_BITS\n", "pow_bits=3\n", "PELUIT_POW_BITS=8\nPELUIT_POW_BITS=9\n"]
)
def test_bad_lines_are_refused_with_the_line_number(text: str) -> None:
    with pytest.raises(SettingsError) as refused:
        parse_env_text(text, "peluit.env")
    assert "baris" in refused.value.message_id and "line" in refused.value.user_message


def test_the_file_is_read_and_the_environment_overrides_it(tmp_path: Path) -> None:
    settings = load(
        "# comment\n\nPELUIT_POW_BITS=12\nPELUIT_DATA='/srv/peluit'\n"
        'PELUIT_PUBLIC_URL="https://WBS.example.go.id/"\n',
        tmp_path,
        {"PELUIT_POW_BITS": "10"},
    )
    assert settings.pow_difficulty == 10
    assert settings.data_dir == Path("/srv/peluit")
    assert settings.public_url == PublicOrigin("https", "wbs.example.go.id", None)


def test_example_parses_and_is_complete() -> None:
    settings = Settings.load({}, EXAMPLE)
    assert settings.public_url is not None and settings.public_url.https
    text = EXAMPLE.read_text()
    named = set(parse_env_text(text))
    assert named == set(KEYS), "every setting has a line in the example, and only settings"
    # every PELUIT_ name the online code reads is a setting (or another program's)
    read = set()
    for folder in ("web", "vault"):
        for path in (ROOT / folder).rglob("*.py"):
            read |= set(re.findall(r"PELUIT_[A-Z0-9_]+", path.read_text()))
    assert read - OTHER_PROGRAMS <= named, read - OTHER_PROGRAMS - named
    for name in KEYS:  # and documented for administrators
        assert name in (ROOT / "docs" / "admin.md").read_text(), name


def test_cli_refuses_a_bad_file_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "peluit.env"
    config.write_text("PELUIT_POW_BITS=lots\n")
    assert main(["--config", str(config), "unit", "list"]) == 2
    err = capsys.readouterr().err
    assert "error: pengaturan PELUIT_POW_BITS='lots' salah: bilangan bulat 0 sampai 24" in err
    assert "error: bad setting PELUIT_POW_BITS='lots': a whole number from 0 to 24" in err
    assert not (tmp_path / "var").exists()


# --- the public origin: cookie and HSTS -------------------------------------------


def with_origin(env: Env, origin: str | None) -> Env:
    settings = replace(
        env.app.state.settings, public_url=PublicOrigin.parse(origin) if origin else None
    )
    app = create_app(settings, store=env.store)
    return Env(app, env.store, env.data, env.unit)


def signed_in_cookie(env: Env) -> str:
    account = add_account(env, "inspektur", "inspector", (env.unit.card.unit_id,))
    console = Console(env)
    response = console.login(account)
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    assert len(cookies) == 1
    # the cookie works for the next page (the client sends it back by name)
    assert console.get("/konsol/kasus").status_code == 200
    return cookies[0]


def test_https_public_url_gives_host_cookie_and_hsts_behind_a_proxy(tmp_path: Path) -> None:
    env = with_origin(make_env(tmp_path), "https://wbs.example.go.id")
    cookie = signed_in_cookie(env)  # the app itself sees http, as behind Caddy
    assert cookie.startswith("__Host-peluit-konsol=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    for path in ("/id/", "/static/dist/report.js", "/konsol/masuk", "/api/instance"):
        response = AppClient(env.app).get(path)
        assert response.headers["strict-transport-security"] == "max-age=31536000", path


def test_forged_forwarded_proto_changes_nothing(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    response = AppClient(env.app).get("/id/", headers={"x-forwarded-proto": "https"})
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize("origin", [ONION, None])
def test_onion_or_unset_public_url_gives_plain_cookie_no_hsts(
    origin: str | None, tmp_path: Path
) -> None:
    env = with_origin(make_env(tmp_path), origin)
    cookie = signed_in_cookie(env)
    assert cookie.startswith("peluit-konsol=") and "Secure" not in cookie
    assert "strict-transport-security" not in AppClient(env.app).get("/id/").headers


def test_public_origin_forms() -> None:
    assert (
        str(PublicOrigin.parse("https://wbs.example.go.id:8443/"))
        == "https://wbs.example.go.id:8443"
    )
    onion = PublicOrigin.parse(ONION)
    assert onion.is_onion and not onion.hsts and not onion.secure_cookie
    assert PublicOrigin.parse("http://localhost:8000").is_loopback
