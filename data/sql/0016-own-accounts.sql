-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Cards under a card with accounts of their own. Until now every card
-- under another (an affiliate's, a group card holder's) drew on its
-- primary's stored value and earned points into its primary's account.
-- A card type's term affiliates_share now says so or not: without it,
-- each card issued under one of the type's cards keeps its own balance
-- and points, is recharged and spends by itself, and pays its own fees.
--
-- A card under another takes the choice from its primary's terms when it
-- is issued (cards.own_accounts) and keeps it for life, through its own
-- replacement and its primary's: a new version of the terms, a move to
-- current terms or a tier change of the primary never moves money
-- between accounts. mdk.account_card() is the card whose accounts a card
-- uses; the functions that took the primary's for every card under
-- another are copied here from 0009, 0012 and 0015 with it.
--
-- Found on the way, in the same copies: a refund, a reversal and the
-- annual-fee job lock the card and its primary before its accounts
-- (mdk.lock_card()), as sales and recharges do; the job leaves what another
-- transaction holds due for its next run; a group's credit is the group
-- card's alone; no card is issued under one past its validity; and
-- mdk.tier_measures() (0013) is planned for its dates on every call.

ALTER TABLE mdk.card_types ADD COLUMN affiliates_share boolean NOT NULL DEFAULT true;

CREATE OR REPLACE FUNCTION mdk.card_term_names () RETURNS text[]
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT ARRAY['has_stored_value', 'has_points', 'has_discount', 'discount_bp', 'points_rate_bp',
                 'point_value', 'joining_fee', 'annual_fee', 'affiliate_annual_fee', 'replacement_fee',
                 'validity_months', 'max_affiliates', 'credit_limit', 'refund_on_cancel', 'service_fee',
                 'affiliates_share']
  $$;

-- The versions before shared. (Versions are otherwise never changed: this
-- is their new term's value for the terms they were.)
ALTER TABLE mdk.card_type_versions DISABLE TRIGGER card_type_versions_append_only;
UPDATE mdk.card_type_versions SET terms = terms || '{"affiliates_share": true}' WHERE NOT terms ? 'affiliates_share';
ALTER TABLE mdk.card_type_versions ENABLE TRIGGER card_type_versions_append_only;

ALTER TABLE mdk.cards
  ADD COLUMN own_accounts boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT cards_own_accounts_under CHECK (NOT own_accounts OR primary_card_id IS NOT NULL);

-- Whether a card has accounts of its own is set when it is issued, and
-- never changes.
CREATE FUNCTION mdk.cards_own_accounts_fixed () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'whether card % has accounts of its own is set when it is issued', OLD.card_no
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER cards_own_accounts_fixed BEFORE UPDATE ON mdk.cards
  FOR EACH ROW WHEN (OLD.own_accounts IS DISTINCT FROM NEW.own_accounts)
  EXECUTE FUNCTION mdk.cards_own_accounts_fixed();

-- What a new type has unless head office says otherwise. A new term
-- with a default adds it here (mdk.create_card_type() reads it).
CREATE FUNCTION mdk.card_type_defaults () RETURNS jsonb
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT '{"has_stored_value": true, "has_points": true, "has_discount": false,
             "discount_bp": 0, "points_rate_bp": 0, "point_value": 0, "joining_fee": 0,
             "annual_fee": 0, "affiliate_annual_fee": 0, "replacement_fee": 0,
             "max_affiliates": 0, "credit_limit": 0, "refund_on_cancel": true,
             "service_fee": 0, "affiliates_share": true, "number_luhn": false, "face_start": "#3D5A80"}'::jsonb
  $$;

-- mdk.create_card_type, as in 0013, with its defaults from
-- mdk.card_type_defaults().
CREATE OR REPLACE FUNCTION mdk.create_card_type (p_code text, p_fields jsonb, p_reason text) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  defaults constant jsonb := mdk.card_type_defaults();
  t mdk.card_types;
  new_id bigint;
BEGIN
  PERFORM mdk.require_head_office_for('create card types');
  PERFORM mdk.require_reason(p_reason);
  PERFORM mdk.check_card_type_fields(p_fields, mdk.card_type_identity_names() || mdk.card_term_names()
                                               || ARRAY['category_discounts']);
  IF p_code IS NULL OR p_code !~ '^[A-Z0-9][A-Z0-9-]{0,31}$' THEN
    RAISE EXCEPTION 'a code is capitals, digits and dashes, 32 at most' USING ERRCODE = 'MD005';
  END IF;
  IF EXISTS (SELECT 1 FROM mdk.card_types x WHERE x.code = p_code) THEN
    RAISE EXCEPTION 'there is a card type % already', p_code USING ERRCODE = 'unique_violation';
  END IF;
  t := jsonb_populate_record(NULL::mdk.card_types, defaults || (p_fields - 'category_discounts' - 'face_logo'));
  IF t.name IS NULL OR t.kind IS NULL OR t.number_prefix IS NULL OR t.number_length IS NULL THEN
    RAISE EXCEPTION 'a card type needs a name, a kind and a number format' USING ERRCODE = 'MD005';
  END IF;
  PERFORM mdk.check_number_format(NULL, t.number_prefix, t.number_length);

  t.id := nextval(pg_get_serial_sequence('mdk.card_types', 'id'));
  t.code := p_code;
  t.name := btrim(t.name);
  t.face_logo := mdk.face_logo_of(p_fields);
  t.is_retired := false;
  t.version := 1;
  t.number_next := 1;
  t.created_at := now();
  -- The first version is written by the insert's trigger, with every term.
  INSERT INTO mdk.card_types SELECT t.*;
  new_id := t.id;

  INSERT INTO mdk.card_type_category_discounts (card_type_id, version, category, discount_bp)
  SELECT new_id, 1, d.key, d.value::integer FROM jsonb_each_text(coalesce(p_fields -> 'category_discounts', '{}')) d;
  INSERT INTO mdk.card_type_changes (card_type_id, change, details, reason, operator_id)
  VALUES (new_id, 'created', jsonb_build_object('code', p_code), p_reason, mdk.current_operator_id());
  RETURN new_id;
END
$$;

