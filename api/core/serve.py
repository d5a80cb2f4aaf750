"""Serving an ASGI app on several worker processes, the parent handing out the connections in turn.

uvicorn's ``--workers`` binds one socket in the parent and every worker accepts from it. asyncio accepts
every pending connection at once, so whichever worker wakes first takes a burst of new connections, and
keep-alive clients (a proxy's connection pool, the bench's 32 connections) stay where they landed: one
run put nine tenths of the requests on one worker of two (18 s of CPU against 2 s), which queued them
behind each other while the other core idled — a filtered customer list at 817 requests/s, p99 114 ms.
A listening socket per worker (``SO_REUSEPORT``) let the kernel spread them by a hash of their addresses,
which is still a coin toss per connection: the bench's 32 connections landed 22 / 10 and 21 / 11, and a
simple GET needs 0.6 ms of one worker's CPU, so the worker holding 22 of 1,700 requests a second had
more work than its core could do while the other waited.

So the parent accepts (one thread, blocking on the one listening socket) and hands each connection's
file descriptor to the next worker in turn over a Unix socket (``SCM_RIGHTS``), as Node's cluster module
does: N keep-alive connections opened together land N / workers on each. A worker puts what it receives
on its event loop with uvicorn's own protocol (``loop.connect_accepted_socket``); lifespan, graceful
shutdown and everything else are uvicorn's. The hand-over costs a little once per connection, when it
opens, none per request.

Sessions: each worker starts a session of its own (``setsid``). Linux kernels with ``sched_autogroup``
(on by default in Ubuntu's, Debian's and Fedora's) schedule each session as one group with the weight of
one task, so N workers of one session shared one task's share of the CPUs against PostgreSQL's backends
and everything else; with two workers on two cores one worker got a core's worth and the other far less
(the bench's GET: its 16 connections at 8 ms a request on one worker and 18–20 ms on the other, p99
39–51 ms, 2,650 requests/s). A session each: every connection at 11–13 ms, p99 22–24 ms, the same
throughput. (Inside a container or a systemd unit with a CPU controller, the cgroup decides instead, and
the session changes nothing.)

Responses: ``HTTP_PROTOCOL`` (``OneWritePerResponse``) is uvicorn's protocol sending what one turn of the
event loop wrote to a connection in one piece, a response's head and body together (uvicorn's own writes
them separately); ``serve`` uses it in both modes, ``peyvand run`` too.

One worker, port 0 (the workers' log would not know the port) or a system other than Linux fall back to
``uvicorn.run``.
The parent restarts a worker that dies (its connections go with it; new ones skip it until the new worker
is there), stops them all on SIGINT/SIGTERM (uvicorn's graceful shutdown, then SIGKILL after
``STOP_SECONDS``), and gives up when workers keep dying at start.

``tune_collector`` holds the garbage collector's settings of a serving process (the API's lifespan and the
bench's bare baseline apply it once started).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from multiprocessing.process import BaseProcess
from typing import Any

import structlog
import uvicorn
from uvicorn.protocols.http.auto import AutoHTTPProtocol

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


class _OneWritePerTurn:
    """A connection's transport that sends what one turn of the event loop wrote to it in one piece.

    uvicorn writes a response's status line and headers, then its body: two ``send`` calls, two TCP
    segments, and the client wakes up for each. Held until the end of the turn (the rest of the handler's
    step, microseconds), they go out together. Flow control is still the real transport's (its buffer
    pauses and resumes the protocol as before); closing sends what is held first."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self._send)
        self._held.append(data)

    def writelines(self, lines: Iterable[bytes]) -> None:
        for data in lines:
            self.write(data)

    def _send(self) -> None:
        if self._held:
            data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
            self._held = []
            if not self._transport.is_closing():
                self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(data) for data in self._held)

    def write_eof(self) -> None:
        self._send()
        self._transport.write_eof()

    def close(self) -> None:
        self._send()
        self._transport.close()

    def abort(self) -> None:
        self._held = []
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:  # reading, pausing, extra info: the real transport's
        return getattr(self._transport, name)


