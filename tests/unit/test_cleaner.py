"""Tests for the cleaner: raw text or HTML in, the story body out, boilerplate gone."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.cleaning.cleaner import Cleaned, Cleaner
from service.cleaning.repeats import LocalRepeatMemory
from service.errors import Rejected
from service.intake import decode_article
from service.models import Article

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles.jsonl"

#: Every story paragraph of samples/articles.jsonl, in order: the cleaned text is exactly these.
STORIES: dict[str, list[str]] = {
    "sample-asean-ministers-jakarta": [
        (
            "Foreign ministers of the Association of Southeast Asian Nations ended two days "
            "of talks in Jakarta on Thursday with a joint call for restraint in the South "
            "China Sea, after Philippine and Chinese coast guard vessels collided near Second"
            " Thomas Shoal last week."
        ),
        (
            "Indonesian Foreign Minister Dewi Prasetyo, who chaired the meeting, said the ten"
            " members had agreed to press Beijing for a binding code of conduct by the end of"
            ' 2026. "We cannot allow incidents at sea to become the language of diplomacy," '
            "she told reporters."
        ),
        (
            "The Philippines accused China of ramming one of its supply boats on March 11, "
            "injuring four sailors. China's foreign ministry rejected the account and said "
            "Manila had sent the vessel into Chinese waters without permission."
        ),
        (
            "Vietnam and Malaysia backed a Philippine proposal to set up a hotline between "
            "the coast guards of the claimant states. Cambodia and Laos, both close partners "
            "of Beijing, asked for the wording on the collision to be softened."
        ),
        (
            "Diplomats said the final statement was agreed only after midnight. It does not "
            "name China."
        ),
        ("The ministers will meet their Chinese counterpart, Wang Lei, in Vientiane in July."),
    ],
    "sample-poland-troops-belarus": [
        (
            "Poland began moving 2,000 additional troops to its border with Belarus on "
            "Monday, Defence Minister Tomasz Wrona said, after border guards reported more "
            "than 400 attempts to cross the frontier illegally over the weekend."
        ),
        (
            "The soldiers, drawn from the 16th Mechanised Division, will join about 5,000 "
            "troops already stationed along the 418-kilometre border. Wrona said the "
            "deployment would last at least until June."
        ),
        (
            "Warsaw accuses Minsk of flying in migrants from the Middle East and Africa and "
            "pushing them towards the European Union's eastern frontier. Belarusian President"
            " Viktor Sokol denied the charge and said Poland was militarising the region."
        ),
        (
            'NATO Secretary General Henrik Alvestad said the alliance stood "shoulder to '
            'shoulder" with Warsaw. Lithuania and Latvia said they were reinforcing their own'
            " border posts."
        ),
        (
            "The European Commission is expected to propose new sanctions on Belarusian "
            "airlines next week."
        ),
    ],
    "sample-eu-sanctions-iran-drones": [
        (
            "The European Union on Tuesday imposed sanctions on eleven Iranian companies and "
            "six individuals it accuses of supplying drones and missile parts to Russia for "
            "its war in Ukraine."
        ),
        (
            "The measures, adopted by EU foreign ministers meeting in Brussels, freeze the "
            "assets of the targeted firms in the bloc and bar the six people from entering "
            "its territory. Among those listed is Tehran-based Qods Aviation Industries."
        ),
        (
            "EU foreign policy chief Helena Lindqvist said the evidence of Iranian weapons "
            'reaching Russian forces was "overwhelming". Ukraine has reported more than 6,000'
            " attacks by Iranian-designed Shahed drones since September 2022."
        ),
        (
            "Iran's foreign ministry condemned the decision as illegal and said Tehran would "
            "respond. Iranian officials have repeatedly denied sending weapons to Moscow for "
            "use in Ukraine."
        ),
        (
            "The United States and Britain announced similar measures against several of the "
            "same companies in February."
        ),
    ],
    "sample-nairobi-fuel-protests": [
        (
            "Thousands of people marched through central Nairobi on Friday to protest against"
            " a rise in fuel prices, and police fired tear gas to stop them reaching "
            "parliament."
        ),
        (
            "The Energy and Petroleum Regulatory Authority raised the price of petrol by 14 "
            "shillings a litre on Wednesday, blaming a weaker currency. Opposition leader "
            'Grace Wanjiru called the increase "a tax on the poor".'
        ),
        (
            "Kenya's Interior Ministry said 37 people were arrested and six police officers "
            "injured. The Kenya National Commission on Human Rights said at least 12 "
            "protesters were treated in hospital."
        ),
        (
            "Protests also took place in Mombasa, Kisumu and Nakuru. Traders in the capital's"
            " business district closed their shops for the day."
        ),
        (
            "President Samuel Otieno's spokesman said the government would review the price "
            "next month. Organisers vowed to march again on Tuesday."
        ),
    ],
    "sample-un-aid-el-fasher": [
        (
            "A United Nations convoy of 28 trucks carrying food and medicine reached El "
            "Fasher in Sudan's North Darfur state on Sunday, the first aid to enter the "
            "besieged city in three months."
        ),
        (
            "The World Food Programme said the trucks carried 640 tonnes of sorghum, lentils "
            "and oil, enough to feed about 90,000 people for a month. The World Health "
            "Organization added surgical kits for the city's last working hospital."
        ),
        (
            "The convoy crossed from Chad at the Adre border post on Wednesday and was "
            "delayed for two days at checkpoints held by the Rapid Support Forces, which have"
            " surrounded El Fasher since May."
        ),
        (
            "UN aid chief Martin Hallberg urged both the Sudanese army and the RSF to let "
            'more convoys through. "One convoy is not a lifeline," he said in Geneva.'
        ),
        "Sudan's government said it had approved twelve more convoys for June.",
    ],
}

#: Boilerplate lines mixed into the samples: none may survive cleaning.
BOILERPLATE: list[tuple[str, str]] = [
    ("sample-asean-ministers-jakarta", "Get the NewsDash app for breaking alerts."),
    ("sample-asean-ministers-jakarta", "Top News"),
    ("sample-asean-ministers-jakarta", "By Maya Santos"),
    ("sample-asean-ministers-jakarta", "Advertisement"),
    ("sample-asean-ministers-jakarta", "Share on Facebook"),
    ("sample-asean-ministers-jakarta", "Copy link"),
    ("sample-asean-ministers-jakarta", "Subscribe to keep reading"),
    ("sample-asean-ministers-jakarta", "Already subscribed? Log in"),
    ("sample-asean-ministers-jakarta", "Related Stories"),
    ("sample-asean-ministers-jakarta", "Philippines files new protest over shoal"),
    ("sample-asean-ministers-jakarta", "Our Picks"),
    ("sample-asean-ministers-jakarta", "Download our app"),
    ("sample-asean-ministers-jakarta", "Unlimited news from 300+ publishers, picked for you."),
    ("sample-poland-troops-belarus", "Most Read"),
    ("sample-poland-troops-belarus", "Ceasefire talks stall in Doha"),
    ("sample-poland-troops-belarus", "Sign up for our Morning Brief newsletter"),
    ("sample-poland-troops-belarus", "© 2025 NewsDash. All rights reserved."),
    ("sample-poland-troops-belarus", "(AP Photo/Marek Nowicki)"),
    ("sample-eu-sanctions-iran-drones", "Daily Globe"),
    ("sample-eu-sanctions-iran-drones", "Sign in"),
    ("sample-eu-sanctions-iran-drones", "Updated 13 May 2025"),
    ("sample-eu-sanctions-iran-drones", "Read more: What the EU's 17th sanctions package means"),
    ("sample-eu-sanctions-iran-drones", "This article is for subscribers only."),
    ("sample-eu-sanctions-iran-drones", "Get our free daily newsletter in your inbox."),
    ("sample-eu-sanctions-iran-drones", "Trending Now"),
    ("sample-eu-sanctions-iran-drones", "Privacy Policy"),
    ("sample-nairobi-fuel-protests", "Kenya's shilling slides to record low"),
    ("sample-nairobi-fuel-protests", "Read the full story in the NewsDash app."),
    ("sample-un-aid-el-fasher", "We use cookies"),
    ("sample-un-aid-el-fasher", "Accept all"),
    ("sample-un-aid-el-fasher", "Opinion"),
    ("sample-un-aid-el-fasher", "By Amina Yusuf"),
    ("sample-un-aid-el-fasher", "Sign up for our Africa Briefing newsletter"),
    ("sample-un-aid-el-fasher", "Chad opens second border crossing for refugees"),
    ("sample-un-aid-el-fasher", "Nile dam talks resume in Addis Ababa"),
    ("sample-un-aid-el-fasher", "The Courier Media Group"),
    ("sample-un-aid-el-fasher", "Download our app"),
]

STORY = (
    "Ministers from Chile and Peru signed a water-sharing accord in Lima on Monday, "
    "ending a dispute over the Lauca river that had lasted for more than a decade."
)
STORY_2 = (
    "The accord sets quotas for farmers on both sides of the border and creates a joint "
    "commission that will meet in Arica every three months to review the flows."
)


@pytest.fixture(scope="module")
def cleaned() -> dict[str, Cleaned]:
    """Every sample cleaned in file order by one Cleaner, as the service would."""
    cleaner = Cleaner()
    articles = [
        Article.model_validate_json(line) for line in SAMPLES.read_text("utf-8").splitlines()
    ]
    return {article.id: cleaner(article) for article in articles}


class TestSamples:
    """The project's own samples come out as their story paragraphs and nothing else."""

    @pytest.mark.parametrize(
        ("article_id", "sentence"),
        [(article_id, s) for article_id, story in STORIES.items() for s in story],
    )
    def test_story_sentence_kept(
        self, cleaned: dict[str, Cleaned], article_id: str, sentence: str
    ) -> None:
        """Every story paragraph is in the cleaned text, whole."""
        assert sentence in cleaned[article_id].text

    @pytest.mark.parametrize(("article_id", "line"), BOILERPLATE)
    def test_boilerplate_gone(
        self, cleaned: dict[str, Cleaned], article_id: str, line: str
    ) -> None:
        """No boilerplate line survives, not even in part."""
        assert line not in cleaned[article_id].text

    @pytest.mark.parametrize("article_id", list(STORIES))
    def test_text_is_the_story(self, cleaned: dict[str, Cleaned], article_id: str) -> None:
        """The cleaned text is exactly the story paragraphs joined by blank lines."""
        assert cleaned[article_id].text == "\n\n".join(STORIES[article_id])

    @pytest.mark.parametrize("fragment", ["(AP Ph", "(Reuters Ph", "Protesters run from tear gas"])
    def test_truncated_caption_removed(self, cleaned: dict[str, Cleaned], fragment: str) -> None:
        """A photo caption cut off mid-word is dropped with its whole line."""
        assert all(fragment not in c.text for c in cleaned.values())

    @pytest.mark.parametrize(
        "fragment",
        [
            "UN aid convoy reaches besieged El Fasher",
            "dataLayer",
            "pageview",
            "font-family",
            "Business",
            "Africa",
            "Related Stories",
            "Aid trucks wait at a checkpoint",
        ],
    )
    def test_html_keeps_title_scripts_and_nav_out(
        self, cleaned: dict[str, Cleaned], fragment: str
    ) -> None:
        """The HTML sample loses its headline, scripts, styles, navigation and caption."""
        assert fragment not in cleaned["sample-un-aid-el-fasher"].text

    @pytest.mark.parametrize(
        ("article_id", "input_format"),
        [("sample-un-aid-el-fasher", "html"), ("sample-asean-ministers-jakarta", "text")],
    )
    def test_reports_what_was_removed(
        self, cleaned: dict[str, Cleaned], article_id: str, input_format: str
    ) -> None:
        """The result says which field was cleaned and how much boilerplate went."""
        result = cleaned[article_id]
        assert result.input_format == input_format
        assert result.removed_lines > 0
        assert result.removed_chars > 0


