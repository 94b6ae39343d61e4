"""`make screenshots`: every main page in English and Chinese, as PNG files in docs/screenshots/.

The demo data set (`vatspilot demo`) is built into a temporary SQLite database, the site is served on a
free loopback port (`vatspilot serve`), and Debian's Chromium (/usr/bin/chromium, headless; never a
downloaded browser) driven by Playwright opens each page of PAGES as its reader: nobody for the public
pages, or a demo account signed in through the login form. Each page is written to
docs/screenshots/<page>.<en|zh>.png at desktop width (1280 px), and the pages marked ``phone`` also to
<page>-390.<en|zh>.png at 390 px. A page whose URL name is not routed (yet) is reported and left out:
adding a page is one line in PAGES.

Usage: .venv/bin/python scripts/screenshots.py [--only SLUG ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VATSPILOT = ROOT / ".venv" / "bin" / "vatspilot"
sys.path.insert(0, str(ROOT / "tests" / "support"))
from demo_answers import ELIGIBILITY_ANSWERS  # noqa: E402
from live_server import free_port, serving  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LANGUAGES = {"en": "en-GB", "zh": "zh-CN"}  # file suffix -> browser locale
DJANGO_LANGUAGE = {"en": "en", "zh": "zh-hans"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# `vatspilot serve` migrates and collects the static files before it answers.
SERVER_START_SECONDS = 180
# A full-page shot is cut at this height (px): the top of a long page shows what it is.
MAX_HEIGHT = 2200


@dataclass(frozen=True)
class Shot:
    """One page: its file name, its URL name in web/urls.py and the arguments (looked up in the demo's
    database), who reads it (a demo account, or None for the public) and whether a 390 px shot is made."""

    slug: str
    url_name: str
    account: str | None = None
    args: Callable[[], tuple[Any, ...]] = tuple
    phone: bool = False
    query: str = ""  # appended to the URL after "?"


# --- The demo's objects the pages show (looked up once the demo is built) ----------------------------------


def _application(org_key: str, status: str) -> Any:
    from vatspilot.demo.data import ORGANISATIONS
    from vatspilot.store.models import Application

    uscc = next(org.uscc for org in ORGANISATIONS if org.key == org_key)
    return Application.objects.filter(organisation__uscc=uscc, status=status).order_by("pk").first()


def _application_id(org_key: str, status: str) -> Callable[[], tuple[Any, ...]]:
    return lambda: (_application(org_key, status).pk,)


def _tracking_number(org_key: str, status: str) -> Callable[[], tuple[Any, ...]]:
    return lambda: (_application(org_key, status).tracking_number,)


def _licence_number(org_key: str) -> Callable[[], tuple[Any, ...]]:
    def number() -> tuple[Any, ...]:
        from vatspilot.demo.data import ORGANISATIONS
        from vatspilot.store.models import Licence

        uscc = next(org.uscc for org in ORGANISATIONS if org.key == org_key)
        return (Licence.objects.filter(application__organisation__uscc=uscc).order_by("pk").first().number,)

    return number


def _first_rule() -> tuple[Any, ...]:
    return ("cap:notice-107",)


# --- The pages ------------------------------------------------------------------------------------------
# The public side first, then the applicant's pages and the officials'. A url_name that is not routed yet is
# left out with a note, so pages still being built can be listed here already.
PAGES: list[Shot] = [
    Shot("home", "home", phone=True),
    Shot("eligibility", "eligibility", phone=True),
    Shot("eligibility-result", "eligibility", query=ELIGIBILITY_ANSWERS),
    Shot("rules", "rules"),
    Shot("rule", "rule", args=_first_rule),
    Shot("statistics", "statistics"),
    Shot("track", "track"),
    Shot("track-application", "track_application", args=_tracking_number("shenzhen", "ministerial_review"), phone=True),
    Shot("register", "register", phone=True),
    Shot("register-licence", "register_licence", args=_licence_number("haidian")),
    Shot("lists", "lists"),
    Shot("sign-in", "login"),
    Shot("account-registration", "account_register"),
    Shot("my-applications", "applications", account="applicant-beijing"),
    Shot("members", "members", account="applicant-beijing"),
    Shot("dossier", "dossier", account="applicant-beijing", args=_application_id("beijing", "draft"), phone=True),
    Shot(
        "application-applicant", "application", account="applicant-beijing", args=_application_id("beijing", "approved")
    ),
    Shot("licence", "licence", account="applicant-beijing", args=_licence_number("beijing")),
    Shot("queue", "queue", account="miit"),
    Shot(
        "application-review",
        "application",
        account="miit",
        args=_application_id("shenzhen", "ministerial_review"),
        phone=True,
    ),
    Shot("supervision", "supervision", account="miit"),
    Shot("licences", "licences", account="miit"),
    Shot("inspections", "inspections", account="miit"),
    Shot("findings", "findings", account="miit"),
    Shot("inbox", "inbox", account="officer-shanghai"),
    Shot("staff", "staff", account="admin"),
]


def say(line: str, *, flush: bool = True) -> None:
    """Progress on standard output (this is a command, not a library)."""
    sys.stdout.write(line + "\n")
    if flush:
        sys.stdout.flush()


# --- The demo and its server ------------------------------------------------------------------------------


def _demo_environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        VATSPILOT_REPORT_DIR=str(folder / "reports"),
        VATSPILOT_SIGNING_KEY_DIR=str(folder / "keys"),
        VATSPILOT_CALENDAR_DIR=str(folder / "calendar"),
        SECRET_KEY="screenshots-only-" + "x" * 40,
        EMAIL_BACKEND="locmem",
        VATSPILOT_TASKS_BACKEND="immediate",
        DEBUG="0",
    )
    env.pop("VATSPILOT_TODAY", None)
    subprocess.run([VATSPILOT, "migrate", "-q"], env=env, check=True)
    day = subprocess.run([VATSPILOT, "demo", "--day"], env=env, check=True, capture_output=True, text=True)
    env["VATSPILOT_TODAY"] = day.stdout.strip()
    return env


@contextmanager
def demo_site(folder: Path) -> Iterator[str]:
    """Build the demo into ``folder`` and serve it; yields the site's base URL."""
    env = _demo_environment(folder)
    say(f"Building the demo data set (demo day {env['VATSPILOT_TODAY']}) ...")
    demo = subprocess.run([VATSPILOT, "demo"], env=env, capture_output=True, text=True)
    if demo.returncode:
        raise SystemExit(f"vatspilot demo failed:\n{demo.stdout}\n{demo.stderr}")
    os.environ.update(env)  # this process reads the same database to find the demo's ids
    port = free_port()
    command = [str(VATSPILOT), "serve", "--port", str(port), "--workers", "2"]
    with serving(command, env, folder, port=port, ready="/track/", seconds=SERVER_START_SECONDS) as base:
        yield base


