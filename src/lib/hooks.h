/* Test hooks: numbers a test build takes from the environment (a short lock wait, a small rank
 * limit), so a test reaches a limit without a store big enough to reach it. Compiled only into
 * test builds (-DBATON_TEST_HOOKS): in the installed binary the macro is its default, and the
 * variable's name is not in the binary at all (t_hooks.sh checks). */
#ifndef BATON_HOOKS_H
#define BATON_HOOKS_H

#ifdef BATON_TEST_HOOKS
long long baton_hook_number(const char *name, long long dflt);
#define BATON_HOOK_NUMBER(name, dflt) baton_hook_number(name, dflt)
#else
#define BATON_HOOK_NUMBER(name, dflt) (dflt)
#endif

#endif