-- The card whose accounts (stored value, promotional value, points) card
-- p_card uses: its own, or for a card under another that shares, its
-- primary's.
CREATE FUNCTION mdk.account_card (p_card mdk.cards) RETURNS bigint
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN p_card.own_accounts THEN p_card.id ELSE coalesce(p_card.primary_card_id, p_card.id) END $$;

-- Locks card p_card for a request on its money (FOR KEY SHARE), its
-- primary first, as mdk.usable_card() does: the request waits for a card
-- action on either, which takes them FOR UPDATE, and sees its outcome.
-- Returns the card as locked (NULL when there is none). With
-- p_skip_locked, a card or primary that a card action holds is not waited
-- for: the result is NULL at once.
CREATE FUNCTION mdk.lock_card (p_card bigint, p_skip_locked boolean DEFAULT false) RETURNS mdk.cards
  LANGUAGE plpgsql
  AS $$
DECLARE
  primary_id bigint;
  card mdk.cards;
BEGIN
  SELECT c.primary_card_id INTO primary_id FROM mdk.cards c WHERE c.id = p_card;
  LOOP
    IF primary_id IS NOT NULL AND p_skip_locked THEN
      PERFORM 1 FROM mdk.cards c WHERE c.id = primary_id FOR KEY SHARE SKIP LOCKED;
      IF NOT FOUND THEN
        RETURN NULL;
      END IF;
    ELSIF primary_id IS NOT NULL THEN
      PERFORM 1 FROM mdk.cards c WHERE c.id = primary_id FOR KEY SHARE;
    END IF;
    IF p_skip_locked THEN
      SELECT c.* INTO card FROM mdk.cards c WHERE c.id = p_card FOR KEY SHARE SKIP LOCKED;
    ELSE
      SELECT c.* INTO card FROM mdk.cards c WHERE c.id = p_card FOR KEY SHARE;
    END IF;
    -- A replacement of the primary moved the card meanwhile: lock its new one.
    EXIT WHEN card.id IS NULL OR card.primary_card_id IS NOT DISTINCT FROM primary_id;
    primary_id := card.primary_card_id;
  END LOOP;
  RETURN card;
END
$$;

-- mdk.card_account, as in 0012: a group's credit is the group card's
-- alone. A holder's card with accounts of its own has none.
CREATE OR REPLACE FUNCTION mdk.card_account (p_card bigint, p_kind mdk.account_kind) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  account bigint;
  terms mdk.card_types;
  under boolean;
BEGIN
  SELECT a.id INTO account FROM mdk.accounts a WHERE a.kind = p_kind AND a.card_id = p_card;
  IF account IS NULL THEN
    SELECT (mdk.card_terms(c)).* INTO terms FROM mdk.cards c WHERE c.id = p_card;
    SELECT c.primary_card_id IS NOT NULL INTO under FROM mdk.cards c WHERE c.id = p_card;
    INSERT INTO mdk.accounts (kind, card_id, floor)
    VALUES (p_kind, p_card, CASE WHEN p_kind = 'stored_value' AND terms.kind = 'group' AND NOT under
                                 THEN -terms.credit_limit ELSE 0 END)
    ON CONFLICT DO NOTHING;
    SELECT a.id INTO account FROM mdk.accounts a WHERE a.kind = p_kind AND a.card_id = p_card;
  END IF;
  RETURN account;
END
$$;

-- mdk.usable_card, as in 0012: a card with accounts of its own uses them,
-- whatever the state of its primary (its cancellation cancels it too).
CREATE OR REPLACE FUNCTION mdk.usable_card (p_card_no text, OUT card mdk.cards, OUT card_type mdk.card_types,
                                            OUT holder bigint)
  LANGUAGE plpgsql
  AS $$
DECLARE
  found_card record;
  primary_id bigint;
  primary_state mdk.card_state;
BEGIN
  SELECT c.primary_card_id INTO primary_id FROM mdk.cards c WHERE c.card_no = p_card_no;
  LOOP
    IF primary_id IS NOT NULL THEN
      SELECT c.state INTO primary_state FROM mdk.cards c WHERE c.id = primary_id FOR KEY SHARE;
    END IF;
    SELECT c, t INTO found_card
    FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id WHERE c.card_no = p_card_no
    FOR KEY SHARE OF c;
    -- A replacement of the primary moved the card meanwhile: lock its new one.
    EXIT WHEN found_card IS NULL OR (found_card.c).primary_card_id IS NOT DISTINCT FROM primary_id;
    primary_id := (found_card.c).primary_card_id;
  END LOOP;
  IF found_card IS NULL THEN
    RAISE EXCEPTION 'there is no card %', p_card_no USING ERRCODE = 'no_data_found';
  END IF;
  card := found_card.c;
  -- The terms it was sold under.
  card_type := CASE WHEN card.terms_version = (found_card.t).version THEN found_card.t ELSE mdk.card_terms(card) END;
  IF card.state <> 'active' THEN
    RAISE EXCEPTION 'card % is %', p_card_no, card.state USING ERRCODE = 'MD002',
      HINT = CASE card.state WHEN 'lost' THEN 'It was reported lost.'
                             WHEN 'frozen' THEN 'It is frozen until it is unfrozen.'
                             WHEN 'replaced' THEN 'Use the card that replaced it.'
                             ELSE 'Only an active card can be used.' END;
  END IF;
  IF card.expires_on IS NOT NULL AND card.expires_on < current_date THEN
    RAISE EXCEPTION 'card % expired on %', p_card_no, card.expires_on USING ERRCODE = 'MD002';
  END IF;
  IF card.primary_card_id IS NOT NULL AND NOT card.own_accounts AND primary_state NOT IN ('active', 'lost') THEN
    RAISE EXCEPTION 'the card that card % draws on is %', p_card_no, primary_state USING ERRCODE = 'MD002';
  END IF;
  holder := mdk.account_card(card);
END
$$;

