"""A papermill engine that runs every report in a fresh kernel, without paying start-up each time.

Most of a naive report's time is process start-up: Python, ipykernel, pandas, matplotlib and
coachkit imported again for every participant. This module removes that cost while keeping
the one guarantee that matters, **one participant's data never reaches another's report**:

* every report runs in its **own kernel process**, used for that one notebook and shut down
  at once afterwards (``shutdown_kernel="immediate"``): no kernel is ever reused;
* for one report, the kernel imports the heavy modules *before* it announces itself
  (:func:`start_kernel`), so its start-up overlaps the caller's own imports; the
  ``coachkit report`` command goes further and forks the kernel from its own fresh process
  (:class:`Prefork`), before it has opened any workbook;
* for a cohort, a **zygote** process (:class:`Zygote`) imports those modules once and then
  forks a new kernel per participant. The zygote never opens a workbook nor runs any
  notebook code: a forked kernel starts from a copy of a process that holds modules only;
* kernels listen on IPC sockets in a private (0700) folder, not on TCP ports.

The engine is registered with papermill as ``coachkit`` (the ``papermill.engine`` entry point
in ``pyproject.toml``; :func:`register` also registers it in-process). Pass it a started
kernel manager as ``km=``; without one it starts a fresh kernel itself.
"""

from __future__ import annotations

import itertools
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = [
    "Prefork",
    "WarmEngine",  # noqa: F822 - built lazily (module __getattr__)
    "Zygote",
    "can_prefork",
    "register",
    "shutdown",
    "start_kernel",
]

# Imported by a kernel before it starts listening (one report) or by the zygote (a cohort).
_PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.debugger",  # imported by every kernel's start-up (debugpy: 50 ms)
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "IPython.display",
    "coachkit.report",
    "coachkit.mentors",
    "coachkit.progress",
    "coachkit.schedule",
    "coachkit.weeks",
    "coachkit.network",
)


def _preload(warm_up: bool = False) -> None:
    """Import the report's modules; with ``warm_up``, also run the report once on nothing.

    The warm-up builds and renders a report of a new, **empty** workbook in a temporary
    folder (deleted at once): it loads what the first real report would otherwise load
    lazily (fonts, pandas internals), and touches no participant's data.
    """
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's import warning
    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # a module still being written must not stop reports
            pass
    if warm_up:
        import datetime as dt

        from coachkit import report
        from coachkit.workbook import create_workbook

        with tempfile.TemporaryDirectory(prefix="coachkit-warm-up-") as folder:
            with create_workbook(Path(folder) / "empty") as wb:
                rep = report.build_report(wb, "", dt.date(2026, 1, 7))
            for render in (report.render_scorecard, report.render_funnel, report.render_plan,
                           report.render_network, report.render_coaching):  # fmt: skip
                render(rep)


def _kernel_manager_class() -> type:
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    spec = KernelSpec(
        argv=[sys.executable, "-m", "coachkit._warm", "kernel", "-f", "{connection_file}"],
        display_name="Python 3 (coachkit)",
        language="python",
    )

    class FastReadyClient(AsyncKernelClient):
        """jupyter_client's client, minus a fixed 0.2 s wait once the kernel is ready.

        Once ``kernel_info`` is answered and IOPub is connected, jupyter_client drains IOPub
        until it has been quiet for 0.2 s. Stale start-up messages are harmless (nbclient
        keeps only the replies to its own requests), so drain only what is already there.
        """

        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (timeout or 60)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected? The kernel_info request's status says so.
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0.005)
                except Empty:
                    break

        # The base class binds the public name to its own coroutine: rebind it to ours.
        wait_for_ready = _async_wait_for_ready

    class FreshKernelManager(AsyncKernelManager):
        """A kernel manager for one notebook only, whose kernel preloads coachkit."""

        zygote: Zygote | Prefork | None = None
        used = False

        @property
        def kernel_spec(self) -> KernelSpec:
            return spec

        @default("client_factory")
        def _fast_client(self) -> type:
            return FastReadyClient

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            # A killed kernel dies within milliseconds: poll often rather than sleep 0.1 s.
            await super()._async_wait(pollinterval=0.005)

        async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
            cmd, kw = await super()._async_pre_start_kernel(**kw)
            if self.zygote is not None:
                self.provisioner = _zygote_provisioner(self)
            return cmd, kw

    return FreshKernelManager


_MANAGER: type | None = None
_SOCKETS: Path | None = None
_COUNTER = itertools.count(1)  # thread-safe in CPython: next() holds the GIL


_SOCKETS_LOCK = threading.Lock()


