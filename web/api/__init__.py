"""The reporter JSON API (docs/spec/reporter-api-v1.md), mounted at ``/api``.

``routes()`` gives the routes; ``install(app)`` puts the API's in-memory
state (proof-of-work keys, spent set and prices, the lookup pass key) on
``app.state``. Errors become JSON through ``web.errors``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from web.api import cases, instance, reporter_case, uploads
from web.api.state import install

__all__ = ["install", "routes"]


def routes() -> list[BaseRoute]:
    return [
        Route("/instance", instance.instance, methods=["GET"]),
        Route("/pow", instance.pow_challenge, methods=["POST"]),
        Route("/uploads", uploads.open_upload, methods=["POST"]),
        Route("/uploads/{token}/{item_id}/{index}", uploads.put_piece, methods=["PUT"]),
        Route("/cases", cases.create_case, methods=["POST"]),
        Route("/case", reporter_case.show_case, methods=["POST"]),
        Route("/case/items/{item_id}", reporter_case.read_item, methods=["POST"]),
        Route("/case/messages", reporter_case.add_message, methods=["POST"]),
    ]
