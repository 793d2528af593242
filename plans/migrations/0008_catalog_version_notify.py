"""On PostgreSQL, every change of the catalog version row notifies the channel the app
servers listen on (plans/version_watch.py). Nothing on SQLite."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION plans_catalogversion_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('icf_catalog_version', NEW.version::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER plans_catalogversion_notify
AFTER INSERT OR UPDATE ON plans_catalogversion
FOR EACH ROW EXECUTE FUNCTION plans_catalogversion_notify();
"""
DROP = (
    "DROP TRIGGER IF EXISTS plans_catalogversion_notify ON plans_catalogversion",
    "DROP FUNCTION IF EXISTS plans_catalogversion_notify()",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("plans", "0007_plan_crosswalk")]

    operations = [migrations.RunPython(forwards, backwards)]
