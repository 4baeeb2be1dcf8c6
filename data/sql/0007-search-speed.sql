-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Faster member search for two kinds of query.
--
-- Initials ("lm" for 李明): the index holds the name order's key and the
-- member number too, so the members whose initials start with the typed
-- letters are read in name order from the index alone, however many.
DROP INDEX mdk.members_initials_prefix_idx;
CREATE INDEX members_initials_sort_idx ON mdk.members ((name_initials COLLATE "C"), (name_pinyin COLLATE "C"), id);

-- A part of a Latin name ("Lim" in "Amy Lim"), three letters or more: a
-- trigram index (pg_trgm, shipped with PostgreSQL) over the names that
-- have Latin letters, where letter pairs are too common to narrow much.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX members_latin_name_trgm_idx ON mdk.members
  USING gin (mdk.name_search_text(name) gin_trgm_ops) WHERE name ~ '[A-Za-z]';
