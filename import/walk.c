/*
 * import/walk.c - find the files of a collection: a folder tree, a single
 * file, or a collection archive (zip, tar, tar.gz, tar.bz2, tar.xz).
 *
 * Archives are read with libarchive straight into bounded memory buffers;
 * nothing is extracted to disk. Members with absolute or "../" paths, links
 * and device entries are refused with a reason; member sizes and the total
 * decompressed size are capped, which is what stops decompression bombs.
 * A zip that is itself a document (EPUB, IMS package, SCORM, H5P) is one
 * file, not a collection. Symbolic links in folders are not followed.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "import_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

struct job *job_new(const char *source, const char *name)
{
    struct job *j = ts_xcalloc(1, sizeof *j);
    j->source = ts_xstrdup(source);
    j->name = ts_xstrdup(name);
    return j;
}

void job_free(struct job *j)
{
    if (!j)
        return;
    free(j->source);
    free(j->name);
    free(j->fs_path);
    free(j->bytes);
    ix_doc_free(j->doc);
    ix_prepared_free(j->prep);
    free(j);
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

static int is_tar_name(const char *name)
{
    return has_suffix(name, ".tar") || has_suffix(name, ".tar.gz") || has_suffix(name, ".tgz") ||
           has_suffix(name, ".tar.bz2") || has_suffix(name, ".tar.xz") ||
           has_suffix(name, ".tbz2") || has_suffix(name, ".txz");
}

/* Does this zip describe itself (EPUB, IMS CP/CC, SCORM, H5P)? Reads headers only. */
static int zip_is_package(struct archive *a)
{
    struct archive_entry *e;
    int found = 0, n = 0;

    while (!found && n++ < 100000 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *p = archive_entry_pathname(e);
        if (p && (strcmp(p, "META-INF/container.xml") == 0 || strcmp(p, "mimetype") == 0 ||
                  strcmp(p, "imsmanifest.xml") == 0 || strcmp(p, "h5p.json") == 0))
            found = 1;
        archive_read_data_skip(a);
    }
    return found;
}

static int zip_file_is_package(const char *path)
{
    struct archive *a = archive_read_new();
    int r = 1; /* unreadable: let the extractor report why */

    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, 1 << 16) == ARCHIVE_OK)
        r = zip_is_package(a);
    archive_read_free(a);
    return r;
}

static int zip_mem_is_package(const void *p, size_t n)
{
    struct archive *a = archive_read_new();
    int r = 1;

    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, p, n) == ARCHIVE_OK)
        r = zip_is_package(a);
    archive_read_free(a);
    return r;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int is_collection_archive(const char *path)
{
    if (is_tar_name(path))
        return 1;
    return has_suffix(path, ".zip") && !zip_file_is_package(path);
}

/* Member paths must stay inside the archive. */
static const char *unsafe_member(const char *p)
{
    if (!p || !*p)
        return "empty member name";
    if (p[0] == '/' || p[0] == '\\' || (p[0] && p[1] == ':'))
        return "absolute path in archive";
    for (const char *s = p; *s;) {
        const char *e = s + strcspn(s, "/\\");
        if (e - s == 2 && s[0] == '.' && s[1] == '.')
            return "'..' path in archive";
        s = *e ? e + 1 : e;
    }
    return NULL;
}

static int emit_failed(emit_fn emit, void *ctx, const char *source, enum ts_code code,
                       const char *reason)
{
    struct job *j = job_new(source, base_name(source));
    j->state = JOB_FAILED;
    ts_fail(&j->err, code, "%s", reason);
    return emit(j, ctx);
}

static int emit_skipped(emit_fn emit, void *ctx, const char *source)
{
    struct job *j = job_new(source, base_name(source));
    j->state = JOB_SKIPPED;
    return emit(j, ctx);
}

static size_t max_file_bytes = IMPORT_MAX_FILE; /* set per walk; one walk at a time */

