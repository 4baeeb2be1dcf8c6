-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The service fee: what a card type charges for a loss report, taken like
-- the replacement fee from the card's stored value or at the counter. A
-- term like the others, versioned: cards sold before it keep their terms.
--
-- mdk.change_card_terms() and mdk.create_card_type() now write every term
-- by its name, so that a new term needs no new copy of them.

ALTER TABLE mdk.card_types
  ADD COLUMN service_fee bigint NOT NULL DEFAULT 0 CHECK (service_fee >= 0);

CREATE OR REPLACE FUNCTION mdk.card_term_names () RETURNS text[]
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT ARRAY['has_stored_value', 'has_points', 'has_discount', 'discount_bp', 'points_rate_bp',
                 'point_value', 'joining_fee', 'annual_fee', 'affiliate_annual_fee', 'replacement_fee',
                 'validity_months', 'max_affiliates', 'credit_limit', 'refund_on_cancel', 'service_fee']
  $$;

-- The versions before had no service fee. (Versions are otherwise never
-- changed: this is their new term's value for the terms they were.)
ALTER TABLE mdk.card_type_versions DISABLE TRIGGER card_type_versions_append_only;
UPDATE mdk.card_type_versions SET terms = terms || '{"service_fee": 0}' WHERE NOT terms ? 'service_fee';
ALTER TABLE mdk.card_type_versions ENABLE TRIGGER card_type_versions_append_only;

DROP TRIGGER card_types_guard ON mdk.card_types;
CREATE TRIGGER card_types_guard BEFORE UPDATE ON mdk.card_types
  FOR EACH ROW WHEN ((OLD.code, OLD.name, OLD.kind, OLD.has_stored_value, OLD.has_points, OLD.has_discount,
                      OLD.discount_bp, OLD.points_rate_bp, OLD.point_value, OLD.joining_fee, OLD.annual_fee,
                      OLD.affiliate_annual_fee, OLD.replacement_fee, OLD.validity_months, OLD.max_affiliates,
                      OLD.credit_limit, OLD.refund_on_cancel, OLD.service_fee, OLD.number_prefix, OLD.number_length,
                      OLD.number_luhn, OLD.region_id, OLD.is_retired, OLD.version, OLD.face_start, OLD.face_end,
                      OLD.face_logo)
                     IS DISTINCT FROM
                     (NEW.code, NEW.name, NEW.kind, NEW.has_stored_value, NEW.has_points, NEW.has_discount,
                      NEW.discount_bp, NEW.points_rate_bp, NEW.point_value, NEW.joining_fee, NEW.annual_fee,
                      NEW.affiliate_annual_fee, NEW.replacement_fee, NEW.validity_months, NEW.max_affiliates,
                      NEW.credit_limit, NEW.refund_on_cancel, NEW.service_fee, NEW.number_prefix, NEW.number_length,
                      NEW.number_luhn, NEW.region_id, NEW.is_retired, NEW.version, NEW.face_start, NEW.face_end,
                      NEW.face_logo))
  EXECUTE FUNCTION mdk.card_types_guard();

-- Writes the terms of t, by mdk.card_term_names(), and its version to
-- type p_type.
CREATE FUNCTION mdk.write_card_terms (p_type bigint, t mdk.card_types) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM set_config('mdk.changing_card_type', 'on', true);
  EXECUTE format('UPDATE mdk.card_types SET version = ($2).version, %s WHERE id = $1',
                 (SELECT string_agg(format('%I = ($2).%I', n, n), ', ') FROM unnest(mdk.card_term_names()) n))
    USING p_type, t;
  PERFORM set_config('mdk.changing_card_type', 'off', true);
END
$$;

-- mdk.change_card_terms, as in 0013, writing every term by name.
CREATE OR REPLACE FUNCTION mdk.change_card_terms (p_type bigint, p_terms jsonb, p_reason text) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  t mdk.card_types;
  unknown text;
BEGIN
  PERFORM mdk.require_head_office_for('change card types');
  PERFORM mdk.require_reason(p_reason);
  IF jsonb_typeof(p_terms) IS DISTINCT FROM 'object' THEN
    RAISE EXCEPTION 'the terms are an object of names and values' USING ERRCODE = 'MD005';
  END IF;
  SELECT k INTO unknown FROM jsonb_object_keys(p_terms) k
  WHERE k <> 'category_discounts' AND NOT k = ANY (mdk.card_term_names()) LIMIT 1;
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION '% is not a term of a card type', unknown USING ERRCODE = 'MD005';
  END IF;
  SELECT * INTO t FROM mdk.card_types WHERE id = p_type FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no card type %', p_type USING ERRCODE = 'no_data_found';
  END IF;

  t := jsonb_populate_record(t, p_terms - 'category_discounts');
  t.version := t.version + 1;
  PERFORM mdk.write_card_terms(p_type, t);

  IF p_terms ? 'category_discounts' THEN
    INSERT INTO mdk.card_type_category_discounts (card_type_id, version, category, discount_bp)
    SELECT p_type, t.version, d.key, d.value::integer FROM jsonb_each_text(p_terms -> 'category_discounts') d;
  ELSE
    INSERT INTO mdk.card_type_category_discounts (card_type_id, version, category, discount_bp)
    SELECT d.card_type_id, t.version, d.category, d.discount_bp FROM mdk.card_type_category_discounts d
    WHERE d.card_type_id = p_type AND d.version = t.version - 1;
  END IF;

  INSERT INTO mdk.card_type_versions (card_type_id, version, terms, reason, operator_id)
  VALUES (p_type, t.version, mdk.card_type_terms(t), p_reason, mdk.current_operator_id());
  RETURN t.version;
END
$$;

-- mdk.create_card_type, as in 0013: a new type is inserted with its terms
-- as they are, then every term is written by name.
CREATE OR REPLACE FUNCTION mdk.create_card_type (p_code text, p_fields jsonb, p_reason text) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  defaults constant jsonb := '{"has_stored_value": true, "has_points": true, "has_discount": false,
                               "discount_bp": 0, "points_rate_bp": 0, "point_value": 0, "joining_fee": 0,
                               "annual_fee": 0, "affiliate_annual_fee": 0, "replacement_fee": 0,
                               "max_affiliates": 0, "credit_limit": 0, "refund_on_cancel": true,
                               "service_fee": 0, "number_luhn": false, "face_start": "#3D5A80"}';
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

