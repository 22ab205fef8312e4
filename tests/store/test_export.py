"""Exports round-trip (write, read back, compare); ACLED and PLOVER names; query and export CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

import fakes
from rokhdad.errors import InputError
from rokhdad.model import Article, EventType
from rokhdad.store import export
from rokhdad.store.ingest import ingest
from rokhdad.store.query import Filters, country_code, find_incidents
from rokhdad.store.summary import Incident

ACLED_EVENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                     "Strategic developments"}
ACLED_SUB_EVENT_TYPES = {
    "Armed clash", "Government regains territory", "Non-state actor overtakes territory", "Chemical weapon",
    "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
    "Grenade", "Sexual violence", "Attack", "Abduction/forced disappearance", "Peaceful protest",
    "Protest with intervention", "Excessive force against protesters", "Violent demonstration", "Mob violence",
    "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use", "Headquarters or base established",
    "Looting/property destruction", "Non-violent transfer of territory", "Other"}
GUIDELINE_MODES = {  # ../shared/eval/GUIDELINES.md §2
    "ASSAULT": ["firearms", "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "abduct", "targeted",
                "beat", "destroy", "other", None],
    "PROTEST": ["demo", "riot", "strike", "other", None],
    "COERCE": ["arrest", "seize", "restrict", "other", None],
    "MOBILIZE": ["troops", "weapons", "other", None],
}


def article(id: str, published: str | None, *lines: str, source: str = "tabnak") -> Article:
    return Article(id, "\n".join(["متن «خبر»، با \"نقل قول\"", *lines]),
                   dt.date.fromisoformat(published) if published else None, source)


CORPUS = [
    article("t1", "2020-03-12", "@ date=2020-03-11 place=taji target=us,uk mode=heavy-weapons weapon=rocket "
            "count=10 fatalities=3 injured=12 source=joc"),
    article("t2", "2020-03-12", "@ date=2020-03-11 place=taji target=us attributed=militias attributed_by=pentagon "
            "fatalities=4 source=pentagon modality=reported", source="roozno"),
    article("k1", "2020-03-13", "@ date=2020-03-13 place=karbala-airport actor=us target=workers mode=firearms "
            "fatalities=1"),
    article("p1", "2020-03-14", "@ type=PROTEST date=2020-03-14 place=baghdad mode=demo target=us"),
    article("c1", "2020-03-15", "@ type=COERCE mode=arrest actor=iraqi-army target=kh place=jurf date=2020-03"),
    article("m1", "2020-03-16", "@ type=MOBILIZE mode=troops actor=us place=iraq date=2020-03-16"),
    article("u1", None, "@ type=ASSAULT claimed=unknown"),
]


@pytest.fixture(scope="module")
def incidents(tmp_path_factory) -> list[Incident]:
    from rokhdad.store.database import open_store

    path = tmp_path_factory.mktemp("export") / "e.db"
    with open_store(str(path)) as store:
        ingest(store, CORPUS, process=fakes.process)
        found = find_incidents(store, Filters(include_optional=True))
    assert len(found) == 6
    return found


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> str:
    from rokhdad.store.database import open_store

    path = tmp_path_factory.mktemp("cli") / "e.db"
    with open_store(str(path)) as store:
        ingest(store, CORPUS, process=fakes.process)
    return str(path)


@pytest.mark.parametrize("format", export.FORMATS)
def test_round_trip(incidents, tmp_path, format):
    path = tmp_path / f"out.{format}"
    assert export.write_export(incidents, format, path) == len(incidents)
    assert export.read_export(path, format) == export.export_rows(incidents, format)
    assert not list(tmp_path.glob(".*.tmp"))


def test_round_trip_of_an_empty_selection(tmp_path):
    for format in export.FORMATS:
        path = tmp_path / f"empty.{format}"
        export.write_export([], format, path)
        assert export.read_export(path, format) == []


def test_acled_columns_follow_the_codebook(incidents, tmp_path):
    path = tmp_path / "acled.csv"
    export.write_export(incidents, "acled-csv", path)
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:7] == ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                          "sub_event_type"]
    assert header[-5:] == ["source_scale", "notes", "fatalities", "tags", "timestamp"]
    assert len(header) == 31


def by_place(incidents, name):
    return next(i for i in incidents if i.place and i.place.name_en == name)


def test_acled_row_for_a_disputed_rocket_attack(incidents):
    row = export.acled_row(by_place(incidents, "Camp Taji"))
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (
        "Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert row["fatalities"] == 3 and "disputed: fatalities" in row["tags"]
    assert (row["iso"], row["region"], row["country"], row["admin1"]) == (368, "Middle East", "Iraq", "Baghdad")
    assert (row["time_precision"], row["geo_precision"], row["event_date"]) == (1, 1, "2020-03-11")
    assert row["actor1"] == "Iran-backed militias" and row["inter1"] == 3  # attributed: no stated attacker
    assert row["actor2"] == "United States forces" and row["assoc_actor_2"] == "British forces"
    assert row["interaction"] == 38
    assert row["source"] == "Roozno; Tabnak" and row["source_scale"] == "National"
    assert "most conservative" in row["notes"] and "Attributed to Iran-backed militias" in row["notes"]


def test_acled_civilian_targeting_and_other_types(incidents):
    karbala = export.acled_row(by_place(incidents, "Karbala airport"))
    assert (karbala["event_type"], karbala["sub_event_type"], karbala["civilian_targeting"]) == (
        "Violence against civilians", "Attack", "Civilian targeting")
    assert karbala["interaction"] == 78
    rows = {i.type: export.acled_row(i) for i in incidents}
    assert rows[EventType.PROTEST]["sub_event_type"] == "Peaceful protest"
    assert rows[EventType.COERCE]["sub_event_type"] == "Arrests"
    assert rows[EventType.COERCE]["time_precision"] == 3  # month
    assert rows[EventType.MOBILIZE]["sub_event_type"] == "Change to group/activity"


@pytest.mark.parametrize("type", GUIDELINE_MODES)
def test_every_guideline_mode_has_a_mapping(incidents, type):
    import dataclasses

    template = incidents[0]
    for mode in GUIDELINE_MODES[type]:
        incident = dataclasses.replace(template, type=EventType(type), mode=mode)
        row = export.category(incident)
        assert row.event_type in ACLED_EVENT_TYPES and row.sub_event_type in ACLED_SUB_EVENT_TYPES
        assert row.disorder_type in ("Political violence", "Demonstrations", "Strategic developments")


def test_plover_record(incidents):
    record = export.plover_record(by_place(incidents, "Camp Taji"))
    assert {"id", "date", "source", "recipient", "event", "mode", "event_loc", "event_text", "quad_code"} <= set(record)
    assert record["event"] == ["ASSAULT"] and record["mode"] == "heavy-weapons" and record["quad_code"] == 4
    assert record["dead"] == 3 and record["event_loc"]["cc3"] == "IRQ"
    assert [s["identifier_text"] for s in record["source"]] == ["Iran-backed militias"]
    texts = {a.id: a.text for a in CORPUS}
    assert len(record["event_text"]) == 2
    for quote, cite, where in zip(record["event_text"], record["cite_info"], record["rokhdad"]["evidence"]):
        assert texts[cite["citation"]][where["start"]:where["end"]] == quote and quote.startswith("@")
    assert {v["value"] for v in record["rokhdad"]["values"] if v["field"] == "fatalities"} == {3, 4}
    karbala = export.plover_record(by_place(incidents, "Karbala airport"))
    assert karbala["recipient"][0]["sector"] == "CVL" and karbala["source"][0]["sector"] == "MIL"


def test_geojson_points_and_nulls(incidents):
    features = {i.id: export.geojson_feature(i) for i in incidents}
    taji = features[by_place(incidents, "Camp Taji").id]
    assert taji["geometry"] == {"type": "Point", "coordinates": [44.2447, 33.5286]}
    unplaced = next(f for f in features.values() if f["properties"]["place_id"] is None)
    assert unplaced["geometry"] is None


def test_flat_row_columns_match_parquet_schema(incidents):
    assert tuple(export.flat_row(incidents[0])) == export.FLAT_COLUMNS


def test_failed_export_leaves_no_file(incidents, tmp_path, monkeypatch):
    path = tmp_path / "out.jsonl"
    calls = []

    def explode(*args, **kwargs):
        calls.append(1)
        if len(calls) > 2:
            raise OSError("disk full")
        return json.JSONEncoder().encode(args[0])

    monkeypatch.setattr(export.json, "dumps", explode)
    with pytest.raises(OSError):
        export.write_export(incidents, "plover-jsonl", path)
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_bad_export_arguments(incidents, tmp_path):
    with pytest.raises(InputError, match="unknown format"):
        export.write_export(incidents, "xlsx", tmp_path / "x")
    with pytest.raises(InputError, match="binary"):
        export.write_export(incidents, "parquet", "-")
    with pytest.raises(InputError, match="does not exist"):
        export.write_export(incidents, "geojson", tmp_path / "no" / "x.geojson")
    with pytest.raises(InputError, match="not an ACLED CSV"):
        (tmp_path / "x.csv").write_text("a,b\n1,2\n")
        export.read_export(tmp_path / "x.csv", "acled-csv")


# -- filters and the commands ----------------------------------------------------------------

@pytest.mark.parametrize("filters, places", [
    (Filters(), {"Camp Taji", "Karbala airport", "Baghdad", "Jurf al-Sakhar", "Iraq"}),
    (Filters(country="irq", type="assault"), {"Camp Taji", "Karbala airport"}),
    (Filters(country="Iraq", since=dt.date(2020, 3, 13), until=dt.date(2020, 3, 14)),
     {"Karbala airport", "Baghdad", "Jurf al-Sakhar"}),  # "March 2020" overlaps the range
    (Filters(actor="کتائب حزب\u200cالله"), {"Jurf al-Sakhar"}),
    (Filters(actor="iran-backed"), {"Camp Taji"}),
    (Filters(place="التاجی"), {"Camp Taji"}),
    (Filters(place="baghdad"), {"Camp Taji", "Baghdad"}),  # admin1 Baghdad
    (Filters(limit=1), {"Jurf al-Sakhar"}),  # oldest first: "March 2020" starts on the 1st
])
def test_filters(db_path, filters, places):
    from rokhdad.store.database import open_store

    with open_store(db_path, create=False) as store:
        found = find_incidents(store, filters)
    assert {i.place.name_en for i in found if i.place} == places


@pytest.mark.parametrize("filters, message", [
    (Filters(type="battle"), "--type"),
    (Filters(country="Atlantis"), "--country"),
    (Filters(since=dt.date(2020, 5, 1), until=dt.date(2020, 1, 1)), "after"),
    (Filters(actor="!!"), "--actor"),
    (Filters(limit=-1), "--limit"),
])
def test_bad_filters(filters, message):
    with pytest.raises(InputError, match=message):
        filters.checked()


def test_country_code():
    assert country_code("syria") == "SYR" and country_code("IRN") == "IRN" and country_code("xkx") == "XKX"


def test_cli_incidents_table_and_json(rokhdad, db_path):
    code, out, err = rokhdad("incidents", "--db", db_path)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["DATE", "TYPE", "PLACE"] and len(lines) == 7
    assert any("Camp Taji (IRQ)" in line and "3*" in line for line in lines)
    code, out, _ = rokhdad("incidents", "--db", db_path, "--json", "--country", "IRQ", "--type", "ASSAULT")
    data = json.loads(out)
    assert {d["place"]["name_en"] for d in data} == {"Camp Taji", "Karbala airport"}
    taji = next(d for d in data if d["place"]["name_en"] == "Camp Taji")
    assert {v["value"] for v in taji["values"] if v["field"] == "fatalities"} == {3, 4}
    code, out, err = rokhdad("incidents", "--db", db_path, "--actor", "nobody-at-all")
    assert code == 0 and out == "" and "no incidents match" in err


def test_cli_export_to_file_and_stdout(rokhdad, db_path, tmp_path):
    target = tmp_path / "e.geojson"
    code, out, err = rokhdad("export", "-f", "geojson", "-o", str(target), "--db", db_path, "--place", "taji")
    assert code == 0 and "wrote 1 incidents" in err
    assert len(json.loads(target.read_text())["features"]) == 1
    code, out, err = rokhdad("export", "--format", "acled-csv", "-o", "-", "--db", db_path)
    assert code == 0 and out.startswith("event_id_cnty,event_date")
    assert len(list(csv.DictReader(out.splitlines()))) == 6


@pytest.mark.parametrize("args, message", [
    (("export", "-f", "xlsx", "-o", "x"), "--format: unknown format 'xlsx'"),
    (("export", "-f", "parquet", "-o", "-"), "binary"),
    (("export", "-f", "geojson"), "Missing option"),
    (("export", "-f", "geojson", "-o", "/no/such/dir/x.geojson"), "does not exist"),
    (("incidents", "--since", "last week"), "--since: 'last week' is not a date"),
    (("incidents", "--type", "war"), "--type: unknown type"),
    (("incidents", "--db", "/no/such.db"), "no database here"),
])
def test_cli_bad_input_is_one_error_line(rokhdad, db_path, args, message):
    if "--db" not in args:
        args = (*args, "--db", db_path)
    code, out, err = rokhdad(*args)
    assert code == 1
    assert err.startswith("error:") and message in err and "Traceback" not in err and err.count("\n") == 1


def test_commands_have_help(rokhdad):
    for command in ("ingest", "incidents", "export"):
        code, out, _ = rokhdad(command, "--help")
        assert code == 0 and "--db" in out


def test_state_forces_abroad_are_external_forces():
    from rokhdad.store.summary import IncidentActor

    us = IncidentActor("act:us-forces", "نیروهای آمریکایی", "United States Armed Forces", 1, "state_force", 1)
    assert export.acled_inter(us, "IRQ") == 8          # US forces in Iraq
    assert export.acled_inter(us, "USA") == 1          # at home
    assert export.acled_inter(us, None) == 1           # place unknown: as the table says
    militia = IncidentActor("name:x", "گروهی مسلح", None, 3, "armed_group", 1)
    assert export.acled_inter(militia, "IRQ") == 3
