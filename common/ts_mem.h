/*
 * common/ts_mem.h - allocation wrappers that abort on out-of-memory.
 *
 * Only these call malloc, so internal code has no NULL-check branches and a
 * debug build can count allocations in one place. Free with free().
 */
#ifndef TS_MEM_H
#define TS_MEM_H

#include <stddef.h>

void *ts_xmalloc(size_t n);
void *ts_xcalloc(size_t n, size_t size);
void *ts_xrealloc(void *p, size_t n);
char *ts_xstrdup(const char *s);
char *ts_xstrndup(const char *s, size_t n);

#endif
