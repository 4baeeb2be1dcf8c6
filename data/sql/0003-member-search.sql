-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Member search. The database keeps three search keys of every name, so
-- that any channel that writes members (a store POS, the website, the call
-- center, this application) gets the same search:
--   name_pinyin    full pinyin without spaces, lower case: 李明 → liming
--   name_initials  the first letter of each syllable or word: 李明 → lm
--   name_grams     every character and pair of adjacent characters of the
--                  name, lower case and without spaces, for substring
--                  search that works for one- and two-character names
-- Applications may supply the keys themselves on INSERT (bulk loads do,
-- computed from the same pinyin table); otherwise the trigger computes them.

CREATE FUNCTION mdk.name_search_text (name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(regexp_replace(name, '\s+', '', 'g')) $$;

CREATE FUNCTION mdk.name_grams (name text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
    SELECT coalesce(array_agg(DISTINCT g ORDER BY g), '{}')
    FROM (SELECT mdk.name_search_text(name) AS v) s,
         LATERAL (SELECT substr(s.v, i, 1) FROM generate_series(1, length(s.v)) i
                  UNION ALL
                  SELECT substr(s.v, i, 2) FROM generate_series(1, length(s.v) - 1) i) AS t (g)
  $$;

-- Syllables of a name, separated by spaces: CJK characters become their
-- pinyin, a compound or polyphonic surname its surname reading, Latin
-- words stay words (lower case); everything else separates.
CREATE FUNCTION mdk.name_syllables (name text) RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE STRICT
  AS $$
DECLARE
  rest text := btrim(name);
  result text := '';
  word text := '';
  surname record;
  c text;
  syllable text;
BEGIN
  SELECT s.surname, s.syllables INTO surname
  FROM mdk.pinyin_surnames s
  WHERE left(rest, length(s.surname)) = s.surname
  ORDER BY length(s.surname) DESC
  LIMIT 1;
  IF FOUND THEN
    result := surname.syllables;
    rest := substr(rest, length(surname.surname) + 1);
  END IF;

  FOREACH c IN ARRAY regexp_split_to_array(rest, '') LOOP
    SELECT p.syllable INTO syllable FROM mdk.pinyin p WHERE p.ch = c;
    IF FOUND THEN
      IF word <> '' THEN result := result || ' ' || word; word := ''; END IF;
      result := result || ' ' || syllable;
    ELSIF lower(c) ~ '^[a-z0-9]$' THEN
      word := word || lower(c);
    ELSIF word <> '' THEN
      result := result || ' ' || word;
      word := '';
    END IF;
  END LOOP;
  IF word <> '' THEN result := result || ' ' || word; END IF;

  RETURN btrim(result);
END
$$;

CREATE FUNCTION mdk.name_pinyin (name text) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE STRICT
  AS $$ SELECT replace(mdk.name_syllables(name), ' ', '') $$;

CREATE FUNCTION mdk.name_initials (name text) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE STRICT
  AS $$
    SELECT coalesce(string_agg(left(w, 1), '' ORDER BY i), '')
    FROM regexp_split_to_table(mdk.name_syllables(name), ' ') WITH ORDINALITY AS t (w, i)
    WHERE w <> ''
  $$;

ALTER TABLE mdk.members
  ADD COLUMN name_pinyin text,
  ADD COLUMN name_initials text,
  ADD COLUMN name_grams text[];

CREATE FUNCTION mdk.members_search_keys () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.name_pinyin IS NOT NULL AND NEW.name_initials IS NOT NULL
     AND NEW.name_grams IS NOT NULL THEN
    RETURN NEW;
  END IF;
  NEW.name_pinyin := mdk.name_pinyin(NEW.name);
  NEW.name_initials := mdk.name_initials(NEW.name);
  NEW.name_grams := mdk.name_grams(NEW.name);
  RETURN NEW;
END
$$;

CREATE TRIGGER members_search_keys
  BEFORE INSERT OR UPDATE OF name ON mdk.members
  FOR EACH ROW EXECUTE FUNCTION mdk.members_search_keys();

UPDATE mdk.members SET name = name;

ALTER TABLE mdk.members
  ALTER COLUMN name_pinyin SET NOT NULL,
  ALTER COLUMN name_initials SET NOT NULL,
  ALTER COLUMN name_grams SET NOT NULL;

CREATE INDEX members_name_grams_idx ON mdk.members USING gin (name_grams);
-- Search keys are ASCII: in the "C" collation their order is alphabetical
-- and a LIKE prefix is a range of the index.
CREATE INDEX members_initials_prefix_idx ON mdk.members ((name_initials COLLATE "C"));
CREATE INDEX members_mobile_suffix_idx ON mdk.members (reverse(mobile) text_pattern_ops);
CREATE INDEX members_email_prefix_idx ON mdk.members (lower(email) text_pattern_ops);
CREATE INDEX members_id_number_idx ON mdk.members (id_number);
CREATE INDEX members_birthday_month_idx ON mdk.members ((extract(month FROM birthday)));

-- Keyset paging in every sort order the member list offers; the name
-- order also serves pinyin prefix search.
CREATE INDEX members_sort_name_idx ON mdk.members ((name_pinyin COLLATE "C"), id);
CREATE INDEX members_sort_joined_idx ON mdk.members (joined_at, id);
CREATE INDEX members_store_sort_idx ON mdk.members (home_store_id, (name_pinyin COLLATE "C"), id);
