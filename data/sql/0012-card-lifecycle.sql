-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The card lifecycle: issuing cards (affiliate and group holder cards
-- under a primary), and the states a card goes through, each change made
-- by one function, recorded with who, where, when and why.
--
--   active ──report_loss──> lost ──found──> active
--   active ──freeze──> frozen ──unfreeze──> active
--   active, lost ──replace──> replaced   (a new card carries everything on)
--   active, lost, frozen, expired ──cancel──> cancelled
--   active, lost, frozen ──(expiry job)──> expired
--
-- Cancelled and replaced are final: the number is never used again.
--
-- Card types' terms are versioned (see below): a card is served by the
-- terms it was sold under until head office moves it to new ones.
--
-- Callers change cards only through mdk.issue_card(), mdk.card_action(),
-- mdk.pay_card_fee() and the jobs mdk.charge_annual_fees() and
-- mdk.expire_cards(). Each request takes a request id, as the ledger's
-- do: a retry returns the first result, the same id with other arguments
-- is refused (MD001). Fees and balances move through the ledger.
--
-- Refusals, beyond the ledger's MD001–MD008:
--   MD009  the card (or its member) is in a state that does not allow this
--   MD010  the primary card has as many affiliate or holder cards as its type allows
--   MD011  the card number does not fit the type's format, is taken, or the
--          type has no numbers left

ALTER TYPE mdk.transaction_kind ADD VALUE 'card_fee';       -- joining, annual, replacement fees
ALTER TYPE mdk.transaction_kind ADD VALUE 'card_transfer';  -- a replacement's balances, to the new card
ALTER TYPE mdk.transaction_kind ADD VALUE 'card_cancel';    -- a cancelled card's balances, refunded or forfeited
-- A store's stored value forfeited by cancelled cards.
ALTER TYPE mdk.account_kind ADD VALUE 'breakage';

ALTER TABLE mdk.card_types
  -- The annual fee of each affiliate or holder card under a card of this type.
  ADD COLUMN affiliate_annual_fee bigint NOT NULL DEFAULT 0 CHECK (affiliate_annual_fee >= 0),
  -- Whether numbers end in a Luhn check digit.
  ADD COLUMN number_luhn boolean NOT NULL DEFAULT false,
  -- The next number to give, without prefix and check digit.
  ADD COLUMN number_next bigint NOT NULL DEFAULT 1 CHECK (number_next > 0),
  -- On cancellation, stored value is paid back (true) or forfeited (false).
  -- Promotional value and points are always forfeited.
  ADD COLUMN refund_on_cancel boolean NOT NULL DEFAULT true;

-- Numbers continue after the highest of each type's cards: after a bulk
-- load of cards (a migration of an older system, the demo chain), call it.
CREATE FUNCTION mdk.continue_card_numbers () RETURNS void
  LANGUAGE sql
  AS $$
    UPDATE mdk.card_types t
       SET number_next = greatest(t.number_next,
                                  coalesce((SELECT max(substr(c.card_no, length(t.number_prefix) + 1,
                                                              t.number_length - length(t.number_prefix)
                                                              - CASE WHEN t.number_luhn THEN 1 ELSE 0 END)::numeric)
                                            FROM mdk.cards c
                                            WHERE c.card_type_id = t.id AND length(c.card_no) = t.number_length
                                              AND left(c.card_no, length(t.number_prefix)) = t.number_prefix), 0) + 1)
  $$;
SELECT mdk.continue_card_numbers();

ALTER TABLE mdk.cards
  -- The card this one replaced.
  ADD COLUMN replaces_card_id bigint UNIQUE REFERENCES mdk.cards (id),
  -- The first card of a line of replacements (NULL: this one), by which
  -- annual fees are counted, and the date they count from.
  ADD COLUMN first_card_id bigint REFERENCES mdk.cards (id),
  ADD COLUMN fees_from date,
  -- The last year whose annual fee is recorded (charged or due), or the
  -- year the line of cards began.
  ADD COLUMN fees_year integer;
-- Annual fees start with this version: the years whose fee month has begun
-- count as recorded.
UPDATE mdk.cards
   SET fees_from = issued_at::date,
       fees_year = CASE WHEN make_date(extract(year FROM current_date)::integer, extract(month FROM issued_at)::integer, 1)
                             <= current_date
                        THEN extract(year FROM current_date)::integer
                        ELSE extract(year FROM current_date)::integer - 1 END;
UPDATE mdk.cards SET fees_year = extract(year FROM issued_at)::integer WHERE fees_year < extract(year FROM issued_at);
ALTER TABLE mdk.cards
  ALTER COLUMN fees_from SET DEFAULT current_date, ALTER COLUMN fees_from SET NOT NULL,
  ALTER COLUMN fees_year SET DEFAULT extract(year FROM current_date), ALTER COLUMN fees_year SET NOT NULL;
CREATE INDEX cards_first_card_idx ON mdk.cards (first_card_id) WHERE first_card_id IS NOT NULL;

