"""Embedded MongoDB-compatible server (mongoeco) and the shims it needs to serve this project.

No MongoDB server can be installed where development and tests run, so the project starts mongoeco
(a MongoDB wire-protocol server written in Python) as its own process. mongoeco differs from
MongoDB in five ways that matter to Django + django-mongodb-backend + pymongo; ``apply_shims()``
corrects them with monkeypatches applied in the server process only. Nothing here imports
Django: the module is used by a pytest plugin before Django is configured and by the ``make run``
launcher.

Run it directly with ``python -m autoauthor.embedded_mongo --engine sqlite --path var/db.sqlite3``;
it prints ``READY mongodb://HOST:PORT/?directConnection=true`` once it accepts connections.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import math
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

logger = logging.getLogger("autoauthor.embedded_mongo")

SHIMS: tuple[str, ...] = (
    "buildinfo",
    "not_expression",
    "nested_projection",
    "id_scan",
    "sqlite_numbers",
)

READY_PREFIX = "READY "

# Shims switched on in this process. The wire hook serves two shims and checks this set on
# every request; _installed records which monkeypatches are already in place.
_active: set[str] = set()
_installed: set[Callable[[], None]] = set()
_install_lock = threading.Lock()


# --------------------------------------------------------------------------------------------
# Shims 1 and 3: rewrite the command body before mongoeco parses it
# --------------------------------------------------------------------------------------------

# Stages whose specification is a projection: MongoDB reads a nested object of field names
# ({"a": {"b": 1}}) as the path "a.b". In $project the leaves are inclusion flags or
# expressions; in $addFields/$set they are expressions and the nested object is an
# "embedded document spec" that sets a.b while keeping a's other fields -- which is exactly
# what the dotted form means in those stages too.
_PROJECTION_STAGES = frozenset({"$project", "$addFields", "$set"})


def _is_nested_field_spec(value: object) -> bool:
    """True for a non-empty object whose keys are all field names (no ``$`` operator).

    An object with an operator key is an expression (``{"$concat": [...]}``, ``{"$literal": 1}``)
    and is left alone; an empty object is left for the server to accept or reject.
    """
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(key, str) and not key.startswith("$") for key in value)
    )


def _flatten_projection(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ``{"a": {"b": 1, "c": {"d": "$x"}}}`` into ``{"a.b": 1, "a.c.d": "$x"}``."""
    flat: dict[str, Any] = {}
    for key, value in spec.items():
        if isinstance(key, str) and not key.startswith("$") and _is_nested_field_spec(value):
            for sub_path, leaf in _flatten_projection(value).items():
                flat[f"{key}.{sub_path}"] = leaf
        else:
            flat[key] = value
    return flat


def _rewrite_stage(stage: object) -> object:
    if not isinstance(stage, Mapping) or len(stage) != 1:
        return stage
    name, spec = next(iter(stage.items()))
    if name in _PROJECTION_STAGES and isinstance(spec, Mapping):
        return {name: _flatten_projection(spec)}
    if name in ("$lookup", "$unionWith") and isinstance(spec, Mapping) and "pipeline" in spec:
        return {name: {**spec, "pipeline": _rewrite_pipeline(spec["pipeline"])}}
    if name == "$facet" and isinstance(spec, Mapping):
        return {name: {facet: _rewrite_pipeline(sub) for facet, sub in spec.items()}}
    return stage


def _rewrite_pipeline(pipeline: object) -> object:
    if not isinstance(pipeline, list):
        return pipeline
    return [_rewrite_stage(stage) for stage in pipeline]


def _rewrite_projections(command: Mapping[str, Any]) -> Mapping[str, Any]:
    """Rewrite nested projections wherever a command carries a projection or a pipeline."""
    if not command:
        return command
    name = next(iter(command))
    changes: dict[str, Any] = {}
    if name == "aggregate" and "pipeline" in command:
        changes["pipeline"] = _rewrite_pipeline(command["pipeline"])
    elif name == "find" and isinstance(command.get("projection"), Mapping):
        changes["projection"] = _flatten_projection(command["projection"])
    elif name in ("findAndModify", "findandmodify"):
        if isinstance(command.get("fields"), Mapping):
            changes["fields"] = _flatten_projection(command["fields"])
        if isinstance(command.get("update"), list):
            changes["update"] = _rewrite_pipeline(command["update"])
    elif name == "update" and isinstance(command.get("updates"), list):
        changes["updates"] = [
            {**statement, "u": _rewrite_pipeline(statement["u"])}
            if isinstance(statement, Mapping) and isinstance(statement.get("u"), list)
            else statement
            for statement in command["updates"]
        ]
    elif name == "explain" and isinstance(command.get("explain"), Mapping):
        changes["explain"] = _rewrite_projections(command["explain"])
    if not changes:
        return command
    return {key: changes.get(key, value) for key, value in command.items()}