class TestCleaner:
    """Input choice, whitespace and headline handling of Cleaner."""

    def test_whitespace_normalised(self) -> None:
        """Runs of spaces collapse and paragraphs are joined by one blank line."""
        text = f"  {STORY.replace(' ', '   ', 3)}\r\n\r\n\n\t{STORY_2}\u00a0 "
        assert Cleaner()(Article(id="a", text=text)).text == f"{STORY}\n\n{STORY_2}"

    def test_title_line_dropped(self) -> None:
        """A headline line equal to the title is not part of the body."""
        article = Article(
            id="a",
            title="Chile and Peru sign water accord",
            text=(f"Chile and Peru sign water accord\n{STORY}\n{STORY_2}"),
        )
        assert Cleaner()(article).text == f"{STORY}\n\n{STORY_2}"

    def test_empty_html_falls_back_to_text(self) -> None:
        """HTML with no content leaves the plain text to be cleaned instead."""
        article = Article(id="a", html="<html><body> </body></html>", text=STORY)
        result = Cleaner()(article)
        assert (result.input_format, result.text) == ("text", STORY)

    def test_html_fragment_without_body_markup(self) -> None:
        """A bare paragraph of HTML still yields its text."""
        result = Cleaner()(Article(id="a", html=f"<p>{STORY}</p><p>{STORY_2}</p>"))
        assert STORY in result.text
        assert result.input_format == "html"

    def test_tab_and_form_feed_allowed(self) -> None:
        """Tabs and form feeds are whitespace, not control characters."""
        assert Cleaner()(Article(id="a", text=f"{STORY}\t\f{STORY_2}")).text.startswith("Ministers")


