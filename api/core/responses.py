"""Responses built from a schema the handler already validated."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Response
from pydantic import BaseModel


def json_response(model: BaseModel, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """``model`` serialised once, by pydantic. Handlers on hot paths return this instead of the model:
    FastAPI would validate the same data a second time against the route's ``response_model`` (which
    still documents the body in the OpenAPI contract)."""
    return Response(model.model_dump_json(), status_code=status_code, headers=headers, media_type="application/json")
