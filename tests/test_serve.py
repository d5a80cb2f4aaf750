"""`peyvand api --workers N`: the parent accepts and hands the connections to the workers in turn, so
keep-alive connections opened together are spread evenly; a worker that dies is replaced (and skipped
until then); SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from api.core.serve import balanced

pytestmark = pytest.mark.slow
PEYVAND = Path(sys.executable).with_name("peyvand")
CONNECTIONS = 24


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(settings, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEYVAND_")}
    env.update(DATABASE_URL=settings.database_url or "", REDIS_URL=settings.redis_url or "", PEYVAND_ENV="test",
               PEYVAND_HOST="127.0.0.1", PEYVAND_PORT=str(port), PEYVAND_LOG_JSON="true")
    return env


def _workers(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    # The live spawned workers; multiprocessing's resource tracker is a child too, and holds no socket.
    live = []
    for child in psutil.Process(proc.pid).children():
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                live.append(child)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):  # killed, not yet reaped by the parent
            pass
    return live


def _wait(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _listening_sockets(port: int) -> int:
    """Listening TCP sockets on ``port``."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(1 for row in rows if row[3] == "0A" and int(row[1].rsplit(":", 1)[1], 16) == port)


def _established(worker: psutil.Process, port: int) -> int:
    return sum(1 for c in worker.net_connections("tcp") if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port)


def _burst(proc: subprocess.Popen[str], port: int) -> list[int]:
    """Keep-alive connections opened in one burst, as a proxy's pool or the bench driver opens them, each
    answered once: how many each worker holds, fewest first."""
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
    try:
        for c in conns:
            c.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        for c in conns:
            assert c.recv(4096).startswith(b"HTTP/1.1 200")
        return sorted(_established(w, port) for w in _workers(proc))
    finally:
        for c in conns:
            c.close()


def test_one_worker_or_port_0_is_plain_uvicorn():
    assert balanced("127.0.0.1", 8000, 2) == (sys.platform == "linux")
    assert not balanced("127.0.0.1", 8000, 1)
    assert not balanced("127.0.0.1", 0, 4)


@pytest.mark.skipif(sys.platform != "linux", reason="connections are handed out on Linux only")
def test_workers_share_the_connections_are_replaced_when_they_die_and_stop_on_sigterm(settings):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(PEYVAND), "api", "--workers", "2"], env=_env(settings, port), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        _wait(lambda: _answers(base) and len(_workers(proc)) == 2, "two workers answering")
        # Each worker in a session of its own (with sched_autogroup, one session is one scheduling group).
        sessions = {os.getsid(w.pid) for w in _workers(proc)}
        assert len(sessions) == 2 and os.getsid(proc.pid) not in sessions
        # A large answer (the OpenAPI document) and a small one, whole, through the workers' protocol.
        with httpx.Client(base_url=base, timeout=10) as http:
            for _ in range(3):
                doc = http.get("/api/v1/openapi.json")
                assert doc.status_code == 200 and len(doc.content) == int(doc.headers["content-length"]) > 100_000
                assert doc.json()["info"]["title"] == "Peyvand CRM API"
                assert http.get("/health").json() == {"status": "ok"}
        # One listening socket (the parent's); the workers hold none.
        assert _listening_sockets(port) == 1
        assert all(not any(c.status == psutil.CONN_LISTEN for c in w.net_connections("tcp")) for w in _workers(proc))
        # Handed out in turn: exactly half each (the kernel's hash of the addresses gave 22 / 10 of 32).
        assert _burst(proc, port) == [CONNECTIONS // 2, CONNECTIONS // 2]

        victim = _workers(proc)[0]
        victim.kill()
        # Until its replacement is there, every new connection goes to the survivor.
        assert all(_answers(base) for _ in range(6))
        _wait(lambda: victim.pid not in [w.pid for w in _workers(proc)] and len(_workers(proc)) == 2
              and _answers(base), "a new worker in place of the killed one")
        # ... and then both take their turns again.
        assert _burst(proc, port) == [CONNECTIONS // 2, CONNECTIONS // 2]

        workers = _workers(proc)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
        assert "worker_exited" in out
    finally:
        if proc.poll() is None:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            proc.communicate(timeout=30)


@pytest.mark.skipif(sys.platform != "linux", reason="connections are handed out on Linux only")
def test_a_taken_address_is_a_clear_error_not_a_crash_loop(settings):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([str(PEYVAND), "api", "--workers", "2"], env=_env(settings, port),
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "cannot_listen" in done.stdout + done.stderr

