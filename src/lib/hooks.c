/* The test hooks' numbers (hooks.h): test builds only; in the installed binary this file is empty. */
#include "hooks.h"

#ifdef BATON_TEST_HOOKS
#include <stdlib.h>

long long baton_hook_number(const char *name, long long dflt)
{
    const char *v = getenv(name);
    return v && *v ? atoll(v) : dflt;
}
#else
typedef int baton_hooks_empty; /* ISO C wants a translation unit to declare something */
#endif
