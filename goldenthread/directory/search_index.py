"""The full-text index behind `selectors.search_resources`, one per database.

SQLite: an FTS5 table `directory_resource_fts` (porter stemming, accents folded) whose
rowid is `CommunityResource.search_key`, filled and kept in step by three triggers on
`directory_communityresource`, so every write (import, admin, delete, test flush) updates
it without the code having to remember.

PostgreSQL: a stored generated column `search_vector` (English configuration, accents
folded with translate(), weighted: name A, keywords B, description C, place D) with a GIN
index; the database recomputes it on every insert and update.

Installed by migration 0002. SQLite drops triggers when a migration rebuilds the table
(as it does for most field changes): `ensure_search_index()` puts them back and rebuilds
the index, and the importer calls it before every import. On PostgreSQL a migration that
changes the type of name, search_keywords, description or place_text must drop the
column first (`drop_search_index`) and call `install_search_index` afterwards.
"""

from __future__ import annotations

import unicodedata

from goldenthread.core.vendor_sql import VendorSQL

FTS_TABLE = "directory_resource_fts"
RESOURCE_TABLE = "directory_communityresource"
PG_COLUMN = "search_vector"
PG_INDEX = "directory_resource_search"
SQLITE_TRIGGERS = (
    f"{FTS_TABLE}_after_insert",
    f"{FTS_TABLE}_after_delete",
    f"{FTS_TABLE}_after_update",
)

# FTS5 columns, in order; bm25 weights in selectors follow this order.
# All SQL below is built from the constant names above only (hence the S608 noqa).
_FTS_VALUES = "new.search_key, new.name, new.search_keywords, new.description, new.place_text"

_SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, keywords, body, place, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[0]} AFTER INSERT ON {RESOURCE_TABLE} BEGIN "  # noqa: S608
    f"INSERT INTO {FTS_TABLE}(rowid, name, keywords, body, place) VALUES ({_FTS_VALUES}); END",
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[1]} AFTER DELETE ON {RESOURCE_TABLE} BEGIN "  # noqa: S608
    f"DELETE FROM {FTS_TABLE} WHERE rowid = old.search_key; END",
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[2]} AFTER UPDATE ON {RESOURCE_TABLE} BEGIN "  # noqa: S608
    f"DELETE FROM {FTS_TABLE} WHERE rowid = old.search_key; "
    f"INSERT INTO {FTS_TABLE}(rowid, name, keywords, body, place) VALUES ({_FTS_VALUES}); END",
]
_SQLITE_REBUILD = [
    f"DELETE FROM {FTS_TABLE}",  # noqa: S608
    f"INSERT INTO {FTS_TABLE}(rowid, name, keywords, body, place) "  # noqa: S608
    f"SELECT search_key, name, search_keywords, description, place_text FROM {RESOURCE_TABLE}",
]


def _accent_map() -> tuple[str, str]:
    """Latin letters with accents and the plain letter each folds to ("é" -> "e"), for
    translate(): immutable, so usable in a generated column, unlike unaccent()."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base.isascii() and base.isalpha() and base != char:
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


_ACCENTED, _PLAIN = _accent_map()


def _pg_part(column: str, weight: str) -> str:
    folded = f"translate(coalesce({column}, ''), '{_ACCENTED}', '{_PLAIN}')"
    return f"setweight(to_tsvector('english'::regconfig, {folded}), '{weight}')"


_PG_VECTOR = " || ".join(
    [
        _pg_part("name", "A"),
        _pg_part("search_keywords", "B"),
        _pg_part("description", "C"),
        _pg_part("place_text", "D"),
    ]
)
_PG_CREATE = [
    f"ALTER TABLE {RESOURCE_TABLE} ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({_PG_VECTOR}) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {RESOURCE_TABLE} USING gin ({PG_COLUMN})",
]
_SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {trigger}" for trigger in SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
_PG_DROP = [
    f"DROP INDEX IF EXISTS {PG_INDEX}",
    f"ALTER TABLE {RESOURCE_TABLE} DROP COLUMN IF EXISTS {PG_COLUMN}",
]


def install_search_index(connection) -> None:
    """Create the index for this database (safe to run again)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in _SQLITE_CREATE + _SQLITE_REBUILD:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in _PG_CREATE:
                cursor.execute(sql)


def drop_search_index(connection) -> None:
    with connection.cursor() as cursor:
        for sql in {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP}.get(connection.vendor, []):
            cursor.execute(sql)


def search_index_sql() -> VendorSQL:
    """A migration operation: the index made as `install_search_index` makes it on an empty
    table, and dropped as `drop_search_index` drops it (the squashed migration, #17)."""
    return VendorSQL(
        sql={"sqlite": _SQLITE_CREATE, "postgresql": _PG_CREATE},
        reverse_sql={"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP},
    )


def ensure_search_index(connection) -> bool:
    """Put the index back if part of it is missing; True if it had to."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
                [FTS_TABLE, *SQLITE_TRIGGERS],
            )
            if len(cursor.fetchall()) == 1 + len(SQLITE_TRIGGERS):
                return False
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexname = %s",
                [RESOURCE_TABLE, PG_INDEX],
            )
            if cursor.fetchone():
                return False
        else:
            return False
    install_search_index(connection)
    return True
