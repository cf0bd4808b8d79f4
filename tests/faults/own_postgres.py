"""A PostgreSQL server of the test's own, to stop and start under the bot without touching anyone else's.

The machine's shared cluster (127.0.0.1:5432) serves every other test and every other developer's run at
once; stopping it breaks them all. So a test that restarts PostgreSQL gets a throwaway one: `initdb` into a
temporary folder, `pg_ctl start` on a free port of 127.0.0.1 with trust authentication, fsync off (its data
is thrown away), stopped and removed after the test.

    async with own_postgres() as server:        # or the `own_postgres_url` fixture, migrated to head
        url = server.url                        # postgresql+asyncpg://postgres@127.0.0.1:<port>/postgres
        await server.stop(); await server.start()

PostgreSQL refuses to run as root, so as root every command runs as the `postgres` user (`runuser`), and the
folder is made theirs. The binaries are the ones `pg_config --bindir` names (Debian:
/usr/lib/postgresql/<version>/bin), or `POSTGRES_BIN_DIR`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tests.faults.bot_process import free_port

SERVER_USER = "postgres"  # who runs the server when the tests run as root


def postgres_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are, or None when this machine has no PostgreSQL server installed."""
    candidates: list[Path] = []
    if configured := os.environ.get("POSTGRES_BIN_DIR"):
        candidates.append(Path(configured))
    if pg_config := shutil.which("pg_config"):
        output = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(output.stdout.strip()))
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    return next((d for d in candidates if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


def missing_reason() -> str | None:
    """Why this machine cannot run a server of the test's own (None: it can)."""
    if postgres_bin_dir() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl): set POSTGRES_BIN_DIR"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root, and there is no {SERVER_USER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to run PostgreSQL as another user"
    return None


@dataclass
class OwnPostgres:
    bin_dir: Path
    folder: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    async def _run(self, program: str, *args: str, timeout_s: float = 60.0) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=self.folder
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout_s)
        log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        assert process.returncode == 0, f"{program} {' '.join(args)}:\n{output.decode()}\n{log[-3000:]}"

    async def init(self) -> None:
        await self._run(
            "initdb", "-D", str(self.data_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"
        )

    async def start(self) -> float:
        """Starts the server and waits until it accepts connections; returns the seconds it took."""
        began = time.monotonic()
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        data, log = str(self.data_dir), str(self.log_path)
        await self._run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")
        return time.monotonic() - began

    async def stop(self, mode: str = "fast") -> None:
        """`fast` (every client's connection is cut, as a restarted server does) or `immediate`."""
        await self._run("pg_ctl", "-D", str(self.data_dir), "-w", "-m", mode, "stop")

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def cpu_s(self) -> float:
        """The server's CPU time so far (Linux /proc), every process of it: the postmaster, its live backends
        and workers, and the children it already reaped (counted in its cutime and cstime)."""
        postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            pid = int(stat.parent.name)
            if pid == postmaster:
                total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
            elif int(fields[1]) == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


@contextlib.asynccontextmanager
async def own_postgres() -> AsyncIterator[OwnPostgres]:
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None, missing_reason()
    # Not under pytest's tmp_path: that is private to the user running the tests, and the server may run as
    # another; and the socket path must stay short.
    folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = OwnPostgres(bin_dir=bin_dir, folder=folder, port=free_port())
    try:
        await server.init()
        await server.start()
        yield server
    finally:
        if server.running():
            await server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
