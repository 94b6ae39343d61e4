"""Province-level administrative divisions, the unit a local Communications Administration covers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vatspilot.store.validators import validate_province_code


class Jurisdiction(models.Model):
    """A province, autonomous region or municipality (GB/T 2260 code ending in 0000).

    The 31 mainland province-level divisions are loaded by migration 0002.
    """

    code = models.CharField(_("division code"), max_length=6, unique=True, validators=[validate_province_code])
    name_en = models.CharField(_("name in English"), max_length=100)
    name_zh = models.CharField(_("name in Chinese"), max_length=100)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en