-- Versioned card type terms: a card keeps the terms it was sold under.
--
-- A card type's row holds its current terms; every version of them,
-- the current one included, is a row of mdk.card_type_versions. A card
-- records the version it was sold under (cards.terms_version) and is
-- served by those terms (discounts, points, fees, validity, the number of
-- cards under it, credit, the refund policy) until head office moves it
-- to the current ones. Head office changes terms only through
-- mdk.change_card_terms(), which makes a new version, and moves cards with
-- mdk.move_cards_to_current_terms().

ALTER TABLE mdk.card_types ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);

-- The terms, by name, as mdk.card_types has them.
CREATE FUNCTION mdk.card_term_names () RETURNS text[]
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT ARRAY['has_stored_value', 'has_points', 'has_discount', 'discount_bp', 'points_rate_bp',
                 'point_value', 'joining_fee', 'annual_fee', 'affiliate_annual_fee', 'replacement_fee',
                 'validity_months', 'max_affiliates', 'credit_limit', 'refund_on_cancel']
  $$;

CREATE FUNCTION mdk.card_type_terms (p_type mdk.card_types) RETURNS jsonb
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(to_jsonb(p_type)) e
    WHERE e.key = ANY (mdk.card_term_names())
  $$;

CREATE TABLE mdk.card_type_versions (
  card_type_id  bigint NOT NULL REFERENCES mdk.card_types (id),
  version       integer NOT NULL,
  -- The terms of the version, by mdk.card_term_names().
  terms         jsonb NOT NULL,
  reason        text CHECK (length(reason) <= 500),
  operator_id   bigint REFERENCES mdk.operators (id),
  db_role       text NOT NULL DEFAULT session_user,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (card_type_id, version)
);
CREATE TRIGGER card_type_versions_append_only BEFORE UPDATE OR DELETE ON mdk.card_type_versions
  FOR EACH ROW EXECUTE FUNCTION mdk.ledger_is_append_only();

INSERT INTO mdk.card_type_versions (card_type_id, version, terms, reason)
  SELECT t.id, 1, mdk.card_type_terms(t), 'the terms before versions' FROM mdk.card_types t;

-- A new type's first version, whoever inserts it.
CREATE FUNCTION mdk.card_types_first_version () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO mdk.card_type_versions (card_type_id, version, terms, reason, operator_id)
  VALUES (NEW.id, NEW.version, mdk.card_type_terms(NEW), 'created', mdk.current_operator_id());
  RETURN NULL;
END
$$;

CREATE TRIGGER card_types_first_version AFTER INSERT ON mdk.card_types
  FOR EACH ROW EXECUTE FUNCTION mdk.card_types_first_version();

-- Discounts by category belong to a version too.
ALTER TABLE mdk.card_type_category_discounts ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE mdk.card_type_category_discounts DROP CONSTRAINT card_type_category_discounts_pkey;
ALTER TABLE mdk.card_type_category_discounts ADD PRIMARY KEY (card_type_id, version, category);

-- The version a card was sold under. Cards loaded in bulk take version 1,
-- a type's first: a loader of older cards sets it.
ALTER TABLE mdk.cards ADD COLUMN terms_version integer NOT NULL DEFAULT 1 CHECK (terms_version > 0);


-- The terms card p_card is served by: its type, with the terms of its
-- version when they are not the current ones.
CREATE FUNCTION mdk.card_terms (p_card mdk.cards) RETURNS mdk.card_types
  LANGUAGE plpgsql STABLE
  AS $$
DECLARE
  t mdk.card_types;
  old_terms jsonb;
BEGIN
  SELECT * INTO t FROM mdk.card_types WHERE id = p_card.card_type_id;
  IF t.version = p_card.terms_version THEN
    RETURN t;
  END IF;
  SELECT v.terms INTO old_terms FROM mdk.card_type_versions v
  WHERE v.card_type_id = p_card.card_type_id AND v.version = p_card.terms_version;
  RETURN jsonb_populate_record(t, old_terms || jsonb_build_object('version', p_card.terms_version));
END
$$;

-- Category discounts by the version of the terms p_type carries.
CREATE OR REPLACE FUNCTION mdk.line_discount (p_type mdk.card_types, p_category text, p_amount bigint) RETURNS bigint
  LANGUAGE plpgsql STABLE
  AS $$
DECLARE
  rate integer := p_type.discount_bp;
BEGIN
  IF NOT p_type.has_discount THEN
    RETURN 0;
  END IF;
  IF p_category IS NOT NULL THEN
    SELECT coalesce(min(d.discount_bp), rate) INTO rate FROM mdk.card_type_category_discounts d
    WHERE d.card_type_id = p_type.id AND d.version = p_type.version AND d.category = p_category;
  END IF;
  RETURN (p_amount * rate + 5000) / 10000;
END
$$;

-- A card's own account: a group card's floor is its version's credit limit.
CREATE OR REPLACE FUNCTION mdk.card_account (p_card bigint, p_kind mdk.account_kind) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  account bigint;
  terms mdk.card_types;
