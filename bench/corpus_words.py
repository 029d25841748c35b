"""The sentence templates and word lists `bench/corpus.py` builds its articles from (ours)."""

from __future__ import annotations

__all__ = [
    "AGENCIES",
    "BODY",
    "BOILERPLATE",
    "CLOSERS",
    "COMPANIES",
    "COUNTRIES",
    "FIRST",
    "HEADLINES",
    "ISSUES",
    "LAST",
    "LEADS",
    "MONTHS",
    "ORGS",
    "ORG_CITIES",
    "ROLES",
    "SOURCES",
    "TOPICS",
    "WEEKDAYS",
]

# country|demonym|capital|leader title|leader|two other cities
_COUNTRY_ROWS = """
Russia|Russian|Moscow|President|Vladimir Putin|Vladivostok|Khabarovsk
North Korea|North Korean|Pyongyang|leader|Kim Jong Un|Wonsan|Sinuiju
South Korea|South Korean|Seoul|President|Lee Jae-myung|Busan|Incheon
China|Chinese|Beijing|President|Xi Jinping|Shanghai|Guangzhou
Japan|Japanese|Tokyo|Prime Minister|Shigeru Ishiba|Osaka|Nagoya
United States|American|Washington|President|Donald Trump|New York|Chicago
Ukraine|Ukrainian|Kyiv|President|Volodymyr Zelenskiy|Kharkiv|Odesa
Germany|German|Berlin|Chancellor|Friedrich Merz|Munich|Hamburg
France|French|Paris|President|Emmanuel Macron|Marseille|Lyon
United Kingdom|British|London|Prime Minister|Keir Starmer|Manchester|Glasgow
India|Indian|New Delhi|Prime Minister|Narendra Modi|Mumbai|Chennai
Pakistan|Pakistani|Islamabad|Prime Minister|Shehbaz Sharif|Karachi|Lahore
Iran|Iranian|Tehran|President|Masoud Pezeshkian|Isfahan|Tabriz
Israel|Israeli|Jerusalem|Prime Minister|Benjamin Netanyahu|Tel Aviv|Haifa
Turkey|Turkish|Ankara|President|Tayyip Erdogan|Istanbul|Izmir
Egypt|Egyptian|Cairo|President|Abdel Fattah al-Sisi|Alexandria|Giza
Saudi Arabia|Saudi|Riyadh|Crown Prince|Mohammed bin Salman|Jeddah|Dammam
Brazil|Brazilian|Brasilia|President|Luiz Inacio Lula da Silva|Sao Paulo|Rio de Janeiro
Mexico|Mexican|Mexico City|President|Claudia Sheinbaum|Monterrey|Guadalajara
Argentina|Argentine|Buenos Aires|President|Javier Milei|Cordoba|Rosario
Nigeria|Nigerian|Abuja|President|Bola Tinubu|Lagos|Kano
Kenya|Kenyan|Nairobi|President|William Ruto|Mombasa|Kisumu
South Africa|South African|Pretoria|President|Cyril Ramaphosa|Johannesburg|Durban
Ethiopia|Ethiopian|Addis Ababa|Prime Minister|Abiy Ahmed|Gondar|Mekele
Indonesia|Indonesian|Jakarta|President|Prabowo Subianto|Surabaya|Medan
Philippines|Philippine|Manila|President|Ferdinand Marcos Jr.|Cebu|Davao
Vietnam|Vietnamese|Hanoi|Prime Minister|Pham Minh Chinh|Ho Chi Minh City|Da Nang
Australia|Australian|Canberra|Prime Minister|Anthony Albanese|Sydney|Melbourne
Canada|Canadian|Ottawa|Prime Minister|Mark Carney|Toronto|Vancouver
Poland|Polish|Warsaw|Prime Minister|Donald Tusk|Krakow|Gdansk
Italy|Italian|Rome|Prime Minister|Giorgia Meloni|Milan|Naples
Spain|Spanish|Madrid|Prime Minister|Pedro Sanchez|Barcelona|Valencia
Syria|Syrian|Damascus|President|Ahmed al-Sharaa|Aleppo|Homs
Sudan|Sudanese|Khartoum|General|Abdel Fattah al-Burhan|Port Sudan|Omdurman
Venezuela|Venezuelan|Caracas|President|Nicolas Maduro|Maracaibo|Valencia
Colombia|Colombian|Bogota|President|Gustavo Petro|Medellin|Cali
"""
COUNTRIES = tuple(
    (r[0], r[1], r[2], (r[3], r[4]), (r[5], r[6]))
    for r in (line.split("|") for line in _COUNTRY_ROWS.strip().splitlines())
)
ORGS = (
    "the United Nations", "NATO", "the European Union", "the World Health Organization",
    "the International Monetary Fund", "the World Bank", "the African Union", "ASEAN", "OPEC",
    "the International Committee of the Red Cross", "the International Atomic Energy Agency",
    "the World Trade Organization", "the UN Security Council", "Amnesty International",
    "Human Rights Watch", "the Group of Seven", "the UN refugee agency", "Interpol",
)
COMPANIES = (
    "Siemens", "Toyota", "Samsung Electronics", "Gazprom", "Shell", "Boeing", "Airbus", "Huawei",
    "Reliance Industries", "Petrobras", "Saudi Aramco", "TotalEnergies", "Hyundai", "Rosneft",
    "Tata Steel", "Volkswagen", "BHP", "Glencore", "Maersk", "Alibaba",
)
FIRST = (
    "Maria", "John", "Ahmed", "Olena", "Kenji", "Fatima", "Carlos", "Anna", "David", "Li", "Priya",
    "Mohammed", "Sarah", "Ivan", "Grace", "Thomas", "Aisha", "Pedro", "Hannah", "Yusuf", "Elena",
    "Samuel", "Mei", "Daniel", "Nadia", "Oliver", "Chen", "Amina", "Lukas", "Sofia",
)
LAST = (
    "Santos", "Miller", "Hassan", "Kovalenko", "Tanaka", "Okafor", "Mendez", "Schmidt", "Cohen",
    "Wang", "Sharma", "Rahman", "Johnson", "Petrov", "Mwangi", "Dubois", "Bello", "Silva", "Novak",
    "Yilmaz", "Rossi", "Kim", "Nguyen", "Brown", "Haddad", "Lindqvist", "Zhang", "Diallo",
    "Fischer", "Garcia",
)
ROLES = (
    "a spokesperson for the foreign ministry", "the defence minister", "a senior official",
    "an analyst at the International Institute for Strategic Studies", "the finance minister",
    "a researcher at Chatham House", "the interior minister", "an economist at Capital Economics",
    "a regional governor", "the ambassador to the United Nations", "an opposition lawmaker",
    "a military spokesman", "the trade minister", "a professor at Seoul National University",
)
AGENCIES = ("Reuters", "AP", "AFP", "Bloomberg", "dpa", "Kyodo", "Yonhap", "Anadolu")
SOURCES = ("newsdash", "worldwire", "globalpost", "dailybrief", "metroline", "courier")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
TOPICS = ("diplomacy", "conflict", "economy", "politics", "disaster")

