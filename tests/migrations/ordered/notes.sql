-- SPDX-License-Identifier: GPL-3.0-or-later
-- Not a migration (no number): never applied.
INSERT INTO mdk_t.log (version) VALUES (-1);