# --- The browser ------------------------------------------------------------------------------------------


def _sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if page.locator(".mainnav__user").count() == 0:
        raise SystemExit(f"could not sign in as {username}")


def _save(png: bytes, path: Path) -> int:
    """Write the PNG with a 256-colour palette when Pillow is at hand (a third of the size, text intact)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with the PDF libraries
        path.write_bytes(png)
        return len(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    quantized = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    quantized.save(path, optimize=True)
    return path.stat().st_size


def take(base: str, shots: list[tuple[Shot, str]], out: Path) -> list[tuple[Path, int]]:
    from playwright.sync_api import sync_playwright

    from vatspilot.demo.data import PASSWORD

    written: list[tuple[Path, int]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        contexts: dict[tuple[str | None, str, bool], Any] = {}
        try:
            for shot, path in shots:
                for lang in LANGUAGES:
                    for phone in (False, True) if shot.phone else (False,):
                        key = (shot.account, lang, phone)
                        if key not in contexts:
                            context = browser.new_context(
                                locale=LANGUAGES[lang],
                                viewport=PHONE if phone else DESKTOP,
                                device_scale_factor=1,
                            )
                            context.add_cookies(
                                [{"name": "django_language", "value": DJANGO_LANGUAGE[lang], "url": base}]
                            )
                            context.set_default_timeout(60_000)
                            page = context.new_page()
                            if shot.account:
                                _sign_in(page, base, shot.account, PASSWORD)
                            contexts[key] = page
                        page = contexts[key]
                        response = page.goto(base + path)
                        page.wait_for_load_state("networkidle")
                        status = response.status if response else 0
                        if status != 200:
                            say(f"  ! {shot.slug} ({lang}): HTTP {status} at {path}, left out")
                            continue
                        height = min(MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
                        width = (PHONE if phone else DESKTOP)["width"]
                        png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
                        target = out / f"{shot.slug}{'-390' if phone else ''}.{lang}.png"
                        written.append((target, _save(png, target)))
                        say(f"  {target.relative_to(ROOT)} ({written[-1][1] // 1024} KiB)")
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="page slugs to take (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium package (make system-deps)")
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vatspilot-screenshots-") as folder, demo_site(Path(folder)) as base:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.urls import NoReverseMatch, reverse

        shots: list[tuple[Shot, str]] = []
        for shot in PAGES:
            if options.only and shot.slug not in options.only:
                continue
            try:
                url = reverse(f"web:{shot.url_name}", args=shot.args())
                shots.append((shot, f"{url}?{shot.query}" if shot.query else url))
            except NoReverseMatch:
                say(f"  - {shot.slug}: web:{shot.url_name} is not routed yet, left out")
        written = take(base, shots, options.out)
    if not options.only:  # the whole set: pictures of pages no longer listed go
        for stale in sorted(set(options.out.glob("*.png")) - {path for path, _ in written}):
            stale.unlink()
            say(f"  removed {stale.name} (not among the pages taken)")
    total = sum(size for _, size in written)
    say(f"{len(written)} screenshots, {total / 1_048_576:.1f} MiB, in {options.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
