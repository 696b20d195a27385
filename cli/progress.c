/*
 * cli/progress.c - the progress line of long commands on a TTY:
 * "[#####-----]  412/1127  37.1 files/s  12.4 MB/s  ETA 0:19".
 * Redrawn at most 10 times a second; nothing is printed when stdout is not
 * a terminal, so scripts and logs see only the summary line.
 */
#include <stdio.h>
#include <unistd.h>

#include "import.h"
#include "progress.h"

void progress_draw(const struct import_progress *p, void *ctx)
{
    struct progress_state *s = ctx;
    char bar[21];
    double rate, mbs;
    size_t fill;

    if (!s->tty || (p->seconds - s->last < 0.1 && p->done != p->total))
        return;
    s->last = p->seconds;
    rate = p->seconds > 0 ? (double)p->done / p->seconds : 0;
    mbs = p->seconds > 0 ? (double)p->bytes / 1e6 / p->seconds : 0;
    fill = p->total ? (p->done * 20) / (p->total > p->done ? p->total : p->done) : 0;
    for (size_t i = 0; i < 20; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[20] = '\0';
    if (p->total && rate > 0 && p->total > p->done) {
        long eta = (long)((double)(p->total - p->done) / rate);
        fprintf(stderr, "\r[%s] %5zu/%zu  %6.1f files/s  %6.1f MB/s  ETA %ld:%02ld  ", bar, p->done,
                p->total, rate, mbs, eta / 60, eta % 60);
    } else {
        fprintf(stderr, "\r[%s] %5zu/%zu  %6.1f files/s  %6.1f MB/s            ", bar, p->done,
                p->total, rate, mbs);
    }
    s->drawn = 1;
}

void progress_end(struct progress_state *s)
{
    if (s->tty && s->drawn)
        fputc('\n', stderr);
}

void progress_init(struct progress_state *s)
{
    s->tty = isatty(STDERR_FILENO) && isatty(STDOUT_FILENO);
    s->last = -1;
    s->drawn = 0;
}
