"""The OpenAPI contract: problem responses, the Idempotency-Key header, the event catalogue as webhooks,
and a stable, sorted serialisation for ``openapi/openapi.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from api.core.errors import PROBLEM_JSON, Problem
from api.core.events.catalogue import EVENT_TYPES

_COMMON_ERRORS = {
    "413": "Request body too large",
    "429": "Too many requests",
    "500": "Internal server error",
}


def _problem_ref() -> dict[str, Any]:
    return {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=(
            "REST API of Peyvand CRM. Authenticate with `POST /api/v1/auth/token` (OAuth2 password form) "
            "or an API key (`pvk_…`), both sent as `Authorization: Bearer …`. Errors are RFC 9457 "
            "problem details. Lists use keyset pagination (`limit`, `cursor` → `next_cursor`)."
        ),
        routes=app.routes,
        tags=[
            {"name": "auth", "description": "Logging in and out; API keys for other systems"},
            {"name": "me", "description": "The caller's own profile and preferences"},
            {"name": "users", "description": "User accounts and roles"},
            {"name": "teams", "description": "The org chart"},
            {"name": "customers", "description": "Persons and organizations, the ladder, contacts and search"},
            {"name": "audit", "description": "Who changed what, field by field"},
            {"name": "system", "description": "Health, readiness and metrics"},
        ],
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))  # FieldError, referenced from Problem
    schemas["Problem"] = problem
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            responses = op.setdefault("responses", {})
            for status, response in list(responses.items()):
                if status.isdigit() and int(status) >= 400:
                    response.update(_problem_ref())
            if path.startswith("/api/"):
                for status, title in _COMMON_ERRORS.items():
                    responses.setdefault(status, {"description": title, **_problem_ref()})
            if method == "post" and path.startswith("/api/"):
                op.setdefault("parameters", []).append({
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "Makes a retry safe: the same key and body replay the first response "
                                   "for 24 h; the same key with a different body is a 409.",
                    "schema": {"type": "string", "maxLength": 255},
                })
    schema["webhooks"] = {
        name: {
            "post": {
                "summary": description,
                "operationId": f"webhook:{name}",
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["type", "timestamp", "data"],
                    "properties": {
                        "type": {"const": name},
                        "timestamp": {"type": "string", "format": "date-time"},
                        "data": {"type": "object", "description": "The resource as the API returns it"},
                    },
                }}}},
                "responses": {"200": {"description": "Any 2xx within 15 s acknowledges the delivery"}},
            }
        }
        for name, description in sorted(EVENT_TYPES.items())
    }
    return schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_docs(app: FastAPI, spa_dist: Path, openapi_url: str) -> None:
    """Swagger UI at /api/docs, from the copy the web-app build ships (dist/api-docs) so it works
    without internet; from its CDN when the web app was not built."""
    local = (spa_dist / "api-docs" / "swagger-ui-bundle.js").is_file()
    assets: dict[str, Any] = {
        "swagger_js_url": "/api-docs/swagger-ui-bundle.js", "swagger_css_url": "/api-docs/swagger-ui.css",
    }

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} — docs", swagger_favicon_url="/favicon.svg",
            swagger_ui_parameters={"persistAuthorization": True}, **(assets if local else {}),
        )


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
