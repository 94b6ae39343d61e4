"""The certificate's canonical JSON: one spelling, read back exactly, anything else refused."""

from __future__ import annotations

import json
from datetime import date

import pytest

from vatspilot.domain.licences.certificate import (
    CERTIFICATE_SCHEMA,
    CertificateContent,
    LicensedService,
    MalformedCertificate,
    from_json,
)

CONTENT = CertificateContent(
    number="B1.B2-20250007",
    holder_name_zh="北京示例科技有限公司",
    holder_name_en="Example Tech (Beijing) Co., Ltd.",
    uscc="91110000MA01ABCD1X",
    services=(
        LicensedService("B11", "Internet data centre services", "互联网数据中心业务", ("Beijing",), ("北京市",)),
        LicensedService("B21", "Online data processing", "在线数据处理与交易处理业务", ("Nationwide",), ("全国",)),
    ),
    conditions=("Personal information stays in mainland China.",),
    issued_on=date(2026, 12, 1),
    valid_until=date(2031, 11, 30),
    authority_en="Ministry of Industry and Information Technology",
    authority_zh="中华人民共和国工业和信息化部",
    verification_url="https://vatspilot.example/register/B1.B2-20250007",
)


def test_round_trip() -> None:
    assert from_json(CONTENT.to_json()) == CONTENT


def test_the_spelling_is_canonical() -> None:
    text = CONTENT.to_json()
    assert text.startswith(
        '{"authority":{"en":"Ministry of Industry and Information Technology","zh":"中华人民共和国工业和信息化部"},'
        '"conditions":["Personal information stays in mainland China."],"holder":{"name_en":'
    )
    assert text.endswith(
        f'"schema":"{CERTIFICATE_SCHEMA}","services":[{{"areas_en":["Beijing"],"areas_zh":["北京市"],"code":"B11",'
        '"name_en":"Internet data centre services","name_zh":"互联网数据中心业务"},{"areas_en":["Nationwide"],'
        '"areas_zh":["全国"],"code":"B21","name_en":"Online data processing","name_zh":"在线数据处理与交易处理业务"}],'
        '"valid_until":"2031-11-30","verification_url":"https://vatspilot.example/register/B1.B2-20250007"}'
    )


@pytest.mark.parametrize(
    ("mutate", "pointer"),
    [
        (lambda d: d.pop("number"), "/number"),
        (lambda d: d["holder"].update(uscc=91110000), "/holder/uscc"),
        (lambda d: d["services"][1].update(areas_zh="全国"), "/services/1/areas_zh"),
        (lambda d: d.update(issued_on="2026-13-01"), "/issued_on"),
        (lambda d: d.update(schema="vatspilot/licence-certificate/v0"), ""),
        (lambda d: d.update(extra="x"), ""),
    ],
)
def test_anything_else_is_refused_naming_the_place(mutate: object, pointer: str) -> None:
    data = json.loads(CONTENT.to_json())
    mutate(data)  # type: ignore[operator]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with pytest.raises(MalformedCertificate) as refused:
        from_json(text)
    assert refused.value.pointer == pointer


def test_another_spelling_of_the_same_content_is_refused() -> None:
    spaced = json.dumps(json.loads(CONTENT.to_json()), ensure_ascii=False, sort_keys=True, indent=1)
    with pytest.raises(MalformedCertificate):
        from_json(spaced)
