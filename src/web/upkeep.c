/* The store's packing, kept out of every request. A page's store handle leaves gc to the server
 * (baton_store_gc_defer); after a write, the server starts `baton gc --auto` as a process of its
 * own when packing is due. A full repack of a large store takes minutes: run in the request that
 * happened to cross the threshold, it held that page for minutes (and, while gc took the writers'
 * lock, every other save too, until they gave up as busy), and kept the server from stopping. In a
 * process of its own nobody waits for it, and gc's own lock keeps two from running at once. */
#include "pages.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static pthread_mutex_t upkeep_mutex = PTHREAD_MUTEX_INITIALIZER;
static pid_t running;       /* the gc started last, until it is reaped */
static time_t last_checked; /* whether gc is due is asked at most once a second */
static char self[4096];     /* this program, as the kernel knows it */

void web_upkeep_init(void)
{
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
}

void web_upkeep_after_write(const web_options *o, baton_store *store)
{
    if (!self[0] || pthread_mutex_lock(&upkeep_mutex) != 0)
        return;
    if (running > 0 && waitpid(running, NULL, WNOHANG) != 0)
        running = 0;
    time_t now = time(NULL);
    if (running == 0 && now != last_checked) {
        last_checked = now;
        if (baton_store_gc_due(store)) {
            char *argv[] = {self, "gc", "--auto", "--store", (char *)o->store, NULL};
            posix_spawn_file_actions_t fa;
            posix_spawn_file_actions_init(&fa);
            /* it has nothing to say to the server's terminal; what it did, `baton gc` shows */
            for (int fd = 0; fd < 3; fd++)
                posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
            pid_t pid;
            if (posix_spawn(&pid, self, &fa, NULL, argv, environ) == 0)
                running = pid;
            posix_spawn_file_actions_destroy(&fa);
        }
    }
    pthread_mutex_unlock(&upkeep_mutex);
}
