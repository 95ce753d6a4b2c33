"""A memory limit for one benchmark step, enforced by the kernel: a memory cgroup (v2, or v1's
memory controller where the machine still mounts it), as `docker run --memory` would set.

Why not RLIMIT_AS or the peak RSS: the linker maps its encoding files and the encoder stages its
records in a file; those pages count in the address space and in the RSS while resident, yet the
kernel can drop and re-read them. A cgroup charges them too, but reclaims them when the limit is
near and kills the step (OOM) only when the memory it cannot give back passes the limit. A step
that finishes inside the cgroup fits a machine or container of that size; its peak RSS alone
does not say so. Needs root (writing under /sys/fs/cgroup).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class MemoryCgroup:
    path: Path
    version: int       # 1 or 2
    limit_bytes: int

    @classmethod
    def create(cls, name: str, limit_bytes: int) -> MemoryCgroup:
        """A fresh cgroup `name` limited to `limit_bytes` (an older one of that name is removed
        first: it must hold no process)."""
        if "memory" in _read(ROOT / "cgroup.controllers").split():
            group = cls(ROOT / name, 2, limit_bytes)
        elif (ROOT / "memory" / "memory.limit_in_bytes").exists():
            group = cls(ROOT / "memory" / name, 1, limit_bytes)
        else:
            raise RuntimeError("no memory cgroup controller is mounted under /sys/fs/cgroup")
        if group.path.exists():
            group.path.rmdir()
        group.path.mkdir()
        if group.version == 2:
            (group.path / "memory.max").write_text(str(limit_bytes))
            (group.path / "memory.swap.max").write_text("0")
        else:
            (group.path / "memory.limit_in_bytes").write_text(str(limit_bytes))
        return group

    @classmethod
    def cold(cls, name: str, limit_bytes: int) -> MemoryCgroup:
        """`create`, after dropping the page cache: pages cached earlier stay charged to whoever
        read them first (an earlier step), so without the drop a step would read them free."""
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return cls.create(name, limit_bytes)

    def enter(self) -> None:
        """Move the calling process into the cgroup (as a child's preexec_fn: before exec)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def peak_bytes(self) -> int | None:
        """The most the cgroup was charged at once (file pages included); None where the kernel
        keeps no peak (cgroup v2 before Linux 5.19)."""
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        text = _read(self.path / name)
        return int(text) if text else None

    def oom_kills(self) -> int:
        if self.version == 2:
            events = _read(self.path / "memory.events").split()
        else:
            events = _read(self.path / "memory.oom_control").split()
        pairs = dict(zip(events[::2], events[1::2], strict=False))
        return int(pairs.get("oom_kill", 0))

    def remove(self) -> None:
        with contextlib.suppress(OSError):   # a process still in it (a child, exiting)
            self.path.rmdir()


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def control() -> str:
    """The instrument's control: in a 256 MiB cgroup, a child that touches 512 MiB of its own
    memory must be killed, and one that writes a 512 MiB file and reads it back through a memory
    map (file pages charged to the cgroup, as the encoder's staged records are) must finish.
    Returns a line saying so; raises if either fails (the limit would then prove nothing)."""
    import subprocess
    import sys
    import tempfile

    size = 512 * 2**20
    touch = f"b = bytearray({size}); b[::4096] = bytes(len(b[::4096])); print('alive')"
    mapped = (f"import mmap, sys\nwith open(sys.argv[1], 'wb') as f:\n"
              f"    for _ in range({size // 2**20}): f.write(b'\\1' * 2**20)\n"
              "f = open(sys.argv[1], 'rb'); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n"
              "print(sum(m[i] for i in range(0, len(m), 4096)))")
    with tempfile.TemporaryDirectory(dir="/var/tmp") as folder:
        outcomes = []
        for name, code in (("anonymous", touch), ("mapped", mapped)):
            group = MemoryCgroup.create(f"padan-bench-control-{name}", size // 2)
            run = subprocess.run([sys.executable, "-c", code, f"{folder}/{name}"],
                                 preexec_fn=group.enter, capture_output=True, text=True)
            outcomes.append((run.returncode, group.oom_kills(), group.peak_bytes()))
            group.remove()
    (killed, kills, _), (finished, _, charged) = outcomes
    if killed == 0 or kills == 0 or finished != 0:
        raise RuntimeError(f"memory cgroup control failed: {outcomes}")
    return ("control: in a 256 MiB memory cgroup, 512 MiB of a process's own memory was "
            f"OOM-killed (exit {killed}); writing a 512 MiB file and reading it back through a "
            f"map finished (peak charge {(charged or 0) / 2**20:.0f} MiB)")
