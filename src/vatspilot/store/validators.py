"""Field validators for the codes an enterprise's registration carries (GB 32100-2015, GB/T 2260)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

ZONES = ("shanghai-lingang", "ftz")

validate_division_code = RegexValidator(
    r"^[1-9][0-9]{5}\Z",
    _("A division code is six digits (GB/T 2260), such as 110105."),
    code="invalid_division_code",
)

validate_province_code = RegexValidator(
    r"^[1-9][0-9]0000\Z",
    _("A province-level division code is two digits followed by 0000, such as 110000."),
    code="invalid_province_code",
)


def province_code(division_code: str) -> str:
    """The province-level code a GB/T 2260 code falls under: 110105 -> 110000."""
    validate_division_code(division_code)
    return division_code[:2] + "0000"


def normalise_uscc(value: str) -> str:
    """The code as stored: upper case, without spaces or dashes."""
    return uscc.compact(value)


def validate_uscc(value: str) -> None:
    """A Unified Social Credit Code (GB 32100-2015): 18 characters whose last is a valid check digit."""
    try:
        uscc.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("A USCC has 18 characters."), code="invalid_uscc_length") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The USCC's check digit is wrong: please check the code."), code="invalid_uscc_checksum"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("A USCC is made of digits and upper-case letters other than I, O, S, V and Z."),
            code="invalid_uscc_format",
        ) from None


def validate_zones(value: Any) -> None:
    if not isinstance(value, list) or len(set(value)) != len(value) or not set(value) <= set(ZONES):
        raise ValidationError(_("Zones are a list without repeats of: shanghai-lingang, ftz."), code="invalid_zones")