def _socket_dir() -> Path:
    global _SOCKETS
    with _SOCKETS_LOCK:
        if _SOCKETS is None:
            import atexit

            _SOCKETS = Path(tempfile.mkdtemp(prefix="coachkit-kernels-"))  # 0700
            atexit.register(shutil.rmtree, _SOCKETS, ignore_errors=True)
        return _SOCKETS


def start_kernel(zygote: Zygote | Prefork | None = None, cwd: str | None = None) -> Any:
    """Start a fresh kernel and return its (async) kernel manager, for one notebook only.

    The kernel process is launched and left booting: this returns as soon as it is spawned,
    so the caller can do other work meanwhile. With ``zygote``, the kernel is forked from it.
    """
    from jupyter_core.utils import run_sync

    global _MANAGER
    if _MANAGER is None:
        _MANAGER = _kernel_manager_class()
    # IPC sockets in a private folder: faster than TCP, and no other user can reach them.
    # Each kernel gets its own prefix: managers started at once must not pick the same names.
    prefix = _socket_dir() / f"k{next(_COUNTER)}"
    km = _MANAGER(kernel_name="python3", transport="ipc", ip=str(prefix))
    km.zygote = zygote
    # The client connects before the new kernel has bound its sockets; zmq then retries
    # every 100 ms by default. Retry every 5 ms: the kernel is ready within a few retries.
    import zmq

    km.context.setsockopt(zmq.RECONNECT_IVL, 5)
    env = {**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    run_sync(km.start_kernel)(env=env, cwd=cwd or os.getcwd())
    return km


def shutdown(km: Any) -> None:
    """Kill a kernel at once and release its resources (idempotent)."""
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)  # also removes the connection file
    except RuntimeError as exc:  # already gone
        if "No kernel is running" not in str(exc):
            raise


# -- the papermill engine ----------------------------------------------------------------------
def _engine_class() -> type:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        """Execute a notebook in a fresh kernel: one given as ``km=``, or one started here.

        The kernel is shut down immediately after the notebook, whatever happens: a kernel
        manager that has already run a notebook is refused.
        """

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            km = kwargs.pop("km", None)
            if km is None:
                km = start_kernel(cwd=kwargs.get("cwd"))
            if getattr(km, "used", False):
                raise RuntimeError("a kernel runs one report only: start a fresh one")
            km.used = True
            kwargs = remove_args(["input_path", "timeout", "startup_timeout", "cwd"], **kwargs)
            final = merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                km=km,
                shutdown_kernel="immediate",
            )
            try:
                # cleanup_kc: nbclient stops its channels and kills the kernel at the end,
                # as it does for kernels it started itself.
                return PapermillNotebookClient(nb_man, **final).execute(cleanup_kc=True)
            finally:
                shutdown(km)

    return WarmEngine


def __getattr__(name: str) -> Any:
    # papermill loads the entry point ``coachkit._warm:WarmEngine``; build it lazily so that
    # importing this module (in a kernel or the zygote) does not import papermill.
    if name == "WarmEngine":
        engine = _engine_class()
        globals()["WarmEngine"] = engine
        return engine
    raise AttributeError(name)


def register() -> None:
    """Register the ``coachkit`` engine with papermill in this process (idempotent)."""
    from papermill.engines import papermill_engines

    if "coachkit" not in papermill_engines._engines:
        papermill_engines.register("coachkit", __getattr__("WarmEngine"))


