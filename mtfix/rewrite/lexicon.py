"""Word lists the guards use: function words, negators, opposites, units and currencies.

Plain data, kept apart from the guard functions so each list can be read (and extended) as a
whole. Every word is lower case; the guards fold case before looking a word up.

The lists are deliberately small and common: a guard built on them refuses a rewrite when it
sees a known opposite or unit change, and says nothing about words it does not know, so a
missing word lets a harmful rewrite through but never blocks a good one.
"""

from __future__ import annotations

#: Words that carry grammar rather than content: edits to them do not count toward the
#: content-word guards (a model fixing articles and prepositions is doing its job).
FUNCTION_WORDS = frozenset("""
a an the this that these those it its it's he she they we you i me him her us them his hers their
theirs our ours my mine your yours one ones oneself itself himself herself themselves ourselves
myself yourself yourselves
in on at by for from with to of as into onto upon about over under between among through during
after before above below across along around against within without towards toward via per
and or but so if than then because while when whenever where wherever which who whom whose what
whatever how why whether though although since until till unless once
is are was were be been being am has have had having do does did doing done will would shall
should can could may might must ought
also very much many more most some any all each every such own same other another both either
neither few several lot lots
there here out up down off again further just too even still yet already almost quite rather
only ever thus hence therefore however moreover furthermore besides indeed namely
not no nor never
""".split())

#: Words that negate; a rewrite must keep their number (``n't`` counts as one).
NEGATORS = frozenset("""
not no never none nobody nothing nowhere neither nor without cannot
""".split())

#: Words that all but negate ("rarely causes" is near "does not cause"): a rewrite may say one
#: in other words ("rarely" → "on rare occasions"), but may not drop or add one.
NEAR_NEGATORS = frozenset("rarely seldom hardly barely scarcely".split())

#: Pairs of opposite poles. A rewrite that loses a word of one pole and gains a word of the
#: other (of the same pair) has reversed the meaning; "more ... less" in both texts is fine.
OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split())) for a, b in (
        # direction of change
        ("increase increased increases increasing rise rises rose risen rising grow grows grew "
         "grown growing growth gain gains gained raise raised raising expand expanded expansion "
         "up upward upwards",
         "decrease decreased decreases decreasing fall falls fell fallen falling shrink shrinks "
         "shrank shrunk shrinking decline declines declined declining drop drops dropped "
         "reduce reduced reduces reducing reduction loss losses lose lost cut cuts lower lowered "
         "down downward downwards"),
        ("more greater higher highest larger largest bigger biggest most maximum over above "
         "exceed exceeded exceeds",
         "less fewer lower lowest smaller smallest least minimum under below"),
        ("high large big major strong stronger strongest heavy long longer longest",
         "low small little minor weak weaker weakest light short shorter shortest"),
        # time and order
        ("before earlier earliest early first previous former past ago",
         "after later latest late last next latter future"),
        ("begin begins began begun beginning start starts started starting open opens opened "
         "opening",
         "end ends ended ending finish finishes finished close closes closed closing"),
        ("old older oldest ancient", "new newer newest young younger youngest modern"),
        # outcome and stance
        ("win wins won winning victory success successful succeed succeeded",
         "lose loses lost losing defeat failure unsuccessful fail failed fails"),
        ("accept accepts accepted accepting approve approves approved approval allow allows "
         "allowed permit permits permitted agree agrees agreed support supports supported "
         "include includes included including confirm confirmed admit admitted",
         "reject rejects rejected rejecting refuse refused refuses disapprove disapproved deny "
         "denies denied forbid forbids forbade forbidden prohibit prohibits prohibited ban bans "
         "banned disagree disagrees disagreed oppose opposes opposed exclude excludes excluded "
         "excluding"),
        ("good better best positive right correct true benefit benefits advantage",
         "bad worse worst negative wrong incorrect false harm harms disadvantage"),
        ("rich wealthy", "poor"),
        ("easy simple", "difficult hard complex"),
        ("cheap", "expensive"),
        ("fast faster fastest quick quickly", "slow slower slowest slowly"),
        ("hot warm", "cold cool"),
        ("alive live living born", "dead died die dies death"),
        ("love loved loves", "hate hated hates"),
        ("friend friends ally allies", "enemy enemies"),
        ("import imports imported", "export exports exported"),
        ("buy buys bought buying", "sell sells sold selling"),
        ("arrive arrives arrived arrival enter entered", "leave leaves left departure depart "
         "departed exit exited"),
        ("inside internal interior domestic", "outside external exterior foreign"),
        ("north northern", "south southern"),
        ("east eastern", "west western"),
        ("male men man boy boys husband father son brother king", "female women woman girl "
         "girls wife mother daughter sister queen"),
        ("day daytime summer", "night winter"),
        ("top upper", "bottom"),
        ("legal lawful", "illegal unlawful"),
        ("possible", "impossible"),
        ("known", "unknown"),
        ("present", "absent"),
        ("public", "private"),
        ("always", "never sometimes"),
        # certainty and obligation
        ("may might could possibly perhaps probably maybe likely",
         "will certainly definitely surely must"),
        ("can may allowed",
         "must should ought need needs required obliged"),
        ("will would shall", "could might"),
        # quantity
        ("all every everyone everybody everything entire whole always each",
         "some few someone somebody something partial part sometimes"),
        ("many most much often frequently", "few rarely seldom little"),
        ("both", "either neither"),
        ("only solely", "also too"),
    ))

