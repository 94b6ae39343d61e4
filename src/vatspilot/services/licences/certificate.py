"""A licence's certificate: what it states (from the register), the signed PDF, and its verification.

Verification answers one of six verdicts. Offline, the PDF and the authority's certificate alone: a
genuine signature over well-formed data is `valid` until the validity it states ends (`expired` after).
Online, the register too: the number must be there, the signed content must be what the register states
now (a certificate from before a scope reduction or a change no longer is: the verdict says which part
differs), and the verdict is the licence's effective status (domain.licences.status: `expired` also for
a valid or suspended one past its last day).

After an approved change filing (services.licences.filings) an old certificate is `not genuine`: the
register has stated other particulars since the change's approval, whose day the reason gives. After a
renewal alone, an old certificate still states what was true (the licence, valid until the day it
names); the renewal only extended it. So it is `valid` until that day, the reason naming the renewed
validity and asking for the current certificate, and `expired` after it, as the offline check says.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from vatspilot.domain.licences.certificate import CertificateContent
from vatspilot.domain.licences.lifecycle import LicenceAction, LicenceState
from vatspilot.domain.licences.status import effective_state, validity_ended
from vatspilot.domain.shared.text import LocalizedText
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.certificate_pdf import (
    OfflineVerdict,
    check_offline,
    render_certificate,
    sign_certificate,
)
from vatspilot.services.licences.signing_key import SigningKeyPaths
from vatspilot.store.models import Licence, LicenceEvent

# The issuing authority of every pilot licence.
AUTHORITY = LocalizedText(
    "Ministry of Industry and Information Technology of the People's Republic of China", "中华人民共和国工业和信息化部"
)
SIGNING_REASON = "Licence certificate issued by the licensing authority"


class SigningKeyMissing(Exception):
    """No signing key (or no certificate) in VATSPILOT_SIGNING_KEY_DIR."""


class CertificateVerdict(enum.StrEnum):
    VALID = LicenceState.VALID.value
    SUSPENDED = LicenceState.SUSPENDED.value
    REVOKED = LicenceState.REVOKED.value
    EXPIRED = LicenceState.EXPIRED.value
    CANCELLED = LicenceState.CANCELLED.value
    NOT_GENUINE = "not genuine"


@dataclass(frozen=True)
class Verdict:
    """The answer, the number the certificate states ("" when it could not be read) and why."""

    verdict: CertificateVerdict
    number: str
    reason: str
    differences: tuple[str, ...] = ()  # online: the parts of the signed content the register no longer states


def verification_url(number: str) -> str:
    return f"{settings.VATSPILOT_PUBLIC_URL}/verify/{number}/"


def certificate_content(licence: Licence) -> CertificateContent:
    """What the licence's certificate states, as the register has it now."""
    return CertificateContent(
        number=licence.number,
        holder_name_zh=licence.holder_name_zh,
        holder_name_en=licence.holder_name_en,
        uscc=licence.uscc,
        services=licence.licensed_services(),
        conditions=licence.condition_lines(),
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
        authority_en=AUTHORITY.en,
        authority_zh=AUTHORITY.zh,
        verification_url=verification_url(licence.number),
    )


def signing_keys() -> SigningKeyPaths:
    """The configured key and certificate; SigningKeyMissing, saying what to run, when absent."""
    paths = SigningKeyPaths.under(settings.VATSPILOT_SIGNING_KEY_DIR)
    if not paths.exist():
        raise SigningKeyMissing(
            f"no licence-signing key in {settings.VATSPILOT_SIGNING_KEY_DIR}: run `vatspilot keys init` first"
        )
    return paths


def signed_certificate(licence: Licence) -> bytes:
    """The certificate as a signed PDF, made from the register as it stands."""
    keys = signing_keys()
    return sign_certificate(render_certificate(certificate_content(licence)), keys, reason=SIGNING_REASON)