HEADLINES = {
    "diplomacy": (
        "{A} and {B} agree to deepen ties after talks in {acap}",
        "{Aleader} meets {Bleader} as {A} seeks support over {issue}",
        "{A} urges {B} to return to talks on {issue}",
    ),
    "conflict": (
        "{A} accuses {B} of attacks near {city}",
        "{Adem} forces deploy {n1} troops to the border with {B}",
        "{org} condemns shelling of {city}",
    ),
    "economy": (
        "{A} raises tariffs on {Bdem} goods by {pct} percent",
        "{company} to invest ${n2} million in {A}",
        "{A}'s central bank holds rates as inflation eases to {pct} percent",
    ),
    "politics": (
        "{Aleader} faces pressure over {issue} ahead of vote",
        "{A} opposition rallies in {acap} against {issue} law",
        "Parliament in {acap} passes bill on {issue}",
    ),
    "disaster": (
        "Floods kill {n3} in {city}, {A} appeals for help",
        "{org} sends aid to {A} after earthquake near {city}",
        "Wildfires force {n1} people from homes around {city}",
    ),
}
ISSUES = (
    "the nuclear programme", "border security", "grain exports", "energy prices", "fishing rights",
    "the peace plan", "migration", "sanctions", "the pipeline project", "rare earth exports",
    "the ceasefire", "debt relief", "climate funding", "the detained journalists", "water rights",
)
LEADS = {
    "diplomacy": (
        "{Aleadert} met {Bleadert} in {acap} on {weekday} and the two sides agreed to expand "
        "cooperation on {issue}, officials said.",
        "{A} and {B} signed an agreement on {issue} on {weekday}, ending {n4} months of "
        "negotiations that diplomats described as difficult.",
        "The foreign ministers of {A} and {B} held talks in {city} on {weekday}, the first such "
        "meeting since {month} {year}, and pledged to resolve the dispute over {issue}.",
    ),
    "conflict": (
        "{A} accused {B} on {weekday} of shelling villages near {city}, killing at least {n3} "
        "civilians and wounding {n5} others, the regional governor said.",
        "{Adem} troops launched an offensive near {city} on {weekday}, the defence ministry in "
        "{acap} said, days after {B} rejected a proposal for a ceasefire.",
        "{A} has sent {n1} soldiers to its border with {B}, {org} said on {weekday}, raising "
        "fears of a wider conflict over {issue}.",
    ),
    "economy": (
        "{A} will raise tariffs on {Bdem} steel and aluminium to {pct} percent from {month} {day}, "
        "the trade ministry in {acap} said on {weekday}.",
        "{company} said on {weekday} it would invest ${n2} million in a new plant near {city}, "
        "creating about {n1} jobs over the next {n4} years.",
        "Inflation in {A} slowed to {pct} percent in {month}, the statistics office said on "
        "{weekday}, giving the central bank room to cut interest rates.",
    ),
    "politics": (
        "Thousands of people marched through {acap} on {weekday} to protest against a law on "
        "{issue}, in the largest demonstration since {month} {year}.",
        "{Aleadert} dismissed {n6} ministers on {weekday} in a cabinet reshuffle that followed "
        "weeks of criticism over {issue}.",
        "Lawmakers in {A} voted {n7} to {n8} on {weekday} to approve a bill on {issue}, sending "
        "it to {Aleader} for signature.",
    ),
    "disaster": (
        "Floods in {A} have killed at least {n3} people and displaced {n1} more around {city}, "
        "the disaster agency said on {weekday}.",
        "A magnitude {mag} earthquake struck near {city} in {A} on {weekday}, damaging hundreds "
        "of buildings, the geological survey said.",
        "{org} said on {weekday} it had sent {n5} tonnes of food and medicine to {A}, where "
        "storms destroyed crops across {region}.",
    ),
}
BODY = (
    '"We will not accept any threat to our sovereignty," {person}, {role}, told reporters in '
    "{acap}.",
    "{Bdem} officials denied the accusation and said {A} was spreading false information about "
    "{issue}.",
    "{Aleader} said the agreement would bring stability to the region and called on {org} to "
    "support its implementation.",
    "The talks in {city} followed a visit by {Bleadert} to {acap} in {month}, when the two "
    "leaders discussed {issue}.",
    "According to {org}, more than {n1} people have been forced to leave their homes in {region} "
    "since {month} {year}.",
    "{person}, {role}, said the decision reflected concerns about {issue} rather than any change "
    "in policy toward {B}.",
    "{B} has warned that it would respond to any move it considered hostile, and its foreign "
    "ministry summoned the {Adem} ambassador on {weekday}.",
    "Trade between the two countries reached ${n2} million last year, up {pct} percent from a "
    "year earlier, customs data showed.",
    "The {Adem} defence ministry said its air defences had shot down {n6} drones over {city} "
    "overnight.",
    "{org} called for an independent investigation and urged both sides to protect civilians.",
    "Shares of {company} rose {pct} percent in {city} after the announcement, while the "
    "currency weakened against the dollar.",
    "{Aleadert} is expected to travel to {Bcap} next month for a summit with {Bleader}, "
    "officials said, although no date has been set.",
    '"This is a turning point for our economy," {person} said in an interview on {weekday}. '
    '"Investors have been waiting for this for years."',
    "The opposition accused the government of using {issue} to distract voters from rising "
    "prices, which have climbed {pct} percent since {month}.",
    "Rescue teams from {B} and {C} arrived in {city} on {weekday} with search dogs and "
    "heavy equipment, the interior ministry said.",
    "{C} offered to mediate between {A} and {B}, and {Cleader} spoke to both leaders by phone "
    "on {weekday}, according to his office.",
    "The central bank in {acap} sold ${n2} million in reserves last week to support the "
    "currency, {person} of {company} estimated.",
    "Analysts said the move was likely to strain relations with {C}, which buys about {pct} "
    "percent of {A}'s exports.",
    "{Adem} media reported that {n5} people had been detained in {city} after clashes with "
    "police on {weekday} evening.",
    "{org} said it would hold an emergency meeting in {orgcity} on {month} {day} to discuss "
    "the situation.",
    "{B} denied sending troops across the border and said its forces were conducting routine "
    "exercises near {bcity}.",
    "The agreement, which runs until {year2}, commits {A} to supplying {n1} tonnes of grain a "
    "year to {B} at fixed prices.",
    "{person}, {role}, said the talks had been constructive but that differences remained over "
    "{issue}.",
    "{C} and {D} imposed sanctions on {n6} {Adem} officials on {weekday}, freezing their "
    "assets and banning them from travel.",
    "Protesters gathered outside the {Bdem} embassy in {acap} on {weekday}, chanting slogans "
    "and burning flags, witnesses said.",
    "The government in {acap} said it would spend ${n2} million to rebuild roads and bridges "
    "damaged around {city}.",
    "Since {month} {year}, {A} has received more than ${n4} billion in loans from {org}, "
    "according to official figures.",
    "{Bleadert} said on {weekday} that his country was ready to negotiate but would not accept "
    "conditions set by {A}.",
    "Military exercises involving {n1} troops from {A} and {C} began near {city} on {weekday} "
    "and will last {n4} days.",
    "Energy prices in {A} have risen by {pct} percent since the start of the year, driven by "
    "higher costs for imported gas from {B}.",
    "{company} and {company2} signed a supply deal worth ${n2} million, the companies said in a "
    "joint statement from {city}.",
    "Local officials in {city} said {n3} schools had been closed and that electricity had been "
    "cut to about {n1} homes.",
    "{Cdem} Foreign Minister {person} urged restraint and said {C} was ready to host talks in "
    "{ccap}.",
    "The ministry said it had recorded {n5} violations of the ceasefire in the past week, most "
    "of them near {city}.",
    "{A} expelled {n6} {Bdem} diplomats on {weekday}, accusing them of activities incompatible "
    "with their status.",
    "In a statement, {org} welcomed the decision and said it was ready to send monitors to "
    "{region}.",
    "The plan still needs approval from parliament, where {Aleader}'s coalition holds {n7} of "
    "the {n9} seats.",
    "Officials from {A}, {B} and {C} will meet again in {orgcity} in {month2} to review "
    "progress on {issue}.",
)
CLOSERS = (
    "({agency} reporting by {person}; additional reporting by {person2} in {bcap}; editing by "
    "{person3})",
    "Reporting by {person} in {acap}; Writing by {person2}; Editing by {person3}",
    "{person} reported from {city}. {person2} contributed from {bcap}.",
)
BOILERPLATE = (
    "Advertisement", "Read more:", "Share this article", "Sign up for our morning newsletter",
    "Get the {source} app for breaking alerts.", "Top News", "World", "Business",
    "Most read", "Related: {A} to hold talks with {B}", "Photo: {agency}",
    "Follow us on social media", "Subscribe now for full access", "Comments (0)",
)
ORG_CITIES = ("Geneva", "Brussels", "New York", "Vienna", "Addis Ababa", "Jakarta", "Washington")
