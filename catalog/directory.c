/*
 * catalog/directory.c - telling a server that its directory cache is stale.
 *
 * What "who is asking" reads (API tokens, accounts, their libraries, the
 * library list) changes a few times a day, but a server asked it in a read
 * transaction per request, and every read transaction after a desk COMMIT
 * starts on an emptied page cache. So the server caches it
 * (server/dircache.c) against directory_generation.n, which triggers move
 * with every change (schema 0007).
 *
 * Reading that number still takes a read transaction, so a server reads it
 * only when told to or once a second: after a COMMIT that touched one of
 * those tables, the writer rings a bell, an 8-byte file next to the
 * catalogue (catalog.db-gen) that servers map and compare. A token revoked
 * with `tusach token revoke` is refused from the next request on; a change
 * made with another program (the sqlite3 shell) within a second.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "catalog_int.h"

#define BELL_SUFFIX "-gen"
#define BELL_SIZE 8

struct cat_bell {
    const volatile uint64_t *word;
};

static int bell_path(const char *catalog_path, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s" BELL_SUFFIX, catalog_path);
    return n > 0 && (size_t)n < cap;
}

/* Open (creating) the bell file at its full size; -1 on failure. */
static int bell_fd(const char *catalog_path)
{
    char path[4200];
    struct stat sb;
    int fd;

    if (!bell_path(catalog_path, path, sizeof path))
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    if (fstat(fd, &sb) != 0 || (sb.st_size < BELL_SIZE && ftruncate(fd, BELL_SIZE) != 0)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int directory_table(const char *table)
{
    static const char *const names[] = {"api_token", "account", "account_library", "library",
                                        "reader"};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(table, names[i]) == 0)
            return 1;
    return 0;
}

/* sqlite3_update_hook: a row of a directory table changed in this
 * connection's transaction (rows of reader change for other reasons too: a
 * needless ring only costs a server one read of the number). */
static void row_changed(void *arg, int op, const char *db, const char *table, sqlite3_int64 row)
{
    catalog *cat = arg;

    (void)op;
    (void)db;
    (void)row;
    if (!cat->dir_dirty && directory_table(table))
        cat->dir_dirty = 1;
}

void cat_dir_watch(catalog *cat)
{
    sqlite3_update_hook(cat->db, row_changed, cat);
}

void cat_dir_committed(catalog *cat, int committed)
{
    const char *path;
    unsigned char v[BELL_SIZE];
    int fd;

    if (!cat->dir_dirty)
        return;
    cat->dir_dirty = 0;
    if (!committed || !(path = sqlite3_db_filename(cat->db, "main")) || !*path)
        return;
    /* any new value will do: servers compare, they do not count */
    randombytes_buf(v, sizeof v);
    if ((fd = bell_fd(path)) < 0)
        return; /* servers notice within a second anyway */
    if (pwrite(fd, v, sizeof v, 0) != (ssize_t)sizeof v) {
        /* as above */
    }
    close(fd);
}

int catalog_directory_generation(catalog *cat, int64_t *gen, struct ts_err *err)
{
    static const char sql[] = "SELECT n FROM directory_generation WHERE id = 1";
    return cat_step_i64(cat, sql, gen, "read the directory generation", err);
}

struct cat_bell *catalog_bell_open(const char *catalog_path)
{
    struct cat_bell *b;
    void *p;
    int fd = bell_fd(catalog_path);

    if (fd < 0)
        return NULL;
    p = mmap(NULL, BELL_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    b = malloc(sizeof *b);
    if (!b) {
        munmap(p, BELL_SIZE);
        return NULL;
    }
    b->word = p;
    return b;
}

uint64_t catalog_bell_read(const struct cat_bell *b)
{
    /* a torn read of a value being written only reads as "rung" */
    return b ? __atomic_load_n(b->word, __ATOMIC_ACQUIRE) : 0;
}

void catalog_bell_close(struct cat_bell *b)
{
    if (!b)
        return;
    munmap((void *)b->word, BELL_SIZE);
    free(b);
}
