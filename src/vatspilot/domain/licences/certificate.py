"""What a licence certificate states, and its canonical JSON.

The same JSON is embedded in the signed PDF (as the attachment `licence.json`) and compared with the
register when a certificate is verified online, so it must be one exact spelling: keys sorted, no
insignificant whitespace, UTF-8 (Chinese names as written), dates ISO 8601. `from_json` reads only that
shape and refuses anything else, naming the place: a certificate that does not parse is not genuine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

# The schema written into every certificate's JSON: a reader knows which shape it holds.
CERTIFICATE_SCHEMA = "vatspilot/licence-certificate/v1"


class MalformedCertificate(ValueError):
    """The certificate's JSON is not exactly what a certificate states; `pointer` names the first fault."""

    def __init__(self, pointer: str) -> None:
        super().__init__(pointer)
        self.pointer = pointer


@dataclass(frozen=True)
class LicensedService:
    """One licensed service: its catalogue code and names, and the areas it may be operated in."""

    code: str
    name_en: str
    name_zh: str
    areas_en: tuple[str, ...]
    areas_zh: tuple[str, ...]


@dataclass(frozen=True)
class CertificateContent:
    """Everything the certificate states; nothing else is signed."""

    number: str
    holder_name_zh: str
    holder_name_en: str
    uscc: str
    services: tuple[LicensedService, ...]
    conditions: tuple[str, ...]
    issued_on: date
    valid_until: date
    authority_en: str
    authority_zh: str
    verification_url: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": CERTIFICATE_SCHEMA,
            "number": self.number,
            "holder": {"name_zh": self.holder_name_zh, "name_en": self.holder_name_en, "uscc": self.uscc},
            "services": [
                {
                    "code": s.code,
                    "name_en": s.name_en,
                    "name_zh": s.name_zh,
                    "areas_en": list(s.areas_en),
                    "areas_zh": list(s.areas_zh),
                }
                for s in self.services
            ],
            "conditions": list(self.conditions),
            "issued_on": self.issued_on.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "authority": {"en": self.authority_en, "zh": self.authority_zh},
            "verification_url": self.verification_url,
        }

    def to_json(self) -> str:
        return canonical_json(self.as_dict())


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def from_json(text: str) -> CertificateContent:
    """The content a certificate's JSON states; MalformedCertificate (with the pointer of the first
    fault) for anything that is not exactly the shape `to_json` writes."""
    try:
        data = json.loads(text)
    except ValueError:
        raise MalformedCertificate("") from None
    reader = _Reader(data)
    content = CertificateContent(
        number=reader.text("/number"),
        holder_name_zh=reader.text("/holder/name_zh"),
        holder_name_en=reader.text("/holder/name_en"),
        uscc=reader.text("/holder/uscc"),
        services=tuple(
            LicensedService(
                code=reader.text(f"/services/{i}/code"),
                name_en=reader.text(f"/services/{i}/name_en"),
                name_zh=reader.text(f"/services/{i}/name_zh"),
                areas_en=tuple(reader.texts(f"/services/{i}/areas_en")),
                areas_zh=tuple(reader.texts(f"/services/{i}/areas_zh")),
            )
            for i in range(len(reader.items("/services")))
        ),
        conditions=tuple(reader.texts("/conditions")),
        issued_on=reader.day("/issued_on"),
        valid_until=reader.day("/valid_until"),
        authority_en=reader.text("/authority/en"),
        authority_zh=reader.text("/authority/zh"),
        verification_url=reader.text("/verification_url"),
    )
    if reader.text("/schema") != CERTIFICATE_SCHEMA or content.to_json() != text:
        # Another schema, a key a certificate does not have, or another spelling of the same content:
        # not what `to_json` writes, so not what was signed.
        raise MalformedCertificate("")
    return content


class _Reader:
    def __init__(self, data: Any) -> None:
        self.data = data

    def _at(self, pointer: str) -> Any:
        value = self.data
        for part in pointer.strip("/").split("/"):
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                raise MalformedCertificate(pointer)
        return value

    def text(self, pointer: str) -> str:
        value = self._at(pointer)
        if not isinstance(value, str):
            raise MalformedCertificate(pointer)
        return value

    def items(self, pointer: str) -> list[Any]:
        value = self._at(pointer)
        if not isinstance(value, list):
            raise MalformedCertificate(pointer)
        return value

    def texts(self, pointer: str) -> list[str]:
        return [self.text(f"{pointer}/{i}") for i in range(len(self.items(pointer)))]

    def day(self, pointer: str) -> date:
        try:
            return date.fromisoformat(self.text(pointer))
        except ValueError:
            raise MalformedCertificate(pointer) from None
