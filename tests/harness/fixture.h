/*
 * tests/harness/fixture.h - building test data folders through the real
 * module APIs: files on disk, libraries, imports, and finding a record by its
 * title. Every failure is a test check failure (T_OK), not an abort.
 */
#ifndef T_FIXTURE_H
#define T_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "import.h"

/* Write dir/name atomically. */
void t_fx_write(const char *dir, const char *name, const void *p, size_t n);
void t_fx_write_text(const char *dir, const char *name, const char *text);
/* A minimal valid one-page PDF with an Info title and one line of text
 * (ASCII, no parentheses), written to dir/name. */
void t_fx_pdf(const char *dir, const char *name, const char *title, const char *text);
/* The catalogue of data_dir opened read-write (NULL after a failed check);
 * close it with catalog_close. */
catalog *t_fx_open(const char *data_dir);
/* Add a library to the catalogue of data_dir. */
void t_fx_library(const char *data_dir, const char *code, const char *name, const char *kind);
/* import_run(path) into `library` with n_workers; *s filled when s is non-NULL.
 * Returns import_run's code (checked as a test). */
int t_fx_import(const char *data_dir, const char *path, const char *library, int n_workers,
                struct import_summary *s);
/* Id of the first record whose title contains needle (its first file id in
 * *file_id when non-NULL), or 0 with a message on stderr. */
int64_t t_fx_find_record(const char *data_dir, const char *needle, int64_t *file_id);

#endif