-- mdk.issue_card, as in 0012: a card under another has accounts of its
-- own when its primary's terms do not share them. The result says so
-- ("own_accounts"). A primary past its validity is refused (MD009), as it
-- is by sales, even before the expiry job has run.
CREATE OR REPLACE FUNCTION mdk.issue_card (p_request uuid, p_member bigint, p_card_type bigint, p_store bigint,
                                p_method mdk.payment_method DEFAULT NULL, p_primary_card_no text DEFAULT NULL,
                                p_card_no text DEFAULT NULL, p_terminal bigint DEFAULT NULL)
  RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  hash text := mdk.request_hash('issue_card', p_member::text, p_card_type::text, p_store::text, p_method::text,
                                p_primary_card_no, p_card_no, p_terminal::text);
  result jsonb;
  t mdk.card_types;
  member_status mdk.member_status;
  primary_card mdk.cards;
  primary_type mdk.card_types;
  card mdk.cards;
  fee_txn bigint;
BEGIN
  result := mdk.begin_card_request(p_request, hash);
  IF result IS NOT NULL THEN
    RETURN result;
  END IF;

  PERFORM mdk.store_exists(p_store, p_terminal);
  SELECT * INTO t FROM mdk.card_types WHERE id = p_card_type;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no card type %', p_card_type USING ERRCODE = 'no_data_found';
  END IF;
  IF t.is_retired THEN
    RAISE EXCEPTION 'card type % is retired', t.name USING ERRCODE = 'MD002';
  END IF;
  IF t.region_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mdk.stores s WHERE s.id = p_store AND s.region_id = t.region_id) THEN
    RAISE EXCEPTION 'card type % is issued only in its region', t.name USING ERRCODE = 'MD002';
  END IF;
  SELECT m.status INTO member_status FROM mdk.members m WHERE m.id = p_member;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no member %', p_member USING ERRCODE = 'no_data_found';
  END IF;
  IF member_status = 'blacklisted' THEN
    RAISE EXCEPTION 'member % is blacklisted', p_member USING ERRCODE = 'MD009';
  END IF;
  IF t.kind = 'affiliate' AND p_primary_card_no IS NULL THEN
    RAISE EXCEPTION 'a card of type % is issued under a primary card', t.name USING ERRCODE = 'MD005';
  END IF;
  IF t.joining_fee > 0 AND p_method IS NULL THEN
    RAISE EXCEPTION 'say how the joining fee of % fen is paid', t.joining_fee USING ERRCODE = 'MD005';
  END IF;

  IF p_primary_card_no IS NOT NULL THEN
    SELECT * INTO primary_card FROM mdk.cards c WHERE c.card_no = p_primary_card_no FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'there is no card %', p_primary_card_no USING ERRCODE = 'no_data_found';
    END IF;
    IF primary_card.primary_card_id IS NOT NULL THEN
      RAISE EXCEPTION 'card % is itself under another card', p_primary_card_no USING ERRCODE = 'MD009';
    END IF;
    IF primary_card.state <> 'active' THEN
      RAISE EXCEPTION 'card % is %', p_primary_card_no, primary_card.state USING ERRCODE = 'MD009';
    END IF;
    -- Past its validity, before the expiry job has run.
    IF primary_card.expires_on < current_date THEN
      RAISE EXCEPTION 'card % expired on %', p_primary_card_no, primary_card.expires_on USING ERRCODE = 'MD009';
    END IF;
    primary_type := mdk.card_terms(primary_card);
    IF (SELECT count(*) FROM mdk.cards c WHERE c.primary_card_id = primary_card.id
        AND c.state IN ('active', 'lost', 'frozen')) >= primary_type.max_affiliates THEN
      RAISE EXCEPTION 'card % has % cards under it, as many as its type allows', p_primary_card_no,
        primary_type.max_affiliates USING ERRCODE = 'MD010';
    END IF;
  END IF;

  IF p_card_no IS NULL THEN
    p_card_no := mdk.next_card_no(t.id);
  ELSIF NOT mdk.card_no_fits(p_card_no, t) THEN
    RAISE EXCEPTION '% is not a number of card type %', p_card_no, t.name USING ERRCODE = 'MD011',
      HINT = format('Its numbers have %s digits and start with %s%s.', t.number_length, t.number_prefix,
                    CASE WHEN t.number_luhn THEN '; the last is a check digit' ELSE '' END);
  ELSIF EXISTS (SELECT 1 FROM mdk.cards c WHERE c.card_no = p_card_no) THEN
    RAISE EXCEPTION 'card number % is taken', p_card_no USING ERRCODE = 'MD011';
  END IF;

  INSERT INTO mdk.cards (card_no, card_type_id, member_id, primary_card_id, issued_store_id, expires_on, terms_version,
                         own_accounts)
  VALUES (p_card_no, t.id, p_member, primary_card.id, p_store,
          CASE WHEN t.validity_months IS NOT NULL THEN (current_date + make_interval(months => t.validity_months))::date END,
          t.version, primary_card.id IS NOT NULL AND NOT primary_type.affiliates_share)
  RETURNING * INTO card;

  IF t.joining_fee > 0 THEN
    fee_txn := mdk.post_card_fee(mdk.derived_request(p_request, 'fee'), card.id, NULL, p_store, p_terminal,
                                 p_method, t.joining_fee, 'joining');
  END IF;
  PERFORM mdk.card_event(card.id, 'issued', NULL, 'active', NULL, p_store, p_terminal, p_request, fee_txn,
                         primary_card.id);

  result := jsonb_build_object('card', card.id, 'card_no', card.card_no, 'expires_on', card.expires_on,
                               'fee', t.joining_fee, 'fee_transaction', fee_txn, 'own_accounts', card.own_accounts);
  INSERT INTO mdk.card_requests (request_id, request_hash, result) VALUES (p_request, hash, result);
  RETURN result;
END
$$;

-- mdk.card_action, as in 0015, for cards with accounts of their own:
-- cancelling one closes its accounts by its own terms, and cancelling a
-- primary closes those of the cards under it that have them too
-- ("refunded", "forfeited", "bonus" and "points" are then the totals, and
-- "under_transactions" their closing transactions);
-- replacing one moves its balances to the new card, which keeps its own
-- accounts; its fees come from its own stored value.
CREATE OR REPLACE FUNCTION mdk.card_action (p_request uuid, p_card_no text, p_action mdk.card_action, p_store bigint,
                                 p_reason text, p_method mdk.payment_method DEFAULT NULL,
                                 p_new_card_no text DEFAULT NULL, p_terminal bigint DEFAULT NULL)
  RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  hash text := mdk.request_hash('card_action', p_card_no, p_action::text, p_store::text, p_reason,
                                p_method::text, p_new_card_no, p_terminal::text);
  result jsonb;
  card mdk.cards;
  t mdk.card_types;
  transition mdk.card_transitions;
  new_card mdk.cards;
  fee_txn bigint;
  transfer_txn bigint;
  closed_txn bigint;
  refunded bigint := 0;
  forfeited bigint := 0;
  closed_bonus bigint := 0;
  closed_points bigint := 0;
  holder bigint;
  under mdk.cards;
  n_under integer := 0;
  under_txn bigint;
  under_refunded bigint;
  under_forfeited bigint;
  under_bonus bigint;
  under_points bigint;
  under_txns bigint[] := '{}';