static int walk_archive(const char *path, emit_fn emit, void *ctx, size_t *count,
                        struct ts_err *err)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    uint64_t total = 0;
    struct ts_buf src;
    int rc = TS_OK, r;

    ts_buf_init(&src, 0);
    archive_read_support_filter_all(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_support_format_cpio(a);
    if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
        if (!count)
            rc = emit_failed(emit, ctx, path, TS_EPARSE, archive_error_string(a));
        goto out;
    }
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname(e), *why;
        mode_t type = archive_entry_filetype(e);

        ts_buf_reset(&src);
        ts_buf_addf(&src, "%s!/%s", path, name ? name : "?");
        if (type == AE_IFDIR)
            continue;
        if (count) {
            if (type == AE_IFREG && ix_extract_supported(name ? name : ""))
                (*count)++;
            continue;
        }
        if ((why = unsafe_member(name))) {
            rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_EPARSE, why);
        } else if (archive_entry_hardlink(e) || type == AE_IFLNK) {
            rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_EPARSE, "link in archive refused");
        } else if (type != AE_IFREG) {
            rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_EPARSE,
                             "special file in archive refused");
        } else if (base_name(name)[0] == '.') {
            continue;
        } else if (is_tar_name(name)) {
            rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_EINVAL,
                             "nested archive not imported: import it separately");
        } else if (!ix_extract_supported(name)) {
            rc = emit_skipped(emit, ctx, ts_buf_str(&src));
        } else if (archive_entry_size_is_set(e) &&
                   (uint64_t)archive_entry_size(e) > (uint64_t)max_file_bytes) {
            char msg[96];
            snprintf(msg, sizeof msg, "member declares %lld bytes, over the %zu MiB limit",
                     (long long)archive_entry_size(e), max_file_bytes >> 20);
            rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_ETOOBIG, msg);
        } else {
            struct ts_buf data;
            char chunk[65536];
            ssize_t n;
            int too_big = 0;

            ts_buf_init(&data, max_file_bytes);
            while ((n = archive_read_data(a, chunk, sizeof chunk)) > 0) {
                total += (uint64_t)n;
                if (total > IMPORT_MAX_ARCHIVE_TOTAL || ts_buf_addn(&data, chunk, (size_t)n)) {
                    too_big = 1;
                    break;
                }
            }
            if (too_big) {
                ts_buf_free(&data);
                if (total > IMPORT_MAX_ARCHIVE_TOTAL) {
                    rc = emit_failed(emit, ctx, path, TS_ETOOBIG,
                                     "archive decompresses to more than 16 GiB: stopped");
                    goto out;
                }
                {
                    char msg[96];
                    snprintf(msg, sizeof msg, "member larger than %zu MiB when decompressed",
                             max_file_bytes >> 20);
                    rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_ETOOBIG, msg);
                }
            } else if (n < 0) {
                ts_buf_free(&data);
                rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_EPARSE, archive_error_string(a));
            } else if (has_suffix(name, ".zip") && !zip_mem_is_package(data.data, data.len)) {
                ts_buf_free(&data);
                rc = emit_failed(emit, ctx, ts_buf_str(&src), TS_EINVAL,
                                 "nested archive not imported: import it separately");
            } else {
                struct job *j = job_new(ts_buf_str(&src), base_name(name));
                j->len = data.len;
                j->bytes = ts_buf_take(&data);
                rc = emit(j, ctx);
            }
        }
        if (rc)
            goto out;
    }
    if (r != ARCHIVE_EOF && !count)
        rc = emit_failed(emit, ctx, path, TS_EPARSE, archive_error_string(a));
out:
    (void)err;
    ts_buf_free(&src);
    archive_read_free(a);
    return rc;
}

static int walk_one(const char *path, emit_fn emit, void *ctx, size_t *count, int depth,
                    struct ts_err *err);

static int walk_dir(const char *path, emit_fn emit, void *ctx, size_t *count, int depth,
                    struct ts_err *err)
{
    struct dirent **names = NULL;
    struct ts_buf child;
    int n, rc = TS_OK;

    if (depth > 64)
        return count ? TS_OK : emit_failed(emit, ctx, path, TS_ETOOBIG, "folders nested too deep");
    n = scandir(path, &names, NULL, alphasort);
    if (n < 0)
        return count ? TS_OK : emit_failed(emit, ctx, path, TS_EIO, strerror(errno));
    ts_buf_init(&child, 0);
    for (int i = 0; i < n; i++) {
        const char *d = names[i]->d_name;
        if (rc == TS_OK && d[0] != '.') {
            ts_buf_reset(&child);
            ts_buf_addf(&child, "%s/%s", path, d);
            rc = walk_one(ts_buf_str(&child), emit, ctx, count, depth + 1, err);
        }
        free(names[i]);
    }
    free(names);
    ts_buf_free(&child);
    return rc;
}

static int walk_one(const char *path, emit_fn emit, void *ctx, size_t *count, int depth,
                    struct ts_err *err)
{
    struct stat st;

    if (lstat(path, &st) != 0) {
        if (depth == 0)
            return ts_fail(err, TS_ENOTFOUND, "%s: %s", path, strerror(errno));
        return count ? TS_OK : emit_failed(emit, ctx, path, TS_EIO, strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
        if (depth > 0)
            return count ? TS_OK : emit_skipped(emit, ctx, path);
        if (stat(path, &st) != 0) /* the path the librarian typed may be a link */
            return ts_fail(err, TS_ENOTFOUND, "%s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return walk_dir(path, emit, ctx, count, depth, err);
    if (!S_ISREG(st.st_mode))
        return count ? TS_OK : emit_skipped(emit, ctx, path);
    if (is_collection_archive(path)) {
        if (count && is_tar_name(path)) {
            (*count)++; /* counting a tar means decompressing it: estimate */
            return TS_OK;
        }
        return walk_archive(path, emit, ctx, count, err);
    }
    if (count) {
        if (ix_extract_supported(path))
            (*count)++;
        return TS_OK;
    }
    if (!ix_extract_supported(path))
        return emit_skipped(emit, ctx, path);
    {
        struct job *j = job_new(path, base_name(path));
        j->fs_path = ts_xstrdup(path);
        return emit(j, ctx);
    }
}

static int count_emit(struct job *j, void *ctx)
{
    (void)ctx;
    job_free(j);
    return TS_OK;
}

int walk_count(const char *path, size_t *n_total)
{
    *n_total = 0;
    return walk_one(path, count_emit, NULL, n_total, 0, NULL);
}

int walk_path(const char *path, size_t max_file, emit_fn emit, void *ctx, struct ts_err *err)
{
    max_file_bytes = max_file ? max_file : IMPORT_MAX_FILE;
    return walk_one(path, emit, ctx, NULL, 0, err);
}