class OneWritePerResponse(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP protocol (httptools, else h11) on a ``_OneWritePerTurn`` transport: a response
    written in one handler step leaves in one piece. ``serve`` and ``peyvand run`` give it to uvicorn
    (``HTTP_PROTOCOL``). Measured on GET /customers/{id} at 1M, four alternating 10 s pairs: ~10 % less
    CPU per request in the workers, 2,940–3,150 requests/s against 2,290–2,760, p99 18–20 ms against
    21–35."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        loop = asyncio.get_running_loop()
        super().connection_made(_OneWritePerTurn(transport, loop))  # type: ignore[arg-type]


HTTP_PROTOCOL = f"{__name__}:OneWritePerResponse"


def balanced(host: str, port: int, workers: int) -> bool:
    """Whether ``serve`` hands the connections out in turn (otherwise it is ``uvicorn.run``)."""
    return workers > 1 and port != 0 and sys.platform == "linux"


def listen(host: str, port: int) -> socket.socket:
    """The listening TCP socket on ``host:port``."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


class _HandedServer(uvicorn.Server):
    """uvicorn's server without a listening socket of its own: it serves the connections whose file
    descriptors arrive on ``channel`` (one per message, from ``_Turns.give`` in the parent)."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self._channel = channel
        self._opening: set[asyncio.Task[None]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # lifespan and the rest of uvicorn's start, no listener
        loop = asyncio.get_running_loop()
        # What uvicorn's own startup gives loop.create_server, for connections accepted elsewhere.
        # (uvicorn's protocol classes take these keywords; asyncio.Protocol, as typed, does not.)
        self._protocol = functools.partial(
            self.config.http_protocol_class, config=self.config, server_state=self.server_state,  # type: ignore[call-arg]
            app_state=self.lifespan.state, _loop=loop)
        self._channel.setblocking(False)
        loop.add_reader(self._channel.fileno(), self._receive, loop)

    def _receive(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                data, fds, _flags, _address = socket.recv_fds(self._channel, 1, 1)
            except BlockingIOError:
                return
            except OSError:
                data, fds = b"", []
            if not data:  # the parent is gone: finish what is open and stop
                loop.remove_reader(self._channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                task = loop.create_task(self._open(loop, socket.socket(fileno=fd)))
                self._opening.add(task)
                task.add_done_callback(self._opening.discard)

    async def _open(self, loop: asyncio.AbstractEventLoop, conn: socket.socket) -> None:
        try:
            await loop.connect_accepted_socket(self._protocol, conn)
        except OSError as exc:  # the client left in the meantime
            log.debug("connection_not_opened", error=str(exc))
            conn.close()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._channel.fileno() != -1:
            asyncio.get_running_loop().remove_reader(self._channel.fileno())
            self._channel.close()  # the parent's next connections go to the other workers
        await super().shutdown(sockets=None)


def _worker(app: str, host: str, port: int, options: dict[str, Any], channel: socket.socket) -> None:
    # A session of its own: see "Sessions" above. The parent still stops it (SIGTERM on SIGINT/SIGTERM), and
    # it stops by itself when the parent is gone (its channel closes).
    with contextlib.suppress(OSError):
        os.setsid()
    server = _HandedServer(uvicorn.Config(app, host=host, port=port, **options), channel)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class _Turns:
    """The parent's end of each worker's channel, and whose turn it is."""

    def __init__(self, workers: int) -> None:
        self._channels: list[socket.socket | None] = [None] * workers
        self._next = 0
        self._lock = threading.Lock()

    def replace(self, i: int, channel: socket.socket | None) -> None:
        with self._lock:
            old, self._channels[i] = self._channels[i], channel
            if old is not None:
                old.close()

    def give(self, conn: socket.socket) -> bool:
        """Hand ``conn`` to the next worker that takes it; False when none does (it is then closed)."""
        with self._lock:
            n = len(self._channels)
            for k in range(n):
                i = (self._next + k) % n
                channel = self._channels[i]
                if channel is None:
                    continue
                try:
                    socket.send_fds(channel, [b"c"], [conn.fileno()])
                except OSError:  # gone (restarting) or too far behind: the next one
                    continue
                self._next = i + 1
                return True
        return False


def _hand_out(listener: socket.socket, turns: _Turns, stop: threading.Event) -> None:
    listener.settimeout(0.5)  # to notice ``stop``
    while not stop.is_set():
        try:
            conn, _address = listener.accept()
        except TimeoutError:
            continue
        except OSError as exc:  # out of file descriptors, or the socket closed at stop
            if stop.is_set():
                return
            log.warning("accept_failed", error=str(exc))
            time.sleep(0.1)
            continue
        with conn:  # the worker holds its own descriptor of it now
            if not turns.give(conn):
                log.warning("connection_refused_no_worker")


def serve(app: str, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve ``app`` (an import string) with uvicorn on ``workers`` processes; ``options`` go to
    ``uvicorn.Config`` (``http`` is ``HTTP_PROTOCOL`` unless given)."""
    options.setdefault("http", HTTP_PROTOCOL)
    if not balanced(host, port, workers):
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    try:
        listener = listen(host, port)
    except OSError as exc:
        log.error("cannot_listen", address=f"{host}:{port}", error=str(exc))
        sys.exit(1)
    with listener:
        sys.exit(_supervise(listener, workers, (app, host, port, options)))


def _supervise(listener: socket.socket, workers: int, args: tuple[Any, ...]) -> int:
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()
    turns = _Turns(workers)

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}

    def start(i: int) -> BaseProcess:
        # SEQPACKET: one message per connection, its descriptor never merged with the next one's.
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = spawn.Process(target=_worker, args=(*args, theirs), daemon=False)
        process.start()
        theirs.close()
        ours.setblocking(False)  # a worker too far behind to read its queue is skipped, not waited for
        turns.replace(i, ours)
        return process

    processes = [start(i) for i in range(workers)]
    log.info("workers_started", workers=workers, pids=[p.pid for p in processes], address=f"{args[1]}:{args[2]}")
    accepting = threading.Thread(target=_hand_out, args=(listener, turns, stop), name="accept", daemon=True)
    accepting.start()
    exits: deque[float] = deque()
    code = 0
    try:
        while not stop.wait(0.5):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                turns.replace(i, None)
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
                processes[i] = start(i)
    finally:
        stop.set()
        accepting.join()  # no connection is handed out from here on
        for process in processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for i in range(workers):
            turns.replace(i, None)
        for s, handler in previous.items():
            signal.signal(s, handler)
    return code
