"""Accounts: staff accounts, their roles and jurisdictions (staff.py), and the audit of sign-ins,
sign-outs and lockouts (sign_in.py). Installed as a Django app so that sign_in's receivers are
connected at start-up, whatever entry point signs someone in (the site, the Django admin, a test)."""
