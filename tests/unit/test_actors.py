"""Tests for service.actors: the knowledge base, its build and the party resolver."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.actors import ActorContext, ActorResolver, shipped_resolver
from service.actors.build import (
    CountryBlock,
    _countries,
    _cow_codes,
    _government_sector,
    _people,
    _role_words,
    parse_countryinfo,
    parse_reign,
    wordnet_organisations,
)
from service.actors.kb import SECTORS, ActorKB, AgentWords, load_agents, load_kb
from service.actors.names import key
from service.actors.ucdp import merged, parse_ucdp
from service.datafiles import DataFileError, load_data_file
from service.models import Entity, Sector


def entity(name: str, label: str, country: str | None = None, at: int = 0) -> Entity:
    """An entity with one mention at `at`."""
    return Entity(
        name=name, label=label, count=1, mentions=[(at, at + len(name))], country=country
    )


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    """The shipped resolver (built once, as a worker builds it)."""
    return shipped_resolver()


class TestPhrases:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Burundian militiamen", ("BI", "REB")),
            ("security forces in Guinea", ("GN", "COP")),
            ("Israel's militia ally", ("IL", "REB")),
            ("the Iraqi government", ("IQ", "GOV")),
            ("Russian troops", ("RU", "MIL")),
            ("Kenyan police", ("KE", "COP")),
            ("protesters", (None, "CVL")),
            ("the government", (None, "GOV")),
            ("rebel leader", (None, "REB")),
            ("the leader of the rebels", (None, "REB")),
            ("army spokesman", (None, "MIL")),
            ("opposition lawmakers", (None, "LEG")),
            ("Congolese refugees", ("CD", "CVL")),
            ("journalists", (None, "MED")),
            ("drug cartels", (None, "CRM")),
            ("a group of villagers", (None, "CVL")),
            ("residents of Baghdad", ("IQ", "CVL")),
            ("ambassador to Iraq", (None, "GOV")),
            ("the U.S. ambassador to Iraq", ("US", "GOV")),
            ("troops sent to Mali", (None, "MIL")),
            ("the junta", (None, "MIL")),
            ("Somali warlords", ("SO", "REB")),
            ("Moscow", ("RU", "GOV")),
            ("Putin", ("RU", "GOV")),
            ("President Buhari", ("NG", "GOV")),
            ("The Obama administration", ("US", "GOV")),
            ("NLRB General Counsel", ("US", "GOV")),
            ("the Knesset", ("IL", "LEG")),
            ("Northern Ireland police", ("GB", "COP")),  # a part of the UK, not Ireland
            ("Scotland Yard", ("GB", "COP")),
            ("Downing Street", ("GB", "GOV")),
            ("the oil-rich Niger Delta", (None, None)),  # a place, not Niger
            ("ships in the South China Sea", (None, None)),
            ("the Jordan Valley", (None, None)),
            ("Nigerian militants in the Niger Delta", ("NG", "REB")),
            ("fighters near the Afghan border", (None, "REB")),  # on either side of it
            ("Afghan border guards", ("AF", "COP")),
            ("Afghan border police", ("AF", "COP")),
            ("Latin American leaders", (None, "GOV")),  # a continent's, not the USA's
            ("the South American mainland", (None, None)),
            ("American diplomats", ("US", "GOV")),
            ("Tamil Tiger rebels", ("LK", "REB")),  # the Tamil Tigers' name as a modifier
            ("Kim Dae-jung", ("KR", "GOV")),  # CountryInfo writes "Kim Dae Jung"
            ("Ter-Petrosyan", ("AM", "GOV")),  # a hyphenated surname alone
            ("something else entirely", (None, None)),
            ("", (None, None)),
        ],
    )
    def test_phrase(
        self, resolver: ActorResolver, text: str, expected: tuple[str | None, Sector | None]
    ) -> None:
        """A party written as a phrase gets the country and role it names."""
        assert resolver.resolve(text, None, ActorContext()) == expected


class TestOddInput:
    @pytest.mark.parametrize(
        "text",
        ["'s", "---", "\u202e\u0000", "The The The", "a" * 10_000, " ".join(["Army"] * 2_000),
         "Moscow's Moscow's", "U.S.-led", "al-", "-Qaeda"],
    )  # fmt: skip
    def test_odd_text_resolves_quietly(self, resolver: ActorResolver, text: str) -> None:
        """Odd or huge text gives an answer (maybe empty), never an error."""
        country, sector = resolver.resolve(text, None, ActorContext())
        assert country is None or len(country) == 2
        assert sector is None or sector in SECTORS

    def test_mention_outside_the_sentence_reads_nothing_around(
        self, resolver: ActorResolver
    ) -> None:
        """A mention not in the coded sentence lends no title from elsewhere."""
        text = "President Jane Unknown spoke. Then Jane Unknown left."
        context = ActorContext(text=text).at((30, len(text)))
        jane = entity("Jane Unknown", "PERSON", at=10)
        assert resolver.resolve("Jane Unknown", jane, context) == (None, None)


class TestEntities:
    @pytest.mark.parametrize(
        ("name", "label", "country", "expected"),
        [
            ("Russia", "GPE", "RU", ("RU", "GOV")),
            ("North Korea", "GPE", "KP", ("KP", "GOV")),
            ("Moscow", "GPE", "RU", ("RU", "GOV")),
            ("Washington", "GPE", "US", ("US", "GOV")),
            ("Basra", "GPE", "IQ", ("IQ", None)),
            ("Smalltown", "GPE", "FR", ("FR", None)),
            ("Vladimir Putin", "PERSON", None, ("RU", "GOV")),
            ("Putin", "PERSON", None, ("RU", "GOV")),
            ("Abdelaziz Bouteflika", "PERSON", None, ("DZ", "GOV")),
            ("Bouteflika", "PERSON", None, ("DZ", "GOV")),
            ("Prosper Avril", "PERSON", None, ("HT", "GOV")),
            ("Assad", "PERSON", None, ("SY", "GOV")),
            ("Xi", "PERSON", None, ("CN", "GOV")),
            ("Kim", "PERSON", None, (None, None)),
            ("Erdogan", "GPE", None, ("TR", "GOV")),
            ("Hezbollah", "ORG", None, ("LB", "REB")),
            ("Taliban", "ORG", None, ("AF", "REB")),
            ("United Nations", "ORG", None, (None, "IGO")),
            ("Central Intelligence Agency", "ORG", None, ("US", "SPY")),
            ("Malian Armed Forces", "ORG", None, ("ML", "MIL")),
            ("Amnesty International", "ORG", None, (None, "NGO")),
            ("Russian", "NORP", "RU", ("RU", None)),
            ("Ngo Xuan Lich", "PERSON", None, (None, None)),
            ("Jane Unknown", "PERSON", None, (None, None)),
        ],
    )
    def test_entity(
        self, resolver: ActorResolver, name: str, label: str, country: str | None,
        expected: tuple[str | None, Sector | None],
    ) -> None:  # fmt: skip
        """A named party: the country acting is its government, leaders by name or surname."""
        assert resolver.resolve(name, entity(name, label, country), ActorContext()) == expected


class TestContext:
    @pytest.mark.parametrize(
        ("sentence", "name", "expected"),
        [
            ("Iraqi Foreign Minister Jane Unknown said", "Jane Unknown", ("IQ", "GOV")),
            ("the rebel leader Jane Unknown said", "Jane Unknown", (None, "REB")),
            ("Russia's Jane Unknown said", "Jane Unknown", ("RU", None)),
            ("Putin met Jane Unknown", "Jane Unknown", (None, None)),
            ("In Iraq, Jane Unknown said", "Jane Unknown", (None, None)),
            ("Jane Unknown, the Prime Minister of Sri Lanka, said", "Jane Unknown", ("LK", "GOV")),
            ("Jane Unknown, a teacher, said", "Jane Unknown", (None, None)),
            # what follows the comma is the sentence going on, not an apposition
            ("Jane Unknown, held talks with the commander of U.S. Central Command",
             "Jane Unknown", (None, None)),
            ("Jane Unknown, (the Prime Minister of Sri Lanka) said", "Jane Unknown", (None, None)),
            ("Jane Unknown of Kenya said", "Jane Unknown", ("KE", None)),
            # a country's name of three words before a title of two, and a knighthood
            ("Papua New Guinea Prime Minister Sir Jane Unknown said", "Jane Unknown",
             ("PG", "GOV")),
        ],
    )
    def test_words_before_the_name(
        self, resolver: ActorResolver, sentence: str, name: str,
        expected: tuple[str | None, Sector | None],
    ) -> None:  # fmt: skip
        """The title and demonym just before a name say who the person is."""
        context = ActorContext(text=sentence).at((0, len(sentence)))
        person = entity(name, "PERSON", at=sentence.index(name))
        assert resolver.resolve(name, person, context) == expected

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("1,500 North Korean special forces were moved", ("KP", "MIL")),
            ("North Korean troops in the conflict", ("KP", "MIL")),
            ("North Korean casualties in the conflict", ("KP", None)),
        ],
    )
    def test_nationality_takes_the_role_it_modifies(
        self, resolver: ActorResolver, sentence: str, expected: tuple[str | None, str | None]
    ) -> None:
        """A nationality standing for a group takes the role word it modifies."""
        context = ActorContext(text=sentence).at((0, len(sentence)))
        norp = entity("North Korean", "NORP", "KP", at=sentence.index("North Korean"))
        assert resolver.resolve("North Korean", norp, context) == expected

    def test_a_name_the_phrase_cuts_short_is_read_whole(self, resolver: ActorResolver) -> None:
        """"Guerrillas of the Revolutionary Armed Forces" whose entity goes on "of Colombia" is
        Colombia's FARC, not the Guatemalan armed forces the cut name would match."""
        farc = entity("Revolutionary Armed Forces of Colombia", "ORG")
        cut = "Guerrillas of the Revolutionary Armed Forces"
        assert resolver.resolve(cut, None) == ("GT", "REB")
        assert resolver.resolve(cut, farc) == ("CO", "REB")

    def test_place_after_an_organisation(self, resolver: ActorResolver) -> None:
        """'The Federal High Court in Abuja': the court is Nigeria's."""
        sentence = "The Federal High Court in Abuja ruled"
        context = ActorContext(text=sentence).at((0, len(sentence)))
        court = entity("Federal High Court", "ORG", at=4)
        assert resolver.resolve("Federal High Court", court, context) == ("NG", "JUD")

    @pytest.mark.parametrize(
        ("sentence", "name", "expected"),
        [
            ("Zubaru Kamal gunmen in Borno state opened fire.", "Zubaru Kamal", "NG"),
            ("Zubaru Kamal fighters of Helmand attacked.", "Zubaru Kamal", "AF"),
            ("Zubaru Kamal in Aceh said so.", "Zubaru Kamal", "ID"),
            ("Zubaru Kamal held talks in Aceh.", "Zubaru Kamal", None),
            ("Zubaru Kamal gunmen in the Niger Delta attacked.", "Zubaru Kamal", None),
            ("Zubaru Kamal gunmen near Borno state attacked.", "Zubaru Kamal", None),
        ],
    )  # fmt: skip
    def test_place_after_the_role_an_organisation_plays(
        self, resolver: ActorResolver, sentence: str, name: str, expected: str | None
    ) -> None:
        """'X gunmen in Borno state': the group is placed by the province after the role word
        its name modifies; other words between the name and the place ('held talks in') place
        nothing."""
        context = ActorContext(text=sentence).at((0, len(sentence)))
        org = entity(name, "ORG", at=0)
        assert resolver.resolve(name, org, context)[0] == expected

    @pytest.mark.parametrize(
        ("sentence", "acronym", "expected"),
        [
            ("Troops of the Kenya Defence Forces (KDF) attacked the camp.", "KDF", ("KE", "MIL")),
            ("He met leaders of the Cambodia National Rescue Party (CNRP).", "CNRP",
             ("KH", "PTY")),
            ("The KDF attacked the camp.", "KDF", (None, None)),
            ("The Kenya Defence Forces (UN) attacked.", "UN", (None, "IGO")),
        ],
    )  # fmt: skip
    def test_an_acronym_is_the_name_it_abbreviates(
        self, resolver: ActorResolver, sentence: str, acronym: str,
        expected: tuple[str | None, str | None],
    ) -> None:  # fmt: skip
        """'the Kenya Defence Forces (KDF)': the acronym is Kenya's army; brackets whose
        letters do not abbreviate the name before them say nothing."""
        context = ActorContext(text=sentence).at((0, len(sentence)))
        org = entity(acronym, "ORG", at=sentence.index(acronym))
        assert resolver.resolve(acronym, org, context) == expected

    def test_a_longer_name_is_another_organisation(self, resolver: ActorResolver) -> None:
        """A known organisation's name inside a longer one names another body ("Department
        of State Services" is Nigeria's, not the US Department of State); a title after the
        name is not more name."""
        assert resolver.resolve("the Department of State", None)[0] == "US"
        assert resolver.resolve("Department of State Services", None)[0] is None
        assert resolver.resolve("Knesset Speaker Yuli Edelstein", None)[0] == "IL"

    def test_article_country_lends_to_national_bodies(self, resolver: ActorResolver) -> None:
        """'the government' in a story mostly about Kenya is Kenya's."""
        story = ActorContext.of([entity("Kenya", "GPE", "KE"), entity("Nairobi", "GPE", "KE"),
                                 entity("Kenyan", "NORP", "KE")])  # fmt: skip
        assert resolver.resolve("the government", None, story) == ("KE", "GOV")
        assert resolver.resolve("protesters", None, story) == (None, "CVL")

    def test_no_country_lent_without_a_clear_majority(self, resolver: ActorResolver) -> None:
        """Two countries named as often: the government stays unplaced."""
        places = [("Kenya", "KE"), ("Uganda", "UG"), ("Nairobi", "KE"), ("Kampala", "UG")]
        story = ActorContext.of([entity(name, "GPE", code) for name, code in places])
        assert story.main_country is None
        assert resolver.resolve("the government", None, story) == (None, "GOV")

    def test_one_mention_lends_nothing(self) -> None:
        """A single country mention is too little to call a story about it."""
        assert ActorContext.of([entity("Kenya", "GPE", "KE")]).main_country is None


