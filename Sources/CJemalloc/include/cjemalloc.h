#ifndef AINEWS_CJEMALLOC_H
#define AINEWS_CJEMALLOC_H

/// Gives the pages of freed memory back to the system; 0 on success.
int cjemalloc_release_free_memory(void);

#endif