class TestRejected:
    """Each way an article is refused raises Rejected with its error type."""

    @pytest.mark.parametrize(
        ("fields", "error_type"),
        [
            ({"text": "   \n\t "}, "empty_after_cleaning"),
            ({"text": "Top News\nShare on X\nDownload the app\nOur Picks"}, "empty_after_cleaning"),
            ({"html": "<html><body><!-- nothing --></body></html>"}, "empty_after_cleaning"),
            ({"html": '<!DOCTYPE x [<!ENTITY a "b">]><p>&a;</p>'}, "unsafe_html"),
            ({"html": f"<!doctype html [ ]><p>{STORY}</p>"}, "unsafe_html"),
            ({"html": f'<!ENTITY lol "lol"><p>{STORY}</p>'}, "unsafe_html"),
            ({"html": "<div>" * 600 + STORY + "</div>" * 600}, "invalid_html"),
            ({"html": "<span><b>" * 300 + STORY}, "invalid_html"),
        ],
    )
    def test_rejects(self, fields: dict[str, str], error_type: str) -> None:
        """The article is refused with the right dead-letter type."""
        with pytest.raises(Rejected) as caught:
            Cleaner()(Article(id="a", **fields))
        assert caught.value.error_type == error_type

    def test_unsafe_html_refused_even_with_text(self) -> None:
        """Entity declarations are refused before parsing, whatever else the article holds."""
        article = Article(id="a", text=STORY, html='<!DOCTYPE a [<!ENTITY x SYSTEM "file:///">]>')
        with pytest.raises(Rejected, match="entities"):
            Cleaner()(article)

    def test_deep_but_allowed_nesting_passes(self) -> None:
        """Nesting under the limit is cleaned normally."""
        html = "<div>" * 100 + f"<p>{STORY}</p><p>{STORY_2}</p>" + "</div>" * 100
        assert STORY in Cleaner(max_depth=500)(Article(id="a", html=html)).text

    def test_external_dtd_never_loaded(self, tmp_path: Path) -> None:
        """A DOCTYPE pointing at a local file is not read, so its entities stay unexpanded."""
        dtd = tmp_path / "leak.dtd"
        dtd.write_text('<!ENTITY leak "SECRET-LEAK-TOKEN">', "utf-8")
        html = (
            f'<!DOCTYPE html SYSTEM "{dtd.as_uri()}"><html><body><article>'
            f"<p>{STORY} &leak;</p><p>{STORY_2}</p></article></body></html>"
        )
        assert "SECRET-LEAK-TOKEN" not in Cleaner()(Article(id="a", html=html)).text