BEGIN
  result := mdk.begin_card_request(p_request, hash);
  IF result IS NOT NULL THEN
    RETURN result;
  END IF;

  IF p_reason IS NULL OR length(btrim(p_reason)) = 0 OR length(p_reason) > 200 THEN
    RAISE EXCEPTION 'say why, in 200 characters at most' USING ERRCODE = 'MD005';
  END IF;
  PERFORM mdk.store_exists(p_store, p_terminal);
  SELECT * INTO card FROM mdk.cards c WHERE c.card_no = p_card_no FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no card %', p_card_no USING ERRCODE = 'no_data_found';
  END IF;
  SELECT * INTO transition FROM mdk.card_transitions x WHERE x.action = p_action AND x.from_state = card.state;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'card % is %: it cannot be %', p_card_no, card.state,
      CASE p_action WHEN 'report_loss' THEN 'reported lost' WHEN 'found' THEN 'found again'
                    WHEN 'freeze' THEN 'frozen' WHEN 'unfreeze' THEN 'unfrozen'
                    WHEN 'cancel' THEN 'cancelled' ELSE 'replaced' END
      USING ERRCODE = 'MD009',
            HINT = coalesce('A ' || card.state::text || ' card can be: '
                            || (SELECT string_agg(x.action::text, ', ' ORDER BY x.action)
                                FROM mdk.card_transitions x WHERE x.from_state = card.state) || '.',
                            'Nothing can be done with a ' || card.state::text || ' card.');
  END IF;
  t := mdk.card_terms(card);

  PERFORM set_config('mdk.changing_card', 'on', true);
  UPDATE mdk.cards SET state = transition.to_state WHERE id = card.id;

  IF p_action = 'cancel' THEN
    -- The cards under it, before any account: a request on one of them
    -- locks its card before its accounts too.
    PERFORM 1 FROM mdk.cards c
    WHERE card.primary_card_id IS NULL AND c.primary_card_id = card.id AND c.state IN ('active', 'lost', 'frozen', 'expired')
    ORDER BY c.id FOR UPDATE;
    IF mdk.account_card(card) = card.id THEN
      SELECT * INTO closed_txn, refunded, forfeited, closed_bonus, closed_points
      FROM mdk.close_balances(mdk.derived_request(p_request, 'close'), card.id, t, p_store, p_terminal,
                              p_method, p_reason);
    END IF;
    IF card.primary_card_id IS NULL THEN
      -- The cards under it end with it; those with accounts of their own
      -- close them by their own terms, and count in the totals.
      FOR under IN SELECT c.* FROM mdk.cards c
                   WHERE c.primary_card_id = card.id AND c.state IN ('active', 'lost', 'frozen', 'expired')
                   ORDER BY c.id FOR UPDATE
      LOOP
        UPDATE mdk.cards SET state = 'cancelled' WHERE id = under.id;
        under_txn := NULL;
        IF under.own_accounts THEN
          SELECT * INTO under_txn, under_refunded, under_forfeited, under_bonus, under_points
          FROM mdk.close_balances(mdk.derived_request(p_request, 'close:' || under.id), under.id,
                                  mdk.card_terms(under), p_store, p_terminal, p_method, p_reason);
          refunded := coalesce(refunded, 0) + coalesce(under_refunded, 0);
          forfeited := coalesce(forfeited, 0) + coalesce(under_forfeited, 0);
          closed_bonus := coalesce(closed_bonus, 0) + coalesce(under_bonus, 0);
          closed_points := coalesce(closed_points, 0) + coalesce(under_points, 0);
          IF under_txn IS NOT NULL THEN
            under_txns := under_txns || under_txn;
          END IF;
        END IF;
        PERFORM mdk.card_event(under.id, 'cancelled', under.state, 'cancelled',
                               'its primary card ' || p_card_no || ' was cancelled: ' || p_reason,
                               p_store, p_terminal, p_request, under_txn, card.id);
        n_under := n_under + 1;
      END LOOP;
    END IF;
    PERFORM mdk.card_event(card.id, 'cancelled', card.state, 'cancelled', p_reason, p_store, p_terminal,
                           p_request, closed_txn, NULL);
    result := jsonb_build_object('refunded', coalesce(refunded, 0), 'forfeited', coalesce(forfeited, 0),
                                 'bonus', coalesce(closed_bonus, 0), 'points', coalesce(closed_points, 0),
                                 'transaction', closed_txn, 'cancelled_under', n_under,
                                 'under_transactions', to_jsonb(under_txns));
  ELSIF p_action = 'replace' THEN
    IF p_new_card_no IS NULL THEN
      p_new_card_no := mdk.next_card_no(t.id);
    ELSIF NOT mdk.card_no_fits(p_new_card_no, t) THEN
      RAISE EXCEPTION '% is not a number of card type %', p_new_card_no, t.name USING ERRCODE = 'MD011';
    ELSIF EXISTS (SELECT 1 FROM mdk.cards c WHERE c.card_no = p_new_card_no) THEN
      RAISE EXCEPTION 'card number % is taken', p_new_card_no USING ERRCODE = 'MD011';
    END IF;
    INSERT INTO mdk.cards (card_no, card_type_id, member_id, primary_card_id, issued_store_id, expires_on,
                           daily_limit, replaces_card_id, first_card_id, fees_from, fees_year, terms_version,
                           own_accounts)
    VALUES (p_new_card_no, card.card_type_id, card.member_id, card.primary_card_id, p_store, card.expires_on,
            card.daily_limit, card.id, coalesce(card.first_card_id, card.id), card.fees_from, card.fees_year,
            card.terms_version, card.own_accounts)
    RETURNING * INTO new_card;
    UPDATE mdk.cards SET primary_card_id = new_card.id WHERE primary_card_id = card.id;
    -- Annual fees still due are the new card's to pay.
    UPDATE mdk.card_annual_fees SET card_id = new_card.id WHERE card_id = card.id AND transaction_id IS NULL;
    IF mdk.account_card(card) = card.id THEN
      transfer_txn := mdk.transfer_balances(mdk.derived_request(p_request, 'transfer'), card.id, new_card.id,
                                            p_store, p_terminal, p_reason);
    END IF;
    IF t.replacement_fee > 0 THEN
      fee_txn := mdk.post_card_fee(mdk.derived_request(p_request, 'fee'), new_card.id,
                                   mdk.account_card(new_card), p_store, p_terminal, p_method,
                                   t.replacement_fee, 'replacement');
    END IF;
    PERFORM mdk.card_event(card.id, 'replaced', card.state, 'replaced', p_reason, p_store, p_terminal,
                           p_request, transfer_txn, new_card.id);
    PERFORM mdk.card_event(new_card.id, 'issued', NULL, 'active', p_reason, p_store, p_terminal,
                           p_request, fee_txn, card.id);
    result := jsonb_build_object('new_card_no', new_card.card_no, 'fee', t.replacement_fee,
                                 'fee_transaction', fee_txn, 'transfer_transaction', transfer_txn);
  ELSE
    -- The service fee of a loss report, from the card's stored value or at
    -- the counter.
    IF p_action = 'report_loss' AND t.service_fee > 0 THEN
      fee_txn := mdk.post_card_fee(mdk.derived_request(p_request, 'fee'), card.id,
                                   mdk.account_card(card), p_store, p_terminal, p_method,
                                   t.service_fee, 'service');
    END IF;
    PERFORM mdk.card_event(card.id, transition.event, card.state, transition.to_state, p_reason, p_store,
                           p_terminal, p_request, fee_txn, NULL);
    result := CASE WHEN fee_txn IS NOT NULL
                   THEN jsonb_build_object('fee', t.service_fee, 'fee_transaction', fee_txn) ELSE '{}' END;
  END IF;
  PERFORM set_config('mdk.changing_card', 'off', true);

  holder := CASE WHEN new_card.id IS NOT NULL THEN mdk.account_card(new_card) ELSE mdk.account_card(card) END;
  result := result || jsonb_build_object('card_no', p_card_no, 'state', transition.to_state)
            || mdk.card_balances(holder);
  INSERT INTO mdk.card_requests (request_id, request_hash, result) VALUES (p_request, hash, result);
  RETURN result;
