"""The declarative base: one MetaData whose naming convention keeps constraint names stable in migrations."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, Index, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def text_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A VARCHAR + CHECK column for a StrEnum: no native Postgres enum type to alter when a value is added."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def postgresql_only(index: Index) -> Index:
    """An index that exists on PostgreSQL only (it needs a PostgreSQL feature: a GIN operator class...)."""
    index.info["dialects"] = frozenset({"postgresql"})
    return index.ddl_if(dialect="postgresql")


def schema_objects_on(dialect_name: str) -> Any:
    """Alembic `include_object` hook: leave out of comparisons what does not exist on this dialect."""

    def include_object(obj: Any, _name: str | None, type_: str, reflected: bool, _compare_to: Any) -> bool:
        dialects = getattr(obj, "info", {}).get("dialects") if not reflected else None
        return dialects is None or dialect_name in dialects

    return include_object
