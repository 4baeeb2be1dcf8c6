/* mdk-core.h: everything of Memberdesk that does not need GTK
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-choice.h"
#include "mdk-conninfo.h"
#include "mdk-csv-reader.h"
#include "mdk-context.h"
#include "mdk-database.h"
#include "mdk-database-error.h"
#include "mdk-demo.h"
#include "mdk-embedded-server.h"
#include "mdk-card.h"
#include "mdk-member.h"
#include "mdk-member-detail.h"
#include "mdk-member-draft.h"
#include "mdk-member-export.h"
#include "mdk-member-import.h"
#include "mdk-custom-field.h"
#include "mdk-journal.h"
#include "mdk-ledger.h"
#include "mdk-member-list.h"
#include "mdk-paged-list.h"
#include "mdk-member-query.h"
#include "mdk-member-repo.h"
#include "mdk-member-validate.h"
#include "mdk-migrations.h"
#include "mdk-money.h"
#include "mdk-org.h"
#include "mdk-org-repo.h"
#include "mdk-pg-copy.h"
#include "mdk-pinyin.h"
