"""DuckDB storage: events, rosters and the segment projection, with durable ingestion.

One :class:`Store` owns one DuckDB database (a file, or ``:memory:``). Every
ingest is one transaction: insert the batch's new events (idempotent on
``(account, event_id)``), then recompute the projection of the conversations
the batch touched. The caller gets its answer only after COMMIT returns; DuckDB
writes the transaction to its write-ahead log at commit, so a process killed
afterwards (even by SIGKILL) finds it again on restart, when DuckDB replays
the log. Ingests are serialised by a lock (DuckDB has one writer at a time
anyway); queries run concurrently on their own cursors and read committed
snapshots. In-memory data derived from the database (the segment rollup,
backend/_rollup.py) lives in :meth:`Store.cached` objects and checks
:meth:`Store.version`, a per-account counter bumped after every COMMIT.

The change log ``projection_changes`` is read only by such in-memory data,
which declares what it still needs with :meth:`Store.hold_changes`; a write
transaction prunes the rest once ``prune_rows`` rows were logged since the
last prune, so the log stays bounded (docs/backend.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb
import orjson
import pyarrow as pa

from ccbench.eventlog import SCHEMA, Roster

from ._dashboard_projection import (
    create_dashboard_projection,
    refresh_dashboard,
    refresh_dashboard_account,
)
from ._database import open_database
from ._projection import PROJECTION_DDL, prune_changes, record_change, refresh_conversations

__all__ = ["IngestResult", "Store", "read_roster"]

T = TypeVar("T")

_SQL_TYPES = {
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int64(): "BIGINT",
    pa.string(): "VARCHAR",
}


def _events_ddl() -> str:
    columns = ",\n    ".join(
        f"{f.name} {_SQL_TYPES[f.type]}{'' if f.nullable else ' NOT NULL'}" for f in SCHEMA
    )
    return (
        f"CREATE TABLE IF NOT EXISTS events (\n    {columns},\n"
        "    PRIMARY KEY (account, event_id)\n);"
    )


def _events_upgrade() -> list[str]:
    """The columns a database created for an older event-log format lacks: format 2
    appended its fields after format 1's (docs/eventlog.md, "Format versions"), so an
    upgraded table's columns keep the schema's order and ``SELECT *`` inserts still fit."""
    return [
        f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {f.name} {_SQL_TYPES[f.type]}"
        for f in SCHEMA
        if f.nullable
    ]


_ROSTER_DDL = """
CREATE TABLE IF NOT EXISTS rosters (account VARCHAR PRIMARY KEY, doc VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS roster_agents (
    account VARCHAR NOT NULL, agent_id BIGINT NOT NULL, group_id BIGINT NOT NULL,
    user_type VARCHAR NOT NULL, PRIMARY KEY (account, agent_id)
);
"""


def read_roster(cur: duckdb.DuckDBPyConnection, *, account: str) -> dict[str, Any] | None:
    """The roster document of ``account`` stored as ``cur`` sees it, or None."""
    # fetchall, not fetchone: the result is finished, so relational (Arrow) queries may
    # follow on the same cursor
    rows = cur.execute("SELECT doc FROM rosters WHERE account = ?", [account]).fetchall()
    return None if not rows else dict(orjson.loads(rows[0][0]))


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Outcome of one committed batch: events stored now, and events already stored."""

    accepted: int
    duplicates: int


class Store:
    """A DuckDB database holding events, rosters and the segment projection.

    ``path`` is a DuckDB file path or ``":memory:"``; any other path raises
    ParameterError (backend/_database.py). Not usable after :meth:`close`.
    ``prune_rows``: rows logged in ``projection_changes`` per account between
    two prunes of that log.
    """

    def __init__(self, *, path: str, prune_rows: int = 20_000) -> None:
        self.path = path
        self._conn = open_database(path)
        self._write_lock = threading.Lock()
        self._writing: duckdb.DuckDBPyConnection | None = None  # the open write transaction
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []  # closed with the store
        self._closed = False
        # Per account, a counter bumped after every committed write (ingest, roster):
        # in-memory derived data (the segment rollup) checks it before each use.
        self._versions: dict[str, int] = {}
        self._caches: dict[str, Any] = {}
        # Per account: change-log rows written since the last prune, and per holder
        # (in-memory derived data) the version through which it needs no rows.
        self._prune_rows = prune_rows
        self._unpruned: dict[str, int] = {}
        self._holds: dict[str, dict[str, int]] = {}
        self._derive_lock = threading.Lock()
        for ddl in (_events_ddl(), *_events_upgrade(), _ROSTER_DDL, PROJECTION_DDL):
            self._conn.execute(ddl)
        create_dashboard_projection(self._conn)

    def close(self, *, timeout_s: float | None = None) -> None:
        """Checkpoint (fold the WAL into the file) and close.

        A write in progress finishes first; with ``timeout_s``, a write still
        running after that many seconds is interrupted instead (it rolls back:
        its client got no answer, and re-sending is safe), and so are running
        reads (their requests were cancelled by then).
        """
        if not self._write_lock.acquire(timeout=-1 if timeout_s is None else timeout_s):
            self._interrupt()
            self._write_lock.acquire()
        try:
            if self._closed:
                return
            self._closed = True
            self._interrupt()
            if self.path != ":memory:":
                with suppress(duckdb.Error):  # a read still open: closing checkpoints anyway
                    self._conn.execute("CHECKPOINT")
            for cur in self._cursors:
                cur.close()
            self._conn.close()
        finally:
            self._write_lock.release()

    def _interrupt(self) -> None:
        # Stop the queries running on any cursor; each fails in its own thread.
        for cur in (self._writing, *self._cursors):
            if cur is not None:
                cur.interrupt()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for read-only queries on the calling thread (reused per thread)."""
        if self._closed:
            raise RuntimeError("store is closed")
        cur: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cur is None:
            with self._write_lock:
                cur = self._conn.cursor()
                self._cursors.append(cur)
            self._local.cursor = cur
        yield cur

    def ping(self) -> bool:
        """True when the database answers a trivial query (readiness)."""
        if self._closed:
            return False
        with self.reader() as cur:
            return cur.execute("SELECT 1").fetchone() == (1,)

    # -- rosters ---------------------------------------------------------------
    def put_roster(self, *, roster: Roster) -> None:
        """Store (replace) the roster of ``roster.account`` in one transaction."""
        doc = orjson.dumps(roster.to_dict()).decode()
        agents = [(roster.account, a.id, a.group_id, a.user_type) for a in roster.agents]
        with self._write_lock:
            with self._transaction() as cur:
                cur.execute("DELETE FROM rosters WHERE account = ?", [roster.account])
                cur.execute("INSERT INTO rosters VALUES (?, ?)", [roster.account, doc])
                cur.execute("DELETE FROM roster_agents WHERE account = ?", [roster.account])
                if agents:
                    cur.executemany("INSERT INTO roster_agents VALUES (?, ?, ?, ?)", agents)
                # groups and user types feed the segment filters: derived data is stale
                self._logged(
                    cur, roster.account, record_change(cur, account=roster.account, touched=False)
                )
                # the dashboard projection depends on which agents are human
                refresh_dashboard_account(cur, account=roster.account)
            self._bump(roster.account)

    def get_roster(self, *, account: str) -> dict[str, Any] | None:
        """The stored roster document of ``account``, or None."""
        with self.reader() as cur:
            return read_roster(cur, account=account)

    # -- events ----------------------------------------------------------------
    def ingest(self, *, account: str, table: pa.Table) -> IngestResult:
        """Insert a checked batch (contract schema, one account) durably and idempotently.

        Events whose ``(account, event_id)`` is already stored are skipped, so a
        retried batch never counts twice. Returns after COMMIT.
        """
        if table.num_rows == 0:
            return IngestResult(accepted=0, duplicates=0)
        with self._write_lock:
            with self._transaction() as cur:
                cur.register("batch", table)
                try:
                    row = cur.execute("INSERT OR IGNORE INTO events SELECT * FROM batch").fetchone()
                    accepted = int(row[0]) if row else 0
                    if accepted:
                        cur.execute(
                            "CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT "
                            "conversation_id FROM batch WHERE conversation_id IS NOT NULL"
                        )
                        self._logged(cur, account, refresh_conversations(cur, account=account))
                        refresh_dashboard(cur, account=account)
                        cur.execute("DROP TABLE touched")
                finally:
                    cur.unregister("batch")
            if accepted:
                self._bump(account)
        return IngestResult(accepted=accepted, duplicates=table.num_rows - accepted)

    def event_count(self, *, account: str) -> int:
        """Number of stored events of ``account``."""
        with self.reader() as cur:
            row = cur.execute("SELECT count(*) FROM events WHERE account = ?", [account]).fetchone()
        return int(row[0]) if row else 0

    # -- derived data ------------------------------------------------------------
    def version(self, *, account: str) -> int:
        """How many committed writes changed ``account`` since this store opened."""
        return self._versions.get(account, 0)

    def cached(self, *, name: str, factory: Callable[[], T]) -> T:
        """The store's one object called ``name`` (derived data kept in memory), made once."""
        with self._derive_lock:
            if name not in self._caches:
                self._caches[name] = factory()
            return self._caches[name]  # type: ignore[no-any-return]

    def hold_changes(self, *, account: str, holder: str, through: int) -> None:
        """Declare that ``holder`` needs no ``projection_changes`` rows of ``account``
        with version <= ``through`` (0: it needs every row from now on).

        Call it with 0 *before* reading a first snapshot, then with the version
        of that snapshot: a write prunes only rows every holder let go of, and
        with no holder every row but the newest version's (a restarted process
        rebuilds its derived data from the projection tables, not from the log).
        """
        self._holds.setdefault(account, {})[holder] = through

    def _logged(self, cur: Any, account: str, rows: int) -> None:
        # Called inside a write transaction (under the write lock): prune at most
        # once per prune_rows logged rows, so ingest pays one small DELETE rarely.
        # Holds are read here, under the lock; a holder registering concurrently
        # does so before its snapshot, so this prune can only remove rows at or
        # below the versions that snapshot already sees.
        total = self._unpruned.get(account, 0) + rows
        if total >= self._prune_rows:
            holds = self._holds.get(account)
            prune_changes(cur, account=account, through=min(holds.values()) if holds else None)
            total = 0
        self._unpruned[account] = total

    @contextmanager
    def snapshot(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read cursor inside one transaction: all its queries see one committed state."""
        with self.reader() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                with suppress(duckdb.Error):  # an interrupted or failed read: end it all the same
                    cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def _bump(self, account: str) -> None:
        # Called after COMMIT (under the write lock): readers that see the new
        # version also see the committed data.
        self._versions[account] = self._versions.get(account, 0) + 1

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._closed:
            raise RuntimeError("store is closed")
        cur = self._conn.cursor()
        self._writing = cur
        try:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        finally:
            self._writing = None
            cur.close()
