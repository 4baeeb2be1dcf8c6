/* mdk-form.c: the message banner, invalid rows and result lists that
 * dialogs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-form.h"

/**
 * mdk_banner_show:
 * @revealer: the banner's revealer
 * @label: its label
 * @message: (nullable): what to say, or %NULL to hide the banner
 */
void
mdk_banner_show (GtkRevealer *revealer,
                 GtkLabel    *label,
                 const char  *message)
{
  gtk_label_set_label (label, message ? message : "");
  gtk_revealer_set_reveal_child (revealer, message != NULL);
}

/**
 * mdk_banner_get_message:
 * @revealer: the banner's revealer
 * @label: its label
 *
 * Returns: (nullable): the message shown, if any
 */
const char *
mdk_banner_get_message (GtkRevealer *revealer,
                        GtkLabel    *label)
{
  return gtk_revealer_get_reveal_child (revealer) ? gtk_label_get_label (label) : NULL;
}

/**
 * mdk_entry_row_mark_invalid:
 * @row: an entry row
 * @invalid: whether what it holds is wrong
 */
void
mdk_entry_row_mark_invalid (AdwEntryRow *row,
                            gboolean     invalid)
{
  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/**
 * mdk_result_list_add:
 * @list: a boxed list of what a request did
 * @title: what the figure is
 * @value: (transfer full): the figure
 */
void
mdk_result_list_add (GtkListBox *list,
                     const char *title,
                     char       *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (list, row);
  g_free (value);
}

void
mdk_result_list_clear (GtkListBox *list)
{
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (list))); )
    gtk_list_box_remove (list, child);
}

/**
 * mdk_form_set_sensitive:
 * @form: a part of a window that holds fields
 * @sensitive: whether it takes input
 *
 * As gtk_widget_set_sensitive(), first taking the focus away from a field
 * in @form: text that loses its sensitivity while it has the focus never
 * hears that it lost it.
 */
void
mdk_form_set_sensitive (GtkWidget *form,
                        gboolean   sensitive)
{
  GtkRoot *root = gtk_widget_get_root (form);

  if (!sensitive && root != NULL)
    {
      GtkWidget *focus = gtk_root_get_focus (root);

      if (focus != NULL && (focus == form || gtk_widget_is_ancestor (focus, form)))
        gtk_root_set_focus (root, NULL);
    }
  gtk_widget_set_sensitive (form, sensitive);
}
