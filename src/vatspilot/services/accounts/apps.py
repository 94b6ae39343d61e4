from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vatspilot.services.accounts"
    label = "vatspilot_accounts"
    verbose_name = "vatspilot accounts"

    def ready(self) -> None:
        from vatspilot.services.accounts import sign_in

        sign_in.connect()
