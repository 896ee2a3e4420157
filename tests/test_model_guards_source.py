"""Names of a source sentence in an Indic script (Devanagari, Sinhala), found in a rewrite by
their consonants once transliterated (anyascii, the ``model`` extra)."""

from __future__ import annotations

import pytest

from mtfix.rewrite import words as words_module
from mtfix.rewrite.guards import check_names
from mtfix.rewrite.words import consonant_skeleton, in_source, source_words

pytest.importorskip("anyascii")

#: MLQE-PE ne-en train (CC BY-SA, Fomicheva et al. 2020), shortened
NEPALI = "कर्णाली पूर्वका भारद्वाज गोत्र , मष्टो कुलदेवता बताउने चन्द थर लेख्नेहरु"


def test_consonant_skeletons_agree_across_spellings() -> None:
    assert consonant_skeleton("bhardwaj") == consonant_skeleton("bhardvaj") == "vrdvj"
    assert consonant_skeleton("Ramchandra") == "rmkndr"
    assert consonant_skeleton("sabitra") == consonant_skeleton("savitr")


@pytest.mark.parametrize(("name", "found"), [
    ("bhardwaj", True),
    ("karnali", True),
    ("smith", False),
    ("rana", False),       # two consonants: too few to tell one name from another
])
def test_a_devanagari_source_holds_its_names(name: str, found: bool) -> None:
    assert in_source(name, source_words(NEPALI)) is found


def test_a_sinhala_source_holds_its_names() -> None:
    assert in_source("mahinda", source_words("මහින්ද රාජපක්ෂ ජනාධිපති"))
    assert not in_source("gotabaya", source_words("මහින්ද රාජපක්ෂ ජනාධිපති"))


def test_the_anusvara_is_an_n() -> None:
    assert in_source("dashain", source_words("दशैं पर्व"))


def test_a_name_of_the_source_may_come_in_and_another_may_not() -> None:
    before = "The Carnatic tribes write the title as chand."
    assert check_names(before, "The Bhardwaj tribes of Karnali write the title as chand.",
                       NEPALI) is None
    assert check_names(before, "The Bhardwaj tribes of Kerala write the title as chand.",
                       NEPALI).guard == "names"


def test_without_anyascii_an_indic_source_holds_no_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(words_module, "transliterated", lambda word: None)
    assert not in_source("bhardwaj", source_words(NEPALI))
    assert not source_words(NEPALI)