# -- the zygote --------------------------------------------------------------------------------
class Zygote:
    """A process that has imported coachkit's kernel modules once and forks fresh kernels.

    Use as a context manager; :func:`start_kernel` with ``zygote=`` forks a kernel from it.
    The zygote only ever imports modules and forks: it reads no workbook and runs no code
    sent to it, so every forked kernel starts clean.
    """

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="coachkit-zygote-")  # 0700: only we can connect
        self.address = str(Path(self._dir) / "zygote.sock")
        env = {
            **os.environ,
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "coachkit._warm", "zygote", self.address],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._ready = False
        self._lock = threading.Lock()

    def wait_ready(self, timeout: float = 60) -> None:
        """Block until the zygote has imported everything and listens."""
        with self._lock:
            if self._ready:
                return
            assert self._process.stdout is not None
            readable, _, _ = select.select([self._process.stdout], [], [], timeout)
            line = self._process.stdout.readline() if readable else b""
            if line.strip() != b"ready":
                raise RuntimeError("the kernel zygote did not start (see the error above)")
            self._ready = True

    def fork(self, connection_file: str, cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel for ``connection_file`` and return its pid."""
        self.wait_ready()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(self.address)
            request = {"connection_file": connection_file, "cwd": cwd, "env": env}
            conn.sendall(json.dumps(request).encode() + b"\n")
            reply = conn.makefile("rb").readline()
        return int(json.loads(reply)["pid"])

    def close(self) -> None:
        """Stop the zygote (its kernels are killed with it)."""
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()  # EOF: the zygote kills its kernels and exits
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        Path(self.address).unlink(missing_ok=True)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Prefork:
    """One kernel forked from this very process, before it opens any workbook.

    For a single report: the child starts from this process's already imported modules
    (pandas, coachkit), imports the rest while this process imports papermill, then waits
    for its connection file. It has the :class:`Zygote`'s ``fork`` method, so
    :func:`start_kernel` takes either. Only fork from a single-threaded process.
    """

    def __init__(self) -> None:
        if threading.active_count() != 1:
            raise RuntimeError("fork a kernel only from a single-threaded process")
        read_end, self._write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the future kernel
            os.close(self._write_end)
            request = None
            try:
                _preload()
                data = b""
                while chunk := os.read(read_end, 65536):
                    data += chunk
                request = json.loads(data) if data else None
            except BaseException:
                os._exit(1)
            if request is None:  # the parent gave up before starting it
                os._exit(0)
            _run_forked_kernel(request)
        os.close(read_end)
        self.pid = pid
        self._sent = False

    def fork(self, connection_file: str, cwd: str, env: dict[str, str]) -> int:
        """Send the waiting child its connection file; return its pid (once only)."""
        if self._sent:
            raise RuntimeError("a prefork kernel serves one report only")
        request = {"connection_file": connection_file, "cwd": cwd, "env": env}
        os.write(self._write_end, json.dumps(request).encode())
        os.close(self._write_end)
        self._sent = True
        return self.pid


def can_prefork() -> bool:
    """True when this process may fork a kernel: POSIX, and a single thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


class _ForkedProcess:
    """The Popen-like handle jupyter_client needs, for a kernel forked by the zygote."""

    stdin = stdout = stderr = None  # the kernel talks over its sockets only

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)  # our own child (prefork)
                if done:
                    self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:  # the zygote's child: it reaps it
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                self.returncode = 0

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _zygote_provisioner(km: Any) -> Any:
    from jupyter_client.provisioning import LocalProvisioner

    class ZygoteProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            connection_file = cmd[cmd.index("-f") + 1]
            env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            pid = km.zygote.fork(connection_file, kwargs.get("cwd") or os.getcwd(), env)
            self.process = _ForkedProcess(pid)
            self.pid, self.pgid = pid, None
            return self.connection_info

    old = km.provisioner
    new = ZygoteProvisioner(kernel_id=old.kernel_id, kernel_spec=old.kernel_spec, parent=km)
    new.connection_info = old.connection_info
    new.ports_cached = old.ports_cached
    return new


def _zygote_main(address: str) -> None:
    """Run the zygote: preload, listen, fork a kernel per request; exit on stdin EOF."""
    try:
        _preload(warm_up=True)
    except Exception as exc:  # a broken warm-up must not stop reports: they start colder
        print(f"coachkit zygote: warm-up skipped ({exc})", file=sys.stderr)
    children: set[int] = set()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    os.chmod(address, 0o600)
    server.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    stdin = sys.stdin.fileno()
    while True:
        readable, _, _ = select.select([server, stdin], [], [])
        if stdin in readable and not os.read(stdin, 1024):
            break  # our parent closed the pipe (or died): stop, and take the kernels along
        if server not in readable:
            continue
        conn, _ = server.accept()
        with conn:
            request = json.loads(conn.makefile("rb").readline())
            pid = os.fork()
            if pid == 0:  # the new kernel
                server.close()
                conn.close()
                _run_forked_kernel(request)
            children.add(pid)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _run_forked_kernel(request: dict[str, Any]) -> None:
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own children
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # exit if the zygote goes away
        os.chdir(request["cwd"])
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(["-f", request["connection_file"], "--HistoryManager.enabled=False"])
        app.start()
        code = 0
    finally:
        os._exit(code)


def _kernel_main(argv: list[str]) -> None:
    """Start an ipykernel after importing the report's modules.

    This is the command of :func:`start_kernel`'s kernels: ``python -m coachkit._warm kernel``.
    """
    _preload()
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["zygote"]:
        _zygote_main(sys.argv[2])
    elif sys.argv[1:2] == ["kernel"]:
        _kernel_main(sys.argv[2:])
    else:
        sys.exit("usage: python -m coachkit._warm kernel -f CONNECTION_FILE | zygote SOCKET")
