"""The merge in blocks gives the store's merge: random mentions, grid cells, the window sweep."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from rokhdad.batch import merge
from rokhdad.store import incidents
from rokhdad.store.incidents import Features

# A few places that exercise every branch of place_score: the same base under two entry
# ids 1 km apart, a town 10 km away, one 40 km away, a province, a country, a place in
# another country, a name the gazetteer did not know (no coordinates).
PLACES = [
    (None, "", None, None, None, None, ""),
    ("base-1", "عین الاسد", "military_base", 33.80, 42.44, "IRQ", "anbar"),
    ("base-2", "عین الاسد", "military_base", 33.805, 42.45, "IRQ", "anbar"),
    ("town-1", "البغدادی", "populated_place", 33.87, 42.52, "IRQ", "anbar"),
    ("town-2", "حدیثه", "populated_place", 34.13, 42.38, "IRQ", "anbar"),
    ("prov-1", "الانبار", "admin1", 33.4, 42.0, "IRQ", "anbar"),
    ("prov-2", "بغداد", "admin1", 33.3, 44.4, "IRQ", "baghdad"),
    ("iraq", "عراق", "country", 33.0, 44.0, "IRQ", ""),
    ("town-3", "البوکمال", "populated_place", 34.45, 40.92, "SYR", "deir"),
    ("name:کمپ", "کمپ", None, None, None, None, ""),
]
ACTORS = ["us", "iran", "kh", "isis"]


@st.composite
def mention(draw, number: int) -> Features:
    place_id, name, kind, lat, lon, country, admin1 = draw(st.sampled_from(PLACES))
    start = draw(st.integers(0, 20))
    undated = draw(st.booleans())
    if undated:
        end = start + draw(st.sampled_from([incidents.UNDATED_LOOKBACK_DAYS,
                                            incidents.UNDATED_FACILITY_LOOKBACK_DAYS]))
        day = end
    else:
        end = start + draw(st.sampled_from([0, 0, 0, 6, 30]))
        day = start
    return Features(f"m{number:03d}", f"a{draw(st.integers(0, 12))}", draw(st.sampled_from(["ASSAULT", "PROTEST"])),
                    day, start, end, undated, place_id, name, kind, lat, lon, country, admin1,
                    frozenset(draw(st.sets(st.sampled_from(ACTORS), max_size=2))),
                    frozenset(draw(st.sets(st.sampled_from(ACTORS), max_size=2))), None)


@st.composite
def mentions(draw) -> list[Features]:
    count = draw(st.integers(1, 30))
    return [draw(mention(i)) for i in range(count)]


def partition(features: list[Features]) -> list[list[str]]:
    return sorted(sorted(m.id for m in c.members) for c in incidents.assign(features))


@settings(max_examples=150, deadline=None)
@given(mentions())
def test_merging_each_block_alone_equals_merging_everything(features):
    block_of = merge.components(features)
    blocks: dict[str, list[Features]] = {}
    for f in features:
        blocks.setdefault(block_of[f.id], []).append(f)
    blocked = sorted(group for block in blocks.values() for group in partition(block))
    assert blocked == partition(features)


@settings(max_examples=300, deadline=None)
@given(st.floats(-80, 80), st.floats(-180, 180), st.floats(0, 2 * math.pi),
       st.floats(0, incidents.MAX_DISTANCE_KM))
def test_points_within_the_merge_distance_share_a_grid_cell(lat, lon, bearing, km):
    # the point km away along the bearing (spherical destination formula)
    phi, lam, delta = math.radians(lat), math.radians(lon), km / merge.EARTH_RADIUS_KM
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(bearing))
    lam2 = lam + math.atan2(math.sin(bearing) * math.sin(delta) * math.cos(phi),
                            math.cos(delta) - math.sin(phi) * math.sin(phi2))
    a = Features("a", "x", "ASSAULT", 0, 0, 0, False, "p1", "", "populated_place", lat, lon, "IRQ", "",
                 frozenset(), frozenset(), None)
    b = a._replace(id="b", place_id="p2", lat=math.degrees(phi2), lon=math.degrees(lam2))
    assert incidents.distance_km(a, b) <= incidents.MAX_DISTANCE_KM + 1e-6
    assert set(merge.blocking_keys(a)) & set(merge.blocking_keys(b))


def test_places_far_apart_share_no_cell():
    a = Features("a", "x", "ASSAULT", 0, 0, 0, False, "p1", "", "populated_place", 33.3, 44.4, "IRQ", "",
                 frozenset(), frozenset(), None)
    b = a._replace(id="b", place_id="p2", lat=35.7, lon=51.4)  # Baghdad, Tehran
    assert not set(merge.blocking_keys(a)) & set(merge.blocking_keys(b))


def test_a_coarse_place_or_no_place_gives_no_place_key():
    country = Features("a", "x", "ASSAULT", 0, 0, 0, False, "iraq", "عراق", "country", 33.0, 44.0, "IRQ", "",
                       frozenset({"us"}), frozenset({"kh"}), None)
    assert merge.blocking_keys(country) == ["ASSAULT|pair|us|kh"]
    assert merge.blocking_keys(country._replace(place_id=None, perpetrators=frozenset())) == []


def test_sweep_chains_overlapping_windows_and_cuts_at_gaps():
    entries = [(10, 12, "c"), (0, 3, "a"), (3, 5, "b"), (6, 6, "d"), (11, 11, "e")]
    assert sorted(merge.sweep(entries)) == [("a", "b"), ("c", "e")]


def test_overlap_windows_intersect_exactly_when_dates_overlap():
    base = Features("a", "x", "ASSAULT", 5, 5, 7, False, None, "", None, None, None, None, "",
                    frozenset(), frozenset(), None)
    for start in range(0, 15):
        for length in (0, 2):
            other = base._replace(id="b", start=start, end=start + length, day=start)
            (lo1, hi1), (lo2, hi2) = merge.overlap_window(base), merge.overlap_window(other)
            assert (lo1 <= hi2 and lo2 <= hi1) == incidents.dates_overlap(base, other)
