"""WhiteNoise's compressed static files storage, compressing only what changed.

`vatspilot serve` runs collectstatic on every start, and WhiteNoise compresses every static file again
each time (Brotli and gzip at their highest levels): on a busy machine that kept Gunicorn from listening
for minutes. Its compressor gives each compressed copy the mtime of its source, and collectstatic copies
only files that changed, so a copy with the source's mtime is current and the file is skipped.
"""

from __future__ import annotations

import os
from typing import Any

from whitenoise.storage import CompressedStaticFilesStorage


class IncrementalCompressedStaticFilesStorage(CompressedStaticFilesStorage):  # type: ignore[misc]
    def post_process(self, paths: dict[str, Any], dry_run: bool = False, **options: Any) -> Any:
        stale = {path: value for path, value in paths.items() if not self.compressed_copy_is_current(path)}
        return super().post_process(stale, dry_run=dry_run, **options)

    def compressed_copy_is_current(self, path: str) -> bool:
        full = self.path(path)
        try:
            mtime = os.stat(full).st_mtime
        except OSError:
            return False
        for suffix in (".br", ".gz"):
            try:
                if os.stat(full + suffix).st_mtime == mtime:
                    return True
            except OSError:
                continue
        return False
