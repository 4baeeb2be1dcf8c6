-- SPDX-License-Identifier: GPL-3.0-or-later
CREATE TABLE mdk_b.b (id integer);
SELECT 1 / 0;
