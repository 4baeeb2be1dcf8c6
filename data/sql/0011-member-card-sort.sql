-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The member list shows one card per member and sorts by its number, by
-- its type, by home store and by status, each from an index, as it does
-- by name.
--
-- The card a list shows is the member's main card: a card still in use
-- (active, lost or frozen) before one that has ended, the member's own
-- card before an affiliate card drawing on someone else's, the oldest
-- first. Its number and type are kept on the member row by the triggers
-- below, so that an index can hold them.
ALTER TABLE mdk.members
  ADD COLUMN main_card_no text,
  ADD COLUMN main_card_type_id bigint REFERENCES mdk.card_types (id);

-- A new main card is not a change to the member's record: its time of
-- last change, which an open form checks before saving, stays.
CREATE OR REPLACE FUNCTION mdk.members_guard () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF (NEW.main_card_no, NEW.main_card_type_id) IS DISTINCT FROM (OLD.main_card_no, OLD.main_card_type_id)
     AND to_jsonb(NEW) - '{main_card_no,main_card_type_id}'::text[]
         = to_jsonb(OLD) - '{main_card_no,main_card_type_id}'::text[] THEN
    RETURN NEW;
  END IF;
  IF NEW.birthday IS DISTINCT FROM OLD.birthday
     AND coalesce(current_setting('mdk.changing_birthday', true), '') <> 'on' THEN
    RAISE EXCEPTION 'change a birthday with mdk.change_member_birthday()'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- Sets the main card of the members @p_members, in one statement: a bulk
-- load of cards updates each of its members once.
CREATE FUNCTION mdk.members_set_main_card (p_members bigint[]) RETURNS void
  LANGUAGE sql
  AS $$
    UPDATE mdk.members m
       SET main_card_no = main.card_no, main_card_type_id = main.card_type_id
      FROM (SELECT DISTINCT unnest(p_members) AS member_id) touched
      LEFT JOIN LATERAL (SELECT c.card_no, c.card_type_id FROM mdk.cards c
                         WHERE c.member_id = touched.member_id
                         ORDER BY c.state IN ('cancelled', 'replaced', 'expired'),
                                  c.primary_card_id IS NOT NULL, c.id
                         LIMIT 1) main ON true
     WHERE m.id = touched.member_id
       AND (m.main_card_no IS DISTINCT FROM main.card_no
            OR m.main_card_type_id IS DISTINCT FROM main.card_type_id)
  $$;

CREATE FUNCTION mdk.cards_inserted () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM mdk.members_set_main_card(ARRAY (SELECT member_id FROM new_cards));
  RETURN NULL;
END
$$;

CREATE FUNCTION mdk.cards_updated () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM mdk.members_set_main_card(ARRAY (SELECT n.member_id FROM new_cards n JOIN old_cards o USING (id)
                                           WHERE (n.state, n.member_id, n.primary_card_id, n.card_type_id)
                                                 IS DISTINCT FROM (o.state, o.member_id, o.primary_card_id, o.card_type_id)
                                           UNION
                                           SELECT o.member_id FROM new_cards n JOIN old_cards o USING (id)
                                           WHERE n.member_id <> o.member_id));
  RETURN NULL;
END
$$;

CREATE FUNCTION mdk.cards_deleted () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM mdk.members_set_main_card(ARRAY (SELECT member_id FROM old_cards));
  RETURN NULL;
END
$$;

CREATE TRIGGER cards_main_card_insert AFTER INSERT ON mdk.cards
  REFERENCING NEW TABLE AS new_cards
  FOR EACH STATEMENT EXECUTE FUNCTION mdk.cards_inserted();
CREATE TRIGGER cards_main_card_update AFTER UPDATE ON mdk.cards
  REFERENCING OLD TABLE AS old_cards NEW TABLE AS new_cards
  FOR EACH STATEMENT EXECUTE FUNCTION mdk.cards_updated();
CREATE TRIGGER cards_main_card_delete AFTER DELETE ON mdk.cards
  REFERENCING OLD TABLE AS old_cards
  FOR EACH STATEMENT EXECUTE FUNCTION mdk.cards_deleted();

SELECT mdk.members_set_main_card(ARRAY (SELECT DISTINCT member_id FROM mdk.cards));

-- Chinese names of stores and card types sort by pinyin, as people look
-- them up, where the server has ICU (PostgreSQL's packages do); else by
-- code point.
DO $$
BEGIN
  CREATE COLLATION mdk.pinyin (provider = icu, locale = 'zh-u-co-pinyin');
EXCEPTION WHEN OTHERS THEN
  CREATE COLLATION mdk.pinyin FROM "C";
END
$$;

-- Groups (home stores, card types) are walked in name order and each
-- group's members in number order; members without a card come last.
DROP INDEX mdk.members_home_store_idx;
CREATE INDEX members_home_store_idx ON mdk.members (home_store_id, id);
CREATE INDEX members_card_type_sort_idx ON mdk.members ((coalesce(main_card_type_id, 0)), id);
CREATE INDEX members_card_no_sort_idx ON mdk.members ((coalesce(main_card_no, '') COLLATE "C"), id);
CREATE INDEX members_status_sort_idx ON mdk.members (status, id);