BEGIN
  SELECT a.id INTO account FROM mdk.accounts a WHERE a.kind = p_kind AND a.card_id = p_card;
  IF account IS NULL THEN
    SELECT (mdk.card_terms(c)).* INTO terms FROM mdk.cards c WHERE c.id = p_card;
    INSERT INTO mdk.accounts (kind, card_id, floor)
    VALUES (p_kind, p_card, CASE WHEN p_kind = 'stored_value' AND terms.kind = 'group' THEN -terms.credit_limit ELSE 0 END)
    ON CONFLICT DO NOTHING;
    SELECT a.id INTO account FROM mdk.accounts a WHERE a.kind = p_kind AND a.card_id = p_card;
  END IF;
  RETURN account;
END
$$;


-- The requests that changed cards, for retries.
CREATE TABLE mdk.card_requests (
  request_id    uuid PRIMARY KEY,
  request_hash  text NOT NULL,
  result        jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE mdk.card_event_kind AS ENUM ('issued', 'reported_lost', 'found', 'frozen', 'unfrozen',
                                         'cancelled', 'replaced', 'expired', 'annual_fee', 'fee_paid',
                                         'terms_changed', 'daily_limit');

-- Every change of a card: who (operator, database role, client), where
-- (store, terminal), when, what and why. Never changed or deleted.
CREATE TABLE mdk.card_events (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  card_id         bigint NOT NULL REFERENCES mdk.cards (id),
  event           mdk.card_event_kind NOT NULL,
  from_state      mdk.card_state,
  to_state        mdk.card_state,
  reason          text CHECK (length(reason) <= 500),
  store_id        bigint REFERENCES mdk.stores (id),
  terminal_id     bigint REFERENCES mdk.terminals (id),
  operator_id     bigint REFERENCES mdk.operators (id),
  db_role         text NOT NULL DEFAULT session_user,
  client_addr     inet DEFAULT inet_client_addr(),
  request_id      uuid,
  -- The fee, transfer or cancellation it posted.
  transaction_id  bigint REFERENCES mdk.transactions (id) DEFERRABLE INITIALLY DEFERRED,
  -- The replacement of a replaced card, the card a replacement replaced,
  -- the primary of a card issued under it or cancelled with it.
  related_card_id bigint REFERENCES mdk.cards (id),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_events_card_idx ON mdk.card_events (card_id, created_at);
CREATE TRIGGER card_events_append_only BEFORE UPDATE OR DELETE ON mdk.card_events
  FOR EACH ROW EXECUTE FUNCTION mdk.ledger_is_append_only();
CREATE TRIGGER card_events_no_truncate BEFORE TRUNCATE ON mdk.card_events
  FOR EACH STATEMENT EXECUTE FUNCTION mdk.ledger_is_append_only();

-- Annual fees, one row per line of cards and year: charged (with its
-- transaction) or still due.
CREATE TABLE mdk.card_annual_fees (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  first_card_id   bigint NOT NULL REFERENCES mdk.cards (id),
  year            integer NOT NULL,
  card_id         bigint NOT NULL REFERENCES mdk.cards (id),
  amount          bigint NOT NULL CHECK (amount > 0),
  transaction_id  bigint REFERENCES mdk.transactions (id) DEFERRABLE INITIALLY DEFERRED,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (first_card_id, year)
);
CREATE INDEX card_annual_fees_due_idx ON mdk.card_annual_fees (card_id) WHERE transaction_id IS NULL;

-- The actions, and the states each may start from.
CREATE TYPE mdk.card_action AS ENUM ('report_loss', 'found', 'freeze', 'unfreeze', 'cancel', 'replace');
CREATE TABLE mdk.card_transitions (
  action      mdk.card_action NOT NULL,
  from_state  mdk.card_state NOT NULL,
  to_state    mdk.card_state NOT NULL,
  event       mdk.card_event_kind NOT NULL,
  PRIMARY KEY (action, from_state)
);
INSERT INTO mdk.card_transitions VALUES
  ('report_loss', 'active', 'lost', 'reported_lost'),
  ('found', 'lost', 'active', 'found'),
  ('freeze', 'active', 'frozen', 'frozen'),
  ('unfreeze', 'frozen', 'active', 'unfrozen'),
  ('cancel', 'active', 'cancelled', 'cancelled'),
  ('cancel', 'lost', 'cancelled', 'cancelled'),
  ('cancel', 'frozen', 'cancelled', 'cancelled'),
  ('cancel', 'expired', 'cancelled', 'cancelled'),
  ('replace', 'active', 'replaced', 'replaced'),
  ('replace', 'lost', 'replaced', 'replaced');

-- A card's number, type, holder, primary and state change only through
-- the functions above, which record why.
CREATE FUNCTION mdk.cards_guard () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF coalesce(current_setting('mdk.changing_card', true), '') <> 'on' THEN
    RAISE EXCEPTION 'change a card with mdk.card_action()' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER cards_guard BEFORE UPDATE ON mdk.cards
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.card_no IS DISTINCT FROM NEW.card_no
                     OR OLD.member_id IS DISTINCT FROM NEW.member_id
                     OR OLD.primary_card_id IS DISTINCT FROM NEW.primary_card_id
                     OR OLD.card_type_id IS DISTINCT FROM NEW.card_type_id)
  EXECUTE FUNCTION mdk.cards_guard();

-- The Luhn check digit of p_digits.
CREATE FUNCTION mdk.luhn_digit (p_digits text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT
  AS $$
DECLARE
  total integer := 0;
  digit integer;
  double boolean := true;
BEGIN
  FOR i IN REVERSE length(p_digits)..1 LOOP
    digit := substr(p_digits, i, 1)::integer;
    IF double THEN
      digit := digit * 2;
      IF digit > 9 THEN
        digit := digit - 9;
      END IF;
    END IF;
    total := total + digit;
    double := NOT double;
  END LOOP;
  RETURN ((10 - total % 10) % 10)::text;
END
$$;

-- Whether p_card_no fits a card type's format: digits, prefix, length
-- and, where the type has one, the check digit.
CREATE FUNCTION mdk.card_no_fits (p_card_no text, p_type mdk.card_types) RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT p_card_no ~ '^[0-9]+$' AND length(p_card_no) = p_type.number_length
           AND left(p_card_no, length(p_type.number_prefix)) = p_type.number_prefix
           AND (NOT p_type.number_luhn
                OR right(p_card_no, 1) = mdk.luhn_digit(left(p_card_no, length(p_card_no) - 1)))
  $$;

-- The next free number of a card type. Numbers of one type are given one
-- at a time (the type's row is locked until commit).
CREATE FUNCTION mdk.next_card_no (p_type bigint) RETURNS text
  LANGUAGE plpgsql
  AS $$
DECLARE
  t mdk.card_types;
  body_length integer;
  candidate text;
BEGIN
  LOOP
    UPDATE mdk.card_types SET number_next = number_next + 1 WHERE id = p_type RETURNING * INTO t;
    body_length := t.number_length - length(t.number_prefix) - CASE WHEN t.number_luhn THEN 1 ELSE 0 END;
    IF t.number_next - 1 >= 10::numeric ^ body_length THEN
      RAISE EXCEPTION 'card type % has no numbers left', t.name USING ERRCODE = 'MD011';
    END IF;
    candidate := t.number_prefix || lpad((t.number_next - 1)::text, body_length, '0');
    IF t.number_luhn THEN
      candidate := candidate || mdk.luhn_digit(candidate);
    END IF;
    EXIT WHEN NOT EXISTS (SELECT 1 FROM mdk.cards c WHERE c.card_no = candidate);
  END LOOP;
  RETURN candidate;
END
$$;

-- As mdk.begin_request(), for card requests.
CREATE FUNCTION mdk.begin_card_request (p_request uuid, p_hash text) RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  earlier record;
BEGIN
  IF p_request IS NULL THEN
    RAISE EXCEPTION 'a request needs a request id' USING ERRCODE = 'not_null_violation';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(p_request::text, 0));
  SELECT r.request_hash, r.result INTO earlier FROM mdk.card_requests r WHERE r.request_id = p_request;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF earlier.request_hash <> p_hash THEN
    RAISE EXCEPTION 'request % was made before with other arguments', p_request USING ERRCODE = 'MD001';
  END IF;
  RETURN earlier.result;
END
$$;

-- The id of a transaction a card request posts: made from the request's,
-- so that a retry can never post it twice.
CREATE FUNCTION mdk.derived_request (p_request uuid, p_part text) RETURNS uuid
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT md5(p_request::text || ':' || p_part)::uuid $$;

-- Posts one transaction of a card request and returns its id.
CREATE FUNCTION mdk.post_card_transaction (p_request uuid, p_kind mdk.transaction_kind, p_card bigint,
                                           p_store bigint, p_terminal bigint, p_method mdk.payment_method,
                                           p_amount bigint, p_reason text, p_accounts bigint[],
                                           p_amounts bigint[], p_result jsonb)
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  txn bigint := nextval(pg_get_serial_sequence('mdk.transactions', 'id'));
BEGIN
  PERFORM mdk.post(txn, p_accounts, p_amounts);
  INSERT INTO mdk.transactions (id, request_id, request_hash, kind, card_id, store_id, terminal_id,
                                operator_id, method, amount, reason, result)
  VALUES (txn, p_request, mdk.request_hash(p_request::text), p_kind, p_card, p_store, p_terminal,
          mdk.current_operator_id(), p_method, p_amount, p_reason, p_result || jsonb_build_object('transaction', txn));
  RETURN txn;
END
$$;

-- A fee paid at a store's counter (p_method), or from the stored value of
-- the card whose accounts p_holder is (p_method NULL).
CREATE FUNCTION mdk.post_card_fee (p_request uuid, p_card bigint, p_holder bigint, p_store bigint,
                                   p_terminal bigint, p_method mdk.payment_method, p_fee bigint,
                                   p_what text)
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  paid_from bigint;
BEGIN
  IF p_method IS NULL THEN
    paid_from := mdk.card_account(p_holder, 'stored_value');
    IF (SELECT a.balance - p_fee < a.floor FROM mdk.accounts a WHERE a.id = paid_from) THEN
      RAISE EXCEPTION 'the card''s stored value does not cover the % fee of % fen', p_what, p_fee
        USING ERRCODE = 'MD003', HINT = 'Take the fee at the counter instead.';
    END IF;
  ELSE
    paid_from := mdk.store_account(p_store, 'clearing', p_method);
  END IF;
  RETURN mdk.post_card_transaction(p_request, 'card_fee', p_card, p_store, p_terminal, p_method, p_fee, p_what,
                                   ARRAY[paid_from, mdk.store_account(p_store, 'fees')], ARRAY[-p_fee, p_fee],
                                   jsonb_build_object('fee', p_what, 'amount', p_fee));
END
$$;

CREATE FUNCTION mdk.card_event (p_card bigint, p_event mdk.card_event_kind, p_from mdk.card_state,
                                p_to mdk.card_state, p_reason text, p_store bigint, p_terminal bigint,
                                p_request uuid, p_transaction bigint, p_related bigint)
  RETURNS void
  LANGUAGE sql
  AS $$
    INSERT INTO mdk.card_events (card_id, event, from_state, to_state, reason, store_id, terminal_id,
                                 operator_id, request_id, transaction_id, related_card_id)
    VALUES (p_card, p_event, p_from, p_to, p_reason, p_store, p_terminal, mdk.current_operator_id(),
            p_request, p_transaction, p_related)
  $$;

-- mdk.issue_card: gives a member a new card.
--
--   p_request          the caller's id for this request
--   p_member           the holder
--   p_card_type        its type: not retired; a regional type only at that region's stores
--   p_store            where it is issued; p_terminal: which terminal there, or NULL
--   p_method           how the joining fee is paid at the counter (needed when there is one)
--   p_primary_card_no  for an affiliate or a group holder's card, the primary card, which
--                      must be active and have fewer than its type's maximum of them;
--                      needed for a type of the affiliate kind
--   p_card_no          a pre-printed number, or NULL for the type's next one
--
-- The card is valid for the type's months from today (for ever without).
-- Returns {"card", "card_no", "expires_on", "fee", "fee_transaction"}.
CREATE FUNCTION mdk.issue_card (p_request uuid, p_member bigint, p_card_type bigint, p_store bigint,
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

  INSERT INTO mdk.cards (card_no, card_type_id, member_id, primary_card_id, issued_store_id, expires_on, terms_version)
  VALUES (p_card_no, t.id, p_member, primary_card.id, p_store,
          CASE WHEN t.validity_months IS NOT NULL THEN (current_date + make_interval(months => t.validity_months))::date END,
          t.version)
  RETURNING * INTO card;

  IF t.joining_fee > 0 THEN
    fee_txn := mdk.post_card_fee(mdk.derived_request(p_request, 'fee'), card.id, NULL, p_store, p_terminal,
                                 p_method, t.joining_fee, 'joining');
  END IF;
  PERFORM mdk.card_event(card.id, 'issued', NULL, 'active', NULL, p_store, p_terminal, p_request, fee_txn,
                         primary_card.id);

  result := jsonb_build_object('card', card.id, 'card_no', card.card_no, 'expires_on', card.expires_on,
                               'fee', t.joining_fee, 'fee_transaction', fee_txn);
  INSERT INTO mdk.card_requests (request_id, request_hash, result) VALUES (p_request, hash, result);
  RETURN result;
END
$$;

-- Moves a primary card's balances (paid value, promotional value, points)
-- from one card to another in one transaction; returns it, or NULL when
-- there was nothing to move.
CREATE FUNCTION mdk.transfer_balances (p_request uuid, p_from bigint, p_to bigint, p_store bigint,
                                       p_terminal bigint, p_reason text)
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  old record;
  new record;
  paid bigint;
  bonus bigint;
  points bigint;
BEGIN
  old := mdk.card_accounts(p_from);
  new := mdk.card_accounts(p_to);
  PERFORM 1 FROM mdk.accounts a WHERE a.id IN (old.paid, old.bonus, old.points) ORDER BY a.id FOR UPDATE;
  SELECT max(a.balance) FILTER (WHERE a.id = old.paid), max(a.balance) FILTER (WHERE a.id = old.bonus),
         max(a.balance) FILTER (WHERE a.id = old.points)
    INTO paid, bonus, points
  FROM mdk.accounts a WHERE a.id IN (old.paid, old.bonus, old.points);
  IF paid = 0 AND bonus = 0 AND points = 0 THEN
    RETURN NULL;
  END IF;
  -- A group card's credit in use moves too: the new card's account has the same floor.
  UPDATE mdk.accounts a SET floor = o.floor FROM mdk.accounts o WHERE a.id = new.paid AND o.id = old.paid;
  RETURN mdk.post_card_transaction(p_request, 'card_transfer', p_to, p_store, p_terminal, NULL, paid, p_reason,
                                   ARRAY[old.paid, new.paid, old.bonus, new.bonus, old.points, new.points],
                                   ARRAY[-paid, paid, -bonus, bonus, -points, points],
                                   jsonb_build_object('from_card', p_from, 'to_card', p_to, 'amount', paid,
                                                      'bonus', bonus, 'points', points));
END
$$;

-- Closes a cancelled primary card's accounts: paid value back to the
-- member at the counter (p_method) or forfeited to the store, as the
-- type says; promotional value and points forfeited.
CREATE FUNCTION mdk.close_balances (p_request uuid, p_card bigint, p_type mdk.card_types, p_store bigint,
                                    p_terminal bigint, p_method mdk.payment_method, p_reason text,
                                    OUT txn bigint, OUT refunded bigint, OUT forfeited bigint,
                                    OUT bonus bigint, OUT points bigint)
  LANGUAGE plpgsql
  AS $$
DECLARE
  accounts record;
  paid bigint;
BEGIN
  accounts := mdk.card_accounts(p_card);
  PERFORM 1 FROM mdk.accounts a WHERE a.id IN (accounts.paid, accounts.bonus, accounts.points) ORDER BY a.id FOR UPDATE;
  SELECT max(a.balance) FILTER (WHERE a.id = accounts.paid), max(a.balance) FILTER (WHERE a.id = accounts.bonus),
         max(a.balance) FILTER (WHERE a.id = accounts.points)
    INTO paid, bonus, points
  FROM mdk.accounts a WHERE a.id IN (accounts.paid, accounts.bonus, accounts.points);
  IF paid < 0 THEN
    RAISE EXCEPTION 'the card owes % fen of credit; settle it before cancelling', -paid USING ERRCODE = 'MD003';
  END IF;
  refunded := CASE WHEN p_type.refund_on_cancel THEN paid ELSE 0 END;
  forfeited := paid - refunded;
  IF refunded > 0 AND p_method IS NULL THEN
    RAISE EXCEPTION 'say how the stored value of % fen is paid back', refunded USING ERRCODE = 'MD005';
  END IF;
  IF paid = 0 AND bonus = 0 AND points = 0 THEN
    RETURN;
  END IF;
  txn := mdk.post_card_transaction(p_request, 'card_cancel', p_card, p_store, p_terminal,
                                   CASE WHEN refunded > 0 THEN p_method END, paid, p_reason,
                                   ARRAY[accounts.paid,
                                         CASE WHEN refunded > 0 THEN mdk.store_account(p_store, 'clearing', p_method) END,
                                         CASE WHEN forfeited > 0 THEN mdk.store_account(p_store, 'breakage') END,
                                         accounts.bonus, mdk.store_account(p_store, 'promotion'),
                                         accounts.points, mdk.store_account(p_store, 'points_issued')],
                                   ARRAY[-paid, refunded, forfeited, -bonus, bonus, -points, points],
                                   jsonb_build_object('refunded', refunded, 'forfeited', forfeited,
                                                      'bonus', bonus, 'points', points));
END
$$;

-- mdk.card_action: changes a card's state.
--
--   p_request      the caller's id for this request
--   p_card_no      the card
--   p_action       report_loss, found, freeze, unfreeze, cancel or replace
--   p_store        where; p_terminal: which terminal there, or NULL
--   p_reason       why (needed)
--   p_method       cancel: how stored value is paid back (needed when the type
--                  refunds and there is some); replace: how the replacement fee is
--                  paid at the counter, or NULL to take it from the stored value
--   p_new_card_no  replace: a pre-printed number for the new card, or NULL
--
-- A state the action cannot start from is refused (MD009) with the
-- actions it allows. Cancelling a primary card cancels the cards under it
-- and closes its balances (see mdk.close_balances()). Replacing gives a
-- new number of the same type, member, primary, validity and daily limit;
-- the old card's balances and the cards under it move to the new one, and
-- its number is never used again. Returns {"card_no", "state", and for
-- replace "new_card_no", "fee", "fee_transaction", "transfer_transaction";
-- for cancel "refunded", "forfeited", "bonus", "points", "transaction",
-- "cancelled_under"} with the card's balances after.
CREATE FUNCTION mdk.card_action (p_request uuid, p_card_no text, p_action mdk.card_action, p_store bigint,
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
    PERFORM mdk.card_event(card.id, transition.event, card.state, transition.to_state, p_reason, p_store,
                           p_terminal, p_request, NULL, NULL);
    result := '{}';
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

-- mdk.set_daily_limit: the stored value a card may spend in a day (fen),
-- or no limit (p_limit NULL). For a card in use (MD009 otherwise), with a
-- reason (MD005), recorded as an event. Returns {"card_no", "state",
-- "daily_limit"} with the balances of the account the card uses.
CREATE FUNCTION mdk.set_daily_limit (p_request uuid, p_card_no text, p_limit bigint, p_store bigint, p_reason text,
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
            || mdk.card_balances(coalesce(card.primary_card_id, card.id));
  INSERT INTO mdk.card_requests (request_id, request_hash, result) VALUES (p_request, hash, result);
  RETURN result;
END
$$;

-- mdk.expire_cards: the cards in use whose validity ended before p_on
-- become expired, each with its event. Safe to run any number of times.
-- Returns how many expired.
CREATE FUNCTION mdk.expire_cards (p_on date DEFAULT current_date) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  n integer;
BEGIN
  PERFORM set_config('mdk.changing_card', 'on', true);
  WITH expired AS (
    UPDATE mdk.cards c SET state = 'expired'
    FROM (SELECT id, state FROM mdk.cards WHERE expires_on < p_on AND state IN ('active', 'lost', 'frozen')
          ORDER BY id FOR UPDATE) old
    WHERE c.id = old.id
    RETURNING c.id, old.state, c.expires_on
  )
  INSERT INTO mdk.card_events (card_id, event, from_state, to_state, reason, operator_id)
  SELECT e.id, 'expired', e.state, 'expired', 'valid until ' || e.expires_on, mdk.current_operator_id()
  FROM expired e;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('mdk.changing_card', 'off', true);
  RETURN n;
END
$$;

-- mdk.charge_annual_fees: charges each card in use its annual fee (by the
-- terms it was sold under: its type's, or for a card under another, the
-- primary's type's affiliate fee) for
-- every year since it was first issued whose fee month (the month it was
-- first issued: a replacement keeps it) has begun by p_on, once per line
-- of replacements and year, from the card's stored value (the primary's
-- for a card under another) at the store that issued it. A fee the stored
-- value does not cover stays due, to be charged by a later run or paid at
-- a counter (mdk.pay_card_fee()). Safe to run any number of times, at any
-- date; February 29 counts as February. Returns {"charged", "due",
-- "amount"}: fees charged by this run, fees still due, fen charged.
CREATE FUNCTION mdk.charge_annual_fees (p_on date DEFAULT current_date) RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  fee record;
  holder bigint;
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
    PERFORM 1 FROM mdk.card_annual_fees f WHERE f.id = fee.id AND f.transaction_id IS NULL FOR UPDATE;
    CONTINUE WHEN NOT FOUND;
    -- Cards before accounts, the primary first, as mdk.card_action() and
    -- mdk.usable_card() take them: the job never deadlocks with them.
    holder := coalesce(fee.primary_card_id, fee.card_id);
    PERFORM 1 FROM mdk.cards c WHERE c.id = holder FOR KEY SHARE;
    PERFORM 1 FROM mdk.cards c WHERE c.id = fee.card_id AND c.state IN ('active', 'lost', 'frozen') FOR KEY SHARE;
    CONTINUE WHEN NOT FOUND;
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

-- mdk.pay_card_fee: pays a due annual fee at a store's counter.
-- Returns {"transaction", "amount", "year", "card_no"}.
CREATE FUNCTION mdk.pay_card_fee (p_request uuid, p_fee bigint, p_method mdk.payment_method, p_store bigint,
                                  p_terminal bigint DEFAULT NULL)
  RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  hash text := mdk.request_hash('pay_card_fee', p_fee::text, p_method::text, p_store::text, p_terminal::text);
  result jsonb;
  fee mdk.card_annual_fees;
  card_no text;
  txn bigint;
BEGIN
  result := mdk.begin_card_request(p_request, hash);
  IF result IS NOT NULL THEN
    RETURN result;
  END IF;
  IF p_method IS NULL THEN
    RAISE EXCEPTION 'say how the fee is paid' USING ERRCODE = 'MD005';
  END IF;
  PERFORM mdk.store_exists(p_store, p_terminal);
  SELECT * INTO fee FROM mdk.card_annual_fees f WHERE f.id = p_fee FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no fee %', p_fee USING ERRCODE = 'no_data_found';
  END IF;
  IF fee.transaction_id IS NOT NULL THEN
    RAISE EXCEPTION 'fee % was paid already', p_fee USING ERRCODE = 'MD009';
  END IF;
  txn := mdk.post_card_fee(mdk.derived_request(p_request, 'fee'), fee.card_id, NULL, p_store, p_terminal, p_method,
                           fee.amount, 'annual ' || fee.year);
  UPDATE mdk.card_annual_fees SET transaction_id = txn WHERE id = fee.id;
  PERFORM mdk.card_event(fee.card_id, 'fee_paid', NULL, NULL, 'annual fee ' || fee.year, p_store, p_terminal,
                         p_request, txn, NULL);
  SELECT c.card_no INTO card_no FROM mdk.cards c WHERE c.id = fee.card_id;
  result := jsonb_build_object('transaction', txn, 'amount', fee.amount, 'year', fee.year, 'card_no', card_no);
  INSERT INTO mdk.card_requests (request_id, request_hash, result) VALUES (p_request, hash, result);
  RETURN result;
END
$$;

-- mdk.change_card_terms: head office's change to a card type's terms.
--
--   p_type    the card type
--   p_terms   the terms that change, by mdk.card_term_names(): {"discount_bp": 800, ...};
--             "category_discounts": {"FOOD": 500, ...} replaces the discounts by
--             category (without it, the version before's are kept)
--   p_reason  why
--
-- Makes the type's next version: new cards are sold under it, cards sold
-- before keep theirs. Only head office may (insufficient_privilege);
-- an unknown term or a missing reason is refused (MD005), a value out of
-- range by the type's own checks. Returns the new version.
CREATE FUNCTION mdk.change_card_terms (p_type bigint, p_terms jsonb, p_reason text) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  t mdk.card_types;
  unknown text;
BEGIN
  IF NOT mdk.current_operator_is_head_office() THEN
    RAISE EXCEPTION 'only head office may change card types' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_reason IS NULL OR length(btrim(p_reason)) = 0 OR length(p_reason) > 500 THEN
    RAISE EXCEPTION 'say why, in 500 characters at most' USING ERRCODE = 'MD005';
  END IF;
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
  UPDATE mdk.card_types
     SET has_stored_value = t.has_stored_value, has_points = t.has_points, has_discount = t.has_discount,
         discount_bp = t.discount_bp, points_rate_bp = t.points_rate_bp, point_value = t.point_value,
         joining_fee = t.joining_fee, annual_fee = t.annual_fee, affiliate_annual_fee = t.affiliate_annual_fee,
         replacement_fee = t.replacement_fee, validity_months = t.validity_months, max_affiliates = t.max_affiliates,
         credit_limit = t.credit_limit, refund_on_cancel = t.refund_on_cancel, version = t.version
   WHERE id = p_type;

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

-- mdk.move_cards_to_current_terms: head office moves the cards of a type
-- sold under older terms (and not ended) to the current ones, each with
-- an event. A group card whose credit in use is more than the new limit
-- is refused by its account's floor, and nothing moves. Returns how many
-- moved.
CREATE FUNCTION mdk.move_cards_to_current_terms (p_type bigint, p_reason text) RETURNS integer
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
    UPDATE mdk.accounts a SET floor = CASE WHEN t.kind = 'group' THEN -t.credit_limit ELSE 0 END
    FROM events e
    WHERE a.card_id = e.card_id AND a.kind = 'stored_value'
    RETURNING a.id
  )
  SELECT count(*) INTO n FROM events;
  RETURN n;
END
$$;

-- A card under another is refused while its primary is frozen or has
-- ended, besides everything mdk.usable_card() refused before. The cards
-- are locked (FOR KEY SHARE, the primary first): a request waits for a
-- card action on them, mdk.card_action() taking them FOR UPDATE, and sees
-- its outcome, so that nothing lands on a card replaced or cancelled
-- meanwhile.
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
  IF card.primary_card_id IS NOT NULL AND primary_state NOT IN ('active', 'lost') THEN
    RAISE EXCEPTION 'the card that card % draws on is %', p_card_no, primary_state USING ERRCODE = 'MD002';
  END IF;
  holder := coalesce(card.primary_card_id, card.id);
END
$$;

-- Forfeited stored value stays with head office: it is neither collected
-- nor spent at the store that took the cancellation.
CREATE OR REPLACE VIEW mdk.settlement_movements AS
  SELECT t.id AS transaction_id, t.created_at, t.kind, chain.store_id, s.region_id,
         CASE WHEN coalesce(o.kind, t.kind) = 'recharge' THEN value.moved ELSE 0 END AS collected,
         CASE WHEN coalesce(o.kind, t.kind) = 'recharge' THEN 0 ELSE -value.moved END AS spent
  FROM mdk.transactions t
  LEFT JOIN mdk.transactions o ON o.id = t.original_id AND t.kind = 'reversal'
  CROSS JOIN LATERAL (SELECT sum(p.amount) FILTER (WHERE a.kind = 'stored_value')
                             + coalesce(sum(p.amount) FILTER (WHERE a.kind::text = 'breakage'), 0) AS moved
                      FROM mdk.postings p JOIN mdk.accounts a ON a.id = p.account_id
                      WHERE p.transaction_id = t.id) value
  CROSS JOIN LATERAL (SELECT min(a.store_id) AS store_id FROM mdk.postings p JOIN mdk.accounts a ON a.id = p.account_id
                      WHERE p.transaction_id = t.id) chain
  JOIN mdk.stores s ON s.id = chain.store_id
  WHERE value.moved IS NOT NULL;

-- The balances a replacement or a cancellation moved stay where they are,
-- and nothing is reversed onto a card that was replaced or cancelled (or
-- whose primary was): its accounts are closed.
CREATE FUNCTION mdk.transactions_reversible () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  original record;
BEGIN
  SELECT o.kind::text AS kind, c.state AS card_state, p.state AS primary_state INTO original
  FROM mdk.transactions o
  LEFT JOIN mdk.cards c ON c.id = o.card_id
  LEFT JOIN mdk.cards p ON p.id = c.primary_card_id
  WHERE o.id = NEW.original_id;
  IF original.kind IN ('card_transfer', 'card_cancel') THEN
    RAISE EXCEPTION 'a card''s replacement or cancellation cannot be reversed' USING ERRCODE = 'MD007';
  END IF;
  IF original.card_state IN ('replaced', 'cancelled') OR original.primary_state IN ('replaced', 'cancelled') THEN
    RAISE EXCEPTION 'the card of transaction % was replaced or cancelled: its accounts are closed', NEW.original_id
      USING ERRCODE = 'MD007';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER transactions_reversible BEFORE INSERT ON mdk.transactions
  FOR EACH ROW WHEN (NEW.kind = 'reversal') EXECUTE FUNCTION mdk.transactions_reversible();