#: Four unrelated reports (lead, second paragraph), as one aggregator's stream would carry.
REPORTS = [
    (
        "The port authority of Valmora said on Tuesday that grain exports rose by a fifth in "
        "October, helped by a new rail link to the eastern farm belt.",
        "Shipping agents said queues at the outer anchorage had shortened to two days from "
        "nine, and two more berths would open before December.",
    ),
    (
        "Firefighters in the hill town of Sarnen brought a forest fire under control on "
        "Wednesday after three days, the regional governor said.",
        "About four hundred residents who had left their homes were allowed back in the "
        "evening, and two roads remained closed for repairs.",
    ),
    (
        "The national railway of Ostland will raise fares by four percent from January, its "
        "chief executive told parliament on Thursday.",
        "Commuter groups called the rise unfair while trains still run late, and opposition "
        "members asked the minister to block it.",
    ),
    (
        "A court in Brenna sentenced a former city treasurer to six years in prison on Friday "
        "for taking bribes from building firms.",
        "The judge ordered him to repay the money and banned him from public office for ten "
        "years; his lawyers said they would appeal.",
    ),
]
#: An unseen aggregator's furniture, worded like sentences: the model alone keeps it.
FURNITURE = [
    "Newsroll brings you the stories everyone is talking about, hand-picked by our editors "
    "every hour.",
    "Newsroll keeps your morning short: the five reports that matter, nothing else.",
]


