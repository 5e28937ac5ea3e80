"""One bubblewrap sandbox per submission: what it sees, its limits, and how it is stopped.

Layout (two nested bwrap calls, because RLIMIT_NPROC counts processes per *host* uid and
root is exempt from it, so the student's code must run as a distinct unprivileged uid):

- the outer ``bwrap`` (run by the grader) builds a fresh root: read-only binds of
  ``/usr``, the Python venv and the base interpreter it points to, the book's
  ``sinorussia`` package, ``data/`` and ``seeds/``, and this package's ``runner.py``
  alone; a private ``/tmp``; and the scratch directory holding only this submission's
  copy at ``/scratch``. Answer keys, autograders, masters, other submissions, the
  gradebook, the instructor's home and the rest of the repository are simply not there.
  It unshares the PID, network, IPC and UTS namespaces, clears the environment, starts a
  new session and dies with its parent;
- ``setpriv`` drops to the slot's uid (60001, 60002, … one per concurrent worker) with no
  capabilities, ``prlimit`` sets the limits, and an inner unprivileged
  ``bwrap --unshare-user`` puts the code in its own user namespace.

Killing the outer bwrap (SIGKILL to its process group at the time limit) kills the PID
namespace's init and with it every process of the submission, detached or not.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sinorussia.paths import data_dir, project_root, seeds_dir

ROOT, DATA_DIR, SEEDS_DIR = project_root(), data_dir(), seeds_dir()

RUNNER = Path(__file__).with_name("runner.py")
VENV = Path(sys.prefix)
BASE_PYTHON = Path(os.path.realpath(sys.executable)).parent.parent
SANDBOX_UIDS = (60001, 60002, 60003, 60004)

MEMORY_BYTES = 2 * 1024**3
MAX_PROCESSES = 64
MAX_FILE_BYTES = 64 * 1024**2
MAX_OUTPUT_BYTES = 10 * 1024**2
DEFAULT_TIMEOUT = 120


@dataclass
class Limits:
    """The resources one submission may use."""

    timeout: float = DEFAULT_TIMEOUT
    memory: int = MEMORY_BYTES
    processes: int = MAX_PROCESSES
    file_size: int = MAX_FILE_BYTES
    output: int = MAX_OUTPUT_BYTES


@dataclass
class RunResult:
    """What the grader learns from one sandboxed run (besides the files left in scratch)."""

    returncode: int | None
    seconds: float
    timed_out: bool
    output: bytes = b""
    output_truncated: bool = False
    survivors_killed: int = 0
    notes: list[str] = field(default_factory=list)


def _dirs_for(path: Path) -> list[str]:
    """``--dir`` arguments (mode 0755) for every ancestor of ``path``, so that the sandbox
    uid can reach a bind mount whose host parents (like /root) are private."""
    args = []
    for parent in reversed(path.parents[:-1]):
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _ro(path: Path) -> list[str]:
    return _dirs_for(path) + ["--ro-bind", str(path), str(path)]


def read_only_paths() -> list[Path]:
    """Host paths the submission may read: the Python environment, the book's package and its data."""
    paths = [VENV, BASE_PYTHON, ROOT / "sinorussia", DATA_DIR, SEEDS_DIR]
    return list(dict.fromkeys(p.resolve() for p in paths))


def bwrap_command(scratch: Path, uid: int, limits: Limits, argv: list[str]) -> list[str]:
    """The full command line that runs ``argv`` sandboxed with ``scratch`` as /scratch."""
    outer = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
             "--die-with-parent", "--new-session", "--clearenv",
             "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
             "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
             "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
             "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
             "--proc", "/proc", "--dev", "/dev", "--perms", "01777", "--tmpfs", "/tmp"]
    for path in read_only_paths():
        outer += _ro(path)
    outer += ["--perms", "0755", "--dir", "/grader", "--ro-bind", str(RUNNER), "/grader/runner.py",
              "--bind", str(scratch), "/scratch", "--chdir", "/scratch"]
    env = {"PATH": f"{VENV}/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "SINORUSSIA_DATA": str(DATA_DIR), "PYDEVD_DISABLE_FILE_VALIDATION": "1", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MPLCONFIGDIR": "/tmp/mpl", "JUPYTER_PLATFORM_DIRS": "1"}
    for key, value in env.items():
        outer += ["--setenv", key, value]
    drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--"]
    limit = ["prlimit", f"--as={limits.memory}", f"--nproc={limits.processes}", f"--fsize={limits.file_size}",
             f"--cpu={int(limits.timeout) + 5}", "--core=0", "--"]
    inner = ["bwrap", "--unshare-user", "--dev-bind", "/", "/", "--proc", "/proc", "--die-with-parent", "--"]
    return outer + drop + limit + inner + argv


def processes_of(uid: int) -> list[int]:
    """PIDs of live processes owned by ``uid`` (from /proc)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as handle:
                    for line in handle:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                pids.append(int(entry))
                            break
            except OSError:
                continue
    return pids


def kill_uid(uid: int) -> int:
    """SIGKILL every process of the sandbox uid (a safety net; the PID namespace normally did it)."""
    killed = 0
    for _ in range(20):
        pids = processes_of(uid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        time.sleep(0.05)
    return killed


def _settle(uid: int, seconds: float = 3.0) -> None:
    """Give the kernel a moment to tear down the PID namespace of a killed sandbox."""
    deadline = time.monotonic() + seconds
    while processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _drain(stream, limit: int, sink: dict) -> None:
    """Read a pipe to its end, keeping at most ``limit`` bytes (the rest is discarded)."""
    kept, total = bytearray(), 0
    while True:
        chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not chunk:
            break
        total += len(chunk)
        if len(kept) < limit:
            kept += chunk[: limit - len(kept)]
    sink["output"], sink["total"] = bytes(kept), total


def run(scratch: Path, uid: int, limits: Limits, argv: list[str]) -> RunResult:
    """Run ``argv`` in a fresh sandbox; stop everything at the time limit; never raise for student behaviour."""
    kill_uid(uid)  # nothing should be left from the slot's previous submission; make sure
    command = bwrap_command(scratch, uid, limits, argv)
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    sink: dict = {}
    reader = threading.Thread(target=_drain, args=(proc.stdout, limits.output, sink), daemon=True)
    reader.start()
    timed_out = False
    try:
        proc.wait(timeout=limits.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        if proc.poll() is None or timed_out:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()
        _settle(uid)
        survivors = kill_uid(uid)
        reader.join(timeout=10)
        proc.stdout.close()
    result = RunResult(proc.returncode, time.monotonic() - start, timed_out, sink.get("output", b""),
                       sink.get("total", 0) > limits.output, survivors)
    if survivors:
        result.notes.append(f"{survivors} process(es) outlived the sandbox and were killed")
    return result
