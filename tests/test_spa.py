"""The built SPA as the API serves it: hashed assets cached for good, index.html always revalidated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.main import create_app


@pytest.fixture
async def spa_client(settings: Any, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "assets").mkdir()
    app_script = '<script type="module" src="/assets/index-Ab12Cd34.js"></script>'
    (tmp_path / "index.html").write_text(f"<!doctype html>{app_script}")
    (tmp_path / "assets" / "index-Ab12Cd34.js").write_text("console.log('app')")
    application = create_app(settings.model_copy(update={"spa_dir": tmp_path}))
    async with LifespanManager(application) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c


async def test_hashed_assets_are_cached_for_a_year_without_revalidation(spa_client):
    r = await spa_client.get("/assets/index-Ab12Cd34.js")
    assert r.status_code == 200
    assert r.text == "console.log('app')"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_index_html_is_revalidated_on_every_load(spa_client):
    for path in ("/", "/customers", "/customers/some-id/edit"):
        r = await spa_client.get(path)
        assert r.status_code == 200
        assert "/assets/index-Ab12Cd34.js" in r.text
        assert r.headers["cache-control"] == "no-cache"


async def test_unknown_asset_is_a_404_not_the_app(spa_client):
    r = await spa_client.get("/assets/index-Old00000.js")
    assert r.status_code == 404
    assert "immutable" not in r.headers.get("cache-control", "")
