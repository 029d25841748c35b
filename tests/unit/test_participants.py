"""Tests for service.events.participants: actor, target and source of a trigger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.events.lead import LeadParties
from service.events.lexicon import load_lexicon
from service.events.modality import Modality
from service.events.participants import Participants
from service.events.party import Party, PartyPair
from service.events.triggers import TriggerTyper

Parse = Callable[[str], Any]  # the `parse` fixture of tests/unit/conftest.py
Roles = tuple[set[tuple[str | None, str | None]], str | None]


@pytest.fixture(scope="module")
def roles(parse: Parse) -> Callable[[str, str], Roles]:
    """(text, trigger text) -> ({(actor, target)}, source) as Participants finds them."""
    lexicon = load_lexicon()
    typer = TriggerTyper(lexicon)
    modality = Modality(lexicon, typer.speech)
    participants = Participants(lexicon, typer.speech)

    def run(text: str, trigger: str) -> Roles:
        doc, index = parse(text)
        for sent in doc.sents:
            triggers = typer.find(sent)
            for trig in triggers.values():
                type_ = modality(trig, triggers, index)
                if trig.text == trigger and type_ is not None:
                    pairs, source = participants(trig, type_, index)
                    named = {(a.name if a else None, t.name if t else None) for a, t in pairs}
                    return named, source.name if source else None
        raise AssertionError(f"no coded trigger {trigger!r} in {text!r}")

    return run


@pytest.fixture(scope="module")
def parties(parse: Parse) -> Callable[[str, str], list[PartyPair]]:
    """(text, trigger text) -> the (actor, target) parties Participants finds."""
    lexicon = load_lexicon()
    typer = TriggerTyper(lexicon)
    modality = Modality(lexicon, typer.speech)
    participants = Participants(lexicon, typer.speech)

    def run(text: str, trigger: str) -> list[PartyPair]:
        doc, index = parse(text)
        for sent in doc.sents:
            triggers = typer.find(sent)
            for trig in triggers.values():
                type_ = modality(trig, triggers, index)
                if trig.text == trigger and type_ is not None:
                    return participants(trig, type_, index)[0]
        raise AssertionError(f"no coded trigger {trigger!r} in {text!r}")

    return run


def _entity(party: Party | None) -> str | None:
    return party.entity.name if party is not None and party.entity is not None else None


class TestRolesFromTheParse:
    """Who acts on whom is read from the parse: passives, coordination, possessives,
    demonyms, unnamed parties and joint acts."""

    @pytest.mark.parametrize(
        ("text", "trigger", "pair"),
        [
            ("Two Italian journalists were detained by Egyptian police.", "detained",
             ("Egyptian police", "Two Italian journalists")),
            ("A clinic for Somali refugees was shelled by Ethiopian gunmen.", "shelled",
             ("Ethiopian gunmen", "A clinic for Somali refugees")),
        ],
    )  # fmt: skip
    def test_passive_agent_acts_on_the_subject(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str,
        pair: tuple[str, str],
    ) -> None:  # fmt: skip
        """The agent of a passive verb is the actor, its subject the target."""
        assert roles(text, trigger)[0] == {pair}

    def test_passive_parties_keep_their_countries(
        self, parties: Callable[[str, str], list[PartyPair]]
    ) -> None:
        """The demonym of each side is the entity a resolver gives a country from."""
        [(actor, target)] = parties(
            "A clinic for Somali refugees was shelled by Ethiopian gunmen.", "shelled"
        )
        assert (_entity(actor), _entity(target)) == ("Ethiopian", "Somali")

    def test_a_place_beside_a_party_is_not_its_owner(
        self, parties: Callable[[str, str], list[PartyPair]]
    ) -> None:
        """'a bomb outside the Turkish embassy' is not Turkish: only prepositions of belonging
        ('a camp for Somali refugees', 'rebels in X') give a phrase its country."""
        [(actor, _)] = parties("Two guards were killed by a bomb outside the Turkish embassy.",
                               "killed")  # fmt: skip
        assert actor is not None
        assert (actor.name, actor.entity) == ("a bomb outside the Turkish embassy", None)

    @pytest.mark.parametrize(
        ("text", "trigger", "pairs"),
        [
            ("Ghana sent medical supplies to Togo and Mali.", "sent supplies",
             {("Ghana", "Togo"), ("Ghana", "Mali")}),
            ("The minister said Ottawa would lift its embargo on shipments to Iran, Libya, "
             "Sudan and Cuba.", "lift embargo",
             {("Ottawa", "Iran"), ("Ottawa", "Libya"), ("Ottawa", "Sudan"), ("Ottawa", "Cuba")}),
            ("Spain, Italy and Greece condemned the attack on Cyprus.", "condemned",
             {("Spain", "Cyprus"), ("Italy", "Cyprus"), ("Greece", "Cyprus")}),
        ],
    )  # fmt: skip
    def test_one_event_per_coordinated_party(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str,
        pairs: set[tuple[str, str]],
    ) -> None:  # fmt: skip
        """Coordinated actors and targets give one pair each, never a reversed twin."""
        assert roles(text, trigger)[0] == pairs

    @pytest.mark.parametrize(
        ("text", "trigger", "actor", "entity"),
        [
            ("Iran's proxy militia shelled the base.", "shelled",
             "Iran's proxy militia", "Iran"),
            ("Peru's Constitutional Court rejected the appeal.", "rejected",
             "Peru's Constitutional Court", "Peru"),
            ("Malian soldiers detained the mayor.", "detained", "Malian soldiers", "Malian"),
            ("Police in Senegal arrested dozens of students.", "arrested",
             "Police in Senegal", "Senegal"),
            ("The son of the son of the king of Spain attacked Russia.", "attacked",
             "The son of the son", "Spain"),
        ],
    )  # fmt: skip
    def test_a_phrase_party_belongs_to_its_owner(
        self, parties: Callable[[str, str], list[PartyPair]], text: str, trigger: str,
        actor: str, entity: str,
    ) -> None:  # fmt: skip
        """Possessives, demonyms and places make the phrase the party, owned by the entity."""
        [(party, _)] = parties(text, trigger)
        assert party is not None
        assert (party.name, party.named, _entity(party)) == (actor, False, entity)

    def test_a_named_head_names_the_party(
        self, parties: Callable[[str, str], list[PartyPair]]
    ) -> None:
        """'Salaheddine Amrani, a Moroccan diplomat': the name, the apposition's country beside."""
        [(party, _)] = parties("Salaheddine Amrani, a Moroccan diplomat, criticised Spain.",
                               "criticised")  # fmt: skip
        assert party is not None and party.named
        assert party.owner is not None
        assert (party.name, party.owner.name) == ("Salaheddine Amrani", "Moroccan")

    @pytest.mark.parametrize(
        "text",
        ["Hezbollah chief Hassan Nasrallah rejected the offer.",
         "Hezbollah leader Sayyed Hassan Nasrallah rejected the offer."],
    )  # fmt: skip
    def test_a_person_belongs_to_the_organisation_beside_the_name(
        self, parties: Callable[[str, str], list[PartyPair]], text: str
    ) -> None:
        """With no country beside a person's name, the organisation beside it is whose the
        person is (the actor knowledge base places it, the entity list may not)."""
        [(party, _)] = parties(text, "rejected")
        assert party is not None and party.named and party.owner is not None
        assert party.name.endswith("Hassan Nasrallah")
        assert party.owner.name == "Hezbollah"

    def test_unnamed_parties_are_their_phrases(self, roles: Callable[[str, str], Roles]) -> None:
        """With no entity on either side, the phrases as written are actor and target."""
        assert roles("The government banned the newspaper.", "banned")[0] == {
            ("The government", "the newspaper")
        }

    def test_a_pronoun_alone_is_nobody(self, roles: Callable[[str, str], Roles]) -> None:
        """A pronoun subject with no speaker to stand for codes no actor."""
        assert roles("They attacked the convoy.", "attacked") == (set(), None)

    def test_a_pronoun_stands_for_an_unnamed_speaker(
        self, roles: Callable[[str, str], Roles]
    ) -> None:
        """'The soldiers said they detained ...': the soldiers detained them."""
        pairs, _ = roles("The soldiers said they detained two Panamanian sailors.", "detained")
        assert pairs == {("The soldiers", "two Panamanian sailors")}

    def test_joint_act_holds_both_ways(self, roles: Callable[[str, str], Roles]) -> None:
        """'X and Y met in Z': the two sides act towards each other; Z is only where."""
        pairs = roles("Chile and Peru met in Lima.", "met")[0]
        assert pairs == {("Chile", "Peru"), ("Peru", "Chile")}

    def test_joint_act_with_a_named_partner(self, roles: Callable[[str, str], Roles]) -> None:
        """'X and Y signed a pact with Z': both sides and Z act towards each other, not the two
        sides towards themselves."""
        pairs = roles("Austria and Hungary signed a border pact with Slovenia.", "signed pact")[0]
        assert pairs == {("Austria", "Slovenia"), ("Hungary", "Slovenia"),
                         ("Slovenia", "Austria"), ("Slovenia", "Hungary")}  # fmt: skip

    @pytest.mark.parametrize(
        ("text", "trigger", "pair"),
        [
            ("The former president, Olusegun Obasanjo, rejected the proposal.", "rejected",
             ("Olusegun Obasanjo", "the proposal")),
            ("Kenyan police arrested the opposition leader, Raila Odinga.", "arrested",
             ("Kenyan police", "Raila Odinga")),
        ],
    )  # fmt: skip
    def test_a_name_in_apposition_names_the_party(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str,
        pair: tuple[str, str],
    ) -> None:  # fmt: skip
        """'the former president, X': the name in apposition is the party, so its country can
        be known from who X is."""
        assert roles(text, trigger)[0] == {pair}

    def test_a_named_apposition_keeps_the_phrase_country_beside(
        self, parties: Callable[[str, str], list[PartyPair]]
    ) -> None:
        """'his Chilean counterpart, X': X is the party, Chilean the country beside it (a
        meeting holds both ways: the minister's pair is read)."""
        pairs = parties(
            "Peru's foreign minister met his Chilean counterpart, Alberto van Klaveren.", "met"
        )
        [target] = [t for a, t in pairs if a is not None and "minister" in a.name]
        assert target is not None and target.named and target.owner is not None
        assert (target.name, target.owner.name) == ("Alberto van Klaveren", "Chilean")

    def test_what_is_received_is_the_giver_s_act(self, roles: Callable[[str, str], Roles]) -> None:
        """'X received aid from Y': Y gives, X is given to."""
        assert roles("Kenya received humanitarian aid from Japan.", "aid")[0] == {
            ("Japan", "Kenya")
        }

    def test_an_adjective_keeps_its_preposition(self, roles: Callable[[str, str], Roles]) -> None:
        """'fighters loyal to X': the party's phrase keeps whom it is loyal to, which says
        whose it is."""
        pairs = roles("Militiamen loyal to Riek Machar attacked the town of Bor.", "attacked")[0]
        assert pairs == {("Militiamen loyal to Riek Machar", "Bor")}

    @pytest.mark.parametrize(
        ("text", "trigger", "pair"),
        [
            ("NAIROBI, Kenya -- A Kenyan court has charged three Somali nationals.", "charged",
             ("A Kenyan court", "three Somali nationals")),
            ("LIMA (Reuters): Peruvian police detained two Bolivian smugglers.", "detained",
             ("Peruvian police", "two Bolivian smugglers")),
        ],
    )  # fmt: skip
    def test_a_dateline_is_not_the_actor(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str,
        pair: tuple[str, str],
    ) -> None:  # fmt: skip
        """The place a dateline names before a dash or colon is not the subject that acts."""
        assert roles(text, trigger)[0] == {pair}

    def test_a_hyphen_is_not_a_dateline(self, roles: Callable[[str, str], Roles]) -> None:
        """A dash inside a word ("left-wing") leaves the subject as it is."""
        [(actor, _)] = roles("Several left-wing Dutch groups condemned the Belgian decision.",
                             "condemned")[0]  # fmt: skip
        assert actor is not None and actor.endswith("Dutch groups")

    def test_a_wire_dateline_names_no_party(self, roles: Callable[[str, str], Roles]) -> None:
        """'ROME, Italy (AP) -- Italy's senate ...': neither the wire place nor its country
        acts, however the parser attaches them."""
        pairs = roles("ROME, Italy (AP) -- Italy's senate passed a motion Tuesday condemning "
                      "President Sergio Mattarella for attempting to delay the vote.",
                      "condemning")[0]  # fmt: skip
        assert pairs == {("Italy's senate", "Sergio Mattarella")}

    @pytest.mark.parametrize(
        ("text", "trigger", "pairs"),
        [
            ("Chile met Peru on Monday.", "met", {("Chile", "Peru"), ("Peru", "Chile")}),
            ("Chile agreed with Peru on a border plan.", "agreed",
             {("Chile", "Peru"), ("Peru", "Chile")}),
            ("Australia agreed to lend $1 billion to Indonesia.", "agreed",
             {("Australia", "Indonesia")}),
            ("Egypt agreed to open its border to Sudanese refugees.", "agreed",
             {("Egypt", "Sudanese refugees")}),
        ],
    )  # fmt: skip
    def test_only_a_partner_is_coded_both_ways(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str,
        pairs: set[tuple[str, str]],
    ) -> None:  # fmt: skip
        """A reciprocal act holds both ways with its partner (its object, or 'with' it), not
        with whom a promised act falls on."""
        assert roles(text, trigger)[0] == pairs

    def test_a_conjunct_belongs_where_the_one_before_does(
        self, parties: Callable[[str, str], list[PartyPair]]
    ) -> None:
        """'Hungarian NGOs and free media': the media are Hungarian too."""
        found = parties("The State Department praised Hungarian NGOs and free media.", "praised")
        targets = {t.name: t for _, t in found if t is not None}
        assert set(targets) == {"Hungarian NGOs", "free media"}
        media = targets["free media"]
        assert media.entity is None and media.owner is not None
        assert media.owner.name == "Hungarian"

    def test_other_parties_are_apart(
        self, parties: Callable[[str, str], list[PartyPair]]
    ) -> None:
        """'Uganda and other countries', 'Uganda and its allies': not Uganda."""
        for text, name in (("Kenya praised Uganda and other countries.", "other countries"),
                           ("Kenya praised Uganda and its allies.", "its allies")):  # fmt: skip
            found = parties(text, "praised")
            others = [t for _, t in found if t is not None and t.name == name]
            assert len(others) == 1
            assert others[0].entity is None and others[0].owner is None

    def test_an_act_as_subject_is_done_by_its_owner(
        self, roles: Callable[[str, str], Roles]
    ) -> None:
        """'A Houthi attack on the port killed ten sailors': the Houthis killed them."""
        assert roles("A Houthi attack on the port killed ten Yemeni sailors.", "killed")[0] == {
            ("Houthi", "ten Yemeni sailors")
        }


