"""One bubblewrap sandbox per submission: what it sees, its limits, and how it is stopped.

The same sandbox works for an ordinary user and for root (Linux only):

- **as an ordinary user** (the usual case), one ``bwrap --unshare-user`` builds the sandbox
  in an unprivileged user namespace (the default on current Debian and Ubuntu);
- **as root**, an outer ``bwrap`` builds it, ``setpriv`` drops to the unprivileged uid
  :data:`SANDBOX_UID` with no capabilities, and an inner ``bwrap --unshare-user`` gives
  the code a user namespace of its own. (Root's own processes are exempt from the process
  limit, so the code must not keep root's uid, even a mapped one.)

Either way the code runs as uid 60100 inside a user namespace that cannot create further
namespaces (``--disable-userns``), with a fresh root: read-only binds of ``/usr``, the
Python environment and its base interpreter, the book's ``sinorussia`` package, ``data/``
and ``seeds/``, the runner alone and this submission's inputs (``/grader``); size-limited
in-memory file systems for ``/scratch`` (its working folder), ``/tmp`` and ``/dev/shm``;
everything else read-only. Nothing it writes touches the host's disk. It has its own PID,
network, IPC and UTS namespaces, a cleared environment and a new session.

Limits: ``prlimit`` *inside* the user namespace sets address space, processes, file size,
CPU time and core dumps (the process count is then the submission's own: since Linux
5.14 it is counted per user namespace, so another run, or any process of the same uid
elsewhere on the machine, neither counts nor is counted). A watchdog thread samples the
sandbox's own process tree five times a second and stops the submission when its
memory (proportional set size, so shared pages count once) plus what its in-memory file
systems hold exceeds ``memory_total``, when they hold more than ``max_files`` files, or when
it runs more than half of ``processes`` processes at once (a fork bomb, which would otherwise
spin on failing forks, using the CPU other submissions need, until the timeout).
(cgroup v2 memory limits would be exact, but an ordinary user rarely has a delegated
cgroup; this works for every user.) The hard bound, should a burst slip
between two samples, is ``memory`` per process times ``processes``, plus the tmpfs sizes.

Stopping touches only what this sandbox started: SIGKILL to the bwrap process (its own
process group); the sandbox's PID namespace dies with it (``--die-with-parent``), and any
process of the sampled tree still alive is killed by its pid (checked against its start
time). No process is ever chosen by its user id. Results come back on a pipe of their
own (file descriptor passed to the runner), never through the host's disk.
"""
from __future__ import annotations

import os
import shutil
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
SANDBOX_UID = 60100  # any unprivileged uid; the grader never looks for processes by uid

MB = 1024**2
MEMORY_BYTES = 2 * 1024**3
MEMORY_TOTAL_BYTES = 3 * 1024**3
MAX_PROCESSES = 64
MAX_FILE_BYTES = 64 * MB
MAX_OUTPUT_BYTES = 10 * MB
MAX_RESULT_BYTES = 64 * MB
SCRATCH_BYTES = 512 * MB
TMP_BYTES = 512 * MB
SHM_BYTES = 64 * MB
MAX_FILES = 10_000
SAMPLE_SECONDS = 0.2
DEFAULT_TIMEOUT = 120


@dataclass
class Limits:
    """The resources one submission may use (see the grading page for the table)."""

    timeout: float = DEFAULT_TIMEOUT
    memory: int = MEMORY_BYTES            # address space per process (RLIMIT_AS)
    memory_total: int = MEMORY_TOTAL_BYTES  # resident memory of all its processes + its tmpfs contents
    processes: int = MAX_PROCESSES        # RLIMIT_NPROC inside its user namespace (threads count)
    file_size: int = MAX_FILE_BYTES       # RLIMIT_FSIZE
    output: int = MAX_OUTPUT_BYTES        # terminal output kept
    scratch: int = SCRATCH_BYTES          # /scratch tmpfs
    tmp: int = TMP_BYTES                  # /tmp tmpfs
    shm: int = SHM_BYTES                  # /dev/shm tmpfs
    max_files: int = MAX_FILES            # files and folders across its tmpfs mounts


