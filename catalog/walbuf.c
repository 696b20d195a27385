/*
 * catalog/walbuf.c - the desk's WAL frames reach the kernel in one write per
 * COMMIT instead of two per page.
 *
 * sqlite writes each WAL frame as two pwrite calls, the 24-byte frame header
 * and then the page, so a desk COMMIT of ten pages made twenty system calls.
 * In this service's virtual machines a system call costs several
 * microseconds of CPU on its way out of the kernel, and the desk is CPU-bound
 * beside the readers (bench/README.md, "One write per COMMIT"). This VFS
 * wraps the default one for the group connection only (catalog_group_open):
 * writes that continue the WAL's append stream are gathered in a buffer, and
 * the buffer goes out in one pwrite when the page of a commit frame (a frame
 * header whose "database size" field is non-zero) has been added to it.
 *
 * Why the order stays what sqlite expects. Another connection learns of new
 * frames only from the wal-index header, which sqlite publishes after the
 * commit frame's page has been written; by then the buffer has gone out,
 * from inside the xWrite of that page, so a failed write fails the COMMIT
 * before anything is published. Every other write to the WAL (a page
 * rewritten in place within a transaction, checksums rewritten after it)
 * first sends the buffer, then goes out as it came. Reads, syncs, size
 * queries, truncation and close of the WAL send the buffer first. The
 * database file's xShmBarrier sends anything still buffered too, so a
 * future sqlite that wrote frames differently would only lose the saving;
 * cat_walbuf_stats counts those late sends (the tests expect none).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "catalog_int.h"
#include "ts_log.h"

#define WB_VFS "tusach-walbuf"
/* sqlite's unix VFS writes at most 128 KiB - 1 per call (seekAndWrite masks
 * the length with 0x1ffff) and calls a longer write a full disk: stay well
 * under it. 64 KiB holds a batch of ~15 pages; longer COMMITs go out in
 * several writes. */
#define WB_CAP (64 * 1024)
#define WAL_HDR_SIZE 32
#define FRAME_HDR_SIZE 24

struct wb_file {
    sqlite3_file base;
    sqlite3_file *real;  /* the default VFS's file, stored after this struct */
    struct wb_file *db;  /* a WAL: its database's file while both are open */
    struct wb_file *wal; /* a database: its open WAL */
    int is_wal;
    unsigned char *buf;
    size_t len;                /* bytes buffered, for the file from off */
    sqlite3_int64 off, next;   /* next: where the append stream goes on (-1: not known yet) */
    sqlite3_int64 commit_page; /* where the page of a commit frame goes (-1: none pending) */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs wb_vfs;
static pthread_once_t wb_once = PTHREAD_ONCE_INIT;
static int wb_ok;
static atomic_ullong n_in, n_out, n_late;

static int wb_send(struct wb_file *p)
{
    int rc;

    if (p->len == 0)
        return SQLITE_OK;
    rc = p->real->pMethods->xWrite(p->real, p->buf, (int)p->len, p->off);
    p->len = 0;
    atomic_fetch_add_explicit(&n_out, 1, memory_order_relaxed);
    return rc;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int wal_write(struct wb_file *p, const void *data, int amt, sqlite3_int64 off)
{
    size_t n = (size_t)amt;
    int rc;

    atomic_fetch_add_explicit(&n_in, 1, memory_order_relaxed);
    /* the append stream: where the last frame ended, a new WAL's header, or
     * (first write on this handle) a frame header */
    if (off != p->next && !(off == 0 && amt == WAL_HDR_SIZE) &&
        !(p->next < 0 && amt == FRAME_HDR_SIZE)) {
        if ((rc = wb_send(p)) != SQLITE_OK)
            return rc;
        atomic_fetch_add_explicit(&n_out, 1, memory_order_relaxed);
        return p->real->pMethods->xWrite(p->real, data, amt, off);
    }
    if (p->len && (off != p->off + (sqlite3_int64)p->len || p->len + n > WB_CAP) &&
        (rc = wb_send(p)) != SQLITE_OK)
        return rc;
    if (n > WB_CAP) {
        atomic_fetch_add_explicit(&n_out, 1, memory_order_relaxed);
        if ((rc = p->real->pMethods->xWrite(p->real, data, amt, off)) != SQLITE_OK)
            return rc;
    } else {
        if (p->len == 0)
            p->off = off;
        memcpy(p->buf + p->len, data, n);
        p->len += n;
    }
    p->next = off + amt;
    if (amt == FRAME_HDR_SIZE) {
        p->commit_page = be32((const unsigned char *)data + 4) ? off + FRAME_HDR_SIZE : -1;
    } else if (off == p->commit_page) {
        p->commit_page = -1;
        return wb_send(p);
    }
    return SQLITE_OK;
}

/* ---------------------------------------------------------------- io methods */

#define REAL(f) (((struct wb_file *)(f))->real)
#define SEND_FIRST(f)                                                                              \
    do {                                                                                           \
        int send_rc_ = wb_send((struct wb_file *)(f));                                             \
        if (send_rc_ != SQLITE_OK)                                                                 \
            return send_rc_;                                                                       \
    } while (0)

static int x_close(sqlite3_file *f)
{
    struct wb_file *p = (struct wb_file *)f;
    int rc = wb_send(p), crc;

    if (p->is_wal && p->db)
        p->db->wal = NULL;
    if (!p->is_wal && p->wal)
        p->wal->db = NULL;
    sqlite3_free(p->buf);
    p->buf = NULL;
    crc = p->real->pMethods->xClose(p->real);
    return rc != SQLITE_OK ? rc : crc;
}

static int x_read(sqlite3_file *f, void *v, int amt, sqlite3_int64 off)
{
    SEND_FIRST(f);
    return REAL(f)->pMethods->xRead(REAL(f), v, amt, off);
}

static int x_write(sqlite3_file *f, const void *v, int amt, sqlite3_int64 off)
{
    struct wb_file *p = (struct wb_file *)f;

    if (p->is_wal && p->buf)
        return wal_write(p, v, amt, off);
    return p->real->pMethods->xWrite(p->real, v, amt, off);
}

static int x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    SEND_FIRST(f);
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int x_sync(sqlite3_file *f, int flags)
{
    SEND_FIRST(f);
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int x_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    SEND_FIRST(f);
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int x_lock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int x_unlock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int x_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int x_file_control(sqlite3_file *f, int op, void *arg)
{
    SEND_FIRST(f);
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int x_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int x_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int x_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **out)
{
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 2 ? m->xShmMap(REAL(f), pg, sz, extend, out) : SQLITE_IOERR;
}

static int x_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 2 ? m->xShmLock(REAL(f), offset, n, flags) : SQLITE_IOERR;
}

static void x_shm_barrier(sqlite3_file *f)
{
    struct wb_file *p = (struct wb_file *)f;

    /* the wal-index header is about to name frames that must be readable */
    if (p->wal && p->wal->len) {
        atomic_fetch_add_explicit(&n_late, 1, memory_order_relaxed);
        if (wb_send(p->wal) != SQLITE_OK)
            ts_log(TS_LOG_ERROR, "catalog", "WAL write failed at a barrier");
    }
    if (p->real->pMethods->iVersion >= 2)
        p->real->pMethods->xShmBarrier(p->real);
}

static int x_shm_unmap(sqlite3_file *f, int del)
{
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 2 ? m->xShmUnmap(REAL(f), del) : SQLITE_OK;
}

static int x_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    const sqlite3_io_methods *m = REAL(f)->pMethods;

    *pp = NULL;
    return m->iVersion >= 3 ? m->xFetch(REAL(f), off, amt, pp) : SQLITE_OK;
}

static int x_unfetch(sqlite3_file *f, sqlite3_int64 off, void *v)
{
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 3 ? m->xUnfetch(REAL(f), off, v) : SQLITE_OK;
}

static const sqlite3_io_methods wb_methods = {
    3,           x_close,   x_read,     x_write,          x_truncate,     x_sync,
    x_file_size, x_lock,    x_unlock,   x_check_reserved, x_file_control, x_sector_size,
    x_device,    x_shm_map, x_shm_lock, x_shm_barrier,    x_shm_unmap,    x_fetch,
    x_unfetch,
};

/* ---------------------------------------------------------------- the VFS */

static size_t wrapper_size(void)
{
    return (sizeof(struct wb_file) + 15) & ~(size_t)15;
}

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct wb_file *p = (struct wb_file *)f;
    int rc;

