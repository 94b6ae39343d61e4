# The data's integrity in the database itself (issue 8):
#
# - check constraints: an application's status is one of the lifecycle's states
#   (vatspilot.domain.applications.State; the list below is the snapshot a migration must be, and
#   `makemigrations --check` fails when the enum moves on), versions count from 1, capital is not
#   negative; at most one open supplement request and one security assessment in force (not voided)
#   per application;
# - audit entries and timeline events are append-only: triggers refuse UPDATE and DELETE (and TRUNCATE
#   on PostgreSQL) unless a row in store_guard_lift says the guard is lifted. Only the store's flush
#   command and tests that tamper on purpose lift it, inside one transaction that never commits the
#   row (see vatspilot/store/append_only.py for why flush, and why the flag is a table of its own);
# - the dossier's JSON columns read a fraction as an exact Decimal and write a Decimal as a number
#   (vatspilot/contracts/json_numbers.py): no table change, stored rows stay as they are.
from django.conf import settings
from django.db import migrations, models

import vatspilot.contracts.json_numbers

GUARD_TABLE = "store_guard_lift"
APPEND_ONLY_TABLES = ("store_auditentry", "store_applicationevent")

SQLITE_CREATE = [f"CREATE TABLE {GUARD_TABLE} (reason TEXT NOT NULL)"] + [
    f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
        WHEN NOT EXISTS (SELECT 1 FROM {GUARD_TABLE})
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb.upper()} refused'); END"""
    for table in APPEND_ONLY_TABLES
    for verb in ("update", "delete")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for table in APPEND_ONLY_TABLES for verb in ("update", "delete")
] + [f"DROP TABLE IF EXISTS {GUARD_TABLE}"]

# SQLSTATE 23000 (integrity_constraint_violation): Django raises IntegrityError, as on SQLite.
POSTGRESQL_CREATE = [
    f"CREATE TABLE {GUARD_TABLE} (reason text NOT NULL)",
    f"""CREATE FUNCTION store_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM {GUARD_TABLE}) THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END $$""",
] + [
    statement
    for table in APPEND_ONLY_TABLES
    for statement in (
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION store_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION store_append_only()""",
    )
]
POSTGRESQL_DROP = [
    statement
    for table in APPEND_ONLY_TABLES
    for statement in (
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    )
] + ["DROP FUNCTION IF EXISTS store_append_only()", f"DROP TABLE IF EXISTS {GUARD_TABLE}"]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"no append-only triggers written for {vendor}")
    _run(schema_editor, STATEMENTS[vendor][0])


def drop_guards(apps, schema_editor):
    _run(schema_editor, STATEMENTS[schema_editor.connection.vendor][1])


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0006_sign_in_and_staff"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        (
                            "draft",
                            "submitted",
                            "formal_supplement",
                            "preliminary_assessment",
                            "ministerial_review",
                            "ministerial_supplement",
                            "onsite_verification",
                            "approved",
                            "refused",
                            "withdrawn",
                        ),
                    )
                ),
                name="store_application_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)), name="store_application_version_from_1"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1)), name="store_documentversion_number_from_1"
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("registered_capital_cny__gte", 0)), name="store_organisation_capital_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="securityassessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("voided_at__isnull", True)),
                fields=("application",),
                name="store_assessment_one_in_force",
            ),
        ),
        migrations.AddConstraint(
            model_name="supplementrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("closed_at__isnull", True)),
                fields=("application",),
                name="store_supplement_one_open",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="ownership",
            field=models.JSONField(
                blank=True,
                decoder=vatspilot.contracts.json_numbers.ExactJSONDecoder,
                default=list,
                encoder=vatspilot.contracts.json_numbers.ExactJSONEncoder,
                verbose_name="ownership",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="service_area",
            field=models.JSONField(
                blank=True,
                decoder=vatspilot.contracts.json_numbers.ExactJSONDecoder,
                default=dict,
                encoder=vatspilot.contracts.json_numbers.ExactJSONEncoder,
                verbose_name="service area",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="services",
            field=models.JSONField(
                blank=True,
                decoder=vatspilot.contracts.json_numbers.ExactJSONDecoder,
                default=list,
                encoder=vatspilot.contracts.json_numbers.ExactJSONEncoder,
                verbose_name="services",
            ),
        ),
        migrations.RunPython(create_guards, drop_guards),
    ]
