"""spaCy doc -> distinct, normalised entities, with countries and coordinates for places."""

from service.entities.extractor import EntityExtractor, configure_nlp

__all__ = ["EntityExtractor", "configure_nlp"]
