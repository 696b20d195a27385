/*
 * catalog/store.h - the content-addressed file store: DATA/files/aa/bb/<sha256>.
 *
 * Files are named by their SHA-256, so storing the same bytes twice is a
 * no-op and a half-written file can never be mistaken for a good one (it is
 * written under a temporary name and renamed). Durability is batched: writes
 * are not fsynced one by one; catalog_store_sync() flushes the filesystem
 * once before the catalogue transaction that refers to the new files commits.
 */
#ifndef TS_STORE_H
#define TS_STORE_H

#include <stddef.h>

#include "ts_err.h"

/* Path of a stored file into buf (cap bytes). */
int catalog_store_path(const char *data_dir, const char *sha256, char *buf, size_t cap,
                       struct ts_err *err);
/* Store bytes under their sha256 (given, 64 hex). Existing file: TS_OK, untouched. */
int catalog_store_put(const char *data_dir, const char *sha256, const void *bytes, size_t len,
                      struct ts_err *err);
/* Read a stored file (malloc'd, NUL-terminated; free()). Verifies nothing:
 * the name is the hash, and reindex re-hashes only on `tusach check`. */
int catalog_store_read(const char *data_dir, const char *sha256, size_t max, char **out,
                       size_t *len, struct ts_err *err);
/* Flush everything written to the store's filesystem (syncfs). */
int catalog_store_sync(const char *data_dir, struct ts_err *err);

#endif
