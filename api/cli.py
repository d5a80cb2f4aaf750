"""The ``peyvand`` command: run everything, or the API, worker and maintenance tasks one by one."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from api.core.logging import configure_logging
from api.core.settings import Settings, get_settings


def _resolved(settings: Settings, allow_embedded: bool) -> tuple[Settings, Any]:
    from api.core.embedded import EmbeddedServices, resolve_urls
    from api.core.security import configure_hasher

    configure_hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    services = None
    if (not settings.database_url or not settings.redis_url) and allow_embedded:
        services = EmbeddedServices(settings.data_dir)
    db, redis = resolve_urls(settings, services)
    return settings.model_copy(update={"database_url": db, "redis_url": redis}), services


async def _session_do(settings: Settings, func: Any) -> Any:
    from api.core.db import create_engine, create_sessionmaker
    from api.core.queue import transaction

    engine = create_engine(settings)
    try:
        async with transaction(create_sessionmaker(engine), None) as session:
            return await func(session)
    finally:
        await engine.dispose()


def _first_admin(settings: Settings) -> str:
    from api.core.security import generate_password
    from api.users.service import ensure_admin

    email = settings.admin_email or "admin@example.com"
    given = settings.admin_password.get_secret_value() if settings.admin_password else None
    password = given or generate_password()
    created = asyncio.run(_session_do(settings, lambda s: ensure_admin(s, email, password)))
    if not created:
        return "Log in with your admin account."
    if given:
        return f"Log in as {email} with the password from PEYVAND_ADMIN_PASSWORD."
    return f"Log in as {email} with password {password}  (shown once: write it down)"


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def cmd_migrate(args: argparse.Namespace) -> None:
    from api.core.migrate import upgrade

    settings, services = _resolved(get_settings(), allow_embedded=True)
    try:
        assert settings.database_url
        upgrade(settings.database_url)
        print("Database is at the latest migration.")
        if settings.admin_email and settings.admin_password:
            # Deployments (docker compose) create the first admin here, once, from the environment.
            print(_first_admin(settings))
    finally:
        if services:
            services.stop()


def cmd_run(args: argparse.Namespace) -> None:
    """All in one: embedded services when needed, migrations, first admin, API and worker."""
    import uvicorn

    from api.core.migrate import upgrade
    from api.core.serve import HTTP_PROTOCOL
    from api.demo import seed_if_empty
    from api.main import create_app
    from workers.main import create_worker

    base = get_settings()
    configure_logging(base.log_level, base.log_json)
    settings, services = _resolved(base, allow_embedded=True)
    try:
        assert settings.database_url
        upgrade(settings.database_url)
        login_hint = _first_admin(settings)
        login_hint += asyncio.run(_session_do(settings, lambda s: seed_if_empty(s, settings.demo_data)))
        app = create_app(settings)
        config = uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None,
                                access_log=False, proxy_headers=True, http=HTTP_PROTOCOL)
        server = uvicorn.Server(config)
        url = f"http://{settings.host}:{settings.port}"

        async def main() -> None:
            worker = create_worker(settings, handle_signals=False)
            worker_task = asyncio.create_task(worker.async_run())
            try:
                serve = asyncio.create_task(server.serve())
                while not server.started and not serve.done():  # noqa: ASYNC110 - uvicorn exposes a flag only
                    await asyncio.sleep(0.05)
                if server.started:
                    print(f"\n  Peyvand CRM is running at {url}\n  {login_hint}\n  Stop with Ctrl-C.\n",
                          flush=True)
                await serve
            finally:
                worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker_task
                await worker.close()

        # Uvicorn re-raises the signal that stopped it; SIGTERM then ends like Ctrl-C, through the
        # clean-up below, instead of killing the process with the embedded servers still running.
        signal.signal(signal.SIGTERM, _interrupt)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())
    finally:
        if services:
            services.stop()


def cmd_api(args: argparse.Namespace) -> None:
    from api.core.serve import serve

    settings = get_settings()
    if not settings.database_url or not settings.redis_url:
        sys.exit("peyvand api needs DATABASE_URL and REDIS_URL (use 'peyvand run' for the all-in-one mode)")
    configure_logging(settings.log_level, settings.log_json)
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker process keeps its metrics in files here; /metrics adds them up.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="peyvand-metrics-")
    # Several workers: the parent hands them the connections in turn (api.core.serve).
    serve("api.asgi:app", settings.host, settings.port, args.workers,
          log_config=None, access_log=False, proxy_headers=True)


def cmd_worker(args: argparse.Namespace) -> None:
    from prometheus_client import start_http_server

    from workers.main import create_worker

    settings = get_settings()
    if not settings.database_url or not settings.redis_url:
        sys.exit("peyvand worker needs DATABASE_URL and REDIS_URL")
    configure_logging(settings.log_level, settings.log_json)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port, addr=settings.host)
    create_worker(settings).run()


def cmd_create_user(args: argparse.Namespace) -> None:
    from api.core.access import Role
    from api.users.service import set_user

    settings, services = _resolved(get_settings(), allow_embedded=True)
    try:
        created = asyncio.run(_session_do(
            settings, lambda s: set_user(s, args.email, args.password, Role(args.role), args.name)
        ))
        print(("Created" if created else "Updated") + f" {args.role} {args.email}.")
    finally:
        if services:
            services.stop()


def cmd_seed_demo(args: argparse.Namespace) -> None:
    from api.demo import seed_demo

    settings, services = _resolved(get_settings(), allow_embedded=True)
    try:
        print(asyncio.run(_session_do(settings, seed_demo)))
    finally:
        if services:
            services.stop()


def cmd_openapi(args: argparse.Namespace) -> None:
    from api.core.openapi import dumps
    from api.main import create_app

    text = dumps(create_app(Settings(env="development")).openapi())
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"Wrote {out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="peyvand", description="Peyvand CRM")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="everything in one process (embedded PostgreSQL/Redis when no URLs)")
    api = sub.add_parser("api", help="the HTTP API only (production)")
    api.add_argument("--workers", type=int, default=1)
    sub.add_parser("worker", help="the background worker only (production)")
    sub.add_parser("migrate", help="apply database migrations")
    cu = sub.add_parser("create-user", help="create a user, or reset an existing user's password and role")
    cu.add_argument("--email", required=True)
    cu.add_argument("--password", required=True)
    cu.add_argument("--role", default="admin",
                    choices=["admin", "manager", "sales", "marketing", "finance", "support", "viewer"])
    cu.add_argument("--name", default=None)
    sub.add_parser("seed-demo", help="load demo teams, users and customers")
    oa = sub.add_parser("openapi", help="write the OpenAPI contract")
    oa.add_argument("--output", default="openapi/openapi.json")
    args = parser.parse_args(argv)
    handlers = {
        "run": cmd_run, "api": cmd_api, "worker": cmd_worker, "migrate": cmd_migrate,
        "create-user": cmd_create_user, "seed-demo": cmd_seed_demo, "openapi": cmd_openapi,
    }
    handlers[args.command](args)


if __name__ == "__main__":
    main()
