"""Serving the built SPA: its assets, and index.html for client-side routes (GET on unknown paths)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

# Paths the SPA never owns: unknown ones there stay problem+json 404s.
NOT_SPA = ("/api/", "/public/", "/t/", "/u/", "/health", "/ready", "/metrics", "/assets/")

PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Peyvand CRM</title></head>
<body><h1>Peyvand CRM</h1><p>The API is running. The web app has not been built
(<code>make run</code> builds it when Node.js is installed).</p>
<p>API documentation: <a href="/api/docs">/api/docs</a></p></body></html>"""


def mount_spa(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="spa-assets")

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
