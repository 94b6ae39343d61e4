"""The Django admin, for looking only: every record here changes through the services, which check
the lifecycle and write the audit entry in the same transaction; an edit in the admin would do
neither. (Django's own users and groups keep their admin pages.)"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
