/* How a connection waits for another's write: SQLite's own busy timeout sleeps longer and longer
 * (up to 100 ms a time), so under a server's many short writes to the access log a waiter keeps
 * sleeping long after the lock is free, and a page's tail latency grows to a second. This waits in
 * short steps instead (200 us, growing to 2 ms), up to the same deadline. */
#include "store_internal.h"

#include <sqlite3.h>
#include <time.h>

static int busy(void *ctx, int tries)
{
    long limit_ms = (long)(size_t)ctx;
    /* the total slept so far, from the number of tries: 200 us steps growing by 200 us to 2 ms */
    long step_us = tries < 10 ? 200L * (tries + 1) : 2000L;
    long slept_us = tries < 10 ? 100L * tries * (tries + 1) : 11000L + 2000L * (tries - 10);
    if (slept_us / 1000 >= limit_ms)
        return 0;
    struct timespec ts = {0, step_us * 1000L};
    nanosleep(&ts, NULL);
    return 1;
}

void baton_sqlite_wait(sqlite3 *db, long limit_ms) { sqlite3_busy_handler(db, busy, (void *)(size_t)limit_ms); }
