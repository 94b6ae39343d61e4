# The API's rate-limit counts live in a database cache table (settings.CACHES["throttle"]), so that every
# worker on every machine counts the same requests. Made here, so that `migrate` is all a new database
# needs (Django's createcachetable, which skips a table that exists).

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("store", "0017_notification_params")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