class TestParticipants:
    """Participants follows the parse: subjects act, objects and prepositions are acted on."""

    @pytest.mark.parametrize(
        ("text", "trigger", "pairs"),
        [
            ("Russia attacked Ukraine.", "attacked", {("Russia", "Ukraine")}),
            ("Ukrainian villages were shelled by Russian forces.", "shelled",
             {("Russian forces", "Ukrainian villages")}),
            ("Spain, Italy and Greece condemned the attack on Cyprus.", "condemned",
             {("Spain", "Cyprus"), ("Italy", "Cyprus"), ("Greece", "Cyprus")}),
            ("France and Spain signed a pact.", "signed pact",
             {("France", "Spain"), ("Spain", "France")}),
            ("The pact between France and Spain was a surprise.", "pact",
             {("France", "Spain"), ("Spain", "France")}),
            ("Kenyan police arrested opposition leaders.", "arrested",
             {("Kenyan police", "opposition leaders")}),
            ("Chile convened an emergency meeting.", "convened", {("Chile", None)}),
            ("The son of the son of the king of Spain attacked Russia.", "attacked",
             {("The son of the son", "Russia")}),
            # fire exchanged is fired both ways
            ("Peruvian troops exchanged fire with Ecuadorean soldiers.", "exchanged fire",
             {("Peruvian troops", "Ecuadorean soldiers"),
              ("Ecuadorean soldiers", "Peruvian troops")}),
            # the person talks are with, before the topic a country names
            ("Chile's foreign minister held talks with Juan Perez on the Bolivian border.",
             "held talks", {("Chile's foreign minister", "Juan Perez"),
                            ("Juan Perez", "Chile's foreign minister")}),
            # each country of a list in the phrase the verb governs
            ("Syria rejected a proposal by Egypt, Jordan and Qatar that it hold elections.",
             "rejected", {("Syria", "Egypt"), ("Syria", "Jordan"), ("Syria", "Qatar")}),
            # "he" is who announced it, the subject of the verb "announced" is coordinated with
            ("Peru accused Chile of spying and announced he was recalling the ambassador.",
             "recalling ambassador", {("Peru", None)}),
            # "its" of an act the verb takes as object is the verb's subject's
            ("Chile completed its offensive against Peru on Monday.", "offensive",
             {("Chile", "Peru")}),
            # a warning that names no one warns whom the verb before it addressed
            ("Peru accused Chile of spying and warned it would respond with force.", "warned",
             {("Peru", "Chile")}),
        ],
    )  # fmt: skip
    def test_pairs(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str,
        pairs: set[tuple[str | None, str | None]],
    ) -> None:  # fmt: skip
        """Passive agents act, coordinated subjects each act, a joint act is coded once, and an
        unnamed party is its phrase as written."""
        assert roles(text, trigger)[0] == pairs

    def test_too_vague_alone(self, roles: Callable[[str, str], Roles]) -> None:
        """An ambiguous verb with no named target codes nothing."""
        assert roles("Google's new service arrived on Tuesday.", "arrived") == (set(), None)

    @pytest.mark.parametrize(
        ("text", "trigger", "source"),
        [
            ("Japan said North Korea fired two missiles at South Korea.", "fired missiles",
             "Japan"),
            ("According to Japan, North Korea fired two missiles.", "fired missiles", "Japan"),
            ("Russia attacked Ukraine.", "attacked", None),
        ],
    )  # fmt: skip
    def test_source(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str, source: str | None
    ) -> None:
        """The subject of a governing speech verb or 'according to X' reports the event."""
        assert roles(text, trigger)[1] == source

    def test_pronoun_is_the_speaker(self, roles: Callable[[str, str], Roles]) -> None:
        """'X said it will ...': the pronoun is X."""
        assert ("Chile", "Peru") in roles("Chile said it will visit Peru.", "visit")[0]


