/* mdk-card-face.c: a card as it is printed: its colour or gradient, the
 * chain's logo, the type's name and a number, drawn at the proportions of
 * a bank card (85.60 × 53.98 mm)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mdk-card-face.h"

#define ASPECT (85.60 / 53.98)

struct _MdkCardFace
{
  GtkWidget   parent_instance;

  GdkRGBA     start;
  GdkRGBA     end;
  gboolean    gradient;
  GdkTexture *logo;
  char       *name;
  char       *number;
  char       *caption;
  int         natural_width;
};

G_DEFINE_FINAL_TYPE (MdkCardFace, mdk_card_face, GTK_TYPE_WIDGET)

/* Light text on a dark face, dark text on a light one, by the relative
 * luminance of the face's middle. */
static gboolean
text_is_light (MdkCardFace *self)
{
  float r, g, b;

  r = self->gradient ? (self->start.red + self->end.red) / 2 : self->start.red;
  g = self->gradient ? (self->start.green + self->end.green) / 2 : self->start.green;
  b = self->gradient ? (self->start.blue + self->end.blue) / 2 : self->start.blue;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.55;
}

static void
append_text (MdkCardFace  *self,
             GtkSnapshot  *snapshot,
             const char   *text,
             float         x,
             float         y,
             float         size,
             float         max_width,
             int           weight,
             gboolean      monospace,
             gboolean      right,
             const GdkRGBA *colour)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;
  int width, height;

  if (text == NULL || *text == '\0')
    return;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  font = pango_font_description_new ();
  pango_font_description_set_family (font, monospace ? "Monospace" : "Sans");
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_get_pixel_size (layout, &width, &height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (right ? x - width : x, y));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

static void
mdk_card_face_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  MdkCardFace *self = MDK_CARD_FACE (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float w = MIN (width, height * ASPECT);
  float h = w / ASPECT;
  float x = (width - w) / 2;
  float y = (height - h) / 2;
  float pad = w * 0.06f;
  graphene_rect_t card = GRAPHENE_RECT_INIT (x, y, w, h);
  GskRoundedRect rounded;
  gboolean light = text_is_light (self);
  GdkRGBA ink = light ? (GdkRGBA) { 1, 1, 1, 0.95f } : (GdkRGBA) { 0.1f, 0.1f, 0.12f, 0.9f };
  GdkRGBA soft = ink;
  float logo_height = h * 0.2f;

  soft.alpha *= 0.75f;
  gsk_rounded_rect_init_from_rect (&rounded, &card, w * 0.045f);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);

  if (self->gradient)
    {
      GskColorStop stops[] = { { 0, self->start }, { 1, self->end } };

      gtk_snapshot_append_linear_gradient (snapshot, &card, &GRAPHENE_POINT_INIT (x, y),
                                           &GRAPHENE_POINT_INIT (x + w, y + h), stops, G_N_ELEMENTS (stops));
    }
  else
    gtk_snapshot_append_color (snapshot, &self->start, &card);

  /* A sheen across the upper half, as on a printed card. */
  {
    GskColorStop sheen[] = { { 0, { 1, 1, 1, 0.16f } }, { 1, { 1, 1, 1, 0 } } };

    gtk_snapshot_append_linear_gradient (snapshot, &card, &GRAPHENE_POINT_INIT (x, y),
                                         &GRAPHENE_POINT_INIT (x, y + h * 0.6f), sheen, G_N_ELEMENTS (sheen));
  }

  /* The chip. */
  {
    graphene_rect_t chip = GRAPHENE_RECT_INIT (x + pad, y + h * 0.38f, w * 0.12f, h * 0.16f);
    GskRoundedRect chip_rounded;
    GdkRGBA gold = { 0.86f, 0.76f, 0.46f, 1 };
    GdkRGBA line = { 0.62f, 0.52f, 0.26f, 0.8f };

    gsk_rounded_rect_init_from_rect (&chip_rounded, &chip, h * 0.025f);
    gtk_snapshot_push_rounded_clip (snapshot, &chip_rounded);
    gtk_snapshot_append_color (snapshot, &gold, &chip);
    gtk_snapshot_append_color (snapshot, &line,
                               &GRAPHENE_RECT_INIT (chip.origin.x, chip.origin.y + chip.size.height / 2, chip.size.width, 1));
    gtk_snapshot_append_color (snapshot, &line,
                               &GRAPHENE_RECT_INIT (chip.origin.x + chip.size.width / 2, chip.origin.y, 1, chip.size.height));
    gtk_snapshot_pop (snapshot);
  }

  if (self->logo != NULL)
    {
      float logo_width = logo_height * gdk_texture_get_width (self->logo) / MAX (1, gdk_texture_get_height (self->logo));

      if (logo_width > w * 0.4f)
        {
          logo_height *= w * 0.4f / logo_width;
          logo_width = w * 0.4f;
        }
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + pad, y + pad));
      gdk_paintable_snapshot (GDK_PAINTABLE (self->logo), snapshot, logo_width, logo_height);
      gtk_snapshot_restore (snapshot);
    }

  append_text (self, snapshot, self->name, x + w - pad, y + pad * 0.8f, h * 0.1f, w * 0.55f, PANGO_WEIGHT_BOLD,
               FALSE, TRUE, &ink);
  append_text (self, snapshot, self->number, x + pad, y + h * 0.62f, h * 0.085f, w - 2 * pad, PANGO_WEIGHT_MEDIUM,
               TRUE, FALSE, &ink);
  append_text (self, snapshot, self->caption, x + pad, y + h * 0.8f, h * 0.06f, w - 2 * pad, PANGO_WEIGHT_NORMAL,
               FALSE, FALSE, &soft);

  gtk_snapshot_pop (snapshot);
}

