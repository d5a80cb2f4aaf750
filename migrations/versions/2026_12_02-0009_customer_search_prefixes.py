"""Customer search vector with the short prefixes of every word stored as lexemes.

A search types the start of a name ("زهرا حس"). As a prefix query ('زهرا':* & 'حس':*) GIN expands each
short prefix to every lexeme it starts (thousands for two letters) and reads all their postings before
intersecting: 11–17 ms at a million customers. Stored as lexemes of their own, the same search looks up
two exact entries, which GIN intersects by skipping through the longer list (~1 ms of index work).

``customer_search_vector(text)`` keeps the words of ``to_tsvector('simple', …)`` with their positions
(a hyphenated word is queried as a phrase of its parts) and adds the first 1 to 6 characters of each word
that is not all digits, without positions; ``api.customers.repository.search_terms`` asks for letter
words of up to 6 characters exactly and for longer or other words by prefix as before. At a million
customers the index grows by about a tenth.

The column is generated, so it is dropped and added again: the table is rewritten (about a minute per
million customers, with the index build).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 18:10:00+00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX_CHARS = 6  # api.customers.repository.PREFIX_CHARS

# Each word with its positions (a hyphenated word is queried as a phrase of its parts) and, unless it is
# all digits, its first 1..PREFIX_CHARS characters at the same positions: a prefix lexeme at position i
# says "the word at i starts with this", so phrases and prefix queries answer exactly as on the words
# alone. Built as tsvector text ('lexeme':1,4 …, quotes doubled, backslashes escaped) because
# concatenating tsvectors shifts the positions of the right-hand one.
FUNCTION = r"""
CREATE FUNCTION customer_search_vector(search_text text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT coalesce(string_agg(
           '''' || replace(replace(left(word.lexeme, n), '\', '\\'), '''', '''''') || ''':'
           || array_to_string(word.positions, ','), ' ')::tsvector, ''::tsvector)
FROM unnest(to_tsvector('simple'::regconfig, search_text)) AS word,
     generate_series(CASE WHEN word.lexeme ~ '^[0-9]+$' THEN char_length(word.lexeme) ELSE 1 END,
                     char_length(word.lexeme)) AS n
WHERE n <= PREFIX_CHARS OR n = char_length(word.lexeme)
$$
""".replace("PREFIX_CHARS", str(PREFIX_CHARS))


def _column(expression: str) -> None:
    op.execute("ALTER TABLE customer DROP COLUMN search_vector")
    op.execute(f"ALTER TABLE customer ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expression}) STORED")
    op.execute("CREATE INDEX ix_customer_search_vector ON customer USING gin (search_vector) "
               "WITH (gin_pending_list_limit = 128)")
    # The planner's statistics of the new lexemes (which words are common decides index or newest-first walk).
    op.execute("ANALYZE customer")


def upgrade() -> None:
    op.execute(FUNCTION)
    _column("customer_search_vector(search_text)")


def downgrade() -> None:
    _column("to_tsvector('simple'::regconfig, search_text)")
    op.execute("DROP FUNCTION customer_search_vector(text)")
