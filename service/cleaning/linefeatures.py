"""What a person looks at to tell a story line from page furniture, as numbers per line.

Two layers: each line on its own (length, words, stop-word and punctuation shares, sentence
shape, capitals, link-like and call-to-action wording, the hand rules' verdicts), then the line
in its page (position, the densest run of story-like lines, what its neighbours look like).
The training script and the cleaner both call `page_features`, so what was measured is what runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from service.cleaning.textblocks import Block, BlockClassifier, Kind, block_weight

__all__ = [
    "CONTEXT_NAMES",
    "LINE_NAMES",
    "context_features",
    "densest_run",
    "line_features",
    "page_features",
]

_CLOSERS: Final = "\"'”’»)]"
_SENTENCE_MARKS: Final = ".!?。！？"
_TERMINAL_MARKS: Final = ".!?。！？…:;"
_QUOTE_MARKS: Final = "\"'“‘«-–—"
#: Lines up to this many words are searched for reader address and call-to-action wording.
_SHORT_WORDS: Final = 25
_SEPARATOR_CHARS: Final = "|•·›»/"
#: Boilerplate reasons of the hand rules, each one a feature (what they catch, not a verdict).
_REASONS: Final = (
    "link",
    "no_letters",
    "caption",
    "legal",
    "menu",
    "byline",
    "dateline",
    "call_to_action",
    "teaser",
)
_KINDS: Final = (Kind.GOOD, Kind.SENTENCE, Kind.SHORT, Kind.BAD)

#: One name per column of `line_features`.
LINE_NAMES: Final = (
    "log_chars",
    "log_words",
    "stopword_share",
    "punct_share",
    "digit_share",
    "upper_share",
    "title_word_share",
    "sentence_end",
    "terminal_end",
    "colon_end",
    "ellipsis_end",
    "log_inner_sentences",
    "comma_per_word",
    "quote_start",
    "upper_start",
    "separators_per_word",
    "cjk",
    "reader_address",
    "cta_words",
    *(f"rule_{r}" for r in _REASONS),
    *(f"kind_{k.value}" for k in _KINDS),
)

_NEIGHBOUR_COLUMNS: Final = ("log_words", "stopword_share", "sentence_end", "kind_good", "kind_bad")
_NEIGHBOUR_OFFSETS: Final = (-2, -1, 1, 2)
_WINDOWS: Final = (2, 5, 12)

#: One name per column `context_features` adds after the line's own.
CONTEXT_NAMES: Final = (
    "rel_position",
    "log_page_lines",
    "in_run",
    "log_run_distance",
    "run_share",
    "log_up_good",
    "log_down_good",
    *(f"n{o:+d}_{c}" for o in _NEIGHBOUR_OFFSETS for c in _NEIGHBOUR_COLUMNS),
    *(f"w{w}_{c}" for w in _WINDOWS for c in ("kind_good", "log_words", "sentence_end")),
)


#: Character classes, one bit each; `_char_counts` sums the first _COUNTED per line.
_LETTER, _UPPER, _DIGIT, _PUNCT, _SEPARATOR, _COMMA, _CJKCHAR, _WORDCHAR, _MARK = (
    1 << b for b in range(9)
)
_COUNTED: Final = 7


def _char_tables() -> npt.NDArray[np.uint16]:
    """Class bits of the code points up to U+FFFF (letter, upper, digit, punctuation, ...).

    Code points past the table count as letters: a fixed, cheap reading that training and
    serving share.
    """
    table = np.zeros(0x10000, dtype=np.uint16)
    for code in range(len(table)):
        char = chr(code)
        bits = 0
        if char.isalpha():
            bits |= _LETTER | _WORDCHAR | (_UPPER if char.isupper() else 0)
        elif char.isdigit() or char == "_":
            bits |= (_DIGIT if char.isdigit() else 0) | _WORDCHAR
        elif not char.isspace() and char.isprintable():
            bits |= _PUNCT
        table[code] = bits
    for char in _SEPARATOR_CHARS:
        table[ord(char)] |= _SEPARATOR
    table[ord(",")] |= _COMMA
    for char in ".!?":
        table[ord(char)] |= _MARK
    for lo, hi in ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF)):
        table[lo : hi + 1] |= _CJKCHAR
    return table


_CLASSES: Final = _char_tables()
_SHIFTS: Final = np.arange(_COUNTED, dtype=np.uint16)


def _ends(line: str) -> tuple[bool, bool, bool, bool]:
    """Whether the line ends a sentence, ends with any terminal mark, a colon, an ellipsis."""
    tail = line.rstrip(_CLOSERS)
    last = tail[-1:]
    return (
        last != "" and last in _SENTENCE_MARKS,
        last != "" and last in _TERMINAL_MARKS,
        line.endswith(":"),
        tail.endswith(("..", "…")),
    )


def line_features(blocks: Sequence[Block], classify: BlockClassifier) -> npt.NDArray[np.float64]:
    """The per-line columns of LINE_NAMES, one row per block (every block's text non-empty)."""
    n = len(blocks)
    rows = np.zeros((n, len(LINE_NAMES)))
    if not n:
        return rows
    lines = [b.text for b in blocks]
    text = "\n".join(lines)
    chars = np.array([len(line) for line in lines], dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(chars[:-1] + 1)]).astype(np.int64)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bits = _CLASSES[np.minimum(codes, len(_CLASSES) - 1)]
    bits[codes >= len(_CLASSES)] = _LETTER | _WORDCHAR
    word = (bits & _WORDCHAR) > 0
    upper = (bits & _UPPER) > 0
    extra = np.zeros((len(codes), 2), dtype=np.uint16)
    extra[1:, 0] = word[1:] & ~word[:-1] & upper[1:]  # a capitalised word
    extra[0, 0] = upper[0]
    if len(codes) > 3:  # a sentence ending inside the line: word char, mark, space, capital
        extra[1:-2, 1] = word[:-3] & ((bits[1:-2] & _MARK) > 0) & (codes[2:-1] == 32) & upper[3:]
    flags = np.hstack([(bits[:, None] >> _SHIFTS) & 1, extra])
    counts = np.add.reduceat(flags, starts, axis=0).astype(np.float64).T
    letters, uppers, digits, punct, separators, commas, cjk, capitalised, inner = counts
    words = np.array([b.words for b in blocks], dtype=np.float64)
    per_word = np.maximum(words, 1.0)
    rows[:, 0] = np.log1p(chars)
    rows[:, 1] = np.log1p(words)
    rows[:, 2] = np.array([b.stopwords for b in blocks], dtype=np.float64) / per_word
    rows[:, 3] = punct / chars
    rows[:, 4] = digits / chars
    rows[:, 5] = uppers / np.maximum(letters, 1.0)
    rows[:, 6] = capitalised / per_word
    rows[:, 7:11] = [_ends(line) for line in lines]
    rows[:, 11] = np.log1p(inner)
    rows[:, 12] = commas / per_word
    rows[:, 14] = upper[starts]
    rows[:, 15] = separators / per_word
    rows[:, 16] = cjk * 2 > chars
    reason_col = {r: LINE_NAMES.index(f"rule_{r}") for r in _REASONS}
    kind_col = {k: LINE_NAMES.index(f"kind_{k.value}") for k in _KINDS}
    reader, cta = classify.reader_address.search, classify.cta_words.search
    for i, block in enumerate(blocks):
        row = rows[i]
        line = block.text
        row[13] = line[0] in _QUOTE_MARKS
        if block.words <= _SHORT_WORDS:
            row[17] = reader(line) is not None
            row[18] = cta(line) is not None
        if block.kind is Kind.BAD and block.reason in reason_col:
            row[reason_col[block.reason]] = 1.0
        row[kind_col[block.kind]] = 1.0
    return rows


