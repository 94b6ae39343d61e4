# Reviews rest on a dossier version: the content hash each opinion, assessment and decision was given on.
#
# Opinions and assessments recorded before this migration carry no hash (""): they count for nothing
# until given again, because nothing shows which version of the dossier they judged.
from django.db import migrations, models

_VOID_REASONS = [("dossier_changed", "The dossier changed after it was given.")]


def _review_fields(model_name: str) -> list[migrations.AddField]:
    return [
        migrations.AddField(
            model_name=model_name,
            name="dossier_hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="dossier hash"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="voided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="voided at"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="voided_for_hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="dossier hash that voided it"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="voided_reason",
            field=models.CharField(blank=True, choices=_VOID_REASONS, max_length=32, verbose_name="why voided"),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("store", "0004_timeline_holds_the_dates")]

    operations = [
        migrations.RemoveConstraint(model_name="opinion", name="store_opinion_one_per_agency"),
        *_review_fields("opinion"),
        *_review_fields("securityassessment"),
        migrations.AddConstraint(
            model_name="opinion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("voided_at__isnull", True)),
                fields=("application", "agency"),
                name="store_opinion_one_in_force_per_agency",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="dossier_hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="dossier hash"),
        ),
        migrations.AddField(
            model_name="decision",
            name="conditions",
            field=models.JSONField(blank=True, default=list, verbose_name="conditions of the concurrences"),
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="details",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
    ]
