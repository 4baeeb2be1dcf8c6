-- SPDX-License-Identifier: GPL-3.0-or-later
CREATE SCHEMA mdk_t;
CREATE TABLE mdk_t.log (seq serial PRIMARY KEY, version integer NOT NULL);
INSERT INTO mdk_t.log (version) VALUES (1);
