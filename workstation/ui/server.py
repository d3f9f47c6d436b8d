"""``peluit-ws ui``: serve the local UI on loopback with uvicorn, no access log."""

from __future__ import annotations

import sys
from pathlib import Path

from workstation.cli_words import _
from workstation.ui.security import check_bind


def serve(folder: Path, *, host: str = "127.0.0.1", port: int = 8765) -> int:
    check_bind(host)  # before anything listens
    import uvicorn

    from workstation.ui.app import create_ui_app

    app = create_ui_app(folder, host=host, port=port)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    print(_("workstation UI on {address} (loopback only); ctrl-c to stop", address=address),
          file=sys.stderr)  # fmt: skip
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning",
                server_header=False, date_header=False, proxy_headers=False)  # fmt: skip
    app.state.ui.log_out()
    return 0
