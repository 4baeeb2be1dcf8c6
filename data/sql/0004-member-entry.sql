-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Member entry and edit, for every channel that writes members:
--   * a resident ID number must carry a valid check character;
--   * one member per mobile number and per ID number;
--   * a birthday is never in the future, and once set it changes only
--     through mdk.change_member_birthday(), which follows head office's
--     policy and writes the audit trail;
--   * updated_at follows every change, so that an editor can tell when
--     somebody else changed the member meanwhile.

-- The operator a session acts as: the active operator whose login is the
-- database role; a superuser (the owner of the embedded cluster) acts as
-- the operator "admin" when there is one.
CREATE FUNCTION mdk.current_operator_id () RETURNS bigint
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(
      (SELECT o.id FROM mdk.operators o WHERE o.login = session_user AND o.is_active),
      (SELECT o.id FROM mdk.operators o, pg_roles r
       WHERE r.rolname = session_user AND r.rolsuper AND o.login = 'admin' AND o.is_active))
  $$;

-- Whether the session may override head office's member policies.
CREATE FUNCTION mdk.current_operator_is_head_office () RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce((SELECT o.scope = 'head_office' FROM mdk.operators o
                     WHERE o.id = mdk.current_operator_id ()), false)
        OR coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user), false)
  $$;

-- GB 11643: 17 digits weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, the sum
-- modulo 11 picks the check character from "10X98765432".
CREATE FUNCTION mdk.id_number_is_valid (id_number text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
    SELECT id_number ~ '^[0-9]{17}[0-9X]$'
       AND substr('10X98765432',
                  (SELECT sum(substr(id_number, i::int, 1)::int * w) % 11
                   FROM unnest('{7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}'::int[])
                        WITH ORDINALITY AS t (w, i))::int + 1, 1) = right(id_number, 1)
  $$;

ALTER TABLE mdk.members
  ADD CONSTRAINT members_id_number_check_character CHECK (mdk.id_number_is_valid(id_number)) NOT VALID;

DROP INDEX mdk.members_mobile_idx;
DROP INDEX mdk.members_id_number_idx;
CREATE UNIQUE INDEX members_mobile_key ON mdk.members (mobile);
CREATE UNIQUE INDEX members_id_number_key ON mdk.members (id_number);

-- Head office's member policy: one row.
CREATE TABLE mdk.member_policy (
  id                      boolean PRIMARY KEY DEFAULT true CHECK (id),
  -- a birthday may change once in this many months (0: any time)
  birthday_change_months  integer NOT NULL DEFAULT 12 CHECK (birthday_change_months BETWEEN 0 AND 120),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
INSERT INTO mdk.member_policy DEFAULT VALUES;

CREATE TABLE mdk.member_birthday_changes (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id     bigint NOT NULL REFERENCES mdk.members (id),
  old_birthday  date,
  new_birthday  date,
  reason        text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
  overridden    boolean NOT NULL DEFAULT false,
  operator_id   bigint REFERENCES mdk.operators (id),
  db_role       text NOT NULL DEFAULT session_user,
  client        text NOT NULL DEFAULT current_setting('application_name'),
  changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_birthday_changes_member_idx ON mdk.member_birthday_changes (member_id, changed_at);

-- The first day a member's birthday may change again without an override:
-- a year (by default) after the last change. Setting a birthday that was
-- empty is not a change.
CREATE FUNCTION mdk.member_birthday_next_change (p_member bigint) RETURNS date
  LANGUAGE sql STABLE
  AS $$
    SELECT (max(c.changed_at) + make_interval(months => p.birthday_change_months))::date
    FROM mdk.member_birthday_changes c, mdk.member_policy p
    WHERE c.member_id = p_member AND c.old_birthday IS NOT NULL AND p.birthday_change_months > 0
    GROUP BY p.birthday_change_months
  $$;

CREATE FUNCTION mdk.members_refuse_future_birthday () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'a birthday cannot be in the future' USING ERRCODE = 'check_violation';
END
$$;

-- Only the rows it refuses call it: bulk loads of valid rows pay nothing.
CREATE TRIGGER members_future_birthday
  BEFORE INSERT OR UPDATE OF birthday ON mdk.members
  FOR EACH ROW WHEN (NEW.birthday > current_date)
  EXECUTE FUNCTION mdk.members_refuse_future_birthday();

CREATE FUNCTION mdk.members_guard () RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.birthday IS DISTINCT FROM OLD.birthday
     AND coalesce(current_setting('mdk.changing_birthday', true), '') <> 'on' THEN
    RAISE EXCEPTION 'change a birthday with mdk.change_member_birthday()'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TRIGGER members_guard
  BEFORE UPDATE ON mdk.members
  FOR EACH ROW EXECUTE FUNCTION mdk.members_guard();

-- mdk.change_member_birthday(member, birthday, reason, override)
--
-- Changes a member's birthday and records old value, new value, reason,
-- operator, database role, client and time. Refuses (SQLSTATE P0001) a
-- change sooner than head office's policy allows unless p_override is
-- true, which only a head-office operator may ask for (42501 otherwise).
-- Returns the audit row's id, or NULL when the birthday was already that.
CREATE FUNCTION mdk.change_member_birthday (p_member bigint, p_birthday date, p_reason text,
                                            p_override boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  old date;
  next_change date;
  audit_id bigint;
BEGIN
  SELECT birthday INTO old FROM mdk.members WHERE id = p_member FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'member % does not exist', p_member USING ERRCODE = 'no_data_found';
  END IF;
  IF old IS NOT DISTINCT FROM p_birthday THEN
    RETURN NULL;
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'a birthday change needs a reason' USING ERRCODE = 'not_null_violation';
  END IF;
  IF p_override AND NOT mdk.current_operator_is_head_office () THEN
    RAISE EXCEPTION 'only head office may override the birthday policy'
      USING ERRCODE = 'insufficient_privilege';
  END IF;

  next_change := mdk.member_birthday_next_change(p_member);
  IF old IS NOT NULL AND NOT p_override AND next_change > current_date THEN
    RAISE EXCEPTION 'this birthday changed recently; it may change again on %', next_change
      USING HINT = 'head office can override the policy';
  END IF;

  PERFORM set_config('mdk.changing_birthday', 'on', true);
  UPDATE mdk.members SET birthday = p_birthday WHERE id = p_member;
  PERFORM set_config('mdk.changing_birthday', '', true);

  INSERT INTO mdk.member_birthday_changes (member_id, old_birthday, new_birthday, reason, overridden,
                                           operator_id)
  VALUES (p_member, old, p_birthday, btrim(p_reason),
          p_override AND old IS NOT NULL AND coalesce(next_change > current_date, false),
          mdk.current_operator_id ())
  RETURNING id INTO audit_id;
  RETURN audit_id;
END
$$;
