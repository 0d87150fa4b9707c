#include "cjemalloc.h"
#include <jemalloc/jemalloc.h>

// ainewsd allocates with jemalloc rather than glibc's malloc. Entries are parsed on the fetch
// thread and freed on others once stored; glibc frees each chunk into the arena of the thread
// that allocated it, under that arena's lock, and in the fetch benchmark's first cycle threads
// waited on those locks about 2,500 times (perf sched_switch), the fetch thread among them.
// One arena keeps the memory of a small daemon small; freed pages go back after a second.
const char *malloc_conf = "narenas:1,dirty_decay_ms:1000";

int cjemalloc_release_free_memory(void) {
    // MALLCTL_ARENAS_ALL: every arena.
    return mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
}
