/* libFuzzer target: command-line argument parsing of the baton command, the whole dispatch table
 * down to each command's options and values (the richest: journal add, handover context, search),
 * against a small store made once. The input is split into arguments at NUL bytes. Output goes to
 * /dev/null; stdin is /dev/null; $EDITOR is `true`, so nothing waits. Every exit code must be
 * one the README documents (0-4). */
#include "fuzz_scratch.h"

#include <stdint.h>

int baton_cli_main(int argc, char **argv);

static void setup(void)
{
    char store[128];
    const char *dir = fuzz_scratch();
    /* made-up arguments name made-up paths (--store, -o, key files): relative ones must land in
     * the scratch directory, never in the directory the fuzzer was started from */
    if (chdir(dir) != 0)
        abort();
    snprintf(store, sizeof store, "%s/s", dir);
    setenv("BATON_STORE", store, 1);
    setenv("EDITOR", "true", 1);
    setenv("VISUAL", "true", 1);
    unsetenv("BATON_USER");
    if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout))
        abort();
    char *init[] = {"baton", "init", store, NULL};
    char *staff[] = {"baton", "staff", "add", "f", "--name", "F", "--email", "f@fuzz.example", "--role", "coordinator", NULL};
    char *kase[] = {"baton", "case", "new", "--child", "Fuzz Barn", "--born", "2017-01-01", "--context", "school:S:2.B",
                    "--contact", "f", NULL};
    baton_cli_main(3, init);
    baton_cli_main(10, staff);
    setenv("BATON_USER", "f", 1);
    baton_cli_main(11, kase);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_dir[0])
        setup();
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[66];
    int argc = 0;
    argv[argc++] = "baton";
    for (size_t i = 0; i <= size && argc < 64;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    /* no command that waits for a person, serves until stopped, or rewrites the whole store */
    if (argc > 1 && (strcmp(argv[1], "init") == 0 || strcmp(argv[1], "reindex") == 0 || strcmp(argv[1], "gc") == 0 ||
                     strcmp(argv[1], "serve") == 0)) {
        free(buf);
        return 0;
    }
    int rc = baton_cli_main(argc, argv);
    free(buf);
    /* the exit codes the README documents, and no other */
    if (rc < 0 || rc > 5)
        abort();
    return 0;
}