    (void)vfs;
    memset(p, 0, sizeof *p);
    p->real = (sqlite3_file *)((char *)f + wrapper_size());
    p->next = p->commit_page = -1;
    rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
    if (rc != SQLITE_OK || !p->real->pMethods) {
        p->base.pMethods = NULL; /* nothing to close */
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    p->base.pMethods = &wb_methods;
    if ((flags & SQLITE_OPEN_WAL) && name) {
        sqlite3_file *dbf = sqlite3_database_file_object(name);
        p->is_wal = 1;
        p->buf = sqlite3_malloc(WB_CAP); /* NULL: writes go straight through */
        if (dbf && dbf->pMethods == &wb_methods) {
            p->db = (struct wb_file *)dbf;
            p->db->wal = p;
        }
    }
    return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *msg)
{
    (void)v;
    real_vfs->xDlError(real_vfs, n, msg);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return real_vfs->xDlSym(real_vfs, h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
    (void)v;
    real_vfs->xDlClose(real_vfs, h);
}

static int v_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return real_vfs->xSleep(real_vfs, us);
}

static int v_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int v_last_error(sqlite3_vfs *v, int n, char *msg)
{
    (void)v;
    return real_vfs->xGetLastError(real_vfs, n, msg);
}

static int v_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static void wb_register(void)
{
    /* version 2 is what sqlite's own unix VFS offers beyond version 1 */
    if (!(real_vfs = sqlite3_vfs_find(NULL)) || real_vfs->iVersion < 2)
        return;
    wb_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)wrapper_size() + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = WB_VFS,
        .xOpen = v_open,
        .xDelete = v_delete,
        .xAccess = v_access,
        .xFullPathname = v_full_pathname,
        .xDlOpen = v_dlopen,
        .xDlError = v_dlerror,
        .xDlSym = v_dlsym,
        .xDlClose = v_dlclose,
        .xRandomness = v_randomness,
        .xSleep = v_sleep,
        .xCurrentTime = v_current_time,
        .xGetLastError = v_last_error,
        .xCurrentTimeInt64 = v_current_time64,
    };
    wb_ok = sqlite3_vfs_register(&wb_vfs, 0) == SQLITE_OK;
}

const char *cat_walbuf_vfs(void)
{
    pthread_once(&wb_once, wb_register);
    return wb_ok ? WB_VFS : NULL;
}

void cat_walbuf_stats(unsigned long long *writes_in, unsigned long long *writes_out,
                      unsigned long long *late)
{
    *writes_in = atomic_load(&n_in);
    *writes_out = atomic_load(&n_out);
    *late = atomic_load(&n_late);
}
