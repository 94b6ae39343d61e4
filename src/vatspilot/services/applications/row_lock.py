"""The application read with its row locked, and with its organisation and jurisdiction: the first
statement of every transition.

What the ORM's ``select_for_update(of=("self",)).select_related("organisation", "jurisdiction")`` reads,
read the way the ORM reads it (the same columns, each value through the same converters, the models
built by ``from_db``), but from SQL composed once per database rather than on every call: building that
query cost the ORM about 1 ms of CPU, four times its round trip, on every transition.
tests/services/test_row_lock.py holds the two reads equal, column by column, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from vatspilot.store.models import Application, Jurisdiction, Organisation

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class _Columns:
    """One table's columns in a read: the model, its concrete fields' attribute names in order, and each
    field's column expression with the converters the ORM applies to its value."""

    model: type[Model]
    attnames: list[str]
    converters: list[tuple[Any, list[Converter]]]

    @classmethod
    def of(cls, model: type[Model], alias: str, connection: BaseDatabaseWrapper) -> _Columns:
        fields: list[Field[Any, Any]] = list(model._meta.concrete_fields)
        converters = []
        for field in fields:
            column = field.get_col(alias)
            converters.append((column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
        return cls(model, [field.attname for field in fields], converters)

    def select(self, alias: str, connection: BaseDatabaseWrapper) -> list[str]:
        quote = connection.ops.quote_name
        return [f"{alias}.{quote(column.target.column)}" for column, _converters in self.converters]

    def build(self, db: str, values: tuple[Any, ...], connection: BaseDatabaseWrapper) -> Model:
        converted = []
        for value, (column, converters) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(db, self.attnames, converted)


@dataclass(frozen=True)
class _LockRead:
    sql: str
    application: _Columns
    organisation: _Columns
    jurisdiction: _Columns


_READS: dict[tuple[str, str], _LockRead] = {}


def _read_for(alias: str) -> _LockRead:
    """The statement and the columns, composed on the first call for each database."""
    key = (alias, connections[alias].vendor)
    if key not in _READS:
        connection = connections[alias]
        application = _Columns.of(Application, "a", connection)
        organisation = _Columns.of(Organisation, "o", connection)
        jurisdiction = _Columns.of(Jurisdiction, "j", connection)
        quote = connection.ops.quote_name
        columns = [*application.select("a", connection), *organisation.select("o", connection)]
        columns += jurisdiction.select("j", connection)
        meta = Application._meta

        def joined(model: type[Model], table_alias: str, foreign_key: str) -> str:
            table, key = quote(model._meta.db_table), quote(_column(model._meta.pk))
            return (
                f" JOIN {table} {table_alias} ON {table_alias}.{key} = a.{quote(_column(meta.get_field(foreign_key)))}"
            )

        sql = (
            f"SELECT {', '.join(columns)} FROM {quote(Application._meta.db_table)} a"
            + joined(Organisation, "o", "organisation")
            + joined(Jurisdiction, "j", "jurisdiction")
            + f" WHERE a.{quote(_column(meta.pk))} = %s"
        )
        # Only the application's row: locking the organisation's would make two applications of one
        # organisation wait for each other. (SQLite has no row locks: its writers take turns whole.)
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE OF a"
        _READS[key] = _LockRead(sql, application, organisation, jurisdiction)
    return _READS[key]


def _column(field: object) -> str:
    """A concrete field's column name (the model's metadata types it loosely)."""
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{field!r} has no column")
    return field.column


def lock_application(pk: int) -> Application:
    """The application, its row locked until the transaction ends, with its organisation and jurisdiction
    loaded; Application.DoesNotExist if there is none."""
    alias = router.db_for_write(Application)
    read = _read_for(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Application.DoesNotExist(f"application {pk} does not exist")
    ends = len(read.application.attnames), len(read.application.attnames) + len(read.organisation.attnames)
    application = read.application.build(alias, row[: ends[0]], connection)
    assert isinstance(application, Application)
    Application.organisation.field.set_cached_value(
        application, read.organisation.build(alias, row[ends[0] : ends[1]], connection)
    )
    Application.jurisdiction.field.set_cached_value(
        application, read.jurisdiction.build(alias, row[ends[1] :], connection)
    )
    return application
