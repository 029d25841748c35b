"""The pipeline as a pure function of a batch: raw messages in, records or dead letters out."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import orjson

from service.cleaning.cleaner import Cleaned, Cleaner
from service.cleaning.language import is_latin_script, language_code
from service.cleaning.sharedrepeats import open_repeat_memory
from service.cleaning.tokensafe import bound_mark_runs
from service.config import Settings
from service.deadletters import dead_letter_for
from service.entities.extractor import EntityExtractor
from service.entities.model import load_nlp
from service.errors import Rejected
from service.events.derived import shipped_lexicon
from service.events.encoded import shipped_encoder_typer
from service.events.extractor import EventExtractor
from service.events.typer import shipped_typer
from service.intake import RawMessage, decode_article, iter_lines
from service.models import (
    PIPELINE_STAGES,
    Article,
    ArticleRecord,
    CleaningReport,
    DeadLetter,
    ModelInfo,
    Processing,
    RemovedBy,
)
from service.outcomes import PIPELINE_VERSION, BatchResult, Outcome, Progress, serialize
from service.parsechunks import PARSE_BATCH_PIECES, join_docs, split_for_parse
from service.recordsize import fit_record
from service.stories import StoryIndex, assign_stories, fresh_story
from service.tone import ToneScorer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "PIPELINE_VERSION",
    "BatchResult",
    "Outcome",
    "Progress",
    "Pipeline",
    "RawMessage",
    "iter_lines",
    "record_id_for",
    "serialize",
    "slice_size",
]


#: Most articles parsed together (a full slice, when many wait); the time budget is checked
#: between slices, and the isolated runner reports each slice's outcomes when it ends.
BUDGET_SLICE = 16

#: Slices a batch is cut into at least: a slice is the batch / SLICES_PER_BATCH, between 1 and
#: BUDGET_SLICE. What waits sizes the slice: an article that arrives alone at low load is parsed
#: alone (its record goes out after its own parse, not a slice's), a full poll at high load in
#: full slices (spaCy's batching pays there).
SLICES_PER_BATCH = 4

#: A message longer than max_text_chars / LONG_ALONE is parsed in a slice of its own, so a
#: time limit that strikes while it is parsed blames it alone, at once.
LONG_ALONE = 8


def slice_size(waiting: int) -> int:
    """Articles parsed together when `waiting` are in the batch: 1 for a few, 16 for 64."""
    return max(1, min(BUDGET_SLICE, -(-waiting // SLICES_PER_BATCH)))


def record_id_for(article: Article) -> str:
    """Same article content and pipeline version -> same id, so consumers can de-duplicate."""
    content = article.model_dump(mode="json", exclude={"language"})
    digest = hashlib.blake2b(digest_size=16)
    digest.update(orjson.dumps(content, option=orjson.OPT_SORT_KEYS))
    digest.update(PIPELINE_VERSION.encode())
    return digest.hexdigest()


@dataclass(slots=True)
class _Prepared:
    index: int
    article: Article
    cleaned: Cleaned
    language: str
    seconds: float


class Pipeline:
    """Loads the model and the steps once, then turns batches into records.

    With a story index, each batch's records are placed in stories in input order; without one
    every record is its own story (the offline command places them itself, in one process).
    """

    def __init__(
        self,
        settings: Settings,
        nlp: Language | None = None,
        *,
        stories: StoryIndex | None = None,
    ) -> None:
        self.settings = settings
        self.stories = stories
        self.nlp = (
            nlp
            if nlp is not None
            # Only events read the dependency parse: without them the parser is dead weight.
            else load_nlp(
                settings.spacy_model,
                with_parser=settings.events_enabled,
                matmul=settings.spacy_matmul,
            )
        )
        self.clean = Cleaner(repeats=open_repeat_memory(settings))
        self.extract_entities = EntityExtractor()
        self.extract_events = _event_extractor(settings) if settings.events_enabled else None
        self.score_tone = ToneScorer()
        meta = self.nlp.meta
        self.model_info = ModelInfo(
            name=f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}",
            version=str(meta.get("version", "unknown")),
        )
        self._supported = frozenset(settings.supported_languages)

    @property
    def entity_labels(self) -> tuple[str, ...]:
        """The labels the model's NER can give (for the build-info metric)."""
        return tuple(self.nlp.pipe_labels.get("ner", ()))

    def process(
        self,
        messages: Sequence[RawMessage],
        *,
        budget_s: float | None = None,
        progress: Progress | None = None,
        most: int | None = None,
    ) -> BatchResult:
        """Every message ends as exactly one record or one dead letter, in input order.

        The batch is taken in slices of at most BUDGET_SLICE messages (fewer in a small batch:
        `slice_size`; `most` when the caller already cut the batch to what waits) and about
        `max_text_chars` bytes (one longest article's work), which bounds the memory nlp.pipe
        holds at once. With `budget_s`, no slice starts once the budget is spent, so the result
        may cover only a prefix (never an empty one). `progress` hears which article is being
        worked on and each outcome as soon as it is known (the isolated runner's per-article
        time limit).
        """
        started = time.perf_counter()
        result = BatchResult(outcomes=[])
        for piece in self._slices(messages, most):
            over = budget_s is not None and time.perf_counter() - started > budget_s
            if result.outcomes and over:
                break
            part = self._process_slice(piece, _Offset(progress, len(result.outcomes)))
            result.outcomes.extend(part.outcomes)
            for name, seconds in part.stage_seconds.items():
                result.stage_seconds[name] = result.stage_seconds.get(name, 0.0) + seconds
        return result

    def _slices(
        self, messages: Sequence[RawMessage], most: int | None = None
    ) -> Iterator[Sequence[RawMessage]]:
        limit = self.settings.max_text_chars
        most = slice_size(len(messages)) if most is None else max(1, min(BUDGET_SLICE, most))
        start, size, alone = 0, 0, False
        for end, message in enumerate(messages):
            long = len(message.value) > limit // LONG_ALONE
            if end > start and (
                end - start >= most or size + len(message.value) > limit or long or alone
            ):
                yield messages[start:end]
                start, size = end, 0
            size += len(message.value)
            alone = long
        if start < len(messages):
            yield messages[start:]

    def _process_slice(self, messages: Sequence[RawMessage], progress: _Offset) -> BatchResult:
        outcomes: list[Outcome | None] = [None] * len(messages)
        stage = dict.fromkeys(PIPELINE_STAGES, 0.0)
        prepared: list[_Prepared] = []
        for index, message in enumerate(messages):
            started = time.perf_counter()
            progress.started(index)
            try:
                prepared_one = self._prepare(index, message)
            except Rejected as exc:
                outcomes[index] = self._dead(message, exc)
            except Exception as exc:  # a stage bug must cost one article, not the batch
                outcomes[index] = self._dead(message, _stage_error("cleaning", exc))
            else:
                if self._supported and prepared_one.language not in self._supported:
                    outcomes[index] = self._unsupported(message, prepared_one)
                else:
                    prepared.append(prepared_one)
            stage["clean"] += time.perf_counter() - started

        started = time.perf_counter()
        docs = self._parse(
            [p.cleaned.text for p in prepared], [p.index for p in prepared], progress
        )
        nlp_seconds = time.perf_counter() - started
        stage["nlp"] = nlp_seconds
        total_chars = sum(len(p.cleaned.text) for p in prepared) or 1

        for item, doc in zip(prepared, docs, strict=True):
            message = messages[item.index]
            started = time.perf_counter()
            progress.started(item.index)
            share = nlp_seconds * len(item.cleaned.text) / total_chars
            try:
                if isinstance(doc, Exception):
                    raise doc
                outcomes[item.index] = self._record(item, doc, share, started)
            except Rejected as exc:  # a record too large for the output topic, even shrunk
                outcomes[item.index] = self._dead(message, exc, article_id=item.article.id)
            except Exception as exc:
                outcomes[item.index] = self._dead(message, _stage_error("extraction", exc))
            stage["extract"] += time.perf_counter() - started

        done = [o for o in outcomes if o is not None]
        assert len(done) == len(messages)  # every message has exactly one outcome
        if self.stories is not None:
            done = assign_stories(done, self.stories)
        for index, outcome in enumerate(done):  # final once the slice's stories are placed
            progress.finished(index, outcome)
        return BatchResult(outcomes=done, stage_seconds=stage)

    def _prepare(self, index: int, message: RawMessage) -> _Prepared:
        started = time.perf_counter()
        article = decode_article(
            message.value,
            max_bytes=self.settings.max_message_bytes,
            max_chars=self.settings.max_text_chars,
        )
        cleaned = self.clean(article)
        if len(cleaned.text) > self.settings.max_text_chars:
            raise Rejected(
                "text_too_long",
                f"cleaned text has {len(cleaned.text)} characters, "
                f"the limit is {self.settings.max_text_chars}",
            )
        language = self._language(article, cleaned.text)
        return _Prepared(index, article, cleaned, language, time.perf_counter() - started)

    def _language(self, article: Article, text: str) -> str:
        if article.language:
            return article.language.split("-")[0].lower()
        if len(text) < self.settings.min_language_chars and is_latin_script(text):
            return "en"
        return language_code(text)

    def _parse(
        self, texts: list[str], indices: list[int], progress: _Offset
    ) -> list[Doc | Exception]:
        """nlp.pipe over the batch; if it raises, parse one by one so only the culprit fails.

        Long texts go in pieces and are joined again (service/parsechunks.py).
        """
        if not texts:
            return []
        feed = _Feed(texts, indices, progress)
        try:
            # An article alone goes a few pieces at a time (smaller arrays, the same parse);
            # several go in one batch, so a time limit on it blames them all (see _Feed).
            batch = PARSE_BATCH_PIECES if len(texts) == 1 else max(feed.pieces, 1)
            docs = list(self.nlp.pipe(feed, batch_size=batch))
        except Exception:
            pairs = zip(feed.texts, indices, strict=True)
            return [self._parse_one(text, index, progress) for text, index in pairs]
        joined: list[Doc | Exception] = []
        start = 0
        for text, index, count in zip(feed.texts, indices, feed.counts, strict=True):
            doc = join_docs(docs[start : start + count], text)
            joined.append(doc if doc is not None else self._parse_one(text, index, progress))
            start += count
        return joined

    def _parse_one(self, text: str, index: int, progress: _Offset) -> Doc | Exception:
        """One text (already bounded), in its pieces; the exception it raises, if any."""
        progress.started(index)
        try:
            doc = join_docs(list(self.nlp.pipe(split_for_parse(text))), text)
            return doc if doc is not None else self.nlp(text)
        except Exception as exc:
            return exc

    def _record(
        self, item: _Prepared, doc: Doc | None, nlp_share: float, started: float
    ) -> ArticleRecord:
        """The article's record, shrunk to ENTITY_MAX_RECORD_BYTES if need be (or Rejected)."""
        article = item.article
        entities = self.extract_entities(doc) if doc is not None else []
        events = (
            self.extract_events(doc, entities, article.published_at)
            if doc is not None and self.extract_events is not None
            else []
        )
        tone = self.score_tone(item.cleaned.text)
        seconds = item.seconds + nlp_share + (time.perf_counter() - started)
        record = ArticleRecord(
            record_id=record_id_for(article),
            article_id=article.id,
            title=article.title,
            url=article.url,
            source=article.source,
            published_at=article.published_at,
            language=item.language,
            text=item.cleaned.text,
            entities=entities,
            events=events,
            story=fresh_story(article.id),
            tone=tone,
            processing=Processing(
                pipeline_version=PIPELINE_VERSION,
                model=self.model_info,
                duration_ms=round(seconds * 1000, 3),
                processed_at=datetime.now(UTC),
                cleaning=CleaningReport(
                    input_format=item.cleaned.input_format,
                    removed_lines=item.cleaned.removed_lines,
                    removed_chars=item.cleaned.removed_chars,
                    kept_lines=item.cleaned.kept_lines,
                    removed_by=RemovedBy(**item.cleaned.removed_by),
                ),
            ),
        )
        return fit_record(record, self.settings.max_record_bytes)

    def _unsupported(self, message: RawMessage, item: _Prepared) -> Outcome:
        if self.settings.unsupported_language == "record":
            try:
                return self._record(item, None, 0.0, time.perf_counter())
            except Rejected as exc:
                return self._dead(message, exc, article_id=item.article.id)
        return self._dead(
            message,
            Rejected(
                "unsupported_language",
                f"the article is in '{item.language}'; this service reads "
                f"{', '.join(sorted(self._supported))}",
            ),
            article_id=item.article.id,
        )

    def _dead(
        self, message: RawMessage, error: Rejected, article_id: str | None = None
    ) -> DeadLetter:
        return dead_letter_for(
            message,
            error,
            max_original_bytes=self.settings.dlq_original_max_bytes,
            article_id=article_id,
        )


