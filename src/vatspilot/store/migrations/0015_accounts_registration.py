# Self-registration and invitations (issue 11): a membership may be an admin member, the address an
# account signed up with, and the organisations' invitations. An organisation that already has members
# gets its first member (the earliest membership) as its admin member, as a registered one would.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def first_members_are_admins(apps, schema_editor):
    membership = apps.get_model("store", "Membership")
    first: dict[int, int] = {}
    for pk, organisation_id in membership.objects.order_by("created_at", "pk").values_list("pk", "organisation_id"):
        first.setdefault(organisation_id, pk)
    membership.objects.filter(pk__in=list(first.values())).update(is_admin=True)


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0014_tracking_numbers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="is_admin",
            field=models.BooleanField(default=False, verbose_name="admin member"),
        ),
        migrations.CreateModel(
            name="AccountEmail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                ("language", models.CharField(max_length=16, verbose_name="language")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("verified_at", models.DateTimeField(blank=True, null=True, verbose_name="confirmed at")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="account_email",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "account e-mail",
                "verbose_name_plural": "account e-mails",
            },
        ),
        migrations.CreateModel(
            name="Invitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                ("language", models.CharField(max_length=16, verbose_name="language")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("accepted", "Accepted"), ("revoked", "Withdrawn")],
                        default="pending",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="accepted or revoked at")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="accepted or revoked by",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invited by",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="store.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("organisation", "email"),
                        name="store_invitation_one_pending",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "accepted", "revoked"])),
                        name="store_invitation_status_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(first_members_are_admins, migrations.RunPython.noop),
    ]
