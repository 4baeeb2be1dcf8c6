/* mdk-progress.c: progress of work in a worker thread, told on the main
 * context of the thread that started it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-progress.h"

struct _MdkProgressRelay
{
  MdkProgressFunc  func;
  gpointer         user_data;
  GMainContext    *main_context;
};

typedef struct
{
  MdkProgressFunc  func;
  gpointer         user_data;
  double           fraction;
  char            *stage;
} Report;

static void
report_free (Report *report)
{
  g_free (report->stage);
  g_free (report);
}

static gboolean
deliver (gpointer user_data)
{
  Report *report = user_data;

  report->func (report->fraction, report->stage, report->user_data);
  return G_SOURCE_REMOVE;
}

/**
 * mdk_progress_relay_new:
 * @func: (nullable): called on the calling thread's main context; %NULL for none
 * @user_data: data for @func; it must live until the work is done
 *
 * Returns: (transfer full): a relay for the work's progress
 */
MdkProgressRelay *
mdk_progress_relay_new (MdkProgressFunc func,
                        gpointer        user_data)
{
  MdkProgressRelay *relay = g_new0 (MdkProgressRelay, 1);

  relay->func = func;
  relay->user_data = user_data;
  relay->main_context = g_main_context_ref_thread_default ();
  return relay;
}

/**
 * mdk_progress_relay_report:
 * @fraction: how far the work got
 * @stage: (nullable): what it is doing
 * @relay: a #MdkProgressRelay
 *
 * From any thread: has the relay's function told, on its main context.
 * The arguments are in the order of #MdkProgressFunc, so that a relay can
 * be passed as one.
 */
void
mdk_progress_relay_report (double      fraction,
                           const char *stage,
                           gpointer    relay)
{
  MdkProgressRelay *self = relay;
  Report *report;

  if (self->func == NULL)
    return;

  report = g_new0 (Report, 1);
  report->func = self->func;
  report->user_data = self->user_data;
  report->fraction = fraction;
  report->stage = g_strdup (stage);
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, deliver, report,
                              (GDestroyNotify) report_free);
}

void
mdk_progress_relay_free (MdkProgressRelay *relay)
{
  if (relay == NULL)
    return;

  g_main_context_unref (relay->main_context);
  g_free (relay);
}
