"""The local UI's ASGI app: routes in Indonesian (``/``) and English (``/en``).

==================================== ============================================
path                                 what
==================================== ============================================
``/masuk`` GET/POST                  unlock with the unit key passphrase
``/keluar`` POST                     lock (closes the Desk)
``/`` GET                            case list
``/kasus/{id}`` GET                  one case (identity closed)
``/kasus/{id}/identitas`` POST       open the identity (logged, shown once)
``/kasus/{id}/triase`` POST          save triage (sealed, stays here)
``/kasus/{id}/balas`` POST           queue a reply (template or free text)
``/kasus/{id}/status`` POST          queue a status change with its code
``/kasus/{id}/lampiran/{n}`` POST    save attachment n to a typed path
``/kasus/{id}/limpahkan`` GET/POST   forward a redacted summary
``/impor`` GET/POST                  import an export bundle (typed path)
``/ekspor`` GET/POST                 write the signed reply bundle
``/pesan-standar`` POST              sign and queue the standard messages
``/log-identitas`` GET               every identity opening
``/laporan`` GET/POST                leadership report; write HTML and CSV
``/laporan/tata-letak`` POST         choose the unit's report layout
``/static/ui.css``                   the stylesheet
==================================== ============================================
"""

from __future__ import annotations

import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from workstation.ui import routes_case as c
from workstation.ui import routes_desk as d
from workstation.ui.render import TEMPLATES
from workstation.ui.security import LoopbackGuard, check_bind
from workstation.ui.session import UiState

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
STATIC = TEMPLATES.parent / "static"


def _routes(prefix: str) -> list[BaseRoute]:
    table = [
        ("/masuk", d.login, BOTH),
        ("/keluar", d.logout, POST),
        ("/", d.case_list, GET),
        ("/kasus/{case_id}", c.case_page, GET),
        ("/kasus/{case_id}/identitas", c.open_identity, POST),
        ("/kasus/{case_id}/triase", c.set_triage, POST),
        ("/kasus/{case_id}/balas", c.reply, POST),
        ("/kasus/{case_id}/status", c.change_status, POST),
        ("/kasus/{case_id}/lampiran/{number:int}", c.save_attachment, POST),
        ("/kasus/{case_id}/limpahkan", c.forward_page, BOTH),
        ("/impor", d.import_page, BOTH),
        ("/ekspor", d.export_page, BOTH),
        ("/pesan-standar", d.sign_standard, POST),
        ("/log-identitas", d.identity_log, GET),
        ("/laporan", d.report_page, BOTH),
        ("/laporan/tata-letak", d.choose_layout, POST),
    ]
    return [Route(prefix + path, endpoint, methods=methods) for path, endpoint, methods in table]


def create_ui_app(
    folder: Path, *, host: str = "127.0.0.1", port: int = 8765, today: datetime.date | None = None
) -> Starlette:
    """The UI for the workstation in ``folder``; refuses a non-loopback ``host``."""
    check_bind(host)  # now, not at the first request
    routes: list[BaseRoute] = [
        *_routes("/en"),
        Route("/en", d.go_home, methods=GET),
        *_routes(""),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(LoopbackGuard, host=host, port=port)])
    app.state.ui = UiState(folder, today)
    return app