def verify_certificate(pdf: bytes, *, offline: bool, today: date | None = None) -> Verdict:
    """The verdict on ``pdf`` (see the module's docstring); ``today`` defaults to the date in China."""
    trusted = signing_keys().certificate.read_bytes()
    check = check_offline(pdf, trusted)
    if check.verdict is not OfflineVerdict.GENUINE or check.content is None:
        return Verdict(
            CertificateVerdict.NOT_GENUINE, "", _("the signature does not hold (%(code)s)") % {"code": check.reason}
        )
    signed = check.content
    day = legal_today() if today is None else today
    if offline:
        if validity_ended(signed.valid_until, day):
            reason = _("genuine, but its validity ended on %(day)s (the register was not consulted)")
            return Verdict(CertificateVerdict.EXPIRED, signed.number, reason % {"day": signed.valid_until.isoformat()})
        reason = _("genuine signature, valid until %(day)s (the register was not consulted)")
        return Verdict(CertificateVerdict.VALID, signed.number, reason % {"day": signed.valid_until.isoformat()})
    licence = Licence.objects.filter(number=signed.number).first()
    if licence is None:
        return Verdict(CertificateVerdict.NOT_GENUINE, signed.number, _("no licence with this number in the register"))
    differences = _differences(signed, certificate_content(licence))
    status = CertificateVerdict(effective_state(LicenceState(licence.status), licence.valid_until, day).value)
    if differences == ("validity",) and status is CertificateVerdict.VALID and _renewed_from(licence, signed):
        return _renewed_verdict(signed, licence, day)
    since = _changed_on(licence) if differences and status is CertificateVerdict.VALID else None
    if since is not None:
        reason = _("the register has stated other %(parts)s since %(day)s: ask the holder for the current certificate")
        return Verdict(
            CertificateVerdict.NOT_GENUINE,
            signed.number,
            reason % {"parts": _parts(differences), "day": since.isoformat()},
            differences,
        )
    if differences and status is CertificateVerdict.VALID:
        # A genuine but superseded certificate (say, one listing a service removed since) must not pass
        # for the licence as it stands.
        reason = _("the register no longer states this certificate's %(parts)s: ask the holder for the current one")
        return Verdict(
            CertificateVerdict.NOT_GENUINE, signed.number, reason % {"parts": _parts(differences)}, differences
        )
    reasons = {
        CertificateVerdict.VALID: _("in the register, valid until %(day)s"),
        CertificateVerdict.SUSPENDED: _("the licence is suspended"),
        CertificateVerdict.REVOKED: _("the licence was revoked"),
        CertificateVerdict.CANCELLED: _("the licence was cancelled"),
        CertificateVerdict.EXPIRED: _("the licence's validity ended on %(day)s"),
    }
    # A mapping fills the placeholders a message has and ignores the others.
    reason = reasons[status] % {"day": licence.valid_until.isoformat()}
    if differences:
        reason = _("%(reason)s; the certificate's %(parts)s no longer match the register") % {
            "reason": reason,
            "parts": _parts(differences),
        }
    return Verdict(status, signed.number, reason, differences)


# The parts compared and the names a verdict gives them. The verification URL is left out: it is where
# the platform is reached, which may move, not something the licence states.
_PARTS: dict[str, str] = {
    "number": "number",
    "holder_name_zh": "holder",
    "holder_name_en": "holder",
    "uscc": "holder",
    "services": "services",
    "conditions": "conditions",
    "issued_on": "validity",
    "valid_until": "validity",
    "authority_en": "authority",
    "authority_zh": "authority",
}


# What the verdict calls each part, in the reader's language.
_PART_NAMES = {
    "number": pgettext_lazy("certificate part", "number"),
    "holder": pgettext_lazy("certificate part", "holder"),
    "services": pgettext_lazy("certificate part", "services"),
    "conditions": pgettext_lazy("certificate part", "conditions"),
    "validity": pgettext_lazy("certificate part", "validity"),
    "authority": pgettext_lazy("certificate part", "authority"),
}


def _parts(differences: tuple[str, ...]) -> str:
    return pgettext("certificate part", ", ").join(str(_PART_NAMES[part]) for part in differences)


def _differences(signed: CertificateContent, register: CertificateContent) -> tuple[str, ...]:
    parts: list[str] = []
    for field in fields(CertificateContent):
        part = _PARTS.get(field.name)
        if part and part not in parts and getattr(signed, field.name) != getattr(register, field.name):
            parts.append(part)
    return tuple(parts)


# The licence's history actions these verdicts read (services.licences.filings writes them through the
# licence's table: approve_change and renew).
_APPROVE_CHANGE = LicenceAction.APPROVE_CHANGE.value
_RENEW = LicenceAction.RENEW.value


def _renewed_from(licence: Licence, signed: CertificateContent) -> bool:
    """Whether the certificate states the licence as issued, with a last valid day a renewal moved on."""
    if signed.issued_on != licence.issued_on or signed.valid_until >= licence.valid_until:
        return False
    renewals = LicenceEvent.objects.filter(licence=licence, action=_RENEW).values_list("details", flat=True)
    return any(
        isinstance(details, dict) and details.get("valid_until_before") == signed.valid_until.isoformat()
        for details in renewals
    )


def _renewed_verdict(signed: CertificateContent, licence: Licence, day: date) -> Verdict:
    days = {"day": signed.valid_until.isoformat(), "renewed": licence.valid_until.isoformat()}
    if validity_ended(signed.valid_until, day):
        reason = _(
            "this certificate's validity ended on %(day)s; the licence was renewed until %(renewed)s: ask the "
            "holder for the current certificate"
        )
        return Verdict(CertificateVerdict.EXPIRED, signed.number, reason % days, ("validity",))
    reason = _(
        "in the register, renewed until %(renewed)s; this certificate states the validity before the renewal "
        "(until %(day)s): download the current certificate"
    )
    return Verdict(CertificateVerdict.VALID, signed.number, reason % days, ("validity",))


def _changed_on(licence: Licence) -> date | None:
    """The day of the licence's latest approved change, if it has one."""
    return (
        LicenceEvent.objects.filter(licence=licence, action=_APPROVE_CHANGE)
        .order_by("-on", "-id")
        .values_list("on", flat=True)
        .first()
    )
