"""A throwaway PostgreSQL server in a temporary folder, for the store's tests and benchmarks
(test machinery, so it lives under tests/ and not in the wargame package).

Finds the server programs (`initdb`, `pg_ctl`) on PATH or in Debian's
/usr/lib/postgresql/N/bin, creates a cluster listening only on 127.0.0.1 on a free port,
with password login, and removes it again. As root it runs the server as the `postgres`
system user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class PgUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


def find_bindir() -> Path | None:
    """The folder holding `initdb` and `pg_ctl`, newest Debian version first, or None."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    return versions[0].parent if versions else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    """A running throwaway cluster; `stop()` shuts it down and deletes its files."""

    bindir: Path
    root: Path
    port: int
    password: str
    user: str = "postgres"
    _runas: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        """A `postgresql://` URL (with the password) for one database of the cluster."""
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""
        import psycopg

        if not name.replace("_", "").isalnum():
            raise ValueError(f"bad database name {name!r}")
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def create_schema(self, name: str, dbname: str = "postgres") -> str:
        """Create an empty schema; returns a URL whose connections use only it.

        Much faster than a database per test (CREATE DATABASE copies a template: ~1 s).
        """
        import psycopg

        if not name.replace("_", "").isalnum():
            raise ValueError(f"bad schema name {name!r}")
        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return f"{self.url(dbname)}?options=-csearch_path%3D{name}"

    def stop(self) -> None:
        """Stop the server (fast: its data is thrown away) and delete the folder."""
        subprocess.run(
            [*self._runas, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(*, durable: bool = False) -> PgCluster:
    """Create and start a cluster; raises `PgUnavailable` with the reason if it cannot.

    `durable=False` turns fsync off (tests: a throwaway server need not survive a power
    cut); the benchmark passes True so its figures include the server's fsyncs.
    """
    bindir = find_bindir()
    if bindir is None:
        raise PgUnavailable("PostgreSQL server programs (initdb, pg_ctl) are not installed; "
                            "on Debian: apt-get install postgresql")
    runas: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise PgUnavailable("running as root and there is no 'postgres' user to run the server as") from None
        runner = shutil.which("runuser")
        if runner is None:
            raise PgUnavailable("running as root and runuser is missing (needed to run PostgreSQL as 'postgres')")
        runas = [runner, "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="wargame-pg-", dir="/tmp" if owner else None))
    password = secrets.token_urlsafe(16)
    try:
        pwfile = root / "pw"
        pwfile.write_text(password + "\n")
        if owner is not None:
            os.chown(root, owner.pw_uid, owner.pw_gid)
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        init = subprocess.run(
            [*runas, str(bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "-E", "UTF8",
             "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-sync"],
            capture_output=True, text=True, check=False,
        )
        if init.returncode != 0:
            raise PgUnavailable(f"initdb failed: {(init.stderr or init.stdout).strip().splitlines()[-1:]}")
        pwfile.unlink()
        last = ""
        for _ in range(3):  # a free port can be taken between finding and binding it
            port = _free_port()
            opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} "
                    f"-c max_connections=200 -c fsync={'on' if durable else 'off'}")
            start = subprocess.run(
                [*runas, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-o", opts,
                 "-l", str(root / "server.log"), "-w", "-t", "60", "start"],
                capture_output=True, text=True, check=False,
            )
            if start.returncode == 0:
                return PgCluster(bindir, root, port, password, _runas=runas)
            try:
                last = (root / "server.log").read_text().strip().splitlines()[-1]
            except (OSError, IndexError):
                last = start.stderr.strip()
        raise PgUnavailable(f"the PostgreSQL server did not start: {last}")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
