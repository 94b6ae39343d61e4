"""docs/api.md lists every operation of the API as the OpenAPI document has it (its "Every operation"
index, written by scripts/api_index.py): an operation added, renamed or removed without it fails here."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from vatspilot.api.api import api
from vatspilot.api.operation_index import END, START, operation_index, operation_rows


def test_the_docs_list_every_operation_as_the_api_has_it() -> None:
    document = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text(encoding="utf-8")
    written = document[document.index(START) : document.index(END) + len(END)]

    # When this fails: .venv/bin/python scripts/api_index.py, and describe the new operation in its section.
    assert written == operation_index(api.get_openapi_schema())


def test_the_index_names_each_operation_once_with_its_summary_and_sign_in() -> None:
    rows = operation_rows(api.get_openapi_schema())

    assert len({(method, path) for _tag, method, path, _summary, _public in rows}) == len(rows)
    assert all(summary for _tag, _method, _path, summary, _public in rows)
    public = {(method, path) for _tag, method, path, _summary, is_public in rows if is_public}
    assert ("GET", "/api/v1/register") in public
    assert ("POST", "/api/v1/eligibility") in public
    assert ("GET", "/api/v1/applications") not in public
