"""File an application under the VATS foreign-investment pilot through the vatspilot API, as a law
firm's system would: check eligibility, open a draft, fill the dossier, upload the documents the
checklist asks for, submit, and print the tracking number.

Usage:

    export VATSPILOT_URL=https://vatspilot.example.cn      # or --base-url
    export VATSPILOT_TOKEN=vp_...                          # or --token: a *write* token of a member
    python examples/api/file_application.py --profile client.json --documents ./client-documents/

  --profile    the enterprise's profile, contract vatspilot/profile/v1 (what `vatspilot check` reads);
               its shareholders, services, service_area and dishonest_list become the dossier
  --documents  a folder holding one file per document kind, named after the kind:
               business-licence.pdf, articles-of-association.pdf, network-topology-domestic.png, ...
  --organisation  the applying organisation's id, when the token's user belongs to several

Exit status: 0 when the application was submitted; 1 when the platform refused something (the problem
it gave is printed; nothing further is sent); 2 for bad arguments or files.

Every write carries an Idempotency-Key: if the connection drops, or the platform asks us to slow down
(429) or wait (409 while the same request is still being answered), the same request is sent again with
the same key, and the platform acts on it once. Only httpx is needed (pip install httpx).
See docs/api.md for the API itself.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

RETRIES = 4  # attempts per request, beyond the first, for answers a retry may change
RETRY_STATUSES = {409, 429, 502, 503, 504}
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class Refused(Exception):
    """The platform said no: its problem details (RFC 9457) say why and, often, which field."""

    def __init__(self, response: httpx.Response) -> None:
        try:
            problem = response.json()
        except ValueError:
            problem = None
        if not isinstance(problem, dict):  # not problem details: a proxy's error page, say
            problem = {"status": response.status_code, "detail": response.text[:500]}
        self.problem = problem
        where = f" [{problem['field']}]" if problem.get("field") else ""
        super().__init__(
            f"{response.request.method} {response.request.url.path}: {response.status_code}{where} "
            f"{problem.get('detail') or problem.get('title', '')}"
        )


class Stop(Exception):
    """The filing stops here, before the platform is asked for anything more."""


def problem_code(response: httpx.Response) -> str | None:
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):  # not JSON (a proxy's error page), or not an object
        return None
    return str(code) if code is not None else None


class Platform:
    """The vatspilot API, spoken with a personal API token."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=TIMEOUT,
        )

    def send(self, method: str, path: str, *, expect: int = 200, **kwargs: Any) -> Any:
        """One request; a write carries a fresh Idempotency-Key, kept for its retries."""
        headers = {}
        if method != "GET":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        for attempt in range(RETRIES + 1):
            try:
                response = self.http.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError:
                if attempt == RETRIES:
                    raise
                time.sleep(2**attempt)
                continue
            # A 409 "conflict" means the application changed since we read it: a retry cannot help.
            retry = response.status_code in RETRY_STATUSES and problem_code(response) != "conflict"
            if retry and attempt < RETRIES:
                time.sleep(float(response.headers.get("Retry-After", 2**attempt)))
                continue
            if response.status_code != expect:
                raise Refused(response)
            return response.json() if response.content else None
        raise AssertionError("unreachable")

    # The operations this script uses.
    def check_eligibility(self, profile: dict[str, Any]) -> dict[str, Any]:
        return self.send("POST", "/eligibility", json=profile)

    def open_draft(self, organisation: int | None) -> dict[str, Any]:
        body = {} if organisation is None else {"organisation": organisation}
        return self.send("POST", "/applications", json=body, expect=201)

    def fill_dossier(self, application: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
        dossier = {
            "expected_version": application["version"],  # refused (409) if someone changed it since
            "ownership": profile["shareholders"],
            "services": profile["services"],
            "service_area": profile["service_area"],
            "dishonest_list": profile.get("dishonest_list", False),
        }
        return self.send("PUT", f"/applications/{application['id']}/dossier", json=dossier)

    def checklist(self, application_id: int) -> list[dict[str, Any]]:
        return self.send("GET", f"/applications/{application_id}/documents")

    def upload(self, application_id: int, kind: str, path: Path) -> dict[str, Any]:
        with path.open("rb") as handle:
            return self.send(
                "POST",
                f"/applications/{application_id}/documents",
                data={"kind": kind},
                files={"file": (path.name, handle.read())},
                expect=201,
            )

    def application(self, application_id: int) -> dict[str, Any]:
        return self.send("GET", f"/applications/{application_id}")

    def submit(self, application: dict[str, Any]) -> dict[str, Any]:
        body = {"expected_version": application["version"]}
        return self.send("POST", f"/applications/{application['id']}/actions/submit", json=body)


def document_files(folder: Path) -> dict[str, Path]:
    """The folder's files by document kind: business-licence.pdf -> "business-licence"."""
    return {path.stem: path for path in sorted(folder.iterdir()) if path.is_file()}


def file_application(
    platform: Platform, profile: dict[str, Any], files: dict[str, Path], organisation: int | None
) -> str:
    # 1. Eligibility: the same engine the platform will judge the dossier with. Stop unless eligible.
    determination = platform.check_eligibility(profile)
    for service in determination["services"]:
        print(f"  {service['code']}: {service['outcome']}")
    if determination["outcome"] != "eligible":
        raise Stop(f"Not eligible ({determination['outcome']}): nothing was filed.")
    missing = [kind for kind in determination["required_documents"] if kind not in files]
    if missing:  # checked before anything is created on the platform
        raise Stop(f"Missing from the documents folder: {', '.join(missing)}")
    print(f"Eligible; documents required: {len(determination['required_documents'])}")

    # 2. A draft for the organisation.
    application = platform.open_draft(organisation)
    print(f"Draft application #{application['id']} opened")

    # 3. The dossier; the platform judges it again and answers with the application.
    application = platform.fill_dossier(application, profile)
    print(f"Dossier filled: {application['determination']['outcome']}")

    # 4. The documents the checklist asks for and that are not on file yet.
    for item in platform.checklist(application["id"]):
        if item["required"] and not item["present"]:
            uploaded = platform.upload(application["id"], item["kind"], files[item["kind"]])
            print(f"  uploaded {item['kind']}: version {uploaded['number']}, {uploaded['size']} bytes")

    # 5. Submit, with the version as it now stands (uploads do not change it; read it to be sure).
    application = platform.application(application["id"])
    if application["missing_items"]:
        raise Stop("Not ready to submit: " + "; ".join(application["missing_items"]))
    submitted = platform.submit(application)
    return str(submitted["tracking_number"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("VATSPILOT_URL"), help="the site (env VATSPILOT_URL)")
    parser.add_argument(
        "--token", default=os.environ.get("VATSPILOT_TOKEN"), help="a write token (env VATSPILOT_TOKEN)"
    )
    parser.add_argument("--profile", type=Path, required=True, help="the profile, vatspilot/profile/v1 JSON")
    parser.add_argument("--documents", type=Path, required=True, help="folder of <kind>.<ext> files")
    parser.add_argument("--organisation", type=int, help="the applying organisation's id, if you have several")
    args = parser.parse_args(argv)
    if not args.base_url or not args.token:
        parser.error("give the site and a token: --base-url and --token, or VATSPILOT_URL and VATSPILOT_TOKEN")
    try:
        profile = json.loads(args.profile.read_text(encoding="utf-8"))
        files = document_files(args.documents)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    platform = Platform(args.base_url, args.token)
    try:
        tracking_number = file_application(platform, profile, files, args.organisation)
    except Refused as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 1
    except httpx.HTTPError as error:  # the site could not be reached, even after the retries
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Stop as stop:
        print(stop, file=sys.stderr)
        return 1
    print(f"Submitted. Tracking number: {tracking_number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
