"""Word shingles of the cleaned text and their MinHash: what two copies of a report share."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

__all__ = [
    "ANCHOR_EVERY",
    "BANDS",
    "MAX_ANCHORS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_WORDS",
    "Fingerprint",
    "fingerprint",
    "overlap",
    "shingles",
]

#: Five-word shingles: long enough that unrelated reports on one topic rarely share them,
#: short enough that an edited wire copy still shares most of its own.
SHINGLE_WORDS = 5
NUM_PERM = 128
#: 64 bands of 2 rows: a copy holding a fifth of the full text (Jaccard 0.2) becomes a
#: candidate with probability 1 - (1 - 0.2**2)**64 = 0.93; the containment check then decides.
BANDS, ROWS = 64, 2
#: Anchors: the shingles whose hash falls in 1/16 of the hash space, at most 48 (the lowest).
#: A copy's anchors are anchors of the full text too, whatever their sizes, so a short copy
#: (a lead paragraph: Jaccard 0.05, beyond what the bands catch) still finds its article.
ANCHOR_EVERY, MAX_ANCHORS = 16, 48
_SEED = 1
_SCHEME = "affine32"  # datasketch's default; stored signatures must be read back with it
_WORD = re.compile(r"\w+", re.UNICODE)
#: The permutation parameters the seed gives, drawn once: datasketch draws them again for every
#: MinHash it builds, which cost as much as hashing an article's shingles.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's MinHash (datasketch) and its number of distinct shingles."""

    minhash: MinHash
    size: int
    anchors: tuple[bytes, ...] = ()

    @property
    def hashvalues(self) -> npt.NDArray[np.uint64]:
        values: npt.NDArray[np.uint64] = self.minhash.hashvalues
        return values

    def bands(self) -> list[bytes]:
        """One key per LSH band; equal keys make two texts candidates."""
        values = self.hashvalues
        return [
            hashlib.blake2b(values[i * ROWS : (i + 1) * ROWS].tobytes(), digest_size=8).digest()
            for i in range(BANDS)
        ]

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Fingerprint:
        values = np.frombuffer(data, dtype="<u8").astype(np.uint64)
        minhash = MinHash(seed=_SEED, hashvalues=values, permutations=_PERMUTATIONS, scheme=_SCHEME)
        return cls(minhash, size)


def shingles(text: str) -> set[str]:
    """Distinct lower-cased word n-grams; a text shorter than n words is one shingle."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def fingerprint(text: str) -> Fingerprint:
    """MinHash (datasketch) of the text's shingles."""
    grams = [g.encode() for g in shingles(text)]
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_PERMUTATIONS, scheme=_SCHEME)
    minhash.update_batch(grams)
    return Fingerprint(minhash, len(grams), _anchors(grams))


def _anchors(grams: list[bytes]) -> tuple[bytes, ...]:
    """The sampled shingles (consistent: a hash, not a position, decides), as 8-byte keys."""
    digests = (hashlib.blake2b(g, digest_size=8).digest() for g in grams)
    sampled = sorted(d for d in digests if int.from_bytes(d[:2]) % ANCHOR_EVERY == 0)
    return tuple(sampled[:MAX_ANCHORS])


def overlap(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the smaller text's shingles found in the larger one (containment).

    From the MinHash Jaccard estimate J and the exact set sizes:
    |A & B| = J (|A| + |B|) / (1 + J), divided by min(|A|, |B|). A truncated copy of an
    article scores near 1 against it although their Jaccard similarity is low.
    """
    if not a.size or not b.size:
        return 0.0
    jaccard = float(np.count_nonzero(a.hashvalues == b.hashvalues)) / NUM_PERM
    common = jaccard * (a.size + b.size) / (1.0 + jaccard)
    return min(common / min(a.size, b.size), 1.0)