@dataclass
class RunResult:
    """What the grader learns from one sandboxed run."""

    returncode: int | None
    seconds: float
    timed_out: bool
    output: bytes = b""
    output_truncated: bool = False
    result: bytes = b""
    result_truncated: bool = False
    over_limit: str = ""
    peak_memory: int = 0
    survivors_killed: int = 0
    notes: list[str] = field(default_factory=list)


class SandboxUnavailable(RuntimeError):
    """The machine cannot run the sandbox; the message is one sentence saying what to do."""


def as_root() -> bool:
    """Whether the grader runs as root (then it drops to :data:`SANDBOX_UID` itself)."""
    return os.geteuid() == 0


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


def environment() -> dict[str, str]:
    """The sandbox's whole environment."""
    return {"PATH": f"{VENV}/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "SINORUSSIA_DATA": str(DATA_DIR), "PYDEVD_DISABLE_FILE_VALIDATION": "1", "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1", "MPLCONFIGDIR": "/tmp/mpl", "JUPYTER_PLATFORM_DIRS": "1",
            # outputs are not kept: charts are not drawn to PNG and Vega (sinorussia.rendering)
            "SINORUSSIA_GRADING": "1"}


def filesystem(inputs: Path | None, limits: Limits) -> list[str]:
    """bwrap arguments for the sandbox's file system (the same in both modes)."""
    args = ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
            "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "01777", "--size", str(limits.shm), "--tmpfs", "/dev/shm",
            "--perms", "01777", "--size", str(limits.tmp), "--tmpfs", "/tmp",
            "--perms", "01777", "--size", str(limits.scratch), "--tmpfs", "/scratch"]
    for path in read_only_paths():
        args += _ro(path)
    args += ["--perms", "0755", "--dir", "/grader", "--ro-bind", str(RUNNER), "/grader/runner.py"]
    if inputs is not None:
        args += ["--ro-bind", str(inputs), "/grader/in"]
    for key, value in environment().items():
        args += ["--setenv", key, value]
    return args + ["--chdir", "/scratch", "--remount-ro", "/"]


def limit_command(limits: Limits) -> list[str]:
    """``prlimit`` for the code, run inside the user namespace."""
    return ["prlimit", f"--as={limits.memory}", f"--nproc={limits.processes}", f"--fsize={limits.file_size}",
            f"--cpu={int(limits.timeout) + 5}", "--core=0", "--"]


NAMESPACES = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
              "--die-with-parent", "--new-session", "--clearenv"]