def _kb(people: list[list[object]]) -> ActorKB:
    return ActorKB.model_validate(
        {"format": 1, "sources": ["test"], "countries": {}, "people": people,
         "organisations": []}  # fmt: skip
    )


def _head(name: str, country: str) -> list[object]:
    return [name, [], country, "GOV", True, 2001, None, "reign"]


class TestSurnames:
    def test_shared_surname_is_left_unresolved(self) -> None:
        """Two countries' leaders share a surname: no guess."""
        resolver = ActorResolver(_kb([_head("Smith", "GB"), _head("Smith", "AU")]))
        assert resolver.resolve("Smith", entity("Smith", "PERSON"), ActorContext()) == (None, None)

    def test_the_article_picks_among_namesakes(self) -> None:
        """The article names one of the countries: that leader."""
        resolver = ActorResolver(_kb([_head("Smith", "GB"), _head("Smith", "AU")]))
        story = ActorContext.of([entity("Australia", "GPE", "AU")])
        assert resolver.resolve("Smith", entity("Smith", "PERSON"), story) == ("AU", "GOV")

    def test_first_name_unknown_needs_the_country_in_the_article(self) -> None:
        """'John Smith' is the leader Smith only in a story that names his country."""
        resolver = ActorResolver(_kb([_head("Smith", "GB")]))
        john = entity("John Smith", "PERSON")
        assert resolver.resolve("John Smith", john, ActorContext()) == (None, None)
        story = ActorContext.of([entity("Britain", "GPE", "GB")])
        assert resolver.resolve("John Smith", john, story) == ("GB", "GOV")

    def test_only_a_head_s_title_makes_a_surname_a_head(self) -> None:
        """'President John Smith' may be the leader Smith whose first name the lists lack;
        'the cleric John Smith' is not: a cleric, a rebel or an opposition leader is nobody's
        head of state."""
        resolver = ActorResolver(_kb([_head("Smith", "GB")]))
        for sentence, expected in [
            ("President John Smith said", ("GB", "GOV")),
            ("the cleric John Smith said", (None, "REL")),
            ("opposition leader John Smith said", (None, "OPP")),
        ]:
            context = ActorContext(text=sentence).at((0, len(sentence)))
            john = entity("John Smith", "PERSON", at=sentence.index("John Smith"))
            assert resolver.resolve("John Smith", john, context) == expected, sentence

    def test_a_regnal_number_is_no_surname(self) -> None:
        """'Faisal II' of Iraq lends nothing to 'John Paul II' in a story naming Iraq; the
        whole regnal name still finds its king."""
        resolver = ActorResolver(_kb([_head("Faisal II", "IQ")]))
        story = ActorContext.of([entity("Iraq", "GPE", "IQ")])
        pope = entity("John Paul II", "PERSON")
        assert resolver.resolve("John Paul II", pope, story) == (None, None)
        king = entity("Faisal II", "PERSON")
        assert resolver.resolve("Faisal II", king, story) == ("IQ", "GOV")


