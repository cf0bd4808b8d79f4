"""A Core statement compiled once per dialect to SQL text and the order of its parameters, for the steps
every job takes, which run on the driver's connection below SQLAlchemy's execution layer (db.driver_units).

SQLAlchemy's execution of a statement (its compile cache looked up, parameters processed, a result's
metadata built, each row processed) costs 50-100 us of CPU; the driver's own execution 5-10 us on SQLite.
What SQLAlchemy does to values on the way in and out is kept: each parameter goes through the bind
processor of its type and each returned column through its type's result processor, taken from the same
compiled statement for the same dialect, so a JSON document, a timestamp or an enum is stored and read back
exactly as the ORM stores and reads it (on SQLite a timestamp is SQLAlchemy's text, "2026-01-02
03:04:05.000006").
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]

# A parameter the caller gives (its name), or the value the statement holds (already processed).
_Given = str


@dataclass(frozen=True, slots=True)
class Compiled:
    """One statement as one dialect runs it: `sql` takes `args(params)` positionally."""

    sql: str
    binds: tuple[tuple[_Given | None, Any, Processor | None], ...]  # (given name, fixed value, processor)
    results: tuple[Processor | None, ...]  # one per returned column (None: the value as the driver gives it)
    processes_results: bool
    # The returned columns' types; a column whose processing depends on the type the driver reports (a
    # float or numeric on asyncpg) makes `needs_driver_types` true until `with_driver_types` is given them.
    types: tuple[TypeEngine[Any], ...] = ()
    needs_driver_types: bool = False

    def args(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """The parameters in the order the SQL text takes them, processed as SQLAlchemy would."""
        out = []
        for name, fixed, process in self.binds:
            if name is None:
                out.append(fixed)
                continue
            if name not in params:
                raise KeyError(f"the statement's parameter {name!r} is not given")
            # None too goes through the processor, as SQLAlchemy passes it (a JSON column's None is "null").
            out.append(params[name] if process is None else process(params[name]))
        return tuple(out)

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """A row as the driver returned it, with each column's type's result processing."""
        if not self.processes_results:
            return tuple(raw)
        return tuple(
            value if process is None else process(value)
            for value, process in zip(raw, self.results, strict=False)
        )

    def with_driver_types(self, dialect: Dialect, driver_types: Sequence[Any]) -> Compiled:
        """The same, its columns processed by their types given the types the driver reports for them (as
        SQLAlchemy processes a result given its cursor's description)."""
        results = tuple(
            type_._cached_result_processor(dialect, driver_type)
            for type_, driver_type in zip(self.types, driver_types, strict=True)
        )
        processes = any(process is not None for process in results)
        return dataclasses.replace(
            self, results=results, processes_results=processes, needs_driver_types=False
        )


class Precompiled:
    """`statement` compiled on first use for each dialect (each engine's), then kept with the dialect."""

    __slots__ = ("_by_dialect", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._by_dialect: weakref.WeakKeyDictionary[Dialect, Compiled] = weakref.WeakKeyDictionary()

    def on(self, dialect: Dialect) -> Compiled:
        compiled = self._by_dialect.get(dialect)
        if compiled is None:
            compiled = self._by_dialect[dialect] = compile_for(self.statement, dialect)
        return compiled

    def typed(self, dialect: Dialect, driver_types: Sequence[Any]) -> Compiled:
        """`on(dialect)` with the types the driver reports for its columns, kept from now on."""
        compiled = self._by_dialect[dialect] = self.on(dialect).with_driver_types(dialect, driver_types)
        return compiled


def compile_for(statement: Executable, dialect: Dialect) -> Compiled:
    """`statement`'s SQL text for `dialect` (a positional parameter style), its binds in order, and the
    processors SQLAlchemy would apply."""
    compiled = statement.compile(dialect=dialect) if isinstance(statement, ClauseElement) else None
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"{statement!r} is not a SQL statement")
    if compiled.positiontup is None:
        raise ValueError(f"{dialect.name}'s parameter style {dialect.paramstyle!r} is not positional")
    if compiled.literal_execute_params or compiled.post_compile_params:
        # Rendered anew at each execution (an expanding IN, say): not something to compile once.
        raise ValueError("a statement with parameters rendered at execution cannot be compiled once")
    processors = compiled._bind_processors
    # Columns SQLAlchemy fills at each execution from their Python default (created_at=utcnow): the
    # caller gives them, under the column's name.
    filled = {column.key for column in (*compiled.insert_prefetch, *compiled.update_prefetch)}
    binds: list[tuple[_Given | None, Any, Processor | None]] = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        process = processors.get(name)
        if process is not None and not callable(process):  # a tuple's processors, one per element
            raise ValueError(f"parameter {name!r} is a tuple: not supported here")
        if bind.required or name in filled:
            binds.append((name, None, process))
        else:  # a value the statement holds (a status compared with, say): processed once, here
            value = bind.effective_value
            binds.append((None, value if process is None else process(value), None))
    types = tuple(column[3] for column in compiled._result_columns)
    try:
        results = tuple(type_._cached_result_processor(dialect, None) for type_ in types)
    except (exc.InvalidRequestError, TypeError):  # it needs the type the driver reports for the column
        return Compiled(compiled.string, tuple(binds), (), False, types, needs_driver_types=True)
    processes = any(process is not None for process in results)
    return Compiled(compiled.string, tuple(binds), results, processes, types)
