"""Product search on PostgreSQL: full-text search with unaccent, and trigrams for typos.

The embedded default (SQLite) matches every folded word as a substring of
``Product.search_text``. On PostgreSQL the same folded text is searched with:

- full text: ``to_tsvector('vietnamese_unaccent', search_text)`` against a prefix query of
  every word (``banh:* & pia:*``). ``vietnamese_unaccent`` is ``simple`` plus ``unaccent``
  (PostgreSQL has no Vietnamese configuration; catalog/migrations/0005 creates it), so a
  query typed with or without diacritics, ``đ`` included, meets the folded text;
- trigrams, for a misspelt query ("banh pya" finds "Bánh pía"; Django's ``TrigramWordSimilar``
  lookup, ``search_text %> query``): the query's word
  similarity to the text at least ``pg_trgm.word_similarity_threshold`` (0.6), ranked
  below every full-text match.

Both are served by GIN indexes made by that migration. The ranking is the embedded
default's (exact diacritics in the name first, ...), then the full-text rank. Another
engine (Wagtail's OpenSearch/Elasticsearch backend) would plug in here, behind the same
``catalog.queries.search``, without touching the views.
"""

import re

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import Case, F, Func, IntegerField, Q, Value, When

CONFIG = "vietnamese_unaccent"
# The expression the GIN index is built on (catalog/migrations/0005): used as is, so
# PostgreSQL can use the index.
DOCUMENT = Func(
    F("search_text"),
    template=f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)",
    output_field=SearchVectorField(),
)
_NOT_A_LEXEME = re.compile(r"[^a-z0-9]+")


def prefix_query(words) -> str:
    """``banh:* & pia:*`` from folded words; anything but letters and digits is dropped."""
    lexemes = [_NOT_A_LEXEME.sub("", word) for word in words]
    return " & ".join(f"{lexeme}:*" for lexeme in lexemes if lexeme)


def postgres_search(queryset, *, text, folded, words, ranking):
    # The text holding the query as a phrase is always found, as on the embedded default:
    # punctuation the full-text parser drops or reads differently ("_", "1.5", "a_b") must
    # not hide a product whose name is exactly what was typed. The trigram index serves it.
    phrase = Q(search_text__contains=folded)
    tsquery = prefix_query(words)
    if not tsquery:  # only punctuation ("%", "&"): nothing for full text or trigrams
        return queryset.filter(phrase).annotate(relevance=ranking, text_rank=Value(0.0))
    query = SearchQuery(tsquery, search_type="raw", config=CONFIG)
    found = Q(search_document=query) | phrase
    matched = queryset.annotate(search_document=DOCUMENT).filter(
        found | Q(TrigramWordSimilar(F("search_text"), folded))
    )
    # A typo match (neither the words nor the phrase) ranks below everything they find.
    relevance = Case(When(found, then=ranking), default=Value(0), output_field=IntegerField())
    return matched.annotate(relevance=relevance, text_rank=SearchRank(F("search_document"), query))
