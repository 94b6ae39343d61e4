"""The licence certificate as a signed PDF, and its offline check.

The PDF is rendered by WeasyPrint from `certificate.html` (bilingual, A4, the CJK glyphs from Debian's
fonts-wqy-microhei), carries a QR code of its verification URL (segno) and the canonical JSON of what it
states as the attachment `licence.json`, and is signed PAdES (pyHanko) with the platform's key. The
signature covers the attachment, so the offline check can trust the JSON it reads back: a reader needs
the PDF and the authority's certificate, nothing else.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from io import BytesIO
from typing import Any

import segno
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.template import Context, Engine
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError, ValidationInfoReadingError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML, Attachment

from vatspilot.domain.licences.certificate import CertificateContent, MalformedCertificate, from_json
from vatspilot.services.licences.signing_key import SigningKeyPaths

ATTACHMENT_NAME = "licence.json"
SIGNATURE_FIELD = "LicenceSignature"


def render_certificate(content: CertificateContent) -> bytes:
    """The unsigned PDF: the page people read, with the signed data attached."""
    template = Engine(autoescape=True).from_string(
        resources.files("vatspilot.services.licences").joinpath("certificate.html").read_text(encoding="utf-8")
    )
    qr = segno.make(content.verification_url, error="m")
    html = template.render(Context({"c": content, "qr": qr.svg_data_uri(scale=4, border=2)}, autoescape=True))
    attachment = Attachment(
        string=content.to_json(), name=ATTACHMENT_NAME, description="vatspilot licence certificate data"
    )
    pdf: bytes = HTML(string=html).write_pdf(attachments=[attachment], pdf_identifier=content.number.encode())
    return pdf


def sign_certificate(pdf: bytes, keys: SigningKeyPaths, *, reason: str) -> bytes:
    """The PDF signed PAdES baseline B with the platform's key."""
    # pyHanko's loader has no annotations; it returns a SimpleSigner or None.
    signer = signers.SimpleSigner.load(str(keys.key), str(keys.certificate))  # type: ignore[no-untyped-call]
    if signer is None:
        raise ValueError(f"cannot load the signing key from {keys.key}")
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason
    )
    out = BytesIO()
    signers.PdfSigner(metadata, signer=signer).sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), output=out)
    return out.getvalue()


class OfflineVerdict(enum.StrEnum):
    GENUINE = "genuine"
    NOT_GENUINE = "not genuine"


@dataclass(frozen=True)
class OfflineCheck:
    """What the PDF alone proves: signed by the holder of the trusted key, unchanged since, and the
    content it states. `reason` says why not, in a stable code."""

    verdict: OfflineVerdict
    reason: str
    content: CertificateContent | None = None


def check_offline(pdf: bytes, trusted_certificate_pem: bytes) -> OfflineCheck:
    """Check the signature against the trusted certificate and read the signed content."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return _not_genuine("unreadable-pdf")
    if len(signatures) != 1:
        return _not_genuine("no-signature" if not signatures else "several-signatures")
    trust = ValidationContext(trust_roots=[_certificate(trusted_certificate_pem)])
    try:
        with _pyhanko_quiet():
            status = validate_pdf_signature(signatures[0], signer_validation_context=trust)
    except (SignatureValidationError, ValidationInfoReadingError, PdfReadError, ValueError, KeyError, TypeError):
        return _not_genuine("signature-invalid")
    if not status.intact or not status.valid:
        return _not_genuine("signature-invalid")
    if not status.trusted:
        return _not_genuine("signer-not-trusted")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        # Bytes added after the signature (an incremental update) are not what the authority signed.
        return _not_genuine("changed-after-signing")
    data = _attachment(reader)
    if data is None:
        return _not_genuine("no-certificate-data")
    try:
        content = from_json(data.decode("utf-8"))
    except (UnicodeDecodeError, MalformedCertificate):
        return _not_genuine("certificate-data-malformed")
    return OfflineCheck(OfflineVerdict.GENUINE, "signature-valid", content)


@contextmanager
def _pyhanko_quiet() -> Iterator[None]:
    """pyHanko logs a traceback for every signer it cannot trust; here that is an answer, not an error."""
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _not_genuine(reason: str) -> OfflineCheck:
    return OfflineCheck(OfflineVerdict.NOT_GENUINE, reason)


def _certificate(pem: bytes) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def _attachment(reader: PdfFileReader) -> bytes | None:
    """The `licence.json` attachment's bytes from the document's embedded-file name tree."""
    try:
        names: Any = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names), 2):
            if str(names[i]) == ATTACHMENT_NAME:
                data: bytes = names[i + 1]["/EF"]["/F"].data
                return data
    except (KeyError, TypeError, IndexError, PdfReadError):
        return None
    return None
