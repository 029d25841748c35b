"""entity-service: raw news articles in, entities and who-did-what-to-whom events out."""

__version__ = "0.1.0"
