"""spaCy doc -> distinct, normalised entities, with countries and coordinates for places.

model (load_nlp) -> fixer (a pipeline component after "ner") -> extractor (doc -> entities),
with geo (countries, cities), gazetteer (data/gazetteer.json) and spans (names as written).
"""

from service.entities.extractor import EntityExtractor
from service.entities.fixer import configure_nlp

__all__ = ["EntityExtractor", "configure_nlp"]