END
$$;

-- mdk.set_daily_limit, as in 0012, with the balances of the accounts the card uses.
CREATE OR REPLACE FUNCTION mdk.set_daily_limit (p_request uuid, p_card_no text, p_limit bigint, p_store bigint, p_reason text,
                                     p_terminal bigint DEFAULT NULL)
  RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  hash text := mdk.request_hash('set_daily_limit', p_card_no, p_limit::text, p_store::text, p_reason, p_terminal::text);
  result jsonb;
  card mdk.cards;
BEGIN
  result := mdk.begin_card_request(p_request, hash);
  IF result IS NOT NULL THEN
    RETURN result;
  END IF;
  IF p_reason IS NULL OR length(btrim(p_reason)) = 0 OR length(p_reason) > 200 THEN
    RAISE EXCEPTION 'say why, in 200 characters at most' USING ERRCODE = 'MD005';
  END IF;
  IF p_limit IS NOT NULL AND p_limit <= 0 THEN
    RAISE EXCEPTION 'a daily limit is more than zero, or none' USING ERRCODE = 'MD005';
  END IF;
  PERFORM mdk.store_exists(p_store, p_terminal);
  SELECT * INTO card FROM mdk.cards c WHERE c.card_no = p_card_no FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no card %', p_card_no USING ERRCODE = 'no_data_found';
  END IF;
  IF card.state NOT IN ('active', 'lost', 'frozen') THEN
    RAISE EXCEPTION 'card % is %: its limit no longer matters', p_card_no, card.state USING ERRCODE = 'MD009';
  END IF;

  UPDATE mdk.cards SET daily_limit = p_limit WHERE id = card.id;
  PERFORM mdk.card_event(card.id, 'daily_limit', NULL, NULL,
                         p_reason || ' (' || coalesce(card.daily_limit::text, 'none') || ' → '
                         || coalesce(p_limit::text, 'none') || ')',
                         p_store, p_terminal, p_request, NULL, NULL);
  result := jsonb_build_object('card_no', p_card_no, 'state', card.state, 'daily_limit', p_limit)
            || mdk.card_balances(mdk.account_card(card));
  INSERT INTO mdk.card_requests (request_id, request_hash, result) VALUES (p_request, hash, result);
  RETURN result;
END
$$;

-- mdk.charge_annual_fees, as in 0012: a card with accounts of its own
-- pays its fee from its own stored value; the accounts are read after the
-- card and its primary are locked; a card or fee another transaction holds
-- is left due for the next run instead of waited for.
CREATE OR REPLACE FUNCTION mdk.charge_annual_fees (p_on date DEFAULT current_date) RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  fee record;
  holder bigint;
  locked mdk.cards;
  paid_from bigint;
  txn bigint;
  recorded bigint;
  charged integer := 0;
  total bigint := 0;