static void
mdk_card_face_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  MdkCardFace *self = MDK_CARD_FACE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 40;
      *natural = for_size > 0 ? (int) (for_size * ASPECT) : self->natural_width;
    }
  else
    {
      *minimum = (int) (40 / ASPECT);
      *natural = for_size > 0 ? (int) (for_size / ASPECT) : (int) (self->natural_width / ASPECT);
    }
}

static void
update_label (MdkCardFace *self)
{
  /* Translators: what a reader of the screen hears for the card's picture:
   * the type's name and a sample number */
  g_autofree char *label = g_strdup_printf (_("Card face: %s, %s"), self->name ? self->name : "",
                                            self->number ? self->number : "");

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
mdk_card_face_finalize (GObject *object)
{
  MdkCardFace *self = MDK_CARD_FACE (object);

  g_clear_object (&self->logo);
  g_free (self->name);
  g_free (self->number);
  g_free (self->caption);

  G_OBJECT_CLASS (mdk_card_face_parent_class)->finalize (object);
}

static void
mdk_card_face_class_init (MdkCardFaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mdk_card_face_finalize;
  widget_class->snapshot = mdk_card_face_snapshot;
  widget_class->measure = mdk_card_face_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "cardface");
}

static void
mdk_card_face_init (MdkCardFace *self)
{
  gdk_rgba_parse (&self->start, "#3D5A80");
  self->end = self->start;
  self->natural_width = 360;
}

GtkWidget *
mdk_card_face_new (void)
{
  return g_object_new (MDK_TYPE_CARD_FACE, NULL);
}

/**
 * mdk_card_face_set_colours:
 * @self: a #MdkCardFace
 * @start: the colour, top left
 * @end: (nullable): the colour it goes to, bottom right; %NULL for one colour
 */
void
mdk_card_face_set_colours (MdkCardFace   *self,
                           const GdkRGBA *start,
                           const GdkRGBA *end)
{
  g_return_if_fail (MDK_IS_CARD_FACE (self));
  g_return_if_fail (start != NULL);

  self->start = *start;
  self->gradient = end != NULL;
  self->end = end != NULL ? *end : *start;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mdk_card_face_set_logo:
 * @self: a #MdkCardFace
 * @logo: (nullable): the logo
 */
void
mdk_card_face_set_logo (MdkCardFace *self,
                        GdkTexture  *logo)
{
  g_return_if_fail (MDK_IS_CARD_FACE (self));

  if (g_set_object (&self->logo, logo))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mdk_card_face_set_text:
 * @self: a #MdkCardFace
 * @name: (nullable): the type's name, top right
 * @number: (nullable): a card number
 * @caption: (nullable): a line under it
 */
void
mdk_card_face_set_text (MdkCardFace *self,
                        const char  *name,
                        const char  *number,
                        const char  *caption)
{
  g_return_if_fail (MDK_IS_CARD_FACE (self));

  g_free (self->name);
  self->name = g_strdup (name);
  g_free (self->number);
  self->number = g_strdup (number);
  g_free (self->caption);
  self->caption = g_strdup (caption);
  update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mdk_card_face_set_natural_width:
 * @self: a #MdkCardFace
 * @width: the width it asks for, in pixels; its height follows
 */
void
mdk_card_face_set_natural_width (MdkCardFace *self,
                                 int          width)
{
  g_return_if_fail (MDK_IS_CARD_FACE (self));

  self->natural_width = MAX (width, 40);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
