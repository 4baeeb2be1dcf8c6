-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Enterprise batch import: each import is recorded with its outcome, and
-- every member it created points back to it.

CREATE TYPE mdk.import_duplicates AS ENUM ('skip', 'update', 'merge');

CREATE TABLE mdk.member_imports (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_name     text NOT NULL,
  duplicates    mdk.import_duplicates NOT NULL,
  n_rows        bigint NOT NULL DEFAULT 0,
  n_inserted    bigint NOT NULL DEFAULT 0,
  n_updated     bigint NOT NULL DEFAULT 0,
  n_skipped     bigint NOT NULL DEFAULT 0,
  n_rejected    bigint NOT NULL DEFAULT 0,
  operator_id   bigint REFERENCES mdk.operators (id),
  db_role       text NOT NULL DEFAULT session_user,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);

ALTER TABLE mdk.members ADD COLUMN import_id bigint REFERENCES mdk.member_imports (id);
CREATE INDEX members_import_idx ON mdk.members (import_id) WHERE import_id IS NOT NULL;

-- A bulk writer that supplies the search keys of a changed name (computed
-- from the same pinyin table) spares the database from computing them row
-- by row; a name that did not change keeps its keys.
CREATE OR REPLACE FUNCTION mdk.members_search_keys () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.name_pinyin IS NOT NULL AND NEW.name_initials IS NOT NULL
     AND NEW.name_grams IS NOT NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.name IS NOT DISTINCT FROM OLD.name
                           OR (NEW.name_pinyin IS DISTINCT FROM OLD.name_pinyin
                               AND NEW.name_initials IS DISTINCT FROM OLD.name_initials)) THEN
    RETURN NEW;
  END IF;
  NEW.name_pinyin := mdk.name_pinyin(NEW.name);
  NEW.name_initials := mdk.name_initials(NEW.name);
  NEW.name_grams := mdk.name_grams(NEW.name);
  RETURN NEW;
END
$$;
