"""What the search does to a query before it reaches the database, and its typo variants.

- Shoppers' spellings and synonyms ("cafe", "caphe" -> "ca phe"; "nuoc nam" -> "nuoc mam"),
  kept in :class:`catalog.models.SearchSynonym` rows that editors extend from the admin,
  read once and kept in the cache until a row changes;
- pack sizes typed apart or in other words ("400 g" -> "400g", "1l" -> "1 lit"), so that
  they meet the names' "hộp 400g", "chai 1 lít";
- typo variants of a word, as a regular expression both databases run: one pair of
  neighbouring letters swapped (a word of 3 letters or more: "pai" -> "pia"), or one letter
  wrong (5 letters or more: "suong" -> "xuong"; shorter words would meet too many others).
"""

import re
from collections import Counter

from django.core.cache import cache

SYNONYMS_KEY = "catalog:search-synonyms"
SYNONYMS_TIMEOUT = 3600

_UNITS = [
    (re.compile(r"\b(\d+)\s*(?:gr|gram|g)\b"), r"\1g"),
    (re.compile(r"\b(\d+)\s+(kg|ml)\b"), r"\1\2"),
    (re.compile(r"\b(\d+)\s*(?:l|lit|litre|liter)\b"), r"\1 lit"),
]
_LETTERS = re.compile(r"^[a-z]+$")


def synonyms() -> dict[str, str]:
    """``{typed: means}``, folded; from the cache, or one query."""
    found = cache.get(SYNONYMS_KEY)
    if found is None:
        from .models import SearchSynonym  # a cycle: catalog.models imports this module

        found = dict(SearchSynonym.objects.values_list("typed", "means"))
        cache.set(SYNONYMS_KEY, found, SYNONYMS_TIMEOUT)
    return found


def forget_synonyms(*args, **kwargs) -> None:
    """Signal receiver: a synonym was saved or deleted."""
    cache.delete(SYNONYMS_KEY)


def rewrite(folded: str) -> str:
    """The folded query with pack sizes joined up and shoppers' spellings replaced."""
    for pattern, replacement in _UNITS:
        folded = pattern.sub(replacement, folded)
    table = synonyms()
    if table:
        # Longest first: "nuoc nam" wins over a shorter entry inside it; whole words only.
        alternatives = "|".join(re.escape(typed) for typed in sorted(table, key=len, reverse=True))
        folded = re.sub(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])", lambda m: table[m.group(0)], folded)
    return " ".join(folded.split())


def variants(word: str) -> list[str]:
    """The word, then its variants with two neighbouring letters swapped, then (``[a-z]``
    for any letter) with one letter wrong; only the word itself when it is not plain letters."""
    if not _LETTERS.match(word):
        return [word]
    found = [word]
    if len(word) >= 3:
        for i in range(len(word) - 1):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if swapped not in found:
                found.append(swapped)
    if len(word) >= 5:
        found += [word[:i] + "[a-z]" + word[i + 1 :] for i in range(len(word))]
    return found


def typo_pattern(word: str) -> str:
    """A regular expression (the same on SQLite and PostgreSQL) for the word or a variant."""
    return "(" + "|".join(variants(word)) + ")"


def has_variants(words) -> bool:
    return any(len(variants(word)) > 1 for word in words)


def best_correction(words, texts) -> list[str] | None:
    """The words as most of ``texts`` (folded search texts that matched the typo patterns)
    spell them: each word becomes the first of its variants found in a text."""
    counts: Counter = Counter()
    for text in texts:
        corrected = []
        for word in words:
            options = variants(word)
            for variant in options if len(options) > 1 else [re.escape(word)]:
                found = re.search(variant, text)
                if found:
                    corrected.append(found.group(0))
                    break
            else:
                corrected.append(word)
        counts[tuple(corrected)] += 1
    if not counts:
        return None
    best = list(counts.most_common(1)[0][0])
    return best if best != list(words) else None
