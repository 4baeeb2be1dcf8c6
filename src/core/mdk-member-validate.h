/* mdk-member-validate.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MDK_MEMBER_ERROR (mdk_member_error_quark ())

/**
 * MdkMemberError:
 * @MDK_MEMBER_ERROR_INVALID_NAME: the name is empty, too long or has control characters
 * @MDK_MEMBER_ERROR_INVALID_GENDER: the gender is not one Memberdesk knows
 * @MDK_MEMBER_ERROR_INVALID_MOBILE: not a mainland mobile number nor an E.164 number
 * @MDK_MEMBER_ERROR_INVALID_EMAIL: not an e-mail address
 * @MDK_MEMBER_ERROR_INVALID_ID_NUMBER: not an 18-character resident ID with a valid check character
 * @MDK_MEMBER_ERROR_INVALID_BIRTHDAY: not a date, or in the future
 * @MDK_MEMBER_ERROR_INVALID_ANNIVERSARY: not a date
 * @MDK_MEMBER_ERROR_NO_CONTACT: neither a mobile number nor an ID number
 * @MDK_MEMBER_ERROR_NO_STORE: no home store
 * @MDK_MEMBER_ERROR_DUPLICATE: another member has the mobile or ID number
 * @MDK_MEMBER_ERROR_CHANGED: somebody else changed the member meanwhile
 * @MDK_MEMBER_ERROR_BIRTHDAY_REASON: a birthday change needs a reason
 * @MDK_MEMBER_ERROR_BIRTHDAY_TOO_SOON: head office's policy does not allow
 *   the birthday to change again yet
 * @MDK_MEMBER_ERROR_INVALID_TAG: a tag is too long or has a control character
 * @MDK_MEMBER_ERROR_INVALID_GROUP: no such group, or a bad group name
 * @MDK_MEMBER_ERROR_INVALID_CUSTOM: a custom field's value is not of its kind
 *
 * What is wrong with a member's data, in a way a form can point at the field.
 */
typedef enum
{
  MDK_MEMBER_ERROR_INVALID_NAME,
  MDK_MEMBER_ERROR_INVALID_GENDER,
  MDK_MEMBER_ERROR_INVALID_MOBILE,
  MDK_MEMBER_ERROR_INVALID_EMAIL,
  MDK_MEMBER_ERROR_INVALID_ID_NUMBER,
  MDK_MEMBER_ERROR_INVALID_BIRTHDAY,
  MDK_MEMBER_ERROR_INVALID_ANNIVERSARY,
  MDK_MEMBER_ERROR_NO_CONTACT,
  MDK_MEMBER_ERROR_NO_STORE,
  MDK_MEMBER_ERROR_DUPLICATE,
  MDK_MEMBER_ERROR_CHANGED,
  MDK_MEMBER_ERROR_BIRTHDAY_REASON,
  MDK_MEMBER_ERROR_BIRTHDAY_TOO_SOON,
  MDK_MEMBER_ERROR_INVALID_TAG,
  MDK_MEMBER_ERROR_INVALID_GROUP,
  MDK_MEMBER_ERROR_INVALID_CUSTOM,
} MdkMemberError;

GQuark    mdk_member_error_quark          (void);

gboolean  mdk_member_normalize_name       (const char   *text,
                                           char        **normalized,
                                           GError      **error);
gboolean  mdk_member_normalize_mobile     (const char   *text,
                                           char        **normalized,
                                           GError      **error);
gboolean  mdk_member_normalize_email      (const char   *text,
                                           char        **normalized,
                                           GError      **error);
gboolean  mdk_member_normalize_id_number  (const char   *text,
                                           const GDate  *today,
                                           char        **normalized,
                                           GError      **error);
gboolean  mdk_member_normalize_birthday   (const char   *text,
                                           const GDate  *today,
                                           char        **normalized,
                                           GError      **error);
gboolean  mdk_member_normalize_anniversary (const char  *text,
                                           const GDate  *today,
                                           char        **normalized,
                                           GError      **error);
gboolean  mdk_member_parse_date           (const char   *text,
                                           GDate        *date);
char     *mdk_member_id_number_birthday   (const char   *id_number);
char    **mdk_member_normalize_tags       (const char   *text,
                                           GError      **error);
gboolean  mdk_member_normalize_gender     (const char   *text,
                                           char        **normalized,
                                           GError      **error);

G_END_DECLS
