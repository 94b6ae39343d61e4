"""The key certificates are signed with, and its certificate.

`vatspilot keys init` creates a P-256 key and a self-signed certificate for it under `var/keys/`. That is
enough for anyone holding the platform's certificate to check a licence offline; an authority replaces
both files with its own key and a certificate issued by its CA (see the README), and nothing else
changes. The key file is written readable by its owner only, and never overwritten unless asked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

KEY_FILE = "licence-signing.key.pem"
CERTIFICATE_FILE = "licence-signing.cert.pem"
# Long enough to outlive every licence it signs (five years by default) with room for renewals.
VALIDITY = timedelta(days=365 * 15)


class KeysExist(Exception):
    """A key is already there: replacing it would make every certificate signed so far unverifiable
    against the new one, so it is done only when asked (--force)."""


@dataclass(frozen=True)
class SigningKeyPaths:
    key: Path
    certificate: Path

    @classmethod
    def under(cls, directory: Path) -> SigningKeyPaths:
        return cls(directory / KEY_FILE, directory / CERTIFICATE_FILE)

    def exist(self) -> bool:
        return self.key.is_file() and self.certificate.is_file()


def init_signing_key(
    directory: Path, *, organisation: str, common_name: str, now: datetime, force: bool = False
) -> SigningKeyPaths:
    """Create the key and its self-signed certificate in ``directory``; KeysExist if either is there."""
    paths = SigningKeyPaths.under(directory)
    if not force and (paths.key.exists() or paths.certificate.exists()):
        raise KeysExist(str(directory))
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: the authority stands by what it signed
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Created with owner-only permissions from the start, not chmod-ed after being readable.
    descriptor = os.open(paths.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_pem)
    paths.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return paths


def fingerprint(certificate_pem: bytes) -> str:
    """The certificate's SHA-256 fingerprint, as people compare it (colon-separated hex)."""
    digest = x509.load_pem_x509_certificate(certificate_pem).fingerprint(hashes.SHA256())
    return ":".join(f"{byte:02X}" for byte in digest)
