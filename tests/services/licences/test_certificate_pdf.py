"""The signed certificate: rendered, signed with a key made by `keys init`, and checked offline; any change
to a signed byte, another signer, or bytes added after signing make it not genuine."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.domain.licences.test_certificate_content import CONTENT
from vatspilot.services.licences.certificate_pdf import (
    OfflineVerdict,
    check_offline,
    render_certificate,
    sign_certificate,
)
from vatspilot.services.licences.signing_key import KeysExist, SigningKeyPaths, fingerprint, init_signing_key

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> SigningKeyPaths:
    return init_signing_key(
        tmp_path_factory.mktemp("keys"), organisation="vatspilot", common_name="licence signing (test)", now=NOW
    )


@pytest.fixture(scope="module")
def signed(keys: SigningKeyPaths) -> bytes:
    return sign_certificate(render_certificate(CONTENT), keys, reason="licence issued")


def test_a_signed_certificate_is_genuine_and_states_its_content(keys: SigningKeyPaths, signed: bytes) -> None:
    check = check_offline(signed, keys.certificate.read_bytes())
    assert (check.verdict, check.reason, check.content) == (OfflineVerdict.GENUINE, "signature-valid", CONTENT)


def test_the_pdf_embeds_the_chinese_font(signed: bytes) -> None:
    reader = PdfFileReader(BytesIO(signed))
    fonts = reader.root["/Pages"]["/Kids"][0]["/Resources"]["/Font"]
    names = sorted(str(fonts[key]["/BaseFont"]).split("+", 1)[1] for key in fonts)
    assert names == ["WenQuanYi-Micro-Hei", "WenQuanYi-Micro-Hei-Bold"]


def test_one_flipped_byte_is_not_genuine(keys: SigningKeyPaths, signed: bytes) -> None:
    # A byte inside the signed page content, not the signature's own hex.
    flipped = bytearray(signed)
    flipped[len(signed) // 4] ^= 0x01
    check = check_offline(bytes(flipped), keys.certificate.read_bytes())
    assert check.verdict is OfflineVerdict.NOT_GENUINE
    assert check.content is None


def test_unsigned_is_not_genuine(keys: SigningKeyPaths) -> None:
    check = check_offline(render_certificate(CONTENT), keys.certificate.read_bytes())
    assert (check.verdict, check.reason) == (OfflineVerdict.NOT_GENUINE, "no-signature")


def test_another_signer_is_not_genuine(tmp_path: Path, signed: bytes) -> None:
    other = init_signing_key(tmp_path, organisation="someone else", common_name="not the authority", now=NOW)
    check = check_offline(signed, other.certificate.read_bytes())
    assert (check.verdict, check.reason) == (OfflineVerdict.NOT_GENUINE, "signer-not-trusted")


def test_bytes_added_after_signing_are_not_genuine(keys: SigningKeyPaths, signed: bytes) -> None:
    # An incremental update after the signature: the signed revision is intact, the file is not it.
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.root["/Lang"] = generic.pdf_string("en")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    check = check_offline(out.getvalue(), keys.certificate.read_bytes())
    assert (check.verdict, check.reason) == (OfflineVerdict.NOT_GENUINE, "changed-after-signing")


def test_not_a_pdf_is_not_genuine(keys: SigningKeyPaths) -> None:
    check = check_offline(b"%PDF-1.7\nnot really", keys.certificate.read_bytes())
    assert (check.verdict, check.reason) == (OfflineVerdict.NOT_GENUINE, "unreadable-pdf")


def test_keys_init_writes_an_owner_only_key_and_never_overwrites(tmp_path: Path) -> None:
    paths = init_signing_key(tmp_path, organisation="vatspilot", common_name="x", now=NOW)
    assert stat.S_IMODE(paths.key.stat().st_mode) == 0o600
    before = paths.key.read_bytes()
    with pytest.raises(KeysExist):
        init_signing_key(tmp_path, organisation="vatspilot", common_name="x", now=NOW)
    assert paths.key.read_bytes() == before
    replaced = init_signing_key(tmp_path, organisation="vatspilot", common_name="x", now=NOW, force=True)
    assert replaced.key.read_bytes() != before
    assert len(fingerprint(replaced.certificate.read_bytes()).split(":")) == 32
