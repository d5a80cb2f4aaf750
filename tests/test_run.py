"""`peyvand run` as `make run` starts it: embedded services on a fresh data folder, migrations, first admin,
API and worker; Ctrl-C stops everything cleanly; a second start reuses the data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow
PEYVAND = Path(sys.executable).with_name("peyvand")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path, port: int, **env: str) -> subprocess.Popen[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environ.update(PEYVAND_DATA_DIR=str(data_dir), PEYVAND_PORT=str(port), PEYVAND_LOG_JSON="true", **env)
    return subprocess.Popen([str(PEYVAND), "run"], env=environ, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _wait_ready(proc: subprocess.Popen[str], base: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"peyvand run exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            r = httpx.get(f"{base}/ready", timeout=2)
            if r.status_code == 200 and r.json()["worker"]["alive"]:
                return r.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("not ready in time")


def _stop(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> str:
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


def _login(base: str, email: str, password: str) -> httpx.Response:
    return httpx.post(f"{base}/api/v1/auth/token", data={"username": email, "password": password}, timeout=10)


def test_run_starts_everything_on_a_fresh_data_dir_and_restarts_on_the_same_data(tmp_path):
    data = tmp_path / "data"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(data, port, PEYVAND_ADMIN_EMAIL="boss@example.com", PEYVAND_ADMIN_PASSWORD="first-start-pw")
    try:
        ready = _wait_ready(proc, base)
        assert ready["database"] == "ok" and ready["redis"] == "ok"
        r = _login(base, "boss@example.com", "first-start-pw")
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["role"] == "admin"
        assert httpx.get(f"{base}/").status_code == 200
    finally:
        out = _stop(proc)
    assert f"running at {base}" in out
    # Everything embedded stopped with it: no server is left holding the data folder.
    assert not (data / "redis" / "redis.sock").exists()
    assert not (data / "pg" / "postmaster.pid").exists()

    # Second start: same data, no second admin, the old password still works.
    proc = _start(data, port, PEYVAND_ADMIN_EMAIL="other@example.com", PEYVAND_ADMIN_PASSWORD="ignored-now")
    try:
        _wait_ready(proc, base)
        assert _login(base, "boss@example.com", "first-start-pw").status_code == 200
        assert _login(base, "other@example.com", "ignored-now").status_code == 401
    finally:
        _stop(proc)


def test_run_without_admin_settings_prints_a_generated_login_that_works(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(tmp_path / "data", port)
    try:
        _wait_ready(proc, base)
    finally:
        out = _stop(proc, signal.SIGTERM)  # as docker stop / systemd end it
    line = next(ln for ln in out.splitlines() if "Log in as" in ln)
    words = line.split()
    email, password = words[words.index("as") + 1], words[words.index("password") + 1]
    proc = _start(tmp_path / "data", port)
    try:
        _wait_ready(proc, base)
        assert _login(base, email, password).status_code == 200
    finally:
        _stop(proc)
