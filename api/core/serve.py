"""Serving an ASGI app on several worker processes, each with its own listening socket (``SO_REUSEPORT``).

uvicorn's ``--workers`` binds one socket in the parent and every worker accepts from it. asyncio accepts
every pending connection at once, so whichever worker wakes first takes a burst of new connections, and
keep-alive clients (a proxy's connection pool, the bench's 32 connections) stay where they landed: one
run put nine tenths of the requests on one worker of two (18 s of CPU against 2 s), which queued them
behind each other while the other core idled — a filtered customer list at 817 requests/s, p99 114 ms.
With a socket of its own per worker, the kernel spreads new connections over the workers by their
addresses: 971 requests/s, p99 60 ms, on the same machine and data.

Linux only (elsewhere ``SO_REUSEPORT`` does not balance): other systems, one worker or port 0 (each
worker would get another port) fall back to ``uvicorn.run``. The parent restarts a worker that dies,
stops them all on SIGINT/SIGTERM (uvicorn's graceful shutdown, then SIGKILL after ``STOP_SECONDS``), and
gives up when workers keep dying at start.

``tune_collector`` holds the garbage collector's settings of a serving process (the API's lifespan and the
bench's bare baseline apply it once started).
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections import deque
from multiprocessing.process import BaseProcess
from typing import Any

import structlog

log = structlog.get_logger("peyvand.serve")

BACKLOG = 2048  # uvicorn's default
STOP_SECONDS = 30.0
# More unexpected exits than this within RESTART_WINDOW seconds: something is wrong at start; stop.
RESTART_LIMIT = 5
RESTART_WINDOW = 60.0
STARTUP_FAILURE = 3  # uvicorn's exit code when the app did not start
GC_YOUNG_THRESHOLD = 20_000


def tune_collector() -> None:
    """The garbage collector's settings for a serving process, applied once startup is done (the bench's
    bare baseline applies them too, so they are no part of the gap it measures)."""
    # What startup built (modules, models, schemas, routes) lives as long as the process: frozen, the
    # cyclic collector stops rescanning it in every full collection (a third of the collector's time
    # under write load went to those).
    gc.freeze()
    # A request allocates a few thousand objects that die with it; at the default threshold (700) the
    # young generation was collected several times per request while they were alive: ~5 % of a
    # simple GET's CPU. Collected ~30 times less often, cycles still go within a few hundred requests.
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def balanced(host: str, port: int, workers: int) -> bool:
    """Whether ``serve`` gives each worker a socket of its own."""
    return workers > 1 and port != 0 and sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` in the port's ``SO_REUSEPORT`` group."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options))
    server.run(sockets=[listen(host, port)])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def serve(app: str, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve ``app`` (an import string) with uvicorn on ``workers`` processes; ``options`` go to
    ``uvicorn.Config``."""
    import uvicorn

    if not balanced(host, port, workers):
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    try:
        listen(host, port).close()  # the address is free (or already ours): fail here, not in every worker
    except OSError as exc:
        log.error("cannot_listen", address=f"{host}:{port}", error=str(exc))
        sys.exit(1)
    sys.exit(_supervise(workers, (app, host, port, options)))


def _supervise(workers: int, args: tuple[Any, ...]) -> int:
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}

    def start() -> BaseProcess:
        process = spawn.Process(target=_worker, args=args, daemon=False)
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    log.info("workers_started", workers=workers, pids=[p.pid for p in processes], address=f"{args[1]}:{args[2]}")
    exits: deque[float] = deque()
    code = 0
    try:
        while not stop.wait(0.5):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                now = time.monotonic()
                exits.append(now)
                while exits and exits[0] < now - RESTART_WINDOW:
                    exits.popleft()
                if len(exits) > RESTART_LIMIT:
                    log.error("workers_keep_exiting", exits=len(exits), seconds=RESTART_WINDOW,
                              last_exit_code=process.exitcode)
                    code = 1
                    stop.set()
                    break
                log.warning("worker_exited", pid=process.pid, exit_code=process.exitcode)
                processes[i] = start()
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return code
