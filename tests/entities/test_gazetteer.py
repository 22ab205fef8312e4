"""Loading and validating the shipped entity tables, and the matcher cache."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rokhdad.entities import gazetteer as gz
from rokhdad.entities import match
from rokhdad.errors import GazetteerError
from rokhdad.model import EntityKind, EntitySource

FIXTURES = Path(__file__).parent / "fixtures"
ISO3 = re.compile(r"^[A-Z]{3}$")


@pytest.fixture(scope="module")
def shipped():
    return gz.load_gazetteer()


def test_shipped_tables_load_and_ids_are_unique(shipped):
    ids = [e.id for e in shipped.entries]
    assert len(ids) == len(set(ids)) > 10_000
    sources = {e.source for e in shipped.entries}
    assert EntitySource.GAZETTEER in sources


def test_shipped_places_are_well_formed(shipped):
    for entry in shipped.entries:
        place = entry.place
        if place is None:
            continue
        assert entry.aliases[0] == entry.name_fa
        if place.lat is not None:
            assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, entry.id
        if place.kind != "region" and entry.kind is EntityKind.PLACE:
            assert place.country and ISO3.match(place.country), entry.id


@pytest.mark.parametrize("entry_id, name, country", [
    ("country:USA", "آمریکا", "USA"),
    ("country:ISR", "رژیم صهیونیستی", "ISR"),
    ("override:washington-dc", "واشنگتن", "USA"),
    ("override:abu-kamal", "البوکمال", "SYR"),
    ("wikidata:Q205047", "کردستان عراق", "IRQ"),
    ("override:west-bank", "کرانه باختری", "PSE"),
    ("override:middle-east", "خاورمیانه", None),
])
def test_overrides_fill_known_gaps(shipped, entry_id, name, country):
    entry = shipped.get(entry_id)
    assert entry is not None and name in entry.aliases
    assert entry.rank == gz.OVERRIDE_RANK and entry.country == country


def test_override_replaces_the_data_row(shipped):
    americas = shipped.get("cldr:019")
    assert "امریکا" not in americas.aliases  # the region no longer claims the country's name


def test_every_override_names_its_source():
    text = gz.read_text(gz.OVERRIDES)
    rows = list(gz._Rows(gz.OVERRIDES, gz.OVERRIDE_COLUMNS, text))
    assert rows and all(row["source"] for _, row in rows)


def test_common_names_mark_frequent_words(shipped):
    common = shipped.common
    assert common["دو"] == "drop"            # "two", also a name of Jahrom
    assert common["بلد"] == "context"        # "knows", also Balad (Iraq)
    assert common["شمال"] == "strong"        # "north", also Lebanon's North governorate
    assert "تهران" not in common and "ادلب" not in common


def test_bad_facility_rows_report_file_and_line():
    text = (FIXTURES / "facilities_bad.csv").read_text(encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        gz.parse_facilities(text, FIXTURES / "facilities_bad.csv")
    message = str(caught.value)
    assert "facilities_bad.csv:3: lat '95.2' out of range" in message
    assert "facilities_bad.csv:4: country 'IQ' is not an ISO 3166-1 alpha-3 code" in message


def test_bad_actor_rows_report_file_and_line():
    text = (FIXTURES / "actors_bad.csv").read_text(encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        gz.parse_actors(text, FIXTURES / "actors_bad.csv")
    message = str(caught.value)
    assert "actors_bad.csv:3: duplicate id 'act:ok'" in message
    assert "actors_bad.csv:4: kind 'militia' unknown" in message
    assert "actors_bad.csv:5: inter '9' out of range" in message


def test_missing_column_is_reported_on_line_one():
    with pytest.raises(GazetteerError, match=r"^facilities.csv:1: missing columns lat, lon"):
        gz.parse_facilities("id,name_fa,aliases_fa,name_en,kind,admin1_fa,admin1_en,country,"
                            "wikidata,source\n", Path("facilities.csv"))


def test_bad_common_names_line():
    with pytest.raises(GazetteerError, match=r"common_names.tsv:2: expected"):
        gz.parse_common("# comment\nبلد\tmaybe\t3\n")


def test_fixture_actors_parse():
    text = (FIXTURES / "actors.csv").read_text(encoding="utf-8")
    entries = gz.parse_actors(text, FIXTURES / "actors.csv")
    assert [e.kind for e in entries[:2]] == [EntityKind.ARMED_GROUP, EntityKind.ARMED_GROUP]
    assert entries[0].aliases == ("حزب\u200cالله لبنان", "حزب\u200cالله", "حزب الله")
    assert entries[3].inter == 1


def test_duplicate_id_across_tables_is_refused():
    entry = gz.Entry("x:1", EntityKind.PLACE, EntitySource.GAZETTEER, "الف", ("الف",))
    with pytest.raises(GazetteerError, match="used by two tables"):
        gz.Gazetteer.from_entries([entry, entry])


def test_lazy_rows_round_trip(shipped):
    entry = shipped.get("override:abu-kamal")
    assert gz.row_entry(gz.entry_row(entry)) == entry


def test_force_entries_name_country_militaries(shipped):
    forces = shipped.get("forces:USA")
    assert forces.kind is EntityKind.STATE_FORCE and "ارتش آمریکا" in forces.aliases


def test_cache_fingerprint_follows_table_content(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("a", encoding="utf-8")
    before = match.fingerprint([table])
    table.write_text("b", encoding="utf-8")
    assert match.fingerprint([table]) != before


def test_cache_round_trip_and_corrupt_file(tmp_path, monkeypatch):
    monkeypatch.setenv(match.CACHE_ENV, str(tmp_path))
    path = match.cache_path()
    entries = gz.parse_overrides(gz.read_text(gz.OVERRIDES))
    matcher = match.Matcher(gz.Gazetteer.from_entries(entries, {}))
    match._write_cache(path, "key-1", matcher)
    loaded = match._read_cache(path, "key-1")
    assert loaded is not None and loaded.gazetteer.rows == matcher.gazetteer.rows
    assert match._read_cache(path, "key-2") is None  # stale: rebuilt, not reused
    path.write_bytes(b"not a pickle")
    assert match._read_cache(path, "key-1") is None  # corrupt: ignored


def test_cache_can_be_disabled(monkeypatch):
    monkeypatch.setenv(match.CACHE_ENV, "")
    assert match.cache_path() is None
