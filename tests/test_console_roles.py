"""Every console route × every role, on the real app and a real SQLite file.

Each role signs in with password and TOTP, then tries every route. POSTs
carry a valid CSRF token, so a refusal is the role check and nothing else.
An inspector of unit A gets 404 for unit B's case, exactly as for a case
that does not exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_fixtures import AppClient, Env, make_env
from console_fixtures import Console, add_account, add_unit
from test_bundle_online import submit

OTHER = "inspektorat-lain"


@pytest.fixture
def scene(tmp_path: Path) -> dict[str, Any]:
    env = make_env(tmp_path)
    other = add_unit(env, OTHER)
    client = AppClient(env.app)
    mine, theirs = submit(env, client), submit(env, client, other)
    return {
        "env": env,
        "case_a": mine.case_id.hex(),
        "case_b": theirs.case_id.hex(),
        "accounts": {
            "admin": add_account(env, "adi", "admin"),
            "inspector": add_account(env, "ines", "inspector", ("inspektorat-demo",)),
            "auditor": add_account(env, "odit", "auditor"),
        },
    }


def routes(case: str) -> list[tuple[str, str, set[str]]]:
    """(method, path, roles allowed)."""
    return [
        ("GET", "/konsol/kasus", {"inspector"}),
        ("GET", f"/konsol/kasus/{case}", {"inspector"}),
        ("POST", f"/konsol/kasus/{case}/tugaskan", {"inspector"}),
        ("POST", f"/konsol/kasus/{case}/status", {"inspector"}),
        ("GET", f"/konsol/kasus/{case}/pesan-standar", {"inspector"}),
        ("GET", "/konsol/dasbor", {"inspector", "auditor"}),
        ("GET", "/konsol/audit", {"auditor"}),
        ("GET", "/konsol/pertukaran", {"inspector"}),
        ("POST", "/konsol/pertukaran/ekspor", {"inspector"}),
        ("GET", "/konsol/akun", {"admin"}),
        ("POST", "/konsol/akun", {"admin"}),
        ("POST", "/konsol/akun/ines/nonaktifkan", {"admin"}),
        ("GET", "/konsol/unit", {"admin"}),
        ("GET", "/konsol/pengaturan/inspektorat-demo", {"admin"}),
        ("POST", "/konsol/pengaturan/inspektorat-demo", {"admin"}),
        ("GET", "/en/konsol/kasus", {"inspector"}),
        ("GET", "/en/konsol/akun", {"admin"}),
    ]


def form_for(path: str, csrf: str) -> dict[str, str]:
    fields = {"csrf": csrf}
    if path.endswith("/status"):
        fields["status"] = "diverifikasi"
    if path.endswith("/tugaskan"):
        fields["assignee"] = "-"
    if path.endswith("/ekspor"):
        fields["unit_id"] = "inspektorat-demo"
    if path == "/konsol/akun":
        fields.update(username="baru", role="auditor")
    if "/pengaturan/" in path:
        fields.update(
            triage="3", first_followup="5", feedback="30", conclusion="60", auto_close="10",
            retention_days="365", daily_case_ceiling="100",
        )  # fmt: skip
    return fields


@pytest.mark.parametrize("role", ["admin", "inspector", "auditor"])
def test_every_route_checks_the_role(scene: dict[str, Any], role: str) -> None:
    console = Console(scene["env"])
    assert console.login(scene["accounts"][role]).status_code == 303
    csrf = console.csrf("/konsol/sandi")
    wrong = []
    for method, path, allowed in routes(scene["case_a"]):
        if method == "GET":
            response = console.get(path)
        else:
            response = console.post(path, data=form_for(path, csrf))
        refused = response.status_code == 403
        if refused == (role in allowed):
            wrong.append(f"{role} {method} {path}: {response.status_code}")
    assert wrong == []


def test_signed_out_every_route_goes_to_the_sign_in_page(scene: dict[str, Any]) -> None:
    console = Console(scene["env"])
    for method, path, _ in routes(scene["case_a"]):
        response = console.request(method, path, data={"csrf": "x"} if method == "POST" else None)
        if path.endswith("pesan-standar"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 303, path
            assert response.headers["location"].endswith("/konsol/masuk"), path


def test_an_inspector_cannot_see_or_touch_another_units_case(scene: dict[str, Any]) -> None:
    env: Env = scene["env"]
    console = Console(env)
    console.login(scene["accounts"]["inspector"])
    csrf = console.csrf()
    before = env.snapshot()
    case_b = scene["case_b"]
    assert console.get(f"/konsol/kasus/{case_b}").status_code == 404
    assert console.get(f"/konsol/kasus/{'0' * 32}").status_code == 404  # the same answer
    assert console.get(f"/konsol/kasus/{case_b}/pesan-standar").status_code == 404
    for action, extra in (("status", {"status": "diverifikasi"}), ("tugaskan", {"assignee": "-"})):
        answer = console.post(f"/konsol/kasus/{case_b}/{action}", data={"csrf": csrf, **extra})
        assert answer.status_code == 404
    export = console.post("/konsol/pertukaran/ekspor", data={"csrf": csrf, "unit_id": OTHER})
    assert export.status_code == 403
    listing = console.get("/konsol/kasus").text
    assert case_b not in listing and scene["case_a"] in listing
    after = env.snapshot()
    # sign-in wrote audit rows before the snapshot; the refusals wrote nothing
    assert before == after


def test_admin_can_neither_list_cases_nor_export(scene: dict[str, Any]) -> None:
    env: Env = scene["env"]
    console = Console(env)
    console.login(scene["accounts"]["admin"])
    csrf = console.csrf()
    before = env.snapshot()
    assert console.get("/konsol/kasus").status_code == 403
    assert console.get(f"/konsol/kasus/{scene['case_a']}").status_code == 403
    answer = console.post(
        "/konsol/pertukaran/ekspor", data={"csrf": csrf, "unit_id": "inspektorat-demo"}
    )
    assert answer.status_code == 403
    assert "peluit-export" not in answer.headers.get("content-disposition", "")
    assert env.snapshot() == before


def test_auditor_changes_nothing(scene: dict[str, Any]) -> None:
    env: Env = scene["env"]
    console = Console(env)
    console.login(scene["accounts"]["auditor"])
    csrf = console.csrf()
    before = env.snapshot()
    for method, path, _ in routes(scene["case_a"]):
        if method == "POST":
            assert console.post(path, data=form_for(path, csrf)).status_code == 403, path
    assert env.snapshot() == before
    audit = console.get("/konsol/audit")
    assert audit.status_code == 200 and "login" in audit.text
