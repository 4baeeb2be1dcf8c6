-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The service fee: what a card type charges for a loss report, taken like
-- the replacement fee from the card's stored value or at the counter. A
-- term like the others, versioned: cards sold before it keep their terms.

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
