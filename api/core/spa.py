"""Serving the built SPA: its assets, and index.html for client-side routes (GET on unknown paths)."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

# Paths the SPA never owns: unknown ones there stay problem+json 404s.
NOT_SPA = ("/api/", "/public/", "/t/", "/u/", "/health", "/ready", "/metrics", "/assets/")

PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Peyvand CRM</title></head>
<body><h1>Peyvand CRM</h1><p>The API is running. The web app has not been built
(<code>make run</code> builds it when Node.js is installed).</p>
<p>API documentation: <a href="/api/docs">/api/docs</a></p></body></html>"""


# The build names every file under /assets after a hash of its content: a changed file gets a new name,
# so browsers may keep them for a year without asking again. index.html (no-cache) names the current ones.
IMMUTABLE = "public, max-age=31536000, immutable"


class HashedAssets(StaticFiles):
    """The build's hashed assets, cached by browsers for good."""

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def mount_spa(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", HashedAssets(directory=dist / "assets"), name="spa-assets")

    def page() -> Response:
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(PLACEHOLDER)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def root() -> Response:
        return page()

    def fallback(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD") or request.url.path.startswith(NOT_SPA):
            return None
        static = (dist / request.url.path.lstrip("/")).resolve()
        if static.is_file() and dist.resolve() in static.parents:
            return FileResponse(static)
        return page()

    app.state.spa_fallback = fallback