BEGIN
  -- Record the fees that have come due, once per line of cards and year.
  WITH due AS (
    INSERT INTO mdk.card_annual_fees (first_card_id, year, card_id, amount)
    SELECT coalesce(c.first_card_id, c.id), y.year, c.id, terms_fee.amount
    FROM mdk.cards c
    JOIN mdk.cards p ON p.id = coalesce(c.primary_card_id, c.id)
    JOIN mdk.card_type_versions v ON v.card_type_id = p.card_type_id AND v.version = p.terms_version
    CROSS JOIN LATERAL (SELECT (v.terms ->> CASE WHEN c.primary_card_id IS NULL THEN 'annual_fee'
                                                 ELSE 'affiliate_annual_fee' END)::bigint AS amount) terms_fee
    CROSS JOIN LATERAL generate_series(c.fees_year + 1, extract(year FROM p_on)::integer) AS y (year)
    WHERE c.state IN ('active', 'lost', 'frozen') AND c.fees_year < extract(year FROM p_on)
      AND make_date(y.year, extract(month FROM c.fees_from)::integer, 1) <= p_on
      AND terms_fee.amount > 0
    ORDER BY y.year, c.id
    ON CONFLICT (first_card_id, year) DO NOTHING
    RETURNING card_id
  )
  SELECT count(*) INTO recorded FROM due;
  -- Every card in use counts its years as recorded once their fee month has
  -- begun, with or without a fee, so that a fee raised later is not charged
  -- for the years before it.
  UPDATE mdk.cards c
     SET fees_year = CASE WHEN make_date(extract(year FROM p_on)::integer, extract(month FROM c.fees_from)::integer, 1)
                               <= p_on
                          THEN extract(year FROM p_on)::integer ELSE extract(year FROM p_on)::integer - 1 END
   WHERE c.state IN ('active', 'lost', 'frozen')
     AND c.fees_year < CASE WHEN make_date(extract(year FROM p_on)::integer, extract(month FROM c.fees_from)::integer, 1)
                                 <= p_on
                            THEN extract(year FROM p_on)::integer ELSE extract(year FROM p_on)::integer - 1 END;

  FOR fee IN SELECT f.id, f.year, f.amount, c.id AS card_id, c.primary_card_id, c.issued_store_id,
                    coalesce(c.first_card_id, c.id) AS first_card_id
             FROM mdk.card_annual_fees f
             JOIN mdk.cards c ON c.first_card_id = f.first_card_id OR c.id = f.first_card_id
             WHERE f.transaction_id IS NULL AND c.state IN ('active', 'lost', 'frozen')
             ORDER BY f.id
  LOOP
    -- The job holds the stores' fee accounts from one fee to the next: it
    -- never waits for a fee being paid at a counter or a card an action
    -- holds, which may want them too. Those stay due for the next run.
    PERFORM 1 FROM mdk.card_annual_fees f WHERE f.id = fee.id AND f.transaction_id IS NULL FOR UPDATE SKIP LOCKED;
    CONTINUE WHEN NOT FOUND;
    -- Cards before accounts, the primary first, as mdk.card_action() and
    -- mdk.usable_card() take them. The accounts are those of the card as
    -- locked: its primary may have been replaced since the list was read.
    locked := mdk.lock_card(fee.card_id, true);
    CONTINUE WHEN locked.id IS NULL OR locked.state NOT IN ('active', 'lost', 'frozen');
    holder := mdk.account_card(locked);
    paid_from := mdk.card_account(holder, 'stored_value');
    PERFORM 1 FROM mdk.accounts a WHERE a.id = paid_from AND a.balance - fee.amount >= a.floor FOR UPDATE;
    CONTINUE WHEN NOT FOUND;
    txn := mdk.post_card_transaction(md5('annual-fee:' || fee.first_card_id || ':' || fee.year)::uuid, 'card_fee',
                                     fee.card_id, fee.issued_store_id, NULL, NULL, fee.amount,
                                     'annual ' || fee.year,
                                     ARRAY[paid_from, mdk.store_account(fee.issued_store_id, 'fees')],
                                     ARRAY[-fee.amount, fee.amount],
                                     jsonb_build_object('fee', 'annual', 'year', fee.year, 'amount', fee.amount));
    UPDATE mdk.card_annual_fees SET transaction_id = txn, card_id = fee.card_id WHERE id = fee.id;
    PERFORM mdk.card_event(fee.card_id, 'annual_fee', NULL, NULL, 'annual fee ' || fee.year, fee.issued_store_id,
                           NULL, NULL, txn, NULL);
    charged := charged + 1;
    total := total + fee.amount;
  END LOOP;

  RETURN jsonb_build_object('charged', charged, 'amount', total,
                            'due', (SELECT count(*) FROM mdk.card_annual_fees f JOIN mdk.cards c ON c.id = f.card_id
                                    WHERE f.transaction_id IS NULL AND c.state IN ('active', 'lost', 'frozen')));
END
$$;

-- mdk.refund, as in 0009: the sale's value goes back to the accounts its
-- card uses, read after the card and its primary are locked.
CREATE OR REPLACE FUNCTION mdk.refund (p_request uuid, p_sale bigint, p_amount bigint, p_reason text,
                            p_store bigint DEFAULT NULL, p_terminal bigint DEFAULT NULL)
  RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  hash text := mdk.request_hash('refund', p_sale::text, p_amount::text, p_reason, p_store::text,
                                p_terminal::text);
  result jsonb;
  sale mdk.sales;
  sale_txn mdk.transactions;
  card mdk.cards;
  before mdk.sales;
  holder bigint;
  share numeric;
  r_discount bigint;
  r_paid bigint;
  r_bonus bigint;
  r_points_used bigint;
  r_points_value bigint;
  r_external bigint;
  r_earned bigint;
  recovered bigint;
  points_account bigint;
  points_balance bigint;
  touched bigint[];
  txn bigint;
