"""The two servers under test, as subprocesses on free local ports: the real API (``peyvand api``) and the
bare baseline. Each runs in its own process group, so stopping it stops its uvicorn workers too."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

try:
    import psutil
except ImportError:  # CPU figures are a bonus; without psutil they are simply left out
    psutil = None

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


class BenchError(Exception):
    """A run that cannot give meaningful figures (a target did not start, a request failed its check)."""


@dataclass
class Target:
    name: str
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    ready_path: str
    # application_name of its database connections, to find their server processes.
    db_application: str

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def child_env(**extra: str) -> dict[str, str]:
    """The environment without any inherited Peyvand settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PEYVAND_") and k not in ("DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")}
    env.update(extra)
    return env


def _spawn(name: str, cmd: list[str], env: dict[str, str], log_dir: Path, port: int, ready_path: str,
           db_application: str) -> Target:
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return Target(name, f"http://{HOST}:{port}", proc, log, ready_path, db_application)


def start_api(database_url: str, redis_url: str, workers: int, log_dir: Path, pool_size: int) -> Target:
    port = free_port()
    script = Path(sys.executable).with_name("peyvand")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]
    env = child_env(DATABASE_URL=database_url, REDIS_URL=redis_url, PEYVAND_ENV="development",
                    PEYVAND_HOST=HOST, PEYVAND_PORT=str(port), PEYVAND_LOG_LEVEL="WARNING",
                    PEYVAND_DB_POOL_SIZE=str(pool_size), PEYVAND_DB_MAX_OVERFLOW="0")
    return _spawn("api", [*cmd, "api", "--workers", str(workers)], env, log_dir, port, "/ready", "peyvand")


def start_baseline(database_url: str, workers: int, pool_size: int, log_dir: Path) -> Target:
    from bench.baseline import APPLICATION_NAME

    port = free_port()
    cmd = [sys.executable, "-m", "bench.baseline", "--port", str(port), "--workers", str(workers),
           "--pool-size", str(pool_size)]
    return _spawn("baseline", cmd, child_env(DATABASE_URL=database_url), log_dir, port, "/ready", APPLICATION_NAME)


async def wait_ready(target: Target, within: float = 90) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=target.url, timeout=5) as http:
        while True:
            if target.proc.poll() is not None:
                raise BenchError(f"{target.name} exited with {target.proc.returncode}:\n{target.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(target.ready_path)).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise BenchError(f"{target.name} not ready after {within:.0f} s:\n{target.tail()}")
            await asyncio.sleep(0.2)


def stop(target: Target, timeout: float = 20) -> None:
    """SIGTERM to the target's process group (uvicorn shuts its workers down), SIGKILL if it lingers."""
    if target.proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(target.proc.pid, signal.SIGTERM)
    try:
        target.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(target.proc.pid, signal.SIGKILL)
        target.proc.wait(timeout=10)


def tree_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its children (the uvicorn workers)."""
    if psutil is None:
        return None
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def pids_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU time per process id, for the database server processes serving a target (when local)."""
    if psutil is None:
        return {}
    out = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            t = psutil.Process(pid).cpu_times()
            out[pid] = t.user + t.system
    return out
