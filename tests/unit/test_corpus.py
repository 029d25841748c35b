"""The benchmark corpus (bench/corpus.py): distinct, wire-shaped, reproducible articles."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.corpus import build_corpus  # noqa: E402


class TestCorpus:
    def test_texts_are_distinct(self) -> None:
        """No two articles share a story, so no cache can help."""
        corpus = build_corpus(300)
        assert len({a.body for a in corpus}) == 300
        assert len({a.id for a in corpus}) == 300

    def test_lengths_are_wire_story_lengths(self) -> None:
        """Stories run from about 150 to 1,200 words."""
        words = [a.words for a in build_corpus(300)]
        assert min(words) >= 140
        assert max(words) <= 1250

    def test_messages_are_articles(self) -> None:
        """Each message is an Article the service accepts, holding its story."""
        from service.intake import decode_article

        for item in build_corpus(20):
            article = decode_article(item.message, max_bytes=2_000_000, max_chars=200_000)
            assert article.id == item.id
            assert article.text is not None and item.body.split("\n\n")[0] in article.text

    def test_same_seed_same_corpus(self) -> None:
        """The corpus is reproducible from its seed."""
        assert [a.message for a in build_corpus(5)] == [a.message for a in build_corpus(5)]
        assert orjson.loads(build_corpus(1, seed=1)[0].message) != orjson.loads(
            build_corpus(1, seed=2)[0].message
        )
