# The inbox in the reader's language (issue 11): a notification keeps its kind's placeholders, so that it
# is rendered per reader rather than once in the sender's language.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0016_api_access"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=None, null=True, verbose_name="placeholders"),
        ),
    ]
