from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreConfig(AppConfig):
    name = "vatspilot.store"
    label = "store"
    verbose_name = _("Pilot records")
    default_auto_field = "django.db.models.BigAutoField"