def densest_run(weights: npt.NDArray[np.float64]) -> tuple[int, int]:
    """The max-sum span of `weights` (Kadane), or (0, -1) when no span sums above zero."""
    best, span = 0.0, (0, -1)
    run, start = 0.0, 0
    for i, w in enumerate(weights.tolist()):
        if run <= 0:
            run, start = w, i
        else:
            run += w
        if run > best:
            best, span = run, (start, i)
    return span


def context_features(
    base: npt.NDArray[np.float64], story_like: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The columns of CONTEXT_NAMES: where the line sits and what surrounds it.

    `story_like` is a weight per line (positive for story-like lines, negative for furniture)
    whose densest run is taken as the body.
    """
    n = base.shape[0]
    out = np.zeros((n, len(CONTEXT_NAMES)))
    if n == 0:
        return out
    idx = np.arange(n, dtype=np.float64)
    out[:, 0] = idx / max(n - 1, 1)
    out[:, 1] = math.log1p(n)
    lo, hi = densest_run(story_like)
    if hi >= lo:
        inside = (idx >= lo) & (idx <= hi)
        out[:, 2] = inside
        distance = np.where(idx < lo, lo - idx, np.where(idx > hi, idx - hi, 0.0))
        out[:, 3] = np.log1p(distance)
        out[:, 4] = (hi - lo + 1) / n
    else:
        out[:, 3] = math.log1p(n)
    good = base[:, LINE_NAMES.index("kind_good")]
    out[:, 5] = np.log1p(_distance_to_previous(good))
    out[:, 6] = np.log1p(_distance_to_previous(good[::-1])[::-1])
    col = 7
    reach = max(abs(o) for o in _NEIGHBOUR_OFFSETS)
    padded = np.zeros((n + 2 * reach, len(_NEIGHBOUR_INDEX)))
    padded[reach : reach + n] = base[:, _NEIGHBOUR_INDEX]
    for offset in _NEIGHBOUR_OFFSETS:
        out[:, col : col + len(_NEIGHBOUR_INDEX)] = padded[reach + offset : reach + offset + n]
        col += len(_NEIGHBOUR_INDEX)
    values = base[:, _WINDOW_INDEX]
    cum = np.zeros((n + 1, len(_WINDOW_INDEX)))
    np.cumsum(values, axis=0, out=cum[1:])
    at = np.arange(n)
    for width in _WINDOWS:
        first = np.maximum(at - width, 0)
        stop = np.minimum(at + width + 1, n)
        out[:, col : col + len(_WINDOW_INDEX)] = (cum[stop] - cum[first]) / (stop - first)[:, None]
        col += len(_WINDOW_INDEX)
    return out


_NEIGHBOUR_INDEX: Final = [LINE_NAMES.index(c) for c in _NEIGHBOUR_COLUMNS]
_WINDOW_INDEX: Final = [LINE_NAMES.index(c) for c in ("kind_good", "log_words", "sentence_end")]


def page_features(blocks: Sequence[Block], classify: BlockClassifier) -> npt.NDArray[np.float64]:
    """Every line's own columns then its context columns (LINE_NAMES + CONTEXT_NAMES)."""
    base = line_features(blocks, classify)
    return np.hstack([base, context_features(base, _rule_weights(blocks))])


def _rule_weights(blocks: Sequence[Block]) -> npt.NDArray[np.float64]:
    """The hand rules' view of story-likeness, whose densest run the old selection kept."""
    return np.array([block_weight(b) for b in blocks], dtype=np.float64)


def _distance_to_previous(flags: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Lines since the last flagged line at or before each line (the page length if none)."""
    n = len(flags)
    out = np.empty(n)
    last = -float(n) - 1
    for i, flag in enumerate(flags.tolist()):
        if flag:
            last = i
        out[i] = min(i - last, n)
    return out
