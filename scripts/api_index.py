"""Write the index of every API operation into docs/api.md (between its markers), from the OpenAPI
document: `.venv/bin/python scripts/api_index.py`. tests/api/test_api_docs.py checks it is current."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from vatspilot.api.api import api
    from vatspilot.api.operation_index import with_index

    docs = ROOT / "docs" / "api.md"
    docs.write_text(with_index(docs.read_text(encoding="utf-8"), api.get_openapi_schema()), encoding="utf-8")
    print(f"wrote the operations' index into {docs.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