class TestOffice:
    def test_the_office_written_beats_a_namesake(self) -> None:
        """'Kenya's President X': the text's office over the country of a namesake the
        knowledge base knows; the name alone keeps the knowledge base's country."""
        kb = load_kb()
        people = ActorKB.model_validate(
            {"format": 1, "sources": ["test"], "countries": kb.countries,
             "people": [_head("Amos Wekesa Otieno", "GB")], "organisations": []}  # fmt: skip
        )
        resolver = ActorResolver(people)
        name = "Amos Wekesa Otieno"
        for sentence, expected in ((f"Kenya's President {name} said", "KE"),
                                   (f"Yesterday {name} said", "GB")):  # fmt: skip
            context = ActorContext(text=sentence).at((0, len(sentence)))
            person = entity(name, "PERSON", at=sentence.index(name))
            assert resolver.resolve(name, person, context)[0] == expected


    def test_an_international_office_speaks_for_its_organisation(self) -> None:
        """'UN Secretary-General X' acts for the UN (no country), though the knowledge base
        knows X as a minister of his own country; 'Britain's UN ambassador X' is Britain's."""
        kb = load_kb()
        people = ActorKB.model_validate(
            {"format": 1, "sources": ["test"], "countries": kb.countries,
             "people": [_head("Amos Wekesa Otieno", "KE")],
             "organisations": kb.organisations}  # fmt: skip
        )
        resolver = ActorResolver(people)
        name = "Amos Wekesa Otieno"
        for sentence, expected in ((f"UN Secretary-General {name} said", (None, "IGO")),
                                   (f"Britain's UN ambassador {name} said", "GB"),
                                   (f"Yesterday {name} said", ("KE", "GOV"))):  # fmt: skip
            context = ActorContext(text=sentence).at((0, len(sentence)))
            person = entity(name, "PERSON", at=sentence.index(name))
            found = resolver.resolve(name, person, context)
            assert (found if isinstance(expected, tuple) else found[0]) == expected, sentence


