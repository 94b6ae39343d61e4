"""config/static_storage.py: each start of `vatspilot serve` compresses only the static files that changed."""

from __future__ import annotations

import os
from pathlib import Path

from config.static_storage import IncrementalCompressedStaticFilesStorage

SCRIPT = b"function f() { return 'vatspilot'; }\n" * 200


def _compressed(storage: IncrementalCompressedStaticFilesStorage, names: list[str]) -> list[str]:
    return sorted(name for _, name, _ in storage.post_process(dict.fromkeys(names)))


def test_a_file_is_compressed_once_and_again_only_when_it_changes(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    script = tmp_path / "web" / "app.js"
    script.write_bytes(SCRIPT)
    storage = IncrementalCompressedStaticFilesStorage(location=str(tmp_path))

    first = _compressed(storage, ["web/app.js"])
    second = _compressed(storage, ["web/app.js"])
    os.utime(script, (1_900_000_000, 1_900_000_000))  # collectstatic copied a newer version
    third = _compressed(storage, ["web/app.js"])

    assert first == ["web/app.js.br", "web/app.js.gz"]
    assert second == []
    assert third == ["web/app.js.br", "web/app.js.gz"]
    assert storage.compressed_copy_is_current("web/app.js")
    assert not storage.compressed_copy_is_current("web/missing.js")