def bwrap_command(inputs: Path | None, limits: Limits, argv: list[str], root: bool | None = None) -> list[str]:
    """The full command line that runs ``argv`` sandboxed (root mode or ordinary-user mode)."""
    root = as_root() if root is None else root
    if root:
        outer = ["bwrap", *NAMESPACES, "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                 *filesystem(inputs, limits)]
        drop = ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--"]
        inner = ["bwrap", "--unshare-user", "--disable-userns", "--dev-bind", "/", "/", "--proc", "/proc",
                 "--die-with-parent", "--"]
        return outer + drop + inner + limit_command(limits) + argv
    return (["bwrap", "--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
             *NAMESPACES, *filesystem(inputs, limits)] + limit_command(limits) + argv)


# --- the sandbox's own process tree -------------------------------------------------------

def _start_time(pid: int) -> str | None:
    """A process's start time (field 22 of /proc/PID/stat), to tell it from a reused pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (all its threads), from /proc."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as handle:
                found += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


def tree_of(pid: int) -> list[int]:
    """``pid`` and all its descendants: every process of one sandbox (orphans of a PID
    namespace are re-parented to that namespace's init, which is inside the tree)."""
    seen, todo = [], [pid]
    while todo and len(seen) < 10_000:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        todo += children_of(current)
    return seen


def resident_bytes(pid: int) -> int:
    """Memory of one process, counting pages it shares with others in proportion (PSS,
    from smaps_rollup; resident size where that is unavailable); 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def tmpfs_usage(pid: int, limits: Limits) -> tuple[int, int]:
    """Bytes and files held by the sandbox's in-memory file systems, seen through ``pid``'s
    root. (0, 0) while ``pid`` is not yet inside the sandbox's own root (bwrap still setting
    up), so the host's file systems are never measured by mistake."""
    used = files = 0
    base = f"/proc/{pid}/root"
    if not os.path.exists(f"{base}/grader/runner.py"):
        return 0, 0
    for mount, size in (("scratch", limits.scratch), ("tmp", limits.tmp), ("dev/shm", limits.shm)):
        try:
            st = os.statvfs(f"{base}/{mount}")
        except OSError:
            continue
        if st.f_blocks * st.f_frsize > size + MB:  # not our tmpfs
            continue
        used += (st.f_blocks - st.f_bfree) * st.f_frsize
        files += max(0, st.f_files - st.f_ffree)
    return used, files


class Watchdog(threading.Thread):
    """Samples one sandbox's process tree; stops the sandbox when it goes over a total limit."""

    def __init__(self, proc: subprocess.Popen, limits: Limits):
        super().__init__(daemon=True)
        self.proc, self.limits = proc, limits
        self.seen: dict[int, str] = {}
        self.over = ""
        self.peak = 0
        self.done = threading.Event()

    def sample(self) -> None:
        """One look at the tree: remember its processes, measure, stop it if over a limit."""
        tree = tree_of(self.proc.pid)
        for pid in tree[1:]:
            if pid not in self.seen:
                started = _start_time(pid)
                if started is not None:
                    self.seen[pid] = started
        inside = [p for p in tree[1:]]
        rss = sum(resident_bytes(p) for p in inside)
        used, files = tmpfs_usage(inside[-1], self.limits) if inside else (0, 0)
        self.peak = max(self.peak, rss + used)
        if rss + used > self.limits.memory_total:
            self.over = (f"used more than {self.limits.memory_total // MB} MB of memory and in-memory files "
                         "across its processes")
        elif files > self.limits.max_files:
            self.over = f"created more than {self.limits.max_files} files"
        elif len(inside) > self.limits.processes // 2:
            # a fork bomb: at the process limit its processes spin on failing forks until the timeout
            self.over = f"started more than {self.limits.processes // 2} processes"
        if self.over:
            stop(self.proc, self.seen)

    def run(self) -> None:
        while not self.done.is_set() and self.proc.poll() is None:
            try:
                self.sample()
            except Exception:  # a vanished process mid-sample: try again next time
                pass
            if self.over:
                return
            self.done.wait(SAMPLE_SECONDS)


def stop(proc: subprocess.Popen, seen: dict[int, str]) -> int:
    """Kill this sandbox only: its bwrap's process group, then every remembered process of
    its tree still alive with the same start time. Returns how many of those were alive."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    alive = 0
    for pid, started in list(seen.items()):
        if _start_time(pid) == started:
            alive += 1
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    return alive


def _drain(stream, limit: int, sink: dict) -> None:
    """Read a pipe to its end, keeping at most ``limit`` bytes (the rest is discarded)."""
    kept, total = bytearray(), 0
    while True:
        chunk = os.read(stream, 65536) if isinstance(stream, int) else stream.read1(65536)
        if not chunk:
            break
        total += len(chunk)
        if len(kept) < limit:
            kept += chunk[: limit - len(kept)]
    sink["data"], sink["total"] = bytes(kept), total


def run(inputs: Path, limits: Limits, argv: list[str]) -> RunResult:
    """Run ``argv`` in a fresh sandbox with ``inputs`` at /grader/in (read-only). The code
    gets a pipe for its results as the file descriptor named in ``SINORUSSIA_RESULT_FD``
    (argv placeholder ``{fd}``). Stops everything at the time or memory limit; never
    raises for anything the code does."""
    read_end, write_end = os.pipe()
    argv = [a.replace("{fd}", str(write_end)) for a in argv]
    command = bwrap_command(inputs, limits, argv)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True, pass_fds=(write_end,),
                                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    finally:
        os.close(write_end)
    output: dict = {}
    result: dict = {}
    readers = [threading.Thread(target=_drain, args=(proc.stdout, limits.output, output), daemon=True),
               threading.Thread(target=_drain, args=(read_end, MAX_RESULT_BYTES, result), daemon=True)]
    for reader in readers:
        reader.start()
    watchdog = Watchdog(proc, limits)
    watchdog.start()
    timed_out = False
    try:
        proc.wait(timeout=limits.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        watchdog.done.set()
        watchdog.join(timeout=5)
        if proc.poll() is None or timed_out:
            stop(proc, watchdog.seen)
        proc.wait()
        survivors = _settle(watchdog.seen)
        for reader in readers:
            reader.join(timeout=10)
        proc.stdout.close()
        os.close(read_end)
    run_result = RunResult(proc.returncode, time.monotonic() - start, timed_out, output.get("data", b""),
                           output.get("total", 0) > limits.output, result.get("data", b""),
                           result.get("total", 0) > MAX_RESULT_BYTES, watchdog.over, watchdog.peak, survivors)
    if survivors:
        run_result.notes.append(f"{survivors} process(es) outlived the sandbox and were killed")
    return run_result


def _alive(pid: int, started: str) -> bool:
    """Whether ``pid`` is still the remembered process and not already dying (zombie or dead)."""
    if _start_time(pid) != started:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().decode("ascii", "replace").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X", "x")


def _settle(seen: dict[int, str], seconds: float = 10.0) -> int:
    """Wait for the sandbox's PID namespace to be torn down (a process that was killed may
    take a moment to release its memory); kill (by pid) any of its processes still running
    after that. Returns how many had to be killed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p, s) for p, s in seen.items()):
        time.sleep(0.05)
    killed = 0
    for pid, started in seen.items():
        if _alive(pid, started):
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    return killed