def _wrapped(i: int, source: str | None = "newsroll", article_id: str | None = None) -> Article:
    lead, second = REPORTS[i]
    text = "\n".join([FURNITURE[0], lead, FURNITURE[1], second])
    return Article(id=article_id or f"n{i}", source=source, text=text)


class TestBriefs:
    """An article too short for the page-shaped model still keeps its text."""

    @pytest.mark.parametrize(
        "text",
        [
            f"{STORY} :",
            f"\U0001f600\U0001f600\U0001f600\n{STORY} {STORY_2}",
            "Troops crossed the border at dawn.",
        ],
    )
    def test_brief_kept(self, text: str) -> None:
        """A one-line flash, or a story after a line of symbols, is a record, not empty."""
        cleaned = Cleaner(repeats=LocalRepeatMemory(capacity=0))(Article(id="b", text=text))
        assert cleaned.text.endswith(text.splitlines()[-1])

    def test_boilerplate_alone_still_refused(self) -> None:
        """A text of menus and pitches alone leaves nothing: an empty_after_cleaning refusal."""
        text = "Home\nSubscribe now\nhttps://example.org/a"
        with pytest.raises(Rejected, match="nothing of the article"):
            Cleaner(repeats=LocalRepeatMemory(capacity=0))(Article(id="b", text=text))


class TestRepeatMemory:
    """Lines the stream repeats go, whatever their wording; stories and copies stay whole."""

    def test_unseen_aggregator_boilerplate_disappears(self) -> None:
        """Furniture kept at first goes once two other articles of the source held it."""
        cleaner = Cleaner(repeats=LocalRepeatMemory())
        for i in range(2):
            assert all(f in cleaner(_wrapped(i)).text for f in FURNITURE)
        for i in range(2, 4):
            cleaned = cleaner(_wrapped(i))
            assert not any(f in cleaned.text for f in FURNITURE)
            assert all(part in cleaned.text for part in REPORTS[i])
            assert cleaned.removed_by == {"repeat": 2}

    def test_other_sources_repeat_it_too(self) -> None:
        """A line three other sources carried goes from a fourth source's article."""
        cleaner = Cleaner(repeats=LocalRepeatMemory())
        for i, source in enumerate(("a", "b", "c")):
            cleaner(_wrapped(i, source=source))
        assert FURNITURE[0] not in cleaner(_wrapped(3, source="d")).text

    def test_one_other_article_is_not_enough(self) -> None:
        """A line met in a single earlier article of the source is still judged by the model."""
        cleaner = Cleaner(repeats=LocalRepeatMemory())
        cleaner(_wrapped(0))
        assert FURNITURE[0] in cleaner(_wrapped(1)).text

    def test_copies_keep_their_body(self) -> None:
        """A report carried again and again (a wire copy) keeps its text: it is no furniture."""
        cleaner = Cleaner(repeats=LocalRepeatMemory())
        for n in range(4):
            cleaned = cleaner(_wrapped(0, article_id=f"copy{n}"))
            assert all(part in cleaned.text for part in REPORTS[0])

    def test_redelivery_gets_its_first_cut(self) -> None:
        """A redelivered article is cleaned as it was the first time, later traffic aside."""
        cleaner = Cleaner(repeats=LocalRepeatMemory())
        first = cleaner(_wrapped(0))
        for i in range(1, 4):
            cleaner(_wrapped(i))
        assert cleaner(_wrapped(0)) == first

    def test_memory_can_be_disabled(self) -> None:
        """With no memory, repeats are judged like any other line."""
        cleaner = Cleaner(repeats=LocalRepeatMemory(capacity=0))
        for i in range(4):
            assert FURNITURE[0] in cleaner(_wrapped(i)).text


