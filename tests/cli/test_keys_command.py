"""`vatspilot keys init`: the key and certificate under the configured folder, never overwritten silently."""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner

from vatspilot.cli.main import cli
from vatspilot.services.licences.signing_key import SigningKeyPaths, fingerprint


def test_keys_init_creates_then_refuses_then_replaces_on_force(settings: object, tmp_path: Path) -> None:
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path / "keys"  # type: ignore[attr-defined]
    paths = SigningKeyPaths.under(tmp_path / "keys")
    runner = CliRunner()

    first = runner.invoke(cli, ["keys", "init"])
    assert first.exit_code == 0, first.output
    assert stat.S_IMODE(paths.key.stat().st_mode) == 0o600
    assert first.output.splitlines() == [
        f"key: {paths.key}",
        f"certificate: {paths.certificate}",
        f"SHA-256 fingerprint: {fingerprint(paths.certificate.read_bytes())}",
    ]
    key = paths.key.read_bytes()

    again = runner.invoke(cli, ["keys", "init"])
    assert again.exit_code == 2
    assert again.stderr == f"keys: a signing key is already in {tmp_path / 'keys'}; --force replaces it\n"
    assert paths.key.read_bytes() == key

    forced = runner.invoke(cli, ["keys", "init", "--force"])
    assert forced.exit_code == 0
    assert paths.key.read_bytes() != key
