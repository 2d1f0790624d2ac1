"""The queries every member's page runs, prepared once per database connection on PostgreSQL:
planning them took as long as running them (the signed-in member 0.26 to 0.14 ms, a list's
unread markers 0.17 to 0.08 ms, on the benchmark's data). A prepared statement lasts as long as
its connection, whatever its transactions do, so each connection prepares its own, and a new one
(after reconnecting) prepares again. SQLite keeps its statements prepared itself: there the SQL
runs as it is."""


def execute(cursor, name: str, sql: str, params: list) -> None:
    """`cursor.execute(sql, params)`, where `sql` has one %s per parameter and no other %, and
    `name` is its own (one per SQL text)."""
    database = cursor.db  # this thread's connection (never the shared django.db.connection proxy)
    if database.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    prepared = database.__dict__.setdefault("prepared_statements", {})
    if prepared.get(name) is not database.connection:
        numbered = sql % tuple(f"${n}" for n in range(1, len(params) + 1))
        cursor.execute(f"PREPARE {name} AS {numbered}")
        prepared[name] = database.connection
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