# --- can this machine run it? -----------------------------------------------------------------

def _userns_hint() -> str:
    """How to enable unprivileged user namespaces on this kind of machine (a clause)."""
    for knob, good in (("kernel/apparmor_restrict_unprivileged_userns", "0"), ("kernel/unprivileged_userns_clone", "1")):
        try:
            current = (Path("/proc/sys") / knob).read_text().strip()
        except OSError:
            continue
        if current != good:
            return f"run `sudo sysctl -w {knob.replace('/', '.')}={good}` (or grade as root)"
    return ("ask the administrator to allow them (`sudo sysctl -w user.max_user_namespaces=15000`; on Ubuntu 24.04 "
            "`kernel.apparmor_restrict_unprivileged_userns=0`), or grade as root")


def check() -> None:
    """Stop before grading, with one sentence, when this machine cannot run the sandbox."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"Grading needs Linux (bubblewrap and user namespaces); this machine runs {sys.platform}.")
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap is not installed: install it with `sudo apt-get install bubblewrap` "
                                 "(Debian/Ubuntu) and grade again.")
    python = str(VENV / "bin" / "python")
    probe = bwrap_command(None, Limits(timeout=30), [python, "-I", "-c", "import nbclient, ipykernel"])
    try:
        done = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                              env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"The sandbox could not start ({type(exc).__name__}: {exc}).") from exc
    if done.returncode == 0:
        return
    err = done.stderr.decode("utf-8", "replace").strip().splitlines()
    last = err[-1] if err else f"exit code {done.returncode}"
    if last.startswith("bwrap:"):
        raise SandboxUnavailable(f"This machine does not let the grader create its sandbox ({last}): "
                                 f"unprivileged user namespaces are needed: {_userns_hint()}.")
    raise SandboxUnavailable(f"The sandbox cannot run the course Python at {python} ({last}): make sure the "
                             "environment and its base interpreter are readable by the user who grades.")
