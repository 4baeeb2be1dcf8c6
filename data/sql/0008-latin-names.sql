-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A part of a Latin name ("Lim" in "Amy Lim", "Lily" in "Lily Tan"). Many
-- members may share it, and their names may lie anywhere in the name
-- order: a walk of that order read up to a hundred names for each one it
-- found, and fetching the matches from the members table read a page of
-- it for each. This table keeps the names with Latin letters apart, a
-- few dozen bytes each, with their place in the name order, so that all
-- the matches are found through the trigram index and sorted in a few
-- milliseconds.
CREATE TABLE mdk.member_latin_names (
  member_id   bigint PRIMARY KEY REFERENCES mdk.members (id) ON DELETE CASCADE,
  sort_key    text COLLATE "C" NOT NULL,  -- members.name_pinyin
  search_text text NOT NULL               -- mdk.name_search_text(members.name)
);

CREATE INDEX member_latin_names_trgm_idx ON mdk.member_latin_names USING gin (search_text gin_trgm_ops);

COMMENT ON TABLE mdk.member_latin_names IS
  'The members whose names have Latin letters, kept by the triggers members_latin_name_*; for search only';

CREATE FUNCTION mdk.members_latin_name () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.name ~ '[A-Za-z]' THEN
    INSERT INTO mdk.member_latin_names (member_id, sort_key, search_text)
    VALUES (NEW.id, NEW.name_pinyin, mdk.name_search_text(NEW.name))
    ON CONFLICT (member_id) DO UPDATE SET sort_key = EXCLUDED.sort_key, search_text = EXCLUDED.search_text;
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM mdk.member_latin_names WHERE member_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;

-- Inserted rows without Latin letters fire nothing: a batch of Chinese
-- names loads at full speed.
CREATE TRIGGER members_latin_name_insert
  AFTER INSERT ON mdk.members
  FOR EACH ROW WHEN (NEW.name ~ '[A-Za-z]') EXECUTE FUNCTION mdk.members_latin_name();

CREATE TRIGGER members_latin_name_update
  AFTER UPDATE OF name, name_pinyin ON mdk.members
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.name_pinyin IS DISTINCT FROM NEW.name_pinyin)
  EXECUTE FUNCTION mdk.members_latin_name();

INSERT INTO mdk.member_latin_names (member_id, sort_key, search_text)
  SELECT id, name_pinyin, mdk.name_search_text(name) FROM mdk.members WHERE name ~ '[A-Za-z]';

-- The search reads the table above instead.
DROP INDEX mdk.members_latin_name_trgm_idx;
