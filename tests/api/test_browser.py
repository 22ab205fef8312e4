"""The web page in real headless Chromium: Debian's /usr/bin/chromium driven by Playwright.

The page is served by uvicorn (in a thread, on a free localhost port) over a SQLite store
holding the bundled samples. Every request that is not for localhost is aborted and
recorded, and each test ends by asserting there was none (and no page error). Skips
cleanly without the ``playwright`` package, /usr/bin/chromium or the ``api`` extra.
``serve_samples`` and ``open_page`` are also used by ``scripts/build_web.py --screenshot``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import shutil
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# as root in a container: no sandbox; nothing that phones home
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
VIEWPORT = {"width": 1280, "height": 800}
SEED = "seed-000"  # the sample made from shared/seed/000_5efb378a2e205048.txt
WAIT_MS = 15_000


def _missing() -> str | None:
    for module, install in (("playwright", "pip install playwright"), ("uvicorn", "pip install '.[api]'"),
                            ("fastapi", "pip install '.[api]'")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed ({install})"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


# -- helpers (no pytest needed) -----------------------------------------------------------

@contextlib.contextmanager
def serve_samples(db_path: Path, ingest_samples: bool = True) -> Iterator[str]:
    """Serve the API and page over ``db_path`` on a free localhost port; yields the base URL."""
    import uvicorn

    from rokhdad.api.app import create_app

    if ingest_samples:
        from rokhdad.samples import sample_articles
        from rokhdad.store.database import open_store
        from rokhdad.store.ingest import ingest

        with open_store(str(db_path)) as store:
            ingest(store, sample_articles())
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(str(db_path)), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


class Guard:
    """Routes every request of a browser context: localhost goes on, anything else is aborted."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        host = urllib.parse.urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS or f"[{host}]" in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda message: self.errors.append(f"console: {message.text}")
                if message.type == "error" else None)


@contextlib.contextmanager
def open_page(base: str, browser=None, guard: Guard | None = None, path: str = "") -> Iterator:
    """A 1280x800 page at ``base + path``, ready (data loaded), behind ``guard``."""
    with contextlib.ExitStack() as stack:
        if browser is None:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            stack.callback(browser.close)
        guard = guard or Guard()
        context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        stack.callback(context.close)
        context.route("**/*", guard.route)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        guard.watch(page)
        page.goto(base + path)
        page.wait_for_selector("body[data-ready='true'][data-basemap='ready']")
        yield page


