-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The card list's filters: a state with a store (or a region's stores) or
-- with a type. Without these, a page of a store's lost cards, newest first,
-- walked every card backwards from the newest: 0.4 s on a chain of a
-- million cards, and its count another 0.3 s (tests/perf/bench-card-list.sh).
CREATE INDEX cards_store_state_idx ON mdk.cards (issued_store_id, state, id);
CREATE INDEX cards_type_state_idx ON mdk.cards (card_type_id, state, id);
