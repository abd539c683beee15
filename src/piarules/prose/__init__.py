"""Japanese phrase semantics for rules: one normalisation, segmentation, synonyms, polarity.

Stages, in data order: normalize (text → normalised view + offset map) → segment (sentences,
clauses) → phrases (synonym sets, phrases, co-occurrence → matches at original spans) →
polarity (mentions: affirmed / denied / hypothetical). The synonym table is data
(piarules/data/synonyms.yaml, loaded by synonyms.py). See docs/prose.md.
"""

from piarules.prose.normalize import NormalizedText, normalize
from piarules.prose.phrases import CoOccurrence, Match, Part, Phrase, Scope, SynonymSet, co_occurrences, find, matches
from piarules.prose.polarity import Cue, Mention, Polarity, denies, explain, first_mention, mentions, states
from piarules.prose.segment import Segment, Segmentation, segment
from piarules.prose.synonyms import SynonymTable, load_synonyms, read_synonyms, standard_synonyms

__all__ = [
    "CoOccurrence",
    "Cue",
    "Match",
    "Mention",
    "NormalizedText",
    "Part",
    "Phrase",
    "Polarity",
    "Scope",
    "Segment",
    "Segmentation",
    "SynonymSet",
    "SynonymTable",
    "clear_caches",
    "co_occurrences",
    "denies",
    "explain",
    "find",
    "first_mention",
    "load_synonyms",
    "matches",
    "mentions",
    "normalize",
    "read_synonyms",
    "segment",
    "standard_synonyms",
    "states",
]


def clear_caches() -> None:
    """Forget every cached result (for cold-start measurements and tests)."""
    import importlib

    for module, names in (("normalize", ("normalize",)), ("segment", ("segment",)),
                          ("phrases", ("_compile", "hits", "phrase_hits", "unit_hits")),
                          ("polarity", ("mentions", "_cues_after"))):
        loaded = importlib.import_module(f"piarules.prose.{module}")
        for name in names:
            getattr(loaded, name).cache_clear()
