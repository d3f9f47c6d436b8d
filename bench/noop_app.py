"""The ingest benchmark's two requests answered by an app that does nothing.

Run: .venv/bin/python -m bench.noop_app --port 8001 [--workers K]

The HTTP framework's ceiling on this machine: the same uvicorn (h11 +
asyncio, the options ``peluit serve`` passes) with the same number of
worker processes, and a Starlette app whose ``POST /api/uploads`` and
``POST /api/cases`` read the body and answer what Peluit would (an upload
token; ``201`` with ``"status": "diterima"``) without parsing, checking or
storing anything. ``GET /api/instance`` answers so bench/live_server.py can
wait for it. Not part of Peluit: it lives in bench/, never in web/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.live_server import LiveServer

UPLOAD_TOKEN = "A" * 43  # the shape of a real token: 32 bytes, base64url


async def instance(request: Request) -> JSONResponse:
    return JSONResponse({"instance_salt": "A" * 22})


async def uploads(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"upload": UPLOAD_TOKEN, "expires_in": 3600})


async def cases(request: Request) -> JSONResponse:
    await request.body()
    answer = {"case_ref": "WBS-2026-000001", "status": "diterima", "submitted": "2026-12-03"}
    return JSONResponse(answer, status_code=201)


app = Starlette(
    routes=[
        Route("/api/instance", instance),
        Route("/api/uploads", uploads, methods=["POST"]),
        Route("/api/cases", cases, methods=["POST"]),
    ]
)


class NoopServer(LiveServer):
    """This app as a child process, started and measured like ``peluit serve``."""

    def __init__(self, workers: int) -> None:
        super().__init__(Path("unused"))
        self.workers = workers

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "bench.noop_app",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "bench.noop_app:app",
        workers=args.workers if args.workers > 1 else None,
        host="127.0.0.1",
        port=args.port,
        access_log=False,
        server_header=False,
        date_header=False,
        proxy_headers=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