-- mdk.card_action, as in 0012, with the service fee of a loss report:
-- p_method pays it at the counter, or without one it comes from the card's
-- stored value (MD003 when that does not cover it). The result has "fee"
-- and "fee_transaction".
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
  under record;
  n_under integer := 0;
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
    IF card.primary_card_id IS NULL THEN
      SELECT * INTO closed_txn, refunded, forfeited, closed_bonus, closed_points
      FROM mdk.close_balances(mdk.derived_request(p_request, 'close'), card.id, t, p_store, p_terminal,
                              p_method, p_reason);
      FOR under IN SELECT c.id, c.state FROM mdk.cards c
                   WHERE c.primary_card_id = card.id AND c.state IN ('active', 'lost', 'frozen', 'expired')
                   ORDER BY c.id FOR UPDATE
      LOOP
        UPDATE mdk.cards SET state = 'cancelled' WHERE id = under.id;
        PERFORM mdk.card_event(under.id, 'cancelled', under.state, 'cancelled',
                               'its primary card ' || p_card_no || ' was cancelled: ' || p_reason,
                               p_store, p_terminal, p_request, NULL, card.id);
        n_under := n_under + 1;
      END LOOP;
    END IF;
    PERFORM mdk.card_event(card.id, 'cancelled', card.state, 'cancelled', p_reason, p_store, p_terminal,
                           p_request, closed_txn, NULL);
    result := jsonb_build_object('refunded', coalesce(refunded, 0), 'forfeited', coalesce(forfeited, 0),
                                 'bonus', coalesce(closed_bonus, 0), 'points', coalesce(closed_points, 0),
                                 'transaction', closed_txn, 'cancelled_under', n_under);
  ELSIF p_action = 'replace' THEN
    IF p_new_card_no IS NULL THEN
      p_new_card_no := mdk.next_card_no(t.id);
    ELSIF NOT mdk.card_no_fits(p_new_card_no, t) THEN
      RAISE EXCEPTION '% is not a number of card type %', p_new_card_no, t.name USING ERRCODE = 'MD011';
    ELSIF EXISTS (SELECT 1 FROM mdk.cards c WHERE c.card_no = p_new_card_no) THEN
      RAISE EXCEPTION 'card number % is taken', p_new_card_no USING ERRCODE = 'MD011';
    END IF;
    INSERT INTO mdk.cards (card_no, card_type_id, member_id, primary_card_id, issued_store_id, expires_on,
                           daily_limit, replaces_card_id, first_card_id, fees_from, fees_year, terms_version)
    VALUES (p_new_card_no, card.card_type_id, card.member_id, card.primary_card_id, p_store, card.expires_on,
            card.daily_limit, card.id, coalesce(card.first_card_id, card.id), card.fees_from, card.fees_year,
            card.terms_version)
    RETURNING * INTO new_card;
    UPDATE mdk.cards SET primary_card_id = new_card.id WHERE primary_card_id = card.id;
    -- Annual fees still due are the new card's to pay.
    UPDATE mdk.card_annual_fees SET card_id = new_card.id WHERE card_id = card.id AND transaction_id IS NULL;
    IF card.primary_card_id IS NULL THEN
      transfer_txn := mdk.transfer_balances(mdk.derived_request(p_request, 'transfer'), card.id, new_card.id,
                                            p_store, p_terminal, p_reason);
    END IF;
    IF t.replacement_fee > 0 THEN
      fee_txn := mdk.post_card_fee(mdk.derived_request(p_request, 'fee'), new_card.id,
                                   coalesce(new_card.primary_card_id, new_card.id), p_store, p_terminal, p_method,
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
                                   coalesce(card.primary_card_id, card.id), p_store, p_terminal, p_method,
                                   t.service_fee, 'service');
    END IF;
    PERFORM mdk.card_event(card.id, transition.event, card.state, transition.to_state, p_reason, p_store,
                           p_terminal, p_request, fee_txn, NULL);
    result := CASE WHEN fee_txn IS NOT NULL
                   THEN jsonb_build_object('fee', t.service_fee, 'fee_transaction', fee_txn) ELSE '{}' END;
  END IF;
  PERFORM set_config('mdk.changing_card', 'off', true);

  holder := CASE WHEN new_card.id IS NOT NULL THEN coalesce(new_card.primary_card_id, new_card.id)
                 ELSE coalesce(card.primary_card_id, card.id) END;
  result := result || jsonb_build_object('card_no', p_card_no, 'state', transition.to_state)
            || mdk.card_balances(holder);
  INSERT INTO mdk.card_requests (request_id, request_hash, result) VALUES (p_request, hash, result);
  RETURN result;
END
$$;
