-- SPDX-License-Identifier: GPL-3.0-or-later
CREATE SCHEMA mdk_b;
CREATE TABLE mdk_b.a (id integer);
