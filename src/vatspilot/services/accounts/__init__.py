"""Accounts: staff accounts, their roles and jurisdictions (staff.py), and the audit of sign-ins,
sign-outs and lockouts (sign_in.py); an enterprise's self-registration, the confirmation of its first
user's address and the password reset (registration.py), membership invitations (invitations.py), their
signed links (links.py) and e-mails (mail.py): docs/accounts.md. Installed as a Django app so that
sign_in's receivers are connected at start-up, whatever entry point signs someone in (the site, the
Django admin, a test)."""