class _Offset:
    """Progress of one slice, reported with batch-wide indices (or to nobody)."""

    __slots__ = ("_base", "_progress")

    def __init__(self, progress: Progress | None, base: int) -> None:
        self._progress, self._base = progress, base

    def started(self, index: int | None) -> None:
        if self._progress is not None:
            self._progress.started(None if index is None else self._base + index)

    def finished(self, index: int, outcome: Outcome) -> None:
        if self._progress is not None:
            self._progress.finished(self._base + index, outcome)


class _Feed:
    """The texts nlp.pipe reads, each reported as it is taken (spaCy tokenizes it next).

    spaCy takes the whole slice before its components run, so the last text is reported as
    the slice's: its tokenizing and the components on all of them cannot be told apart.
    Floods of punctuation cost the tokenizer their length squared, so they are blanked here
    (same length, same offsets; the record keeps its text). A long text is fed in pieces
    (`counts` says how many per text), each reported as its text's. Iterable more than once.
    """

    def __init__(self, texts: list[str], indices: list[int], progress: _Offset) -> None:
        self.texts = [bound_mark_runs(text) for text in texts]
        self._split = [split_for_parse(text) for text in self.texts]
        self.counts = [len(pieces) for pieces in self._split]
        self.pieces = sum(self.counts)
        self._indices, self._progress = indices, progress

    def __iter__(self) -> Iterator[str]:
        alone = len(self.texts) == 1  # a text parsed alone is the only one its parse can blame
        last = self.pieces - 1
        n = 0
        for index, pieces in zip(self._indices, self._split, strict=True):
            for piece in pieces:
                self._progress.started(index if n < last or alone else None)
                n += 1
                yield piece


def _event_extractor(settings: Settings) -> EventExtractor:
    """The event coder with the shipped typer and derived lexicon (loaded once per process)."""
    if not settings.events_typer:
        return EventExtractor(min_confidence=settings.events_min_confidence)
    encoder = None
    if settings.events_encoder:
        encoder = shipped_encoder_typer(
            settings.events_encoder_head, settings.events_encoder_lead_head
        )
    return EventExtractor(
        shipped_typer(),
        derived=shipped_lexicon(),
        min_confidence=settings.events_min_confidence,
        encoder=encoder,
        encoder_sentences=settings.events_encoder_sentences,
    )


def _stage_error(stage: str, exc: Exception) -> Rejected:
    return Rejected("processing_error", f"{stage} failed: {type(exc).__name__}: {exc}"[:1000])