BEGIN
  result := mdk.begin_request(p_request, hash);
  IF result IS NOT NULL THEN
    RETURN result;
  END IF;

  IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
    RAISE EXCEPTION 'a refund needs a reason' USING ERRCODE = 'MD005';
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'a refund must be more than zero' USING ERRCODE = 'MD005';
  END IF;
  SELECT t.* INTO sale_txn FROM mdk.transactions t WHERE t.id = p_sale AND t.kind = 'consume';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no sale %', p_sale USING ERRCODE = 'no_data_found';
  END IF;
  -- One refund of a sale at a time: the sale's row is the lock.
  SELECT s.* INTO sale FROM mdk.sales s WHERE s.transaction_id = p_sale FOR UPDATE;
  IF EXISTS (SELECT 1 FROM mdk.transactions r WHERE r.kind = 'reversal' AND r.original_id = p_sale) THEN
    RAISE EXCEPTION 'sale % was reversed', p_sale USING ERRCODE = 'MD006';
  END IF;
  p_store := coalesce(p_store, sale_txn.store_id);
  PERFORM mdk.store_exists(p_store, p_terminal);
  -- The card and its primary, before its accounts, as every request on
  -- its money: the refund waits for a card action and sees its outcome.
  card := mdk.lock_card(sale_txn.card_id);
  IF card.state IN ('cancelled', 'replaced') THEN
    RAISE EXCEPTION 'card % is %', card.card_no, card.state USING ERRCODE = 'MD002';
  END IF;
  holder := mdk.account_card(card);

  before := mdk.sale_refunded(p_sale);
  IF before.gross + p_amount > sale.gross THEN
    RAISE EXCEPTION 'only % fen of sale % remain to refund', sale.gross - before.gross, p_sale
      USING ERRCODE = 'MD006';
  END IF;

  -- Each part's share of all refunds so far, less what earlier ones took.
  share := (before.gross + p_amount)::numeric / sale.gross;
  r_discount := floor(sale.discount * share) - before.discount;
  r_paid := floor(sale.paid_value * share) - before.paid_value;
  r_bonus := floor(sale.bonus_value * share) - before.bonus_value;
  r_points_used := floor(sale.points_used * share) - before.points_used;
  r_points_value := r_points_used * (sale.points_value / greatest(sale.points_used, 1));
  r_external := floor(sale.external * share) - before.external;
  r_earned := floor(sale.points_earned * share) - before.points_earned;
  -- Rounding leaves its fen with the last refund: what is given back is
  -- what was paid for the goods returned, less their discount.
  IF before.gross + p_amount = sale.gross THEN
    r_paid := sale.paid_value - before.paid_value;
    r_bonus := sale.bonus_value - before.bonus_value;
    r_external := sale.external - before.external;
  END IF;

  points_account := mdk.card_account(holder, 'points');
  touched := ARRAY[mdk.card_account(holder, 'stored_value'), mdk.card_account(holder, 'bonus'),
                    mdk.store_account(sale_txn.store_id, 'revenue'),
                    CASE WHEN r_external > 0 THEN mdk.store_account(sale_txn.store_id, 'clearing', sale_txn.method) END,
                    CASE WHEN r_points_value > 0 THEN mdk.store_account(sale_txn.store_id, 'promotion') END,
                    points_account, mdk.store_account(sale_txn.store_id, 'points_issued')];
  PERFORM 1 FROM mdk.accounts WHERE id = ANY (touched) ORDER BY id FOR UPDATE;
  SELECT a.balance INTO points_balance FROM mdk.accounts a WHERE a.id = points_account;
  recovered := least(r_earned, points_balance + r_points_used);

  txn := nextval(pg_get_serial_sequence('mdk.transactions', 'id'));
  PERFORM mdk.post(txn, touched,
                   ARRAY[r_paid, r_bonus, -(r_paid + r_bonus + r_external + r_points_value), r_external,
                         r_points_value, r_points_used - recovered, recovered - r_points_used]);

  result := jsonb_build_object('transaction', txn, 'sale', p_sale, 'amount', p_amount,
                               'discount', r_discount, 'paid_value', r_paid, 'bonus_value', r_bonus,
                               'points_used', r_points_used, 'points_value', r_points_value,
                               'external', r_external, 'points_earned', recovered,
                               'points_not_recovered', r_earned - recovered)
            || mdk.card_balances(holder);
  INSERT INTO mdk.transactions (id, request_id, request_hash, kind, card_id, store_id, terminal_id,
                                operator_id, method, amount, original_id, reason, result)
  VALUES (txn, p_request, hash, 'refund', card.id, p_store, p_terminal, mdk.current_operator_id(),
          CASE WHEN r_external > 0 THEN sale_txn.method END, p_amount, p_sale, p_reason, result);
  INSERT INTO mdk.sales (transaction_id, sale_id, gross, discount, paid_value, bonus_value, points_used,
                         points_value, external, points_earned)
  VALUES (txn, p_sale, p_amount, r_discount, r_paid, r_bonus, r_points_used, r_points_value, r_external,
          r_earned);
  RETURN result;
END
$$;

-- mdk.reverse, as in 0009, reporting the balances of the accounts the card
-- uses, and refusing (MD007) to post onto the accounts of a card that was
-- replaced or cancelled.
CREATE OR REPLACE FUNCTION mdk.reverse (p_request uuid, p_transaction bigint, p_reason text,
                             p_store bigint DEFAULT NULL, p_terminal bigint DEFAULT NULL)
  RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  hash text := mdk.request_hash('reverse', p_transaction::text, p_reason, p_store::text, p_terminal::text);
  result jsonb;
  original mdk.transactions;
  holder bigint;
  short record;
  touched bigint[];
  amounts bigint[];
  txn bigint;
