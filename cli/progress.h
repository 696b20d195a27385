/*
 * cli/progress.h - progress line on a TTY (see progress.c).
 */
#ifndef TS_PROGRESS_H
#define TS_PROGRESS_H

#include "import.h"

struct progress_state {
    int tty, drawn;
    double last;
};

void progress_init(struct progress_state *s);
/* import_opts.progress callback; ctx is a struct progress_state. */
void progress_draw(const struct import_progress *p, void *ctx);
void progress_end(struct progress_state *s);

#endif
