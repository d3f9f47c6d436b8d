"""The staff console, mounted at ``/konsol`` (Indonesian) and ``/en/konsol`` (English).

Routes and the roles that may use them (every route checks; the console
store checks again):

==================================== ========= =====================================
path                                 roles     what
==================================== ========= =====================================
``/``                                any       to the role's start page
``/masuk`` GET/POST                  (none)    sign in: username, password, TOTP
``/keluar`` POST                     any       sign out
``/sandi`` GET/POST                  any       choose a new password (current one first)
``/kasus`` GET                       inspector case list (filters, paging)
``/kasus/{id}`` GET                  inspector one case: facts, items, forms
``/kasus/{id}/tugaskan`` POST        inspector assign
``/kasus/{id}/status`` POST          inspector change status
``/kasus/{id}/pesan-standar`` GET    inspector keys and signed templates (JSON)
``/kasus/{id}/pesan-standar`` POST   inspector sealed standard message (JSON)
``/kasus/{id}/ekspor-ulang`` POST    inspector put the whole case in the next export
``/dasbor`` GET                      inspector, per-unit figures as SVG charts
                                     auditor
``/pertukaran`` GET                  inspector the air-gap page
``/pertukaran/ekspor`` POST          inspector download an export bundle
``/pertukaran/impor`` POST           inspector upload a reply bundle
``/pertukaran/ekspor-ulang`` POST    inspector put a whole unit in the next export
``/akun`` GET/POST                   admin     accounts; create one (QR shown once)
``/akun/{username}/nonaktifkan`` POST admin    disable an account
``/unit`` GET/POST                   admin     units; register a card (audited)
``/pengaturan/{unit}`` GET/POST      admin     deadlines, retention, daily ceiling
``/kuesioner/{unit}`` GET/POST       admin     questionnaire versions, editor, preview,
                                               publish (audited)
``/audit`` GET                       auditor   the audit log and its chain check
==================================== ========= =====================================
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from web.console import (
    routes_ack,
    routes_admin,
    routes_airgap,
    routes_auth,
    routes_cases,
    routes_figures,
    routes_quarantine,
    routes_questionnaire,
)
from web.console.state import install as install_state

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]


def _routes() -> list[BaseRoute]:
    return [
        Route("/", routes_auth.home, methods=GET),
        Route("/masuk", routes_auth.login, methods=BOTH),
        Route("/keluar", routes_auth.logout, methods=POST),
        Route("/sandi", routes_auth.password, methods=BOTH),
        Route("/kasus", routes_cases.case_list, methods=GET),
        Route("/kasus/{case_id}", routes_cases.case_page, methods=GET),
        Route("/kasus/{case_id}/tugaskan", routes_cases.assign, methods=POST),
        Route("/kasus/{case_id}/status", routes_cases.change_status, methods=POST),
        Route("/kasus/{case_id}/pesan-standar", routes_ack.material, methods=GET),
        Route("/kasus/{case_id}/pesan-standar", routes_ack.send, methods=POST),
        Route("/kasus/{case_id}/ekspor-ulang", routes_quarantine.reexport_case, methods=POST),
        Route("/dasbor", routes_figures.dashboard, methods=GET),
        Route("/audit", routes_figures.audit, methods=GET),
        Route("/pertukaran", routes_airgap.transfer, methods=GET),
        Route("/pertukaran/ekspor", routes_airgap.export, methods=POST),
        Route("/pertukaran/impor", routes_airgap.import_bundle, methods=POST),
        Route("/pertukaran/ekspor-ulang", routes_quarantine.reexport_unit, methods=POST),
        Route("/akun", routes_admin.accounts, methods=GET),
        Route("/akun", routes_admin.create_account, methods=POST),
        Route("/akun/{username}/nonaktifkan", routes_admin.disable_account, methods=POST),
        Route("/unit", routes_admin.units, methods=GET),
        Route("/unit", routes_admin.register_unit, methods=POST),
        Route("/pengaturan/{unit_id}", routes_admin.settings, methods=BOTH),
        Route("/kuesioner/{unit_id}", routes_questionnaire.editor, methods=BOTH),
    ]


def routes() -> list[BaseRoute]:
    """Both languages' mounts; put them before the reporter pages' ``/{lang}/...``."""
    return [Mount("/konsol", routes=_routes()), Mount("/en/konsol", routes=_routes())]


def open_console_store(vault: Any, throttle: Any = None) -> Any:
    """The console store on the same data folder as the vault store.

    Its sign-in throttle belongs to this app (not the module-wide default),
    so a lock-out lives exactly as long as the app's sessions do: the
    app's shared state's (this process's memory, or Redis's).
    """
    from vault.staff import LoginThrottle

    return vault.console_store(throttle=throttle if throttle is not None else LoginThrottle())


def install(app: Starlette, console_store: Any = None) -> None:
    vault = app.state.vault
    shared = app.state.shared
    store = (
        console_store if console_store is not None else open_console_store(vault, shared.throttle)
    )
    state = install_state(app, store, shared)
    state.throttle = getattr(store, "throttle", state.throttle)
