"""The Django admin's pages for our models. The site itself (vatspilot.store.admin_site) makes these and
every other model admin read-only, Django's users and groups included, and lets only administrators
look; ReadOnlyAdmin below says the same for readers of this file."""

from __future__ import annotations

from django.contrib import admin

from vatspilot.store.admin_site import ReadOnlyModelAdmin
from vatspilot.store.models import (
    Application,
    AuditEntry,
    Decision,
    Document,
    DocumentVersion,
    Jurisdiction,
    Membership,
    Notification,
    Opinion,
    Organisation,
    SecurityAssessment,
    StaffRole,
    SupplementRequest,
)


class ReadOnlyAdmin(ReadOnlyModelAdmin, admin.ModelAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "division_code", "registered_capital_cny"]
    search_fields = ["name", "uscc"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_select_related = ["user", "organisation"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en", "name_zh"]
    search_fields = ["code", "name_en", "name_zh"]


@admin.register(StaffRole)
class StaffRoleAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "granted_at"]
    list_filter = ["role"]
    list_select_related = ["user"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "organisation", "jurisdiction", "status", "updated_at"]
    list_filter = ["status", "jurisdiction"]
    list_select_related = ["organisation", "jurisdiction"]
    search_fields = ["organisation__name", "organisation__uscc"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "created_at"]
    list_select_related = ["application__organisation"]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["sanitised_name", "document", "number", "size", "sha256", "uploaded_by", "uploaded_at"]
    list_select_related = ["document__application__organisation", "uploaded_by"]


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    list_display = ["application", "agency", "opinion", "actor", "given_at"]
    list_select_related = ["application__organisation", "actor"]


@admin.register(SecurityAssessment)
class SecurityAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "result", "expert", "assessed_at"]
    list_select_related = ["application__organisation", "expert"]


@admin.register(SupplementRequest)
class SupplementRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "stage", "opened_at", "closed_at"]
    list_select_related = ["application__organisation"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "rulebook_version", "actor", "decided_at"]
    list_select_related = ["application__organisation", "actor"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_select_related = ["recipient"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "actor_label", "object_id"]
