"""Municipality names as Swedish writes them: "Göteborgs kommun", "Umeå kommun", "Falu kommun"."""

from __future__ import annotations

import pytest

from sbuv_site.municipalities import OFFICIAL_NAME_EXCEPTIONS, LookupProblem, load_registry

REGISTRY = load_registry()
VOWELS = "aeiouyåäö"

# Official names, written out by hand (not derived by the rule under test): every kind of
# ending, multi-word and hyphenated names, and the exceptions.
KNOWN = {
    "Göteborg": "Göteborgs kommun", "Jönköping": "Jönköpings kommun", "Tierp": "Tierps kommun",
    "Östersund": "Östersunds kommun", "Luleå": "Luleå kommun", "Umeå": "Umeå kommun",
    "Haninge": "Haninge kommun", "Skövde": "Skövde kommun", "Sjöbo": "Sjöbo kommun",
    "Täby": "Täby kommun", "Borås": "Borås kommun", "Kalix": "Kalix kommun",
    "Överkalix": "Överkalix kommun", "Västerås": "Västerås kommun", "Kalmar": "Kalmar kommun",
    "Falun": "Falu kommun", "Östhammar": "Östhammars kommun", "Upplands Väsby": "Upplands Väsby kommun",
    "Upplands-Bro": "Upplands-Bro kommun", "Malung-Sälen": "Malung-Sälens kommun",
    "Dals-Ed": "Dals-Eds kommun", "Lilla Edet": "Lilla Edets kommun", "Östra Göinge": "Östra Göinge kommun",
    "Mark": "Marks kommun", "Berg": "Bergs kommun", "Kil": "Kils kommun", "Boden": "Bodens kommun",
    "Arvidsjaur": "Arvidsjaurs kommun", "Karlshamn": "Karlshamns kommun", "Ludvika": "Ludvika kommun",
    "Vetlanda": "Vetlanda kommun", "Torsby": "Torsby kommun", "Tyresö": "Tyresö kommun",
    "Karlskrona": "Karlskrona kommun", "Stockholm": "Stockholms kommun", "Åre": "Åre kommun",
    "Hjo": "Hjo kommun", "Grums": "Grums kommun", "Höör": "Höörs kommun", "Bjuv": "Bjuvs kommun",
}


def by_name(name: str):  # type: ignore[no-untyped-def]
    return next(m for m in REGISTRY.municipalities if m.name == name)


@pytest.mark.parametrize(("name", "official"), sorted(KNOWN.items()))
def test_the_official_name_is_the_one_swedish_uses(name: str, official: str) -> None:
    assert by_name(name).official_name == official


def by_rule(name: str) -> str:
    """The rule, written out again: a vowel or s, x, z at the end stays; others take -s."""
    return f"{name} kommun" if name[-1].lower() in VOWELS + "sxz" else f"{name}s kommun"


def test_every_one_of_the_290_names_follows_the_rule_or_is_a_listed_exception() -> None:
    assert len(REGISTRY.municipalities) == 290
    for place in REGISTRY.municipalities:
        expected = OFFICIAL_NAME_EXCEPTIONS.get(place.code, by_rule(place.name))
        assert place.official_name == expected, place
        assert place.official_name.endswith(" kommun") and "  " not in place.official_name


def test_the_exceptions_name_real_municipalities_that_the_rule_gets_wrong() -> None:
    names = {REGISTRY.by_code(code).name: official for code, official in OFFICIAL_NAME_EXCEPTIONS.items()}
    assert names == {"Kalmar": "Kalmar kommun", "Falun": "Falu kommun"}
    assert all(by_rule(name) != official for name, official in names.items())


def test_official_names_are_unique() -> None:
    officials = [m.official_name for m in REGISTRY.municipalities]
    assert len(set(officials)) == 290


@pytest.mark.parametrize(("written", "hint"), [
    ("Falu kommun", "write just the name: 'Falun'"),
    ("Göteborgs kommun", "write just the name: 'Göteborg'"),
    ("kalmar kommun", "write just the name: 'Kalmar'"),
    ("Umeå kommun", "write just the name: 'Umeå'"),
])
def test_an_official_name_in_front_matter_is_answered_with_the_plain_name(written: str, hint: str) -> None:
    with pytest.raises(LookupProblem) as caught:
        REGISTRY.lookup(written)
    assert caught.value.hint == hint