def _lead_pairs(parse: Parse, text: str, type_: str) -> set[tuple[str | None, str | None]]:
    """The (actor, target) names the lead fallback gives the text's first sentence."""
    lexicon = load_lexicon()
    lead = LeadParties(Participants(lexicon, TriggerTyper(lexicon).speech))
    doc, index = parse(text)
    found = lead(next(iter(doc.sents)), index, type_)
    assert found is not None
    return {(a.name if a else None, t.name if t else None) for a, t in found[1]}


class TestLeadParties:
    """A sentence no trigger coded: its main event's parties from the parse."""

    @pytest.mark.parametrize(
        ("text", "pair"),
        [
            ("Norway will welcome the Chilean delegation next week, a spokesman said.",
             ("Norway", "the Chilean delegation")),
            ("The agency said Sweden would host the Chilean president in May.",
             ("Sweden", "the Chilean president")),
            ("The Malian army has received logistics support from the French military.",
             ("the French military", "The Malian army")),
        ],
    )  # fmt: skip
    def test_who_speaks_is_not_the_actor(
        self, parse: Parse, text: str, pair: tuple[str, str]
    ) -> None:
        """'X will do Y, a spokesman said': the reported clause holds the event, not the
        speech verb (the speaker is the source)."""
        assert _lead_pairs(parse, text, "CONSULT") == {pair}

    @pytest.mark.parametrize(
        ("text", "pair"),
        [
            ("Two Israeli soldiers were wounded when guerrillas detonated a bomb in Lebanon.",
             ("Lebanon", "Two Israeli soldiers")),
            ("Three Turkish soldiers were wounded on Monday.", (None, "Three Turkish soldiers")),
            ("Turkey was praised by Greece.", ("Greece", "Turkey")),
        ],
    )  # fmt: skip
    def test_a_passive_subject_is_acted_on(
        self, parse: Parse, text: str, pair: tuple[str | None, str]
    ) -> None:
        """'Two Israeli soldiers were wounded' with no agent: the soldiers are the target and
        another country named the actor, if any; never the soldiers acting on it."""
        assert _lead_pairs(parse, text, "ASSAULT") == {pair}
