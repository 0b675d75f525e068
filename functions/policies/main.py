"""policies: the admin function for the shop's policies and FAQ (filled in by the knowledge issue)."""

from __future__ import annotations

import flask
import functions_framework

from common.errors import NotConfigured
from common.http import serve


@functions_framework.http
def policies(request: flask.Request) -> flask.Response:
    return serve(request, {"GET": _not_yet})


def _not_yet(request: flask.Request) -> flask.Response:
    raise NotConfigured("policy administration is not available yet")
