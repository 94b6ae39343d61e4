"""Expiry reminders per validity: a renewal moves a licence's last valid day, and the reminders before
the new one must be sent although those before the old one were. Each reminder row now records the last
valid day it was sent for (existing rows: their licence's, which no renewal had moved yet), and the
uniqueness is (licence, valid_until, days) instead of (licence, days)."""

from django.db import migrations, models


def _fill_valid_until(apps, schema_editor):
    # Before this migration no licence was ever renewed, so every reminder was for its licence's current
    # last valid day.
    reminder = apps.get_model("store", "LicenceReminder")
    licence = apps.get_model("store", "Licence")
    for row in reminder.objects.filter(valid_until__isnull=True).only("pk", "licence_id"):
        row.valid_until = licence.objects.values_list("valid_until", flat=True).get(pk=row.licence_id)
        row.save(update_fields=["valid_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0011_licence_filings_and_exits"),
    ]

    operations = [
        migrations.AddField(
            model_name="licencereminder",
            name="valid_until",
            field=models.DateField(null=True, verbose_name="valid until"),
        ),
        migrations.RunPython(_fill_valid_until, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="licencereminder",
            name="valid_until",
            field=models.DateField(verbose_name="valid until"),
        ),
        migrations.RemoveConstraint(
            model_name="licencereminder",
            name="store_licence_reminder_once",
        ),
        migrations.AddConstraint(
            model_name="licencereminder",
            constraint=models.UniqueConstraint(
                fields=("licence", "valid_until", "days"), name="store_licence_reminder_once_per_validity"
            ),
        ),
    ]
