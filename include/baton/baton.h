/* libbaton: the one header a front end includes. The CLI uses nothing else, which keeps the
 * library a real library (the notmuch way). */
#ifndef BATON_BATON_H
#define BATON_BATON_H

#include "baton/audit.h"
#include "baton/archive.h"
#include "baton/auth.h"
#include "baton/backup.h"
#include "baton/buf.h"
#include "baton/case.h"
#include "baton/class.h"
#include "baton/config.h"
#include "baton/date.h"
#include "baton/diff.h"
#include "baton/due.h"
#include "baton/error.h"
#include "baton/file.h"
#include "baton/fsck.h"
#include "baton/handover.h"
#include "baton/i18n.h"
#include "baton/history.h"
#include "baton/index.h"
#include "baton/journal.h"
#include "baton/key.h"
#include "baton/packet.h"
#include "baton/policy.h"
#include "baton/record.h"
#include "baton/session.h"
#include "baton/sso.h"
#include "baton/staff.h"
#include "baton/store.h"
#include "baton/transfer.h"

#define BATON_VERSION "0.1.0"

#endif