def get_json(base: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def marked_text(container, index: int) -> str:
    """The text of every <mark> covering span ``index`` in ``container``, in document order."""
    return "".join(container.locator(f'mark[data-spans~="{index}"]').all_text_contents())


def wait_reload(page, action) -> None:
    """Run ``action`` (which changes filters) and wait until the page has fetched again."""
    before = int(page.evaluate("document.body.dataset.loads || '0'"))
    action()
    page.wait_for_function("n => Number(document.body.dataset.loads || 0) > n", arg=before)


# -- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base(samples_template, tmp_path_factory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "rokhdad.db"
    shutil.copy(samples_template, path)
    with serve_samples(path, ingest_samples=False) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def guard() -> Guard:
    return Guard()


@pytest.fixture
def page(base, browser, guard):
    with open_page(base, browser, guard) as page:
        yield page
    assert guard.outside == [], f"requests left localhost: {guard.outside}"
    assert guard.errors == []


# -- tests --------------------------------------------------------------------------------

def test_page_loads_right_to_left_with_every_incident(page, base):
    listed = get_json(base, "incidents?limit=5000")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["fa", "rtl"]
    assert page.title() == "رخداد"
    assert page.evaluate("typeof L.map === 'function' && typeof topojson.mesh === 'function'")
    # the offline basemap is drawn: Leaflet's canvas renderer holds it
    assert page.locator(".leaflet-basemap-pane canvas").count() >= 1
    located = {i["id"] for i in listed["items"] if i["lat"] is not None and i["lon"] is not None}
    markers = set(page.locator(".incident-marker").evaluate_all("els => els.map(e => e.dataset.id)"))
    assert markers == located
    rows = page.locator(".incident-row")
    assert rows.count() == min(100, listed["total"])
    persian_total = str(listed["total"]).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert page.locator("#count").inner_text().startswith(persian_total)
    # timeline: one bar group per day the API counts
    days = [d["date"] for d in get_json(base, "timeline")["days"]]
    assert page.locator("#timeline g.day").evaluate_all("els => els.map(e => e.dataset.date)") == days
    # keyboard: the first filter and the tabs take focus
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") in {"tiles", "lang-switch"}


def test_seed_incidents_on_map_and_evidence_highlighted(page, base):
    seed = get_json(base, f"articles/{SEED}")
    text = seed["text"]
    incident_ids = list(dict.fromkeys(m["incident_id"] for m in seed["mentions"] if m["incident_id"]))
    assert incident_ids
    incidents = {i: get_json(base, f"incidents/{i}") for i in incident_ids}
    on_map = [i for i, inc in incidents.items() if inc["lat"] is not None]
    assert on_map, "the seed's incidents are geocoded"
    for incident_id in on_map:
        assert page.locator(f'.incident-marker[data-id="{incident_id}"]').count() == 1

    # a real mouse click on a marker no other marker covers (else Enter on the focused marker)
    clickable = page.evaluate("""ids => ids.filter(id => {
        const m = document.querySelector(`.incident-marker[data-id="${id}"]`);
        const r = m.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === m; })""", on_map)
    chosen = clickable[0] if clickable else on_map[0]
    marker = page.locator(f'.incident-marker[data-id="{chosen}"]')
    if clickable:
        marker.click()
    else:
        marker.focus()
        page.keyboard.press("Enter")
    panel = page.locator(f'#incident-panel .incident[data-id="{chosen}"]')
    panel.wait_for()
    assert page.locator("#tab-incident").get_attribute("aria-selected") == "true"

    incident = incidents[chosen]
    mention = next(m for m in incident["mentions"] if m["article_id"] == SEED)
    block = page.locator(f'.article[data-mention-id="{mention["mention_id"]}"] .article-text')
    block.wait_for()
    assert block.text_content() == text  # the ORIGINAL text, whole and unchanged
    evidence = [i for i, s in enumerate(mention["spans"]) if s["field"] == "evidence"]
    assert evidence
    for index, span in enumerate(mention["spans"]):
        expected = text[span["start"]:span["end"]]
        assert expected == span["text"]
        assert marked_text(block, index) == expected, span
    assert block.locator("mark.hl-evidence").count() >= 1
    # attribution in plain words
    words = panel.locator(".attribution").inner_text() if panel.locator(".attribution").count() else ""
    if incident["attributed_to"]:
        assert "را مسئول دانست" in words or "مسئول دانسته شد" in words
    if incident["sources"]:
        assert "به گفتهٔ" in words


def test_list_row_opens_the_panel(page, base):
    row = page.locator(".incident-row").first
    incident_id = row.get_attribute("data-id")
    row.click()
    page.locator(f'#incident-panel .incident[data-id="{incident_id}"]').wait_for()
    assert page.locator(f'.incident-marker[data-id="{incident_id}"]').count() in (0, 1)
    page.locator("#incident-panel .back").click()
    assert page.locator("#tab-list").get_attribute("aria-selected") == "true"


def test_filters_drive_list_map_and_timeline(page, base):
    everything = get_json(base, "incidents?limit=0")["total"]
    wait_reload(page, lambda: page.select_option("#f-country", "SYR"))
    syria = get_json(base, "incidents?limit=5000&country=SYR")
    assert 0 < syria["total"] < everything
    rows = page.locator(".incident-row").evaluate_all("els => els.map(e => e.dataset.id)")
    assert sorted(rows) == sorted(i["id"] for i in syria["items"])
    markers = page.locator(".incident-marker").evaluate_all("els => els.map(e => e.dataset.id)")
    assert set(markers) == {i["id"] for i in syria["items"] if i["lat"] is not None}
    days = [d["date"] for d in get_json(base, "timeline?country=SYR")["days"]]
    assert page.locator("#timeline g.day").evaluate_all("els => els.map(e => e.dataset.date)") == days
    assert "country=SYR" in page.url

    wait_reload(page, lambda: page.fill("#f-since", "2022-01-01"))
    recent = get_json(base, "incidents?limit=5000&country=SYR&since=2022-01-01")
    assert page.locator(".incident-row").count() == recent["total"] < syria["total"]

    wait_reload(page, lambda: page.click("#f-reset"))
    assert page.locator(".incident-row").count() == min(100, everything)

    wait_reload(page, lambda: page.select_option("#f-type", "COERCE"))
    coerce = get_json(base, "incidents?limit=5000&type=COERCE")
    assert page.locator(".incident-row").count() == coerce["total"]


def test_paste_an_article_and_see_its_incidents(page, base):
    before = get_json(base, "incidents?limit=0")["total"]
    # the emoji is one code point but two UTF-16 units: offsets must still land on the words;
    # the tag must show as text, never as markup
    text = ("\U0001F4F0 <b>خبر</b>\nبامداد امروز سه راکت به پایگاه عین الاسد در استان انبار عراق اصابت کرد "
            "و دو نفر کشته شدند. سخنگوی ائتلاف گفت گروه کتائب حزب الله مسئولیت این حمله را بر عهده گرفت.")
    page.click("#tab-extract")
    page.fill("#x-text", text)
    page.fill("#x-published", "2022-01-05")
    page.click("#x-submit")
    page.locator(".extract-event").first.wait_for()
    answer = get_json(base, "extract", {"text": text, "published": "2022-01-05"})
    assert page.locator(".extract-event").count() == len(answer["events"]) >= 1
    first = answer["events"][0]
    shown = page.locator(f'.extract-article[data-event-id="{first["id"]}"] .article-text')
    assert shown.text_content() == text
    assert shown.locator("b").count() == 0 and "<b>خبر</b>" in shown.text_content()
    spans = [s for s in answer["spans"] if s["event_id"] == first["id"]]
    assert any(s["field"] == "evidence" for s in spans)
    for index, span in enumerate(spans):
        assert marked_text(shown, index) == text[span["start"]:span["end"]] == span["text"]
    assert "مسئولیت را بر عهده گرفت" in page.locator(".extract-event").first.inner_text()
    # nothing was stored
    assert get_json(base, "incidents?limit=0")["total"] == before


def test_paste_box_reports_errors_in_one_line(page):
    page.click("#tab-extract")
    page.evaluate("document.querySelector('#x-text').removeAttribute('required')")
    page.fill("#x-text", "   ")
    page.click("#x-submit")
    assert page.locator("#extract-result .error").count() == 1


def test_english_switch(page, base):
    page.click("#lang-switch")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["en", "ltr"]
    assert page.locator("#tab-list").inner_text() == "List"
    assert page.locator("label[for='x-text']").inner_text() == "News text"
    assert "incidents" in page.locator("#count").inner_text()
    first = page.locator(".incident-row .what").first.inner_text()
    assert first.split(" · ")[0] in {"Assault", "Protest", "Coercion", "Mobilisation"}
    assert "lang=en" in page.url
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click("#lang-switch")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["fa", "rtl"]
    assert page.locator("#tab-list").inner_text() == "فهرست"


def test_guard_sees_requests_that_would_leave(page, guard):
    """The online tiles (off by default) are the only way off localhost; the guard catches them."""
    page.check("#tiles")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile').length > 0")
    page.wait_for_timeout(300)
    assert guard.outside and all(u.startswith("https://tile.openstreetmap.org/") for u in guard.outside)
    guard.outside.clear()
    guard.errors = [e for e in guard.errors if "ERR_FAILED" not in e]  # the aborted tiles
    page.uncheck("#tiles")
