"""Make the audit event table append-only in the database itself.

The model refuses UPDATE and DELETE too, but a trigger also stops raw SQL, the admin's
bulk actions and any future code path. Supported on SQLite and PostgreSQL.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event
       BEGIN SELECT RAISE(ABORT, 'core_event is append-only'); END;""",
    """CREATE TRIGGER core_event_no_delete BEFORE DELETE ON core_event
       BEGIN SELECT RAISE(ABORT, 'core_event is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER core_event_no_update;", "DROP TRIGGER core_event_no_delete;"]

POSTGRES = [
    """CREATE FUNCTION core_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'core_event is append-only'; END; $$;""",
    """CREATE TRIGGER core_event_no_update_delete BEFORE UPDATE OR DELETE ON core_event
       FOR EACH ROW EXECUTE FUNCTION core_event_append_only();""",
    """CREATE TRIGGER core_event_no_truncate BEFORE TRUNCATE ON core_event
       FOR EACH STATEMENT EXECUTE FUNCTION core_event_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER core_event_no_truncate ON core_event;",
    "DROP TRIGGER core_event_no_update_delete ON core_event;",
    "DROP FUNCTION core_event_append_only();",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