BEGIN
  result := mdk.begin_request(p_request, hash);
  IF result IS NOT NULL THEN
    RETURN result;
  END IF;

  IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
    RAISE EXCEPTION 'a reversal needs a reason' USING ERRCODE = 'MD005';
  END IF;
  SELECT t.* INTO original FROM mdk.transactions t WHERE t.id = p_transaction;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no transaction %', p_transaction USING ERRCODE = 'no_data_found';
  END IF;
  IF original.kind = 'reversal' THEN
    RAISE EXCEPTION 'a reversal cannot be reversed' USING ERRCODE = 'MD007';
  END IF;
  -- Two reversals of the same transaction wait for each other here, so
  -- that the second sees the first. A sale and its refunds also lock the
  -- sale's row, so that a refund and a reversal of the same sale wait for
  -- each other.
  PERFORM 1 FROM mdk.transactions t WHERE t.id = p_transaction FOR NO KEY UPDATE;
  PERFORM 1 FROM mdk.sales s WHERE s.transaction_id = coalesce(
    (SELECT s2.sale_id FROM mdk.sales s2 WHERE s2.transaction_id = p_transaction), p_transaction) FOR UPDATE;
  IF EXISTS (SELECT 1 FROM mdk.transactions r WHERE r.kind = 'reversal' AND r.original_id = p_transaction) THEN
    RAISE EXCEPTION 'transaction % was reversed already', p_transaction USING ERRCODE = 'MD007';
  END IF;
  IF original.kind = 'consume' AND (mdk.sale_refunded(p_transaction)).gross > 0 THEN
    RAISE EXCEPTION 'sale % has refunds; reverse them first', p_transaction USING ERRCODE = 'MD007';
  END IF;
  -- Its card and that card's primary, before the accounts, as every
  -- request on a card's money; then no account it posted to may be closed,
  -- whichever card used it: a card under a replaced primary draws on the
  -- new card now, while its older sales posted to the old one's.
  IF original.card_id IS NOT NULL THEN
    PERFORM mdk.lock_card(original.card_id);
  END IF;
  IF EXISTS (SELECT 1 FROM mdk.postings p JOIN mdk.accounts a ON a.id = p.account_id
             JOIN mdk.cards c ON c.id = a.card_id
             WHERE p.transaction_id = p_transaction AND c.state IN ('replaced', 'cancelled')) THEN
    RAISE EXCEPTION 'transaction % posted to the accounts of a card that was replaced or cancelled: they are closed',
      p_transaction USING ERRCODE = 'MD007';
  END IF;
  p_store := coalesce(p_store, original.store_id);
  PERFORM mdk.store_exists(p_store, p_terminal);

  SELECT array_agg(p.account_id ORDER BY p.n), array_agg(-p.amount ORDER BY p.n) INTO touched, amounts
  FROM mdk.postings p WHERE p.transaction_id = p_transaction;
  PERFORM 1 FROM mdk.accounts WHERE id = ANY (touched) ORDER BY id FOR UPDATE;
  SELECT a.kind, a.balance, d.total INTO short
  FROM mdk.accounts a
  JOIN (SELECT account, sum(amount) AS total FROM unnest(touched, amounts) AS u (account, amount)
        GROUP BY account) d ON d.account = a.id
  WHERE a.floor IS NOT NULL AND a.balance + d.total < a.floor
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the card has % % left; reversing takes %', short.balance,
      CASE WHEN short.kind = 'points' THEN 'points' ELSE 'fen' END, -short.total
      USING ERRCODE = 'MD003';
  END IF;

  txn := nextval(pg_get_serial_sequence('mdk.transactions', 'id'));
  PERFORM mdk.post(txn, touched, amounts);
  SELECT mdk.account_card(c) INTO holder FROM mdk.cards c WHERE c.id = original.card_id;
  result := jsonb_build_object('transaction', txn, 'reverses', p_transaction) || mdk.card_balances(holder);
  INSERT INTO mdk.transactions (id, request_id, request_hash, kind, card_id, store_id, terminal_id,
                                operator_id, method, amount, original_id, reason, result)
  VALUES (txn, p_request, hash, 'reversal', original.card_id, p_store, p_terminal, mdk.current_operator_id(),
          original.method, original.amount, p_transaction, p_reason, result);
  RETURN result;
END
$$;

-- mdk.tier_measures, as in 0013, planned for its arguments on every call.
-- mdk.apply_tier_rules() calls it in a lateral join, where the inlined SQL
-- was planned for a guess of its period's sales: over a year of 5,000,000
-- sales it took a nested loop of index scans, 41 s against 11 s planned
-- for the dates (tests/perf/bench-tier-sales.sh).
CREATE OR REPLACE FUNCTION mdk.tier_measures (p_measure text, p_from timestamptz, p_to timestamptz)
  RETURNS TABLE (line bigint, amount bigint)
  LANGUAGE plpgsql STABLE
  AS $$
BEGIN
  RETURN QUERY EXECUTE
    $q$SELECT coalesce(p.first_card_id, p.id),
              sum(CASE WHEN x.kind = 'consume' THEN 1 ELSE -1 END
                  * CASE WHEN $1 = 'spend' THEN s.gross - s.discount ELSE s.points_earned END)::bigint
       FROM mdk.transactions x
       JOIN mdk.sales s ON s.transaction_id = x.id
       JOIN mdk.cards c ON c.id = x.card_id
       JOIN mdk.cards p ON p.id = coalesce(c.primary_card_id, c.id)
       WHERE x.kind IN ('consume', 'refund') AND x.created_at >= $2 AND x.created_at < $3
         AND NOT EXISTS (SELECT 1 FROM mdk.transactions r WHERE r.kind = 'reversal' AND r.original_id = x.id)
       GROUP BY 1$q$
    USING p_measure, p_from, p_to;
END
$$;

-- mdk.move_cards_to_current_terms, as in 0012: a group's credit is the
-- group card's alone.
CREATE OR REPLACE FUNCTION mdk.move_cards_to_current_terms (p_type bigint, p_reason text) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  t mdk.card_types;
  n integer;
BEGIN
  IF NOT mdk.current_operator_is_head_office() THEN
    RAISE EXCEPTION 'only head office may move cards to new terms' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_reason IS NULL OR length(btrim(p_reason)) = 0 OR length(p_reason) > 200 THEN
    RAISE EXCEPTION 'say why, in 200 characters at most' USING ERRCODE = 'MD005';
  END IF;
  SELECT * INTO t FROM mdk.card_types WHERE id = p_type FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no card type %', p_type USING ERRCODE = 'no_data_found';
  END IF;

  WITH moved AS (
    UPDATE mdk.cards c SET terms_version = t.version
    FROM (SELECT id, terms_version FROM mdk.cards
          WHERE card_type_id = p_type AND terms_version <> t.version AND state IN ('active', 'lost', 'frozen', 'expired')
          ORDER BY id FOR UPDATE) old
    WHERE c.id = old.id
    RETURNING c.id, old.terms_version
  ), events AS (
    INSERT INTO mdk.card_events (card_id, event, reason, operator_id)
    SELECT m.id, 'terms_changed', p_reason || ' (terms ' || m.terms_version || ' → ' || t.version || ')',
           mdk.current_operator_id()
    FROM moved m
    RETURNING card_id
  ), floors AS (
    UPDATE mdk.accounts a SET floor = CASE WHEN t.kind = 'group' AND c.primary_card_id IS NULL THEN -t.credit_limit ELSE 0 END
    FROM events e JOIN mdk.cards c ON c.id = e.card_id
    WHERE a.card_id = e.card_id AND a.kind = 'stored_value'
    RETURNING a.id
  )
  SELECT count(*) INTO n FROM events;
  RETURN n;
END
$$;
