"""The Django admin, for looking only, for everyone (issue 7).

Every record changes through the services, which check the lifecycle and write the audit entry in the
same transaction; an edit in the admin would do neither. So the site makes every model admin registered
on it read-only, whoever registered it (our models, Django's users and groups, django-axes,
django-tasks-db): no add, change or delete, no bulk actions, and its own password-change pages refuse.
Only an active administrator (Role.ADMINISTRATOR) may look; Django's is_superuser and model permissions
grant nothing here. Accounts, roles and passwords are managed on the administrator's page of the site
(vatspilot.services.accounts.staff), where each change is audited.

This module is loaded while the app registry fills up (ReadOnlyAdminConfig.default_site names it), so it
imports no models at the top.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def is_administrator(user: Any) -> bool:
    from vatspilot.store.access import is_administrator

    return is_administrator(user)


class ReadOnlyModelAdmin:
    """Mixed into every model admin the site registers (before the registrant's own class)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Third-party actions (e.g. django-axes' clean-up) change rows and check no permission.
        return {}


class ReadOnlyAdminSite(admin.AdminSite):
    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, ReadOnlyModelAdmin):
            base = type(f"ReadOnly{base.__name__}", (ReadOnlyModelAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff and is_administrator(request.user))

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        raise PermissionDenied("passwords are changed on the administrator's page, not in the Django admin")

    def password_change_done(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        raise PermissionDenied("passwords are changed on the administrator's page, not in the Django admin")


class ReadOnlyAdminConfig(AdminConfig):
    """Installed in place of django.contrib.admin (settings.INSTALLED_APPS)."""

    default_site = "vatspilot.store.admin_site.ReadOnlyAdminSite"