def _rename_buildinfo(body: Mapping[str, Any]) -> Mapping[str, Any]:
    # MongoDB accepts both spellings; pymongo's MongoClient.server_info() sends "buildinfo",
    # mongoeco only knows "buildInfo" and answers "unsupported wire command: buildinfo".
    # The command name must stay the first key, so rebuild the body in order.
    if "buildinfo" not in body or "buildInfo" in body:
        return body
    return {("buildInfo" if key == "buildinfo" else key): value for key, value in body.items()}


def _prepare_body(body: Any) -> Any:
    if not isinstance(body, Mapping):
        return body
    if "buildinfo" in _active:
        body = _rename_buildinfo(body)
    if "nested_projection" in _active:
        body = _rewrite_projections(body)
    return body


def _install_wire_hook() -> None:
    # Every request -- OP_MSG, legacy OP_QUERY and in-process execute_command() -- goes through
    # WireCommandExecutor._build_request_context(), which hands the body to
    # mongoeco.wire._executor_support.build_request_context() for parsing and validation.
    from mongoeco.wire.executor import WireCommandExecutor

    original = WireCommandExecutor._build_request_context

    @functools.wraps(original)
    def _build_request_context(self: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
        return original(self, _prepare_body(body), *args, **kwargs)

    WireCommandExecutor._build_request_context = _build_request_context


# --------------------------------------------------------------------------------------------
# Shim 2: the $not aggregation expression
# --------------------------------------------------------------------------------------------


def _mongo_truthy(value: object, *, missing: object) -> bool:
    """MongoDB's expression truthiness: false, null, undefined, missing and numeric 0 are false.

    Everything else is true, including "", [] and {}. mongoeco's own default truthiness treats
    Decimal128("0") as true, so numbers are unwrapped through its BSON numeric helpers here.
    """
    from mongoeco.core.bson_scalars import unwrap_bson_numeric, wrap_bson_numeric
    from mongoeco.types import UndefinedType

    if value is missing or value is None or isinstance(value, UndefinedType):
        return False
    if isinstance(value, bool):
        return value
    numeric = wrap_bson_numeric(value)
    if numeric is not None:
        return unwrap_bson_numeric(numeric) != 0
    return True


def _not_expression(
    document: Any,
    spec: object,
    variables: Mapping[str, Any],
    dialect: object,
    context: Any,
) -> bool:
    # MongoDB accepts {"$not": [<expr>]} and {"$not": <expr>}; django-mongodb-backend emits
    # both forms (count(), Count()/Sum() annotations, admin changelists, pagination).
    args = context.require_expression_args("$not", spec, 1, 1) if isinstance(spec, list) else [spec]
    value = context.evaluate_expression_with_missing(document, args[0], variables)
    return not _mongo_truthy(value, missing=context.missing_sentinel)


def _install_not_expression() -> None:
    from mongoeco.core.aggregation import register_aggregation_expression_operator

    register_aggregation_expression_operator("$not", _not_expression)


# --------------------------------------------------------------------------------------------
# Shim 4: skip the full-collection _id scan for non-numeric ids
# --------------------------------------------------------------------------------------------

# On a single-document insert both engines first look the new _id up by its exact storage key
# (which rejects duplicate ObjectIds, strings, dates, ...) and then, because of
# scan_payload_id=True, compare it with the _id of every stored document. The scan only matters
# for numeric ids, where distinct storage keys can be equal in MongoDB (1 == 1.0 == Int64(1)),
# and the engines already scan for those whatever scan_payload_id says. For any other _id it
# makes every insert O(collection size), so inserts slow down as audit and access logs grow.


def _install_id_scan_skip() -> None:
    from mongoeco.core.identity import id_contains_numeric_value
    from mongoeco.engines.memory import MemoryEngine
    from mongoeco.engines.sqlite import SQLiteEngine

    memory_original = MemoryEngine._ensure_unique_indexes

    @functools.wraps(memory_original)
    def _ensure_unique_indexes(
        self: Any, db_name: str, coll_name: str, candidate: Any, **kwargs: Any
    ) -> None:
        # The exact storage-key lookup only runs with check_id_storage=True, so only then
        # is the scan redundant.
        if (
            kwargs.get("scan_payload_id")
            and kwargs.get("check_id_storage")
            and "_id" in candidate
            and not id_contains_numeric_value(candidate["_id"])
        ):
            kwargs["scan_payload_id"] = False
        memory_original(self, db_name, coll_name, candidate, **kwargs)

    sqlite_original = SQLiteEngine._validate_document_against_unique_indexes

    @functools.wraps(sqlite_original)
    def _validate_document_against_unique_indexes(
        self: Any, db_name: str, coll_name: str, document: Any, **kwargs: Any
    ) -> None:
        # The exact storage-key lookup (SELECT ... WHERE storage_key = ?) runs unless
        # skip_id_check=True, so only then is the scan redundant.
        if (
            kwargs.get("scan_payload_id")
            and not kwargs.get("skip_id_check")
            and "_id" in document
            and not id_contains_numeric_value(document["_id"])
        ):
            kwargs["scan_payload_id"] = False
        sqlite_original(self, db_name, coll_name, document, **kwargs)

    MemoryEngine._ensure_unique_indexes = _ensure_unique_indexes
    SQLiteEngine._validate_document_against_unique_indexes = (
        _validate_document_against_unique_indexes
    )


# --------------------------------------------------------------------------------------------
# Shim 5: the SQLite engine stores every finite number as a plain JSON number
# --------------------------------------------------------------------------------------------

# The SQLite engine keeps a document as JSON text. A plain Python int or float becomes a JSON
# number, but an Int64 (what pymongo decodes a BSON int64 to, and what django-mongodb-backend
# sends for integer fields) and the int32/int64/double wrappers that $inc, $mul and update
# pipelines produce become tagged objects, {"$mongoeco": {"type": "int64", "value": 1}}. Its SQL
# translation then compares numbers by representation: {"v": 1} matches only plain numbers,
# {"v": Int64(1)} only the int64 tag. After one `$inc` of an Int64 version the stored value is
# tagged int32, so the next compare-and-swap on the version matches nothing: every save after
# the first answered 409 on `make run`. MongoDB compares numbers by value across int32, int64
# and double (and the memory engine does too). Storing every finite int32/int64/double as a
# plain JSON number, and encoding query values the same way, gives SQL one representation to
# compare. What is lost is the BSON width: an int64 within int32's range is read back as int32,
# which no driver or ORM reading a Python int can tell apart. Non-finite doubles (JSON has no
# NaN) and Decimal128 stay tagged. ``repair_sqlite_numbers()`` rewrites values stored tagged
# before this shim existed.

_PLAIN_NUMBER_TYPES = frozenset({"int32", "int64", "double"})


def _plain_numbers(encoded: Any) -> Any:
    """``encoded`` (DocumentCodec output) with finite int32/int64/double tags as plain numbers."""
    from mongoeco.core.codec import DocumentCodec

    if isinstance(encoded, list):
        return [_plain_numbers(item) for item in encoded]
    if not isinstance(encoded, dict):
        return encoded
    if DocumentCodec._is_tagged_value(encoded):
        payload = encoded[DocumentCodec._MARKER]
        kind, value = payload[DocumentCodec._TYPE], payload[DocumentCodec._VALUE]
        if kind in _PLAIN_NUMBER_TYPES and isinstance(value, (int, float)):
            if kind != "double":
                return int(value)
            if math.isfinite(value):
                return float(value)
            return encoded
        # Containers tagged as such ("dict", "son", a DBRef's id, a Code scope) hold encoded
        # values in their payload.
        return {DocumentCodec._MARKER: {**payload, DocumentCodec._VALUE: _plain_numbers(value)}}
    return {key: _plain_numbers(value) for key, value in encoded.items()}


def _plain_number_codec() -> type:
    from mongoeco.core.codec import DocumentCodec

    class PlainNumberCodec(DocumentCodec):
        """DocumentCodec whose output stores finite numbers as plain JSON numbers."""

        @staticmethod
        def encode(data: Any) -> Any:
            return _plain_numbers(DocumentCodec.encode(data))

    return PlainNumberCodec


def _install_sqlite_numbers() -> None:
    # The engine encodes stored documents with its ``_codec`` and the values of $set fast paths,
    # query filters, index signatures and partial filters with the module-level DocumentCodec of
    # these modules; both are replaced, so stored values and query values agree.
    from mongoeco.engines import _sqlite_index_admin, sqlite, sqlite_query

    codec = _plain_number_codec()
    for module in (sqlite, sqlite_query, _sqlite_index_admin):
        module.DocumentCodec = codec
    original_init = sqlite.SQLiteEngine.__init__

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if self._codec.__name__ == "DocumentCodec":
            self._codec = codec

    sqlite.SQLiteEngine.__init__ = __init__


# Tagged numbers as the SQLite engine wrote them without shim 5 (JSON text, no spaces).
_TAGGED_NUMBER_SQL = " OR ".join(
    f"""instr(document, '"$mongoeco":{{"type":"{kind}"') > 0""" for kind in _PLAIN_NUMBER_TYPES
)


def repair_sqlite_numbers(path: str | os.PathLike[str]) -> int:
    """Rewrite tagged finite numbers of a SQLite-engine file as plain numbers (shim 5).

    Runs before the server opens the file. Index entries are built from decoded values, which
    are the same numbers either way, so only the document text changes. Returns the number of
    documents rewritten.
    """
    import sqlite3

    from mongoeco.core.json_compat import json_dumps_compact, json_loads

    if not Path(path).exists():
        return 0
    connection = sqlite3.connect(str(path))
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "documents" not in tables:
            return 0
        rows = connection.execute(
            f"SELECT rowid, document FROM documents WHERE {_TAGGED_NUMBER_SQL}"
        ).fetchall()
        changed = []
        for rowid, text in rows:
            plain = json_dumps_compact(_plain_numbers(json_loads(text)), sort_keys=False)
            if plain != text:
                changed.append((plain, rowid))
        with connection:
            connection.executemany("UPDATE documents SET document = ? WHERE rowid = ?", changed)
        return len(changed)
    finally:
        connection.close()


_INSTALLERS: dict[str, Callable[[], None]] = {
    "buildinfo": _install_wire_hook,
    "nested_projection": _install_wire_hook,
    "not_expression": _install_not_expression,
    "id_scan": _install_id_scan_skip,
    "sqlite_numbers": _install_sqlite_numbers,
}


def apply_shims(disabled: Iterable[str] = ()) -> None:
    """Apply every compatibility shim of ``SHIMS`` except those named in ``disabled``.

    Idempotent: a shim already applied in this process is not applied twice, and applied shims
    are never removed (a server started without a shim must be a fresh process). Raises
    ``ValueError`` for a name that is not in ``SHIMS``.
    """
    disabled = frozenset(disabled)
    unknown = disabled - set(SHIMS)
    if unknown:
        raise ValueError(f"unknown shim(s): {', '.join(sorted(unknown))}; known: {SHIMS}")
    with _install_lock:
        for shim in SHIMS:
            if shim in disabled:
                continue
            installer = _INSTALLERS[shim]
            if installer not in _installed:
                installer()
                _installed.add(installer)
            _active.add(shim)


# --------------------------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------------------------


def _make_engine(engine: str, path: str | os.PathLike[str] | None) -> Any:
    if engine == "memory":
        if path is not None:
            raise ValueError("path is only used by the sqlite engine")
        from mongoeco.engines import MemoryEngine

        return MemoryEngine()
    if engine == "sqlite":
        if path is None:
            raise ValueError("the sqlite engine needs a path")
        db_path = Path(path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        if "sqlite_numbers" in _active:
            repaired = repair_sqlite_numbers(db_path)
            if repaired:
                logger.warning("rewrote tagged numbers of %d stored documents (shim 5)", repaired)
        from mongoeco.engines import SQLiteEngine

        return SQLiteEngine(str(db_path))
    raise ValueError(f"unknown engine {engine!r}; use 'memory' or 'sqlite'")


def _uri(host: str, port: int) -> str:
    netloc_host = f"[{host}]" if ":" in host else host
    return f"mongodb://{netloc_host}:{port}/?directConnection=true"


async def _serve(
    storage: Any, *, host: str, port: int, parent_pid: int | None, poll_interval: float = 1.0
) -> None:
    from mongoeco.wire import AsyncMongoEcoProxyServer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    server = AsyncMongoEcoProxyServer(engine=storage, host=host, port=port)
    address = await server.start()
    try:
        print(f"{READY_PREFIX}{_uri(host, address.port)}", flush=True)
        if parent_pid is not None:
            # EmbeddedMongo reads the READY line and closes the pipe; anything printed later
            # would raise BrokenPipeError, so it goes to stderr (the log file) instead.
            os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_interval)
            except TimeoutError:
                # Launched by EmbeddedMongo: stop when the launching process is gone, so a
                # test run killed with SIGKILL does not leave servers behind.
                if parent_pid is not None and os.getppid() != parent_pid:
                    stop.set()
    finally:
        # close() also disconnects the engine it owns, which flushes and closes SQLite.
        await server.close()


def serve(
    *,
    engine: str = "memory",
    path: str | os.PathLike[str] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    disabled_shims: Iterable[str] = (),
    parent_pid: int | None = None,
) -> None:
    """Run the embedded server in this process until SIGTERM or SIGINT (blocking).

    Applies the shims not listed in ``disabled_shims``, starts mongoeco's wire-protocol server on
    ``host:port`` (port 0 picks a free port) over a memory engine or a SQLite file at ``path``
    (parent directories are created), and prints exactly one line,
    ``READY mongodb://HOST:PORT/?directConnection=true``, once it accepts connections. On a
    signal it closes the server and the engine, so SQLite data is flushed. With ``parent_pid``
    it also stops when that process is no longer its parent.
    """
    apply_shims(disabled_shims)
    storage = _make_engine(engine, path)
    asyncio.run(_serve(storage, host=host, port=port, parent_pid=parent_pid))


# --------------------------------------------------------------------------------------------
# The launcher used by tests and development tools
# --------------------------------------------------------------------------------------------


class EmbeddedMongo:
    """The embedded server as a child process: start, stop, restart if it died, supervise.

    The first ``start()`` with ``port=0`` lets the child pick a free port; every later start
    (``start()`` after ``stop()``, ``ensure_running()``) reuses that port, so the URI stays valid.
    """

    def __init__(
        self,
        *,
        engine: str = "memory",
        path: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        disabled_shims: Iterable[str] = (),
        log_file: str | os.PathLike[str] | None = None,
    ) -> None:
        if engine not in ("memory", "sqlite"):
            raise ValueError(f"unknown engine {engine!r}; use 'memory' or 'sqlite'")
        if (engine == "sqlite") != (path is not None):
            raise ValueError("a path is required by the sqlite engine and only used by it")
        self.engine = engine
        self.path = None if path is None else Path(path)
        self.host = host
        self.port = port
        self.disabled_shims = tuple(disabled_shims)
        unknown = set(self.disabled_shims) - set(SHIMS)
        if unknown:
            raise ValueError(f"unknown shim(s): {', '.join(sorted(unknown))}; known: {SHIMS}")
        self.log_file = None if log_file is None else Path(log_file)
        self._uri: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        self._supervisor: threading.Thread | None = None
        self._supervisor_stop = threading.Event()

    def __repr__(self) -> str:
        return f"<EmbeddedMongo {self.engine} uri={self._uri} pid={self.pid}>"

    @property
    def uri(self) -> str | None:
        """``mongodb://HOST:PORT/?directConnection=true``; None until the first start."""
        return self._uri

    @property
    def pid(self) -> int | None:
        """Process id of the running child, or None."""
        proc = self._proc
        return None if proc is None else proc.pid

    def alive(self) -> bool:
        """True while the child process is running."""
        proc = self._proc
        return proc is not None and proc.poll() is None

    def _command(self) -> list[str]:
        command = [sys.executable, "-m", "autoauthor.embedded_mongo", "--engine", self.engine]
        if self.path is not None:
            command += ["--path", str(self.path)]
        command += ["--host", self.host, "--port", str(self.port)]
        for shim in self.disabled_shims:
            command += ["--disable-shim", shim]
        command += ["--parent-pid", str(os.getpid())]
        return command

    def start(self, timeout: float = 30) -> str:
        """Start the server (no-op if running) and return its URI once it accepts connections."""
        with self._lock:
            if self.alive():
                return self._uri
            self._proc = None
            env = dict(os.environ)
            # The child runs "-m autoauthor.embedded_mongo", whatever the caller's cwd.
            project_root = str(Path(__file__).resolve().parent.parent)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [project_root, env.get("PYTHONPATH")]))
            stderr = None if self.log_file is None else self.log_file.open("ab")
            try:
                proc = subprocess.Popen(
                    self._command(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    env=env,
                    close_fds=True,
                    # Its own process group: Ctrl-C in a terminal reaches the launcher, which
                    # stops the server through stop(), instead of killing it behind the
                    # supervisor's back.
                    process_group=0,
                )
            finally:
                if stderr is not None:
                    stderr.close()
            try:
                line = self._read_ready_line(proc, deadline=time.monotonic() + timeout)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            finally:
                # The child sends later stdout output to stderr (see _serve).
                proc.stdout.close()
            self._uri = line[len(READY_PREFIX) :]
            self.port = urlsplit(self._uri).port
            self._proc = proc
            return self._uri

    def _read_ready_line(self, proc: subprocess.Popen[bytes], *, deadline: float) -> str:
        fd = proc.stdout.fileno()
        buffer = b""
        while True:
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                line = raw.decode(errors="replace").strip()
                if line.startswith(READY_PREFIX):
                    return line
                logger.info("embedded MongoDB server: %s", line)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"embedded MongoDB server did not report READY: {self}")
            readable, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            chunk = os.read(fd, 4096) if readable else None
            if chunk == b"" or (chunk is None and proc.poll() is not None):
                where = self.log_file or "stderr"
                raise RuntimeError(
                    f"embedded MongoDB server exited with code {proc.wait()} before READY "
                    f"(see {where})"
                )
            buffer += chunk or b""

    def stop(self, timeout: float = 10) -> int | None:
        """Stop supervision and the server: SIGTERM, then SIGKILL after ``timeout`` seconds.

        Returns the child's exit code (0 after a clean shutdown), or None if it was not started.
        """
        self._stop_supervisor()
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None:
                return None
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            return proc.returncode

    def ensure_running(self, timeout: float = 30) -> bool:
        """Start the server again (same engine, path and port) if it is not running.

        Returns True if it had to start it, False if it was already running.
        """
        with self._lock:
            if self.alive():
                return False
            self.start(timeout=timeout)
            return True

    def supervise(self, interval: float = 1.0) -> threading.Thread:
        """Check every ``interval`` seconds in a daemon thread and restart a dead server.

        Each restart is logged as a warning on the "autoauthor.embedded_mongo" logger. ``stop()``
        ends supervision. Returns the (already running) thread.
        """
        with self._lock:
            if self._supervisor is not None and self._supervisor.is_alive():
                return self._supervisor
            self._supervisor_stop.clear()
            thread = threading.Thread(
                target=self._supervise_loop,
                args=(interval,),
                name="embedded-mongo-supervisor",
                daemon=True,
            )
            self._supervisor = thread
            thread.start()
            return thread

    def _supervise_loop(self, interval: float) -> None:
        while not self._supervisor_stop.wait(interval):
            with self._lock:
                if self._supervisor_stop.is_set():
                    return
                dead = self._proc
                try:
                    restarted = self.ensure_running()
                except Exception:
                    logger.exception("embedded MongoDB server is down and could not be restarted")
                    continue
            if restarted:
                logger.warning(
                    "embedded MongoDB server (pid %s, exit code %s) died; restarted as pid %s, %s",
                    None if dead is None else dead.pid,
                    None if dead is None else dead.returncode,
                    self.pid,
                    self._uri,
                )

    def _stop_supervisor(self) -> None:
        thread = self._supervisor
        self._supervisor_stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._supervisor = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m autoauthor.embedded_mongo [--engine ...] [--port ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m autoauthor.embedded_mongo", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--engine", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--path", help="SQLite database file (sqlite engine only)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--disable-shim",
        action="append",
        default=[],
        choices=SHIMS,
        metavar="NAME",
        help=f"leave a compatibility shim out (repeatable): {', '.join(SHIMS)}",
    )
    parser.add_argument(
        "--parent-pid", type=int, help="stop when this process is no longer the parent"
    )
    args = parser.parse_args(argv)
    serve(
        engine=args.engine,
        path=args.path,
        host=args.host,
        port=args.port,
        disabled_shims=args.disable_shim,
        parent_pid=args.parent_pid,
    )


if __name__ == "__main__":
    main()