class TestDataFiles:
    def test_shipped_knowledge_base_is_valid(self) -> None:
        """The built file loads, names its sources and covers the world's countries."""
        kb = load_kb()
        assert len(kb.countries) > 240
        assert any("CountryInfo" in s for s in kb.sources)
        assert {"GOV", "REB", "IGO"} <= {o.sector for o in kb.organisations}

    def test_shipped_agent_words_are_valid(self) -> None:
        """Every sector has role words and every title has a sector."""
        agents = load_agents()
        assert set(agents.sectors) == set(SECTORS)

    @pytest.mark.parametrize(
        ("yaml", "fault"),
        [
            ("sectors: {GOV: [police], COP: [police]}\ntitles: []\ndeferring: []\n", "listed"),
            ("sectors: {GOV: [king]}\ntitles: [general]\ndeferring: []\n", "without a sector"),
            ("sectors: {XYZ: [king]}\ntitles: []\ndeferring: []\n", "sectors"),
            ("sectors: {GOV: [King]}\ntitles: []\ndeferring: []\n", "lower case"),
        ],
    )
    def test_bad_agent_words_are_refused(self, tmp_path: Path, yaml: str, fault: str) -> None:
        """A role word in two sectors, an unknown sector or title: refused at start-up."""
        path = tmp_path / "agents.yaml"
        path.write_text(yaml, encoding="utf-8")
        with pytest.raises(DataFileError, match=fault):
            load_data_file(AgentWords, path)


