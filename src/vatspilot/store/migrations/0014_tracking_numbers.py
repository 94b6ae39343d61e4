# Public tracking numbers (issue 11): every application gets one at submission; the applications already
# submitted get theirs here (a draft never submitted has none).

import secrets

from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"


def _number() -> str:
    # domain.applications.tracking.new_tracking_number as of this migration (a migration keeps its own copy).
    value = secrets.randbelow(32**8)
    symbols = "".join(ALPHABET[(value >> (5 * shift)) & 31] for shift in reversed(range(8)))
    total = 0
    for symbol in symbols:
        total = total * 32 + ALPHABET.index(symbol)
    return f"VP-{symbols[:4]}-{symbols[4:]}-{CHECK_ALPHABET[total % 37]}"


def number_submitted(apps, schema_editor):
    application = apps.get_model("store", "Application")
    event = apps.get_model("store", "ApplicationEvent")
    submitted = event.objects.filter(action="submit").values("application_id")
    taken = set()
    for row in application.objects.filter(pk__in=submitted, tracking_number__isnull=True).only("pk"):
        number = _number()
        while number in taken:
            number = _number()
        taken.add(number)
        application.objects.filter(pk=row.pk).update(tracking_number=number)


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0013_supervision"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="tracking_number",
            field=models.CharField(blank=True, max_length=16, null=True, unique=True, verbose_name="tracking number"),
        ),
        migrations.RunPython(number_submitted, migrations.RunPython.noop),
    ]
