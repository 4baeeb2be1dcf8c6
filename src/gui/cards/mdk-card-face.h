/* mdk-card-face.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MDK_TYPE_CARD_FACE (mdk_card_face_get_type ())

G_DECLARE_FINAL_TYPE (MdkCardFace, mdk_card_face, MDK, CARD_FACE, GtkWidget)

GtkWidget *mdk_card_face_new       (void);
void       mdk_card_face_set_colours (MdkCardFace   *self,
                                      const GdkRGBA *start,
                                      const GdkRGBA *end);
void       mdk_card_face_set_logo  (MdkCardFace   *self,
                                    GdkTexture    *logo);
void       mdk_card_face_set_text  (MdkCardFace   *self,
                                    const char    *name,
                                    const char    *number,
                                    const char    *caption);
void       mdk_card_face_set_natural_width (MdkCardFace *self,
                                            int          width);

G_END_DECLS
