"""The pages' URLs (included at the site root)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from vatspilot.web.views import (
    accounts,
    actions,
    api_tokens,
    application,
    applications,
    confirmations,
    documents,
    dossier,
    eligibility,
    findings,
    guide,
    home,
    inbox,
    inspections,
    language,
    licence_filings,
    licence_oversight,
    licences,
    lists,
    network_exits,
    queue,
    register,
    reports,
    rules,
    staff,
    statistics,
    supervision,
    track,
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
    # Accounts people can get (web.views.accounts): self-registration and the address's confirmation, the
    # password reset, and the members page with its invitations.
    path("accounts/register/", accounts.register, name="account_register"),
    path("accounts/verify/resend/", accounts.resend_verification, name="resend_verification"),
    path("accounts/verify/<str:token>/", accounts.verify_email, name="verify_email"),
    path("accounts/password-reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("accounts/reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("accounts/members/", accounts.members, name="members"),
    path("accounts/organisations/<int:organisation_id>/invite/", accounts.invite, name="invite"),
    path(
        "accounts/organisations/<int:organisation_id>/invitations/<int:invitation_id>/revoke/",
        accounts.revoke,
        name="invitation_revoke",
    ),
    path("accounts/invitations/<str:token>/", accounts.accept_invitation, name="invitation_accept"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.application_create, name="application_create"),
    path("applications/<int:application_id>/", application.application_page, name="application"),
    path("applications/<int:application_id>/dossier/", dossier.dossier, name="dossier"),
    path("applications/<int:application_id>/documents/", documents.upload, name="upload"),
    # Asking before what cannot be undone (web.views.confirmations).
    path("applications/<int:application_id>/withdraw/", confirmations.withdraw_confirm, name="withdraw_confirm"),
    path("applications/<int:application_id>/delete/", confirmations.delete_draft, name="delete_draft"),
    path(
        "applications/<int:application_id>/actions/<slug:action>/",
        actions.take_action,
        name="action",
    ),
    path("documents/<int:version_id>/download/", documents.download, name="download"),
    path("licences/", licence_oversight.licence_overview, name="licences"),
    path("licences/<str:number>/", licences.licence_page, name="licence"),
    path("licences/<str:number>/certificate.pdf", licences.certificate, name="licence_certificate"),
    path("licences/<str:number>/actions/<slug:action>/", licences.licence_action, name="licence_action"),
    # The holder's change filings and renewals, and the decisions on them (web.views.licence_filings).
    path("licences/<str:number>/filings/change/", licence_filings.change_page, name="filing_change"),
    path("licences/<str:number>/filings/renewal/", licence_filings.renewal_page, name="filing_renewal"),
    path("licences/<str:number>/filings/<int:filing_id>/", licence_filings.filing_page, name="filing"),
    path(
        "licences/<str:number>/filings/<int:filing_id>/<slug:action>/",
        licence_filings.filing_action,
        name="filing_action",
    ),
    # The orderly network exit after a revocation or cancellation: its page, its steps, the supervisors' list.
    path("licences/<str:number>/exit/", network_exits.exit_page, name="exit"),
    path("licences/<str:number>/exit/<slug:action>/", network_exits.exit_action, name="exit_action"),
    path("exits/", network_exits.exit_list, name="exits"),
    path("exits/export.<str:extension>", network_exits.exit_list_export, name="exits_export"),
    # The quarterly reports (web.views.reports): a licence's obligations calendar, a report's page, its
    # forms, its uploads and their progress partial (polled by htmx), and its lifecycle actions.
    path("licences/<str:number>/reports/", reports.obligations_page, name="licence_reports"),
    path(
        "licences/<str:number>/reports/export.<str:extension>",
        reports.obligations_export,
        name="licence_reports_export",
    ),
    path("licences/<str:number>/reports/open/", reports.open_report_action, name="report_open"),
    path("reports/<int:report_id>/", reports.report_detail, name="report"),
    path("reports/<int:report_id>/data/", reports.report_data, name="report_data"),
    path("reports/<int:report_id>/uploads/<slug:part>/", reports.report_upload, name="report_upload"),
    path("reports/<int:report_id>/runs/<str:run_id>/progress", reports.run_progress, name="report_run_progress"),
    path("reports/<int:report_id>/actions/<slug:action>/", reports.report_action, name="report_action"),
    # Findings and the escalation ladder (issue 10): the list, a finding's page, its actions, its evidence.
    path("findings/", findings.finding_list_page, name="findings"),
    path("findings/export.<str:extension>", findings.finding_export, name="findings_export"),
    path("findings/<int:finding_id>/", findings.finding_page, name="finding"),
    path("findings/<int:finding_id>/evidence/<int:evidence_id>/", findings.evidence_download, name="finding_evidence"),
    path("findings/<int:finding_id>/<slug:action>/", findings.finding_action, name="finding_action"),
    # Random inspections: the supervisors' and inspectors' page, each draw's public page, the team's page.
    path("inspections/", inspections.inspections_page, name="inspections"),
    path("inspections/draws/<int:draw_id>/", inspections.draw_page, name="draw"),
    path("inspections/<int:inspection_id>/", inspections.inspection_page, name="inspection"),
    path("inspections/<int:inspection_id>/record/", inspections.inspection_record, name="inspection_record"),
    path("queue/", queue.queue, name="queue"),
    # The signed-in user's personal API tokens (made here only; listed and revoked through the API too).
    path("accounts/tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
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
    path("register/export.xlsx", register.register_export_xlsx, name="register_export_xlsx"),
    path("register/<str:number>/", register.register_licence, name="register_licence"),
    path("verify/<str:number>/", register.verify, name="verify"),
    path("lists/", lists.lists, name="lists"),
    path("lists/export.csv", lists.lists_export_csv, name="lists_export_csv"),
    path("lists/export.xlsx", lists.lists_export_xlsx, name="lists_export_xlsx"),
    # The supervisors' dashboard (MIIT reviewers, local officers) and its exports.
    path("supervision/", supervision.dashboard, name="supervision"),
    path("supervision/export/<slug:name>.<str:extension>", supervision.dashboard_export, name="supervision_export"),
    # The public tracker (no sign-in): an application's stage by its tracking number.
    path("track/", track.track_search, name="track"),
    path("track/<str:number>/", track.track_application, name="track_application"),
    # The public statistics (no sign-in): charts with their tables, each table as CSV and XLSX, the page as a PDF.
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/export/<slug:name>.<str:extension>", statistics.statistics_export_view, name="statistics_export"),
    path("statistics.pdf", statistics.statistics_pdf, name="statistics_pdf"),
    # The public service guide and the rulebook's pages (no sign-in); rule ids look like `cap:notice-107`.
    path("guide/", guide.guide, name="guide"),
    path("rules/", rules.rules_in_force, name="rules"),
    path("rules/diff/", rules.rules_diff, name="rules_diff"),
    path("rules/<str:rule_id>/", rules.rule_page, name="rule"),
    # The public eligibility check (no sign-in; web.views.eligibility): the steps and the determination,
    # the place lists htmx swaps in, the PDF of the same answers, and starting an application from them.
    path("eligibility/", eligibility.eligibility, name="eligibility"),
    path("eligibility/places/", eligibility.places, name="eligibility_places"),
    path("eligibility/result.pdf", eligibility.result_pdf, name="eligibility_pdf"),
    path("eligibility/apply/", eligibility.apply, name="eligibility_apply"),
]
