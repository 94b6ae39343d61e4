# Sign-in throttling, staff management and the audit of both.
#
# The audit entries' before/after are now stored in the canonical JSON form their hash covers, so that
# `vatspilot audit verify` can hash SQLite's stored text as it is (store/audit.py). A change of the
# encoder only: no table changes, and entries stored before keep their form (verify parses those).
import vatspilot.store.models.audit_chain
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("store", "0005_review_integrity")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="after",
            field=models.JSONField(
                blank=True,
                encoder=vatspilot.store.models.audit_chain.CanonicalJSONEncoder,
                null=True,
                verbose_name="after",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="before",
            field=models.JSONField(
                blank=True,
                encoder=vatspilot.store.models.audit_chain.CanonicalJSONEncoder,
                null=True,
                verbose_name="before",
            ),
        ),
    ]
