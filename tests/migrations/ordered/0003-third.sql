-- SPDX-License-Identifier: GPL-3.0-or-later
INSERT INTO mdk_t.log (version) VALUES (3);
