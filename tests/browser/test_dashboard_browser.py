"""The auditors' dashboard in a real headless Chromium, served by the real service.

The linker runs on a loopback port (uvicorn in a thread) with a finished run of `padan demo`;
Chromium fetches the dashboard with the auditor's token and the test checks: no console error,
no request but the page itself, the page's style sheet applied under its CSP, and every number
shown equal to the report JSON, in both languages (?lang=id: Bahasa Indonesia, numbers written
12.345 and 0,95). The demo encodes with the regency stratum here, so the page also folds the three
answers by regency. Screenshots go to test-artifacts/dashboard.png and dashboard.id.png.
Chromium missing is a failure, not a skip (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cdp import Chromium, chromium_executable  # tests/browser/cdp.py
from dashboard_fields import expected_fields

from padan.cli.client import PadanClient
from padan.cli.demo_commands import run_demo
from padan.cli.local_server import serve_in_thread
from padan.encoder import default_schema
from padan.i18n import _, use_language
from padan.linker.service import Settings, create_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEFAULT_SCHEMA_TEXT = default_schema.default_schema_text
READ_FIELDS = """
Object.fromEntries([...document.querySelectorAll('[data-field]')].map(e => {
  const copy = e.cloneNode(true);
  copy.querySelectorAll('title').forEach(t => t.remove());
  return [e.dataset.field, copy.textContent];
}))
"""


def regency_schema_text(project_id: str) -> str:
    """The default schema with the regency stratum: the page then splits the three questions by
    province and, in a folded table, by regency (the province is the default's stratum)."""
    return DEFAULT_SCHEMA_TEXT(project_id).replace('stratum = "province"', 'stratum = "regency"')


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("browser") / "demo"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(default_schema, "default_schema_text", regency_schema_text)
        run_demo(folder, size=300, seed=5, dirt="moderate")
    app = create_app(Settings(data_dir=folder / "linker"))
    try:
        with serve_in_thread(app) as url:
            yield url, folder
    finally:
        app.state.padan.engine.dispose()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Chromium]:
    if chromium_executable() is None:
        pytest.fail("chromium is not installed: the dashboard must be tested in a real browser "
                    "(apt-get install -y chromium; .ci/run does it)")
    with Chromium.start(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        for domain in ("Page", "Runtime", "Log", "Network"):
            chromium.send(f"{domain}.enable")
        yield chromium


def token(folder: Path, party: str) -> str:
    return (folder / "tokens" / f"{party}.token").read_text().strip()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_dashboard_in_chromium_shows_the_report_and_nothing_else(served, browser, lang):
    url, folder = served
    page = f"{url}/projects/demo/runs/latest/dashboard" + ("?lang=id" if lang == "id" else "")
    browser.events.clear()   # this navigation's events only
    browser.send("Network.setExtraHTTPHeaders",
                 headers={"Authorization": f"Bearer {token(folder, 'auditor')}"})
    browser.send("Page.navigate", url=page)
    browser.wait_for("Page.loadEventFired")

    errors = [e for e in browser.events if e["method"] == "Runtime.exceptionThrown"
              or (e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
              or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    assert errors == []
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e["method"] == "Network.requestWillBeSent"]
    assert requests == [page]          # the page calls nowhere, not even its own server
    responses = [e["params"]["response"] for e in browser.events
                 if e["method"] == "Network.responseReceived"]
    assert responses[0]["status"] == 200

    # the one style sheet passed the CSP: the header has its colour, not the default
    assert browser.evaluate("getComputedStyle(document.querySelector('header'))"
                            ".backgroundColor") == "rgb(31, 58, 95)"
    assert browser.evaluate("document.scripts.length") == 0

    with PadanClient(httpx.Client(base_url=url), token=token(folder, "auditor")) as auditor:
        envelope = auditor.report("demo", "latest").model_dump(mode="json")
        entries = auditor.audit_verify().entries
    fields = browser.evaluate(READ_FIELDS)
    with use_language(lang):
        want = expected_fields(envelope)
        title = _("Overlap report — {project}").format(project="demo")
    assert {key: fields.get(key) for key in want} == want
    separator = "." if lang == "id" else ","
    assert int(fields["audit/entries"].replace(separator, "")) <= entries  # verified before
    assert browser.evaluate("document.title") == title
    assert browser.evaluate("document.documentElement.lang") == lang
    headings = browser.evaluate("[...document.querySelectorAll('h2')].map(h => h.textContent)")
    assert ("Irisan antarpasangan instansi" in headings) == (lang == "id")
    assert ("Pairwise overlap" in headings) == (lang == "en")
    # the demo declares a death and a population register: the three questions are answered
    assert ("Tiga pertanyaan" if lang == "id" else "The three questions") in headings
    assert [key for key in want if key.startswith("questions/dead_still_paid/")]
    # encoded with the regency stratum: the regencies in a folded table, closed until opened
    assert envelope["report"]["questions"]["stratum"] == "regency"
    assert [key for key in want if "/regency/" in key]
    folded = "document.querySelector('#questions details')"
    assert browser.evaluate(f"{folded}.open") is False
    assert browser.evaluate(f"{folded}.querySelector('table').checkVisibility()") is False
    browser.evaluate(f"{folded}.querySelector('summary').click()")
    assert browser.evaluate(f"{folded}.open") is True
    assert browser.evaluate(f"{folded}.querySelector('table').checkVisibility()") is True

    browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=900,
                 deviceScaleFactor=1, mobile=False)
    height = math.ceil(browser.send("Page.getLayoutMetrics")["cssContentSize"]["height"])
    shot = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1})
    ARTIFACTS.mkdir(exist_ok=True)
    picture = ARTIFACTS / ("dashboard.png" if lang == "en" else f"dashboard.{lang}.png")
    picture.write_bytes(base64.b64decode(shot["data"]))
    assert picture.stat().st_size > 10_000


def test_the_dashboard_is_not_served_without_an_auditors_token(served):
    url, folder = served
    path = "/projects/demo/runs/latest/dashboard"
    with httpx.Client(base_url=url) as http:
        assert http.get(path).status_code == 401
        assert http.get(path, headers={"Authorization": "Bearer padan_wrong"}).status_code == 401
        agency = http.get(path, headers={"Authorization": f"Bearer {token(folder, 'KJP')}"})
        assert agency.status_code == 403 and "<svg" not in agency.text
        coordinator = http.get(path, headers={
            "Authorization": f"Bearer {token(folder, 'coordinator')}"})
        assert coordinator.status_code == 200 and "<svg" in coordinator.text


def test_a_language_padan_does_not_speak_is_refused(served):
    url, folder = served
    path = "/projects/demo/runs/latest/dashboard?lang=fr"
    with httpx.Client(base_url=url) as http:
        refused = http.get(path, headers={"Authorization": f"Bearer {token(folder, 'auditor')}"})
        assert refused.status_code == 422 and "<svg" not in refused.text
