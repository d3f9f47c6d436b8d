"""Hostile HTTP requests against the real ASGI app: 4xx with a JSON error, never a 500.

Every reporter API endpoint gets fuzzed bodies (arbitrary bytes, arbitrary
JSON, JSON shaped like the real request with wrong values), path parameters
and query strings, with and without an ``Authorization`` header; the pages
and the console get fuzzed path segments and queries. Each answer must be
below 500, API errors must be JSON with an ``error`` code and a message,
and no case, envelope or upload may appear from any of it.
Profiles: tests/fuzz_profiles.py (``HYPOTHESIS_PROFILE=long`` for long runs).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import fuzz_profiles  # noqa: F401  (loads the Hypothesis profile)
from app_fixtures import AppClient, make_env
from hypothesis import given
from hypothesis import strategies as st
from vault_sql import vault_sql

_TMP = tempfile.TemporaryDirectory(prefix="peluit-fuzz-api-")
ENV = make_env(Path(_TMP.name))

segment = st.one_of(
    st.text(max_size=60).filter(lambda s: "/" not in s and "?" not in s and "#" not in s),
    st.sampled_from(["0", "-1", "99999999", "AAAAAAAAAAAAAAAAAAAAAA", "..", "%00", "a" * 43]),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
b64ish = st.one_of(st.text(alphabet="ABCDEFabcdef0123456789-_=+/", max_size=60), json_value)


def shaped(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict with the real request's field names and hostile values."""
    return st.fixed_dictionaries({}, optional={f: b64ish for f in fields})


CASE_FIELDS = [
    "pow", "pass", "upload", "case_id", "unit_id", "selector", "validator", "reporter_public_key",
    "tip", "identity", "attachments",
]  # fmt: skip
bodies = st.one_of(
    st.binary(max_size=300),
    json_value.map(lambda v: json.dumps(v).encode()),
    shaped(CASE_FIELDS).map(lambda v: json.dumps(v).encode()),
    shaped(["pow", "message", "upload", "attachments"]).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"pow": shaped(["challenge", "nonce"])}).map(
        lambda v: json.dumps(v).encode()
    ),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": st.sampled_from(
            ["application/json", "application/octet-stream", "text/plain", "multipart/form-data"]
        ),
        "Authorization": st.one_of(
            st.text(max_size=120).filter(lambda s: s.isprintable() and s.isascii()),
            st.builds(lambda a, b: f"Peluit {a}.{b}", segment, segment).filter(str.isascii),
        ),
    },
)
query = st.one_of(
    st.just(""),
    st.builds(lambda k, v: f"?{k}={v}", st.sampled_from(["lang", "page", "status", "x"]), segment),
)


def routes(draw: st.DrawFn) -> tuple[str, str]:
    a, b, c = draw(segment), draw(segment), draw(segment)
    return draw(
        st.sampled_from(
            [
                ("GET", "/api/instance"),
                ("POST", "/api/pow"),
                ("POST", "/api/uploads"),
                ("PUT", f"/api/uploads/{a}/{b}/{c}"),
                ("PUT", f"/api/uploads/{'A' * 43}/{'A' * 22}/{c}"),
                ("POST", "/api/cases"),
                ("POST", "/api/case"),
                ("POST", f"/api/case/items/{a}"),
                ("POST", "/api/case/messages"),
                ("GET", f"/api/{a}"),
                ("GET", f"/{a}/lapor/{b}"),
                ("GET", f"/{a}/cek"),
                ("GET", f"/{a}"),
                ("GET", f"/konsol/{a}"),
                ("POST", f"/konsol/{a}"),
                ("GET", f"/konsol/kasus/{a}"),
                ("GET", f"/static/{a}"),
            ]
        )
    )


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, bytes, dict[str, str]]:
    method, path = routes(draw)
    return method, path + draw(query), draw(bodies), draw(headers)


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/?=&")


@given(requests())
def test_hostile_requests_get_a_clear_4xx(request: tuple[str, str, bytes, dict[str, str]]) -> None:
    method, path, body, extra = request
    client = AppClient(ENV.app)
    content = body if method in ("POST", "PUT") else None
    response = client.request(method, _quote(path), content=content, headers=extra)
    assert response.status_code < 500, (method, path, response.status_code, response.text[:300])
    sent = response.request.url.path  # after the client normalised "..", "%2F" and the like
    if sent.startswith("/api/") and response.status_code >= 400:
        answer = response.json()
        assert isinstance(answer["error"], str) and answer["message"]


def test_nothing_was_stored_by_the_fuzzing() -> None:
    # Runs after the fuzz test in file order: no case, no envelope came out of it.
    with vault_sql(ENV.data / "vault.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM envelopes").fetchone()[0] == 0
        committed = db.execute(
            "SELECT count(*) FROM pieces WHERE item_id NOT IN (SELECT item_id FROM upload_items)"
        ).fetchone()[0]
        assert committed == 0