_COUNTRYINFO = """<!-- header <Country> in a comment -->
<Doc>Version: test</Doc>
<Country>
<CountryCode>ISR</CountryCode>
<CountryName>ISRAEL</CountryName>
<COW-Numeric>666</COW-Numeric>
<ISO3166-alpha2>IS</ISO3166-alpha2>
<Nationality>
\tISRAELI_
</Nationality>
<Capital>
\tJERUSALEM_
</Capital>
<Leaders>
\t<Prime ministers>
\t\t{BENJAMIN_NETANYAHU_}{BIBI_NETANYAHU_}\t[19960618 - 19990706]  [>20090331]  [B:19490101]
\t</Prime ministers>
</Leaders>
<Government>
\tJANE_DOE_\t[ISRSPY <20041231]\t# Director of intelligence
\tJOHN_ROE_\t[ISRGOVMIL 20050101 - 20060630]\t# Minister of Defense
</Government>
</Country>
"""


class TestBuild:
    def test_countryinfo_block(self) -> None:
        """A block is read with its ISO code checked against its name (IS is Iceland's)."""
        [block] = parse_countryinfo(_COUNTRYINFO)
        assert block.alpha2 == "IL"
        assert block.lists["Nationality"] == ["Israeli"]
        assert block.lists["Capital"] == ["Jerusalem"]
        assert block.leaders == [(["Benjamin Netanyahu", "Bibi Netanyahu"],
                                  [(1996, 1999), (2009, None)])]  # fmt: skip
        assert [(names, code) for names, code, _ in block.government] == [
            (["Jane Doe"], "ISRSPY"), (["John Roe"], "ISRGOVMIL"),
        ]  # fmt: skip

    @pytest.mark.parametrize(
        ("code", "sector"), [("AFGGOVMIL", "GOV"), ("ISRSPY", "SPY"), ("SRPGOV", "GOV"),
                             ("XXXABC", "GOV")]  # fmt: skip
    )
    def test_government_sector(self, code: str, sector: str) -> None:
        """The first agent type after the country code is the official's sector."""
        assert _government_sector(code) == sector

    def test_national_bodies_take_the_nation_their_gloss_names(self) -> None:
        """WordNet's gloss of a national body may name its nation by demonym or capital
        ("the Israeli unicameral parliament", "... police force of London"); a department's
        one-word short name that is a common noun ("Justice") is no alias of it."""
        country_of = {"israel": "IL", "united kingdom": "GB", "united states": "US"}
        nations = country_of | {"israeli": "IL", "london": "GB", "british": "GB"}
        roles = _role_words()
        by_name = {o["name"]: o for o in wordnet_organisations(country_of, roles)}
        assert by_name["Knesset"]["country"] is None
        named = {o["name"]: o for o in wordnet_organisations(country_of, roles, nation_of=nations)}
        assert (named["Knesset"]["country"], named["Knesset"]["sector"]) == ("IL", "LEG")
        assert named["Scotland Yard"]["country"] == "GB"
        assert named["Downing Street"]["country"] == "GB"
        assert "Justice Department" in named["Department of Justice"]["aliases"]
        assert "Justice" not in named["Department of Justice"]["aliases"]

    def test_armed_groups_take_the_home_their_gloss_states(self) -> None:
        """An armed group WordNet files under no region is of the place its gloss's first clause
        puts it in, or of the demonym it opens on; never of a list of places or of the enemy it
        names (Hamas "opposes peace with Israel")."""
        country_of = {"israel": "IL", "united states": "US", "iraq": "IQ", "egypt": "EG",
                      "algeria": "DZ", "nicaragua": "NI", "ireland": "IE"}  # fmt: skip
        nations = country_of | {"iraqi": "IQ", "nicaraguan": "NI", "israeli": "IL"}
        named = {o["name"]: o for o in wordnet_organisations(country_of, _role_words(),
                                                             nation_of=nations)}  # fmt: skip
        assert named["Ku Klux Klan"]["country"] == "US"  # "... in the United States"
        assert named["Pesh Merga"]["country"] == "IQ"  # "... in Iraqi Kurdistan"
        assert named["Contras"]["country"] == "NI"  # "a Nicaraguan ... force"
        assert named["Ulster Defence Association"]["country"] == "GB"  # Northern Ireland is GB's
        assert named["Hamas"]["country"] is None
        assert named["International Islamic Front for Jihad against Jews and Crusaders"][
            "country"] is None  # "... in Egypt and Algeria and Pakistan and Bangladesh"

    def test_a_country_name_without_its_bracket(self) -> None:
        """"Falkland Islands (Malvinas)" is written "Falkland Islands"; "Virgin Islands" would
        be two countries' name, so it is neither's."""
        countries = _countries([])
        assert "Falkland Islands" in countries["FK"]["names"]
        assert not any(key(n) == "virgin islands"
                       for code in ("VG", "VI") for n in countries[code]["names"])  # fmt: skip

    def test_cow_codes_of_a_misaligned_block_are_skipped(self) -> None:
        """A block whose code tags are all another country's (CountryInfo's Guinea carries Papua
        New Guinea's COW and ISO tags) lends them to nobody; a COW alpha code that is another
        country's ISO code (Austria's AUS) is still its own."""
        def block(alpha2: str, code: str, cow: str, cow_alpha: str, iso3: str) -> CountryBlock:
            tags = {"CountryCode": code, "COW-Alpha": cow_alpha, "ISO3166-alpha3": iso3}
            return CountryBlock(alpha2=alpha2, cow=cow, tags=tags)

        codes = _cow_codes([
            block("GN", "GIN", "910", "PNG", "PNG"),
            block("PG", "PNG", "000", "PNG", "PNG"),
            block("AT", "AUT", "305", "AUS", "AUT"),
        ])  # fmt: skip
        assert "910" not in codes
        assert codes["PNG"] == "PG"
        assert (codes["305"], codes["AUS"]) == ("AT", "AT")

    def test_reign_rows(self) -> None:
        """REIGN rows map by COW number or alpha code; suffixes and initials are dropped."""
        text = (
            "stateabb,ccode,leadid,leader,sdate,smonth,syear,emonth,eyear\n"
            "USA,2,x,Biden,20,1,2021,,\n"
            "PAL,986,y,Surangel Whipps Jr.,21,1,2021,,\n"
            "SYR,652,z,Al-Assad H.,1,1,1971,6,2000\n"
            "ZZZ,999,w,Nobody,1,1,2000,1,2001\n"
        )
        rows = list(parse_reign(text, {"USA": "US", "986": "PW", "652": "SY"}))
        assert [(r["name"], r["country"], r["start"], r["end"]) for r in rows] == [
            ("Biden", "US", 2021, None),
            ("Surangel Whipps", "PW", 2021, None),
            ("Al-Assad", "SY", 1971, 2000),
        ]

    def test_a_brief_term_inside_a_longer_one_abroad_is_dropped(self) -> None:
        """REIGN's Saddam Hussein heading Kuwait in 1990-91 (the occupation) lies inside his
        Iraqi term: he stays Iraq's alone. Equal terms (one monarch, two realms), long ones and
        a surname alone (two people) are kept."""
        def row(name: str, code: str, start: int, end: int | None) -> dict[str, object]:
            return {"name": name, "country": code, "start": start, "end": end}

        rows = [
            row("Zaddam Qusayn", "IQ", 1979, 2003), row("Zaddam Qusayn", "KW", 1990, 1991),
            row("Rex Dual", "GB", 1952, None), row("Rex Dual", "CA", 1952, None),
            row("Amon", "UG", 1971, 1979), row("Amon", "AF", 1979, 1979),
            row("Long Twin", "RS", 1967, 1982), row("Long Twin", "SI", 1967, 1979),
        ]
        people = _people([], rows)
        assert sorted((p[0], p[2]) for p in people) == sorted([
            ("Zaddam Qusayn", "IQ"), ("Rex Dual", "GB"), ("Rex Dual", "CA"), ("Amon", "UG"),
            ("Amon", "AF"), ("Long Twin", "RS"), ("Long Twin", "SI"),
        ])  # fmt: skip

    def test_ucdp_groups_take_their_home(self) -> None:
        """A UCDP armed group (Org 1) is of the nation its name gives, else of the first of at
        most three countries it fought in; not of one that fought in more, nor of a state UCDP
        draws wider than ISO (its Israel holds the Palestinian territories); a government
        (Org 4), a group without a proper name and a common word are no names; a ruling
        authority is GOV."""
        text = (
            "ActorId,NameData,NameOrig,NameOrigFullEng,NewName,NewNameFullEng,Org,Location\n"
            "1,Kandari Front,Kandari Front,n/a,,,1,\"Kandaria, Pakistan\"\n"
            "2,Wide Net,Wide Net,n/a,,,1,\"Pakistan, Kandaria, Iraq, Russia (Soviet Union)\"\n"
            "3,Sahm Brigades,Sahm Brigades,n/a,,,1,Israel\n"
            "4,Government of Kandaria,Government of Kandaria,n/a,,,4,Kandaria\n"
            "5,PIF,PIF,Pakistani Independence Front,,,1,\"Kandaria, Iraq\"\n"
            "6,gunmen,gunmen,n/a,,,1,Iraq\n"
            "7,KNA,KNA,Kandari National Authority,,,1,Kandaria\n"
            "8,\"Asa Front, Bata Front\",n/a,\"Forces of Abu (Aba, Abe)\",,,1,"
            "\"Russia (Soviet Union), Iraq\"\n"
            "9,Sahli,Sahli,Spiders,,,1,Kandaria\n"
            "10,Kandari rebels,Kandari rebels,n/a,,,1,Kandaria\n"
        )
        country_of = {"kandaria": "KD", "pakistan": "PK", "iraq": "IQ", "israel": "IL",
                      "russia": "RU"}  # fmt: skip
        nations = country_of | {"pakistani": "PK", "kandari": "KD"}
        rows = parse_ucdp(text, country_of, _role_words(), nation_of=nations, common={"spider"})
        found = {r["name"]: (r["country"], r["sector"], r["aliases"]) for r in rows}
        assert found["Kandari Front"][:3] == ("KD", "REB", [])
        assert found["Wide Net"][0] is None
        assert found["Sahm Brigades"][0] is None
        assert found["PIF"] == ("PK", "REB", ["Pakistani Independence Front"])
        assert found["KNA"][:2] == ("KD", "GOV")
        assert found["Asa Front"] == (None, "REB", ["Bata Front", "Forces of Abu (Aba, Abe)"])
        assert "Government of Kandaria" not in found and "gunmen" not in found
        assert found["Sahli"][2] == []  # "Spiders": a word WordNet has for something else
        assert "Kandari rebels" not in found  # a description, not a name

    def test_a_group_without_a_home_takes_its_fellow_rebels_nation(self) -> None:
        """Hamas fought Israel (UCDP's, wider than ISO's) in the conflict where the PLO and
        Palestinian Islamic Jihad did, whose names give Palestine: it is Palestinian. Peers
        that disagree, or a nation other than where the group began, give nothing."""
        text = (
            "ActorId,NameData,NameOrig,NameOrigFullEng,NewName,NewNameFullEng,Org,ConflictId,"
            "Location\n"
            "1,Zamas,Zamas,n/a,,,1,234,Israel\n"
            "2,PIJ,PIJ,Palestinian Islamic Jihad,,,1,234,Israel\n"
            "3,PLF,PLF,Palestine Liberation Front,,,1,234,Israel\n"
            "4,Wide Net,Wide Net,n/a,,,1,\"7, 8\",\"Iraq, Kandaria, Pakistan, Russia\"\n"
            "5,PIF,PIF,Pakistani Independence Front,,,1,7,Pakistan\n"
            "6,KIF,KIF,Kandari Independence Front,,,1,8,Kandaria\n"
            "7,Bokom,Bokom,n/a,,,1,\"9, 10\",\"Iraq, Kandaria, Pakistan, Russia\"\n"
            "8,KLF,KLF,Kandari Liberation Front,,,1,10,Kandaria\n"
        )
        country_of = {"kandaria": "KD", "pakistan": "PK", "iraq": "IQ", "israel": "IL",
                      "russia": "RU", "palestine": "PS"}  # fmt: skip
        nations = country_of | {"pakistani": "PK", "kandari": "KD", "palestinian": "PS"}
        rows = parse_ucdp(text, country_of, _role_words(), nation_of=nations)
        found = {r["name"]: r["country"] for r in rows}
        assert found["Zamas"] == "PS"
        assert found["Wide Net"] is None  # its peers are of two nations
        assert found["Bokom"] is None  # it began in Iraq, its one peer is Kandari

    def test_wordnet_says_where_a_group_is_from_ucdp_fills_the_gaps(self) -> None:
        """A group in both keeps WordNet's country and takes UCDP's names; UCDP's home fills
        one WordNet lacks, and a nation the group's name gives outranks WordNet's region; a
        UCDP group WordNet lacks is added."""
        wordnet = [
            {"name": "Taliban", "aliases": ["Taleban"], "country": None, "sector": "REB"},
            {"name": "Hizballah", "aliases": ["Hezbollah"], "country": "LB", "sector": "REB"},
            {"name": "al-Fatah", "aliases": ["Fatah"], "country": "IL", "sector": "REB"},
        ]
        ucdp = [
            {"name": "Taleban", "aliases": [], "country": "AF", "named": False},
            {"name": "Hezbollah", "aliases": ["Party of God"], "country": "IL", "named": False},
            {"name": "Fatah", "aliases": ["Palestinian National Liberation Movement"],
             "country": "PS", "named": True},
            {"name": "M23", "aliases": [], "country": "CD", "named": False},
        ]  # fmt: skip
        found = {e["name"]: (e["country"], e["aliases"]) for e in merged(wordnet, ucdp)}
        assert found == {
            "Taliban": ("AF", ["Taleban"]),
            "Hizballah": ("LB", ["Hezbollah", "Party of God"]),
            "al-Fatah": ("PS", ["Fatah", "Palestinian National Liberation Movement"]),
            "M23": ("CD", []),
        }
