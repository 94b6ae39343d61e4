"""The pages' URLs (included at the site root)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from vatspilot.web.views import (
    actions,
    application,
    applications,
    documents,
    dossier,
    home,
    inbox,
    licences,
    lists,
    queue,
    register,
    staff,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    # Django's default LOGIN_URL is /accounts/login/; keeping it means no setting to change.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html", next_page="web:home"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.application_create, name="application_create"),
    path("applications/<int:application_id>/", application.application_page, name="application"),
    path("applications/<int:application_id>/dossier/", dossier.dossier, name="dossier"),
    path("applications/<int:application_id>/documents/", documents.upload, name="upload"),
    path(
        "applications/<int:application_id>/actions/<slug:action>/",
        actions.take_action,
        name="action",
    ),
    path("documents/<int:version_id>/download/", documents.download, name="download"),
    path("licences/<str:number>/", licences.licence_page, name="licence"),
    path("licences/<str:number>/certificate.pdf", licences.certificate, name="licence_certificate"),
    path("licences/<str:number>/actions/<slug:action>/", licences.licence_action, name="licence_action"),
    path("queue/", queue.queue, name="queue"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:notification_id>/read/", inbox.notification_read, name="notification_read"),
    path("inbox/read-all/", inbox.notifications_read_all, name="notifications_read_all"),
    # The administrator's page: staff accounts, roles, jurisdictions, deactivation, password resets.
    path("staff/", staff.staff_page, name="staff"),
    path("staff/new/", staff.staff_create, name="staff_create"),
    path("staff/<int:user_id>/<slug:action>/", staff.staff_account_action, name="staff_account"),
    # The public register and the certificate QR code's target: open to anyone, no sign-in.
    path("register/", register.register_search, name="register"),
    path("register/export.csv", register.register_export_csv, name="register_export_csv"),
    path("register/<str:number>/", register.register_licence, name="register_licence"),
    path("verify/<str:number>/", register.verify, name="verify"),
    path("lists/", lists.lists, name="lists"),
    path("lists/export.csv", lists.lists_export_csv, name="lists_export_csv"),
]
