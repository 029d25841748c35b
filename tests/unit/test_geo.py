"""Countries, demonyms and cities by name, with namesakes chosen by country then population."""

from __future__ import annotations

import pytest

from service.entities.geo import (
    Countries,
    Places,
    Provinces,
    load_countries,
    load_places,
    load_provinces,
    name_key,
)


@pytest.fixture(scope="module")
def countries() -> Countries:
    """The country tables, built once."""
    return load_countries()


@pytest.fixture(scope="module")
def places() -> Places:
    """The city index, built once (about a second)."""
    return load_places()


@pytest.fixture(scope="module")
def provinces() -> Provinces:
    """The province index, built once."""
    return load_provinces()


class TestNameKey:
    @pytest.mark.parametrize(
        ("a", "b"),
        [("North  Korea", "north korea"), ("Côte d\u2019Ivoire", "côte d'ivoire"), (" US ", "us")],
    )
    def test_ignores_case_spacing_and_apostrophes(self, a: str, b: str) -> None:
        """Spellings that differ only in case, spaces or apostrophe share a key."""
        assert name_key(a) == name_key(b)


class TestCountries:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("U.S.", ("United States", "US")),
            ("US", ("United States", "US")),
            ("America", ("United States", "US")),
            ("United States of America", ("United States", "US")),
            ("UK", ("United Kingdom", "GB")),
            ("Britain", ("United Kingdom", "GB")),
            ("Russian Federation", ("Russia", "RU")),
            ("DPRK", ("North Korea", "KP")),
            ("North Korea", ("North Korea", "KP")),
            ("Republic of Korea", ("South Korea", "KR")),
            ("Ukraine", ("Ukraine", "UA")),
            ("Türkiye", ("Turkey", "TR")),
            ("Zaire", ("Democratic Republic of the Congo", "CD")),
            # news since 1997 says "Congo" for Kinshasa's, "Republic of Congo" for Brazzaville's
            ("Congo", ("Democratic Republic of the Congo", "CD")),
            ("Republic of Congo", ("Republic of the Congo", "CG")),
            ("Congo-Brazzaville", ("Republic of the Congo", "CG")),
            # a country ISO 3166-1 leaves to a user-assigned code, as GeoNames codes it
            ("Kosovo", ("Kosovo", "XK")),
            # the state Serbia continues, as Zaire is Congo's old name
            ("Yugoslavia", ("Serbia", "RS")),
            ("Korea", None),
            ("Us", None),
            ("Uk", None),
            ("the U.S.", None),
            ("Vladivostok", None),
        ],
    )
    def test_country_aliases(
        self, countries: Countries, name: str, expected: tuple[str, str] | None
    ) -> None:
        """Aliases and official names give the news name and the ISO code."""
        assert countries.country(name) == expected

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("North Korean", ("North Korean", "KP")),
            ("North Koreans", ("North Korean", "KP")),
            ("Russians", ("Russian", "RU")),
            ("Chinese", ("Chinese", "CN")),
            ("Britons", ("British", "GB")),
            ("Zairean", ("Congolese", "CD")),
            ("Congolese", ("Congolese", "CD")),
            ("Kosovars", ("Kosovar", "XK")),
            ("Yugoslav", ("Serbian", "RS")),
            ("Laos", None),
            ("Korean", None),
        ],
    )
    def test_demonyms(
        self, countries: Countries, name: str, expected: tuple[str, str] | None
    ) -> None:
        """Demonyms and their plurals name their country's adjective and code."""
        assert countries.demonym(name) == expected

    @pytest.mark.parametrize(("name", "code"), [("Scotland", "GB"), ("Gaza", "PS"), ("Ohio", None)])
    def test_parts_of_countries(self, countries: Countries, name: str, code: str | None) -> None:
        """Parts of a country keep their name and get its code."""
        assert countries.part(name) == code

    def test_surface_forms_cover_every_table(self, countries: Countries) -> None:
        """The ruler's phrases include country aliases, demonyms and regions."""
        forms = set(countries.surface_forms())
        assert {("U.S.", "GPE"), ("North Koreans", "NORP"), ("Latin America", "LOC")} <= forms


class TestPlaces:
    @pytest.mark.parametrize(
        ("name", "country"),
        [
            ("Vladivostok", "RU"),
            ("Ussuriysk", "RU"),
            ("Khabarovsk", "RU"),
            ("Blagoveshchensk", "RU"),
            ("Pyongyang", "KP"),
            ("Kiev", "UA"),
            ("Gorazde", "BA"),
            ("Goražde", "BA"),
            ("Sao Tome", "ST"),
        ],
    )
    def test_known_cities(self, places: Places, name: str, country: str) -> None:
        """Cities over 15,000 people come with country and coordinates."""
        place = places(name)
        assert place is not None and place.country == country
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180 and place.geonames_id > 0

    @pytest.mark.parametrize(
        ("name", "article_countries", "country"),
        [
            ("London", (), "GB"),
            ("London", ("CA",), "CA"),
            ("London", ("CA", "GB"), "GB"),
            ("Paris", ("US",), "FR"),
            ("Washington", ("GB",), "US"),
            ("Springfield", (), "US"),
            ("Valencia", ("ES",), "ES"),
            ("Valencia", (), "VE"),
        ],
    )
    def test_namesakes_by_article_country_then_population(
        self, places: Places, name: str, article_countries: tuple[str, ...], country: str
    ) -> None:
        """The article's countries choose first (bar a capital or a 50x bigger city), then size."""
        place = places(name, article_countries)
        assert place is not None and place.country == country

    @pytest.mark.parametrize(
        ("name", "expected"), [("Virginia", True), ("New York", True), ("Vladivostok", False)]
    )
    def test_us_states(self, places: Places, name: str, expected: bool) -> None:
        """U.S. states are known as such, so they never land on a foreign namesake city."""
        assert places.is_us_state(name) is expected

    @pytest.mark.parametrize("name", ["Gondor", "", "the", "THE"])
    def test_unknown_names(self, places: Places, name: str) -> None:
        """Names that are no city give nothing."""
        assert places(name) is None


class TestProvinces:
    @pytest.mark.parametrize(
        ("name", "countries", "code"),
        [
            ("Aceh", (), "ID"),  # second level in ISO 3166-2 (under Sumatra)
            ("Helmand", (), "AF"),
            ("Quang Binh", (), "VN"),  # written without the diacritics of "Quảng Bình"
            ("Punjab", (), None),  # India's and Pakistan's
            ("Punjab", ("PK", "US"), "PK"),
            ("Punjab", ("PK", "IN"), None),
            ("Georgia", (), None),  # a country before a U.S. state
            ("Hong Kong SAR", (), None),  # a territory with its own code, not China's
            ("Zaire", (), None),  # Angola's province, but Zaire is the country's old name
            ("Atlantis", (), None),
        ],
    )
    def test_province_country(
        self, provinces: Provinces, name: str, countries: tuple[str, ...], code: str | None
    ) -> None:
        """A province's country, when its name is one country's or the article picks it."""
        assert provinces(name, countries) == code