_HTML_PARTS = st.sampled_from(
    [
        "<html>",
        "</html>",
        "<body>",
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<article>",
        "<br/>",
        "<script>var a = '<p>';</script>",
        "<style>p{}</style>",
        "<title>T</title>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "&bogus;",
        "<",
        ">",
        '"',
        "'",
        "<!DOCTYPE html>",
        "<?xml version='1.0' encoding='latin-1'?>",
        "<a href='x'>",
        "</a>",
        "<meta charset='utf-16'>",
        "<table><tr><td>",
        "\x00",
        "\x0b",
        "\n",
        "\u00a0",
        STORY,
        STORY_2,
        "Top News",
        "(AP Ph",
        "<!ENTITY",
        "<!DOCTYPE a [",
    ]
)
_HTMLISH = st.one_of(st.text(), st.lists(st.one_of(_HTML_PARTS, st.text(max_size=8))).map("".join))


def _intake_then_clean(**fields: str | None) -> Cleaned:
    """The production order: intake refuses what no stage may see, then the cleaner runs."""
    raw = orjson.dumps({"id": "a", **fields})
    return Cleaner()(decode_article(raw, max_bytes=len(raw), max_chars=len(raw)))


class TestProperties:
    """Whatever the input, intake and the cleaner return text or raise Rejected, nothing else."""

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=st.text(), source=st.sampled_from([None, "wire"]))
    def test_any_text(self, text: str, source: str | None) -> None:
        """Arbitrary text gives paragraphs of non-blank text or a Rejected."""
        try:
            result = _intake_then_clean(text=text, source=source)
        except Rejected:
            return
        assert isinstance(result.text, str)
        assert all(p.strip() == p and p for p in result.text.split("\n\n"))

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(html=_HTMLISH, text=st.one_of(st.none(), st.text(max_size=50)))
    def test_any_html(self, html: str, text: str | None) -> None:
        """Arbitrary HTML-ish strings give text or a Rejected."""
        try:
            result = _intake_then_clean(html=html, text=text)
        except Rejected:
            return
        assert isinstance(result.text, str)
        assert result.text.strip()


class TestNesting:
    """Depth counts real elements; content past the parser's depth is refused, never lost."""

    def test_tags_in_a_comment_are_no_depth(self) -> None:
        """600 divs inside a comment before the story do not refuse it."""
        html = (
            "<!-- " + "<div>" * 600 + " -->" + f"<article><p>{STORY}</p><p>{STORY_2}</p></article>"
        )
        assert STORY_2 in Cleaner()(Article(id="a", html=html)).text

    def test_tags_in_a_script_are_no_depth(self) -> None:
        """Markup inside a script is text to the parser."""
        html = "<script>" + "<div>" * 900 + f"</script><article><p>{STORY}</p><p>{STORY_2}</p>"
        assert STORY_2 in Cleaner()(Article(id="a", html=html)).text

    @pytest.mark.parametrize(
        "middle", ["<div></span>" * 3000, "<section></i>" * 700, "<div>" * 300 + "</div>" * 300]
    )
    def test_content_past_parser_depth_refused(self, middle: str) -> None:
        """Nesting the parser would silently cut is refused with a reason, whatever closes it."""
        html = f"<html><body><p>{STORY}</p>{middle}<p>{STORY_2}</p></body></html>"
        with pytest.raises(Rejected) as caught:
            Cleaner()(Article(id="a", html=html))
        assert caught.value.error_type == "invalid_html"
        assert "deeper" in caught.value.message

    def test_unfinished_tags_are_text(self) -> None:
        """A page followed by thousands of unfinished tags keeps its story."""
        html = f"<article><p>{STORY}</p><p>{STORY_2}</p></article>" + "<a " * 40_000
        assert STORY_2 in Cleaner()(Article(id="a", html=html)).text

    def test_title_of_spaces(self) -> None:
        """A title of 100,000 spaces is no headline and costs one scan."""
        html = f"<title>{' ' * 100_000}</title><article><p>{STORY}</p><p>{STORY_2}</p></article>"
        assert STORY in Cleaner()(Article(id="a", html=html)).text

    def test_repeated_doctype_is_not_unsafe(self) -> None:
        """Thousands of DOCTYPE openers without a subset are refused by nothing."""
        html = "<!DOCTYPE " * 20_000 + f"<html><body><p>{STORY}</p><p>{STORY_2}</p></body></html>"
        assert STORY in Cleaner()(Article(id="a", html=html)).text
