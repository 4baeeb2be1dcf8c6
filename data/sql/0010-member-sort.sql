-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The member list sorts by mobile number and by birthday (month and day,
-- for birthday campaigns) as it does by name: pages are read in order from
-- an index, whatever the size of the list. Members without a mobile sort
-- first, those without a birthday last.
CREATE INDEX members_mobile_sort_idx ON mdk.members ((coalesce(mobile, '') COLLATE "C"), id);
CREATE INDEX members_birthday_sort_idx ON mdk.members
  ((coalesce(extract(month FROM birthday)::int * 100 + extract(day FROM birthday)::int, 9999)), id);
