"""Named patterns and word sets the event rules share (the Persian ones come from
``data/rules/lexicon.yaml``; see extract/lexicon.py)."""

from __future__ import annotations

from rokhdad.extract import lexicon

SEGMENT_BREAK = lexicon.pattern("segment_break")
NAMED_PLACE = lexicon.pattern("named_place")
PLURAL_REPORT = lexicon.pattern("plural_report")
OWNER_BEFORE = lexicon.pattern("owner_before")
PLACE_NOUN_BEFORE = lexicon.pattern("place_noun_before")
MAX_SPEAKER_LIST = 220  # chars; a longer stretch before the verb is not a list of names
SPEAKER_KINDS = frozenset({"person", "official", "government", "coalition", "outlet", "organization",
                           "state_force", "source"})
ATTACK_WORD = lexicon.pattern("attack_word")
NEEDS_ATTACK_CONTEXT = frozenset({"assault.explosion", "assault.explode.verb", "assault.killed",
                                  "assault.killed.noun", "assault.destroy"})
ATTACK_CONTEXT = lexicon.pattern("attack_context")
VERB_BETWEEN = lexicon.pattern("verb")
NOT_PLACE_NAMES = lexicon.words("not_place_names")
UNIT_BEFORE = lexicon.pattern("unit_before")
UNIT_AFTER = lexicon.pattern("unit_after")
AGENT_KINDS = frozenset({"state_force", "armed_group", "coalition", "government", "place"})
REFERENCE = lexicon.pattern("reference")
TOTAL = lexicon.pattern("casualty_total")
INJURED_TOTALS = lexicon.words("injured_totals")
CLAUSE_BREAK = lexicon.pattern("clause_break")
COUNT_GAP = 12          # chars between a count and its weapon word ("هشت راکت", "۵ فروند موشک")
CASUALTY_GAP = 40       # chars between a number and its casualty word ("۱۵ تن از مهاجمان کشته")
SUPPORT_KINDS = ("weapon", "casualties", "place", "armed")
PLACE_RANK = {"facility": 5, "populated_place": 4, "admin2": 3, "admin1": 2, "country": 1, "region": 0}
FACILITY_KINDS = frozenset({"military_base", "air_base", "airport", "camp", "oil_field", "gas_field",
                            "refinery", "embassy", "consulate", "green_zone", "border_crossing", "port",
                            "dam", "prison", "palace", "government_building", "other", "facility"})
ONE_OF = lexicon.pattern("one_of")