#: Prefixes that negate the word they are put on ("legal" → "illegal"); a rewrite that adds
#: or drops one has reversed a word.
NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "non-", "non", "dis")

#: Unit and currency words and signs, each mapped to its kind; a rewrite must keep the multiset
#: of kinds (singular, plural and abbreviation are one kind: "km" = "kilometres").
UNITS: dict[str, str] = {
    word: kind
    for kind, words in {
        "km": "km kms kilometre kilometres kilometer kilometers",
        "m": "metre metres meter meters",
        "cm": "cm centimetre centimetres centimeter centimeters",
        "mm": "mm millimetre millimetres millimeter millimeters",
        "mile": "mile miles",
        "foot": "foot feet ft",
        "inch": "inch inches",
        "yard": "yard yards",
        "kg": "kg kgs kilogram kilograms kilo kilos",
        "g": "gram grams",
        "tonne": "tonne tonnes ton tons",
        "pound": "pound pounds lb lbs",
        "ounce": "ounce ounces oz",
        "litre": "litre litres liter liters",
        "gallon": "gallon gallons",
        "hectare": "hectare hectares ha",
        "acre": "acre acres",
        "square": "square sq",
        "cubic": "cubic",
        "dollar": "dollar dollars usd $",
        "euro": "euro euros eur €",
        "sterling": "sterling gbp £",
        "yuan": "yuan rmb renminbi cny ¥",
        "yen": "yen jpy",
        "rupee": "rupee rupees inr rs",
        "rouble": "rouble roubles ruble rubles rub",
        "leu": "leu lei ron",
        "franc": "franc francs",
        "mark": "deutschmark deutschmarks",
        "percent": "percent percentage % pct",
        "degree": "degree degrees °",
        "second": "seconds",
        "minute": "minute minutes",
        "hour": "hour hours",
        "day": "day days",
        "week": "week weeks",
        "month": "month months",
        "year": "year years",
        "decade": "decade decades",
        "century": "century centuries",
        "million": "million millions",
        "billion": "billion billions",
        "trillion": "trillion trillions",
        "thousand": "thousand thousands",
        "hundred": "hundred hundreds",
        "watt": "watt watts kw mw gw kwh mwh",
        "byte": "byte bytes kb mb gb tb",
        "hertz": "hz khz mhz ghz",
        "speed": "mph kph",
    }.items()
    for word in words.split()
}

#: Singular unit words that count only after a number ("a four-year absence" = "four years";
#: "one day", "this year" are not measurements).
AFTER_NUMBER_ONLY = frozenset({"day", "year"})

#: Number words a measurement may follow.
NUMBER_WORDS = frozenset("""
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
hundreds thousand thousands million millions billion billions dozen dozens half
""".split())

#: Common nouns and adjectives that English capitalises inside multi-word names ("the Bronze
#: Age", "the Panama Canal", "Prince Charles", "the Labour Party"). Capitalising or dropping one
#: is not inventing or losing a name: the names guard leaves them to the content-word guards
#: ("adds", "drops", "edit-ratio"), which judge them like any other word.
TITLE_WORDS = frozenset("""
age ages era period century dynasty empire kingdom republic state states union federation
confederation province region county district department territory city town village
capital old new great little upper lower greater north south east west northern southern
eastern western central middle high national international federal royal imperial
people peoples nation nations allied allies
prince princess king queen emperor empress duke duchess count countess lord lady sir saint
st mr mrs ms dr pope bishop archbishop cardinal father mother brother sister general
president vice prime minister ministry secretary chancellor governor mayor chairman
chairwoman chair director chief commander captain colonel major officer member members staff
council committee commission assembly congress parliament senate chamber court tribunal
government cabinet office agency authority board bureau service services administration
party movement front alliance coalition league association society organisation organization
institute institution academy university college school library museum gallery theatre
theater hospital company corporation corp inc ltd group bank fund foundation trust
church cathedral temple monastery abbey chapel mosque palace castle fortress fort tower hall
house square street road avenue bridge station airport port harbour harbor park garden
gardens zoo stadium arena
river lake sea ocean bay gulf strait channel canal island islands peninsula coast cape
mountain mountains mount hill hills valley plain plains desert forest falls glacier
war wars battle revolution uprising rebellion crisis treaty peace pact accord agreement
convention declaration charter constitution act law code plan programme program project
army navy force forces corps regiment division brigade battalion guard guards fleet
award awards prize medal cup trophy championship championships games olympics olympic
festival day week year book journal gazette times news post review press
railway railways line train express airlines company
""".split())
