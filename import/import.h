/*
 * import/import.h - bringing collections into the catalogue and the index.
 *
 * import_run() walks a folder tree, a single file or an archive (zip, tar,
 * tar.gz; read with libarchive, members never written to disk unchecked).
 * Files are hashed, extracted and analysed on worker threads; one writer
 * stores new files content-addressed, writes records/files/holdings/index
 * queue rows in one sqlite transaction per batch, writes the Xapian documents,
 * commits the index, then drains the queue rows. Killing it at any point and
 * running the same command again leaves catalogue and index in agreement.
 */
#ifndef TS_IMPORT_H
#define TS_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ts_err.h"

struct import_progress {
    size_t done, total; /* files handled so far; total 0 while unknown */
    size_t imported, unchanged, failed, skipped;
    uint64_t bytes; /* input bytes handled */
    double seconds;
};

/* What PATH holds: e-book/OER files (folder, archive, file) or a metadata file. */
enum import_format { IMPORT_AUTO, IMPORT_FILES, IMPORT_CSV, IMPORT_MARC, IMPORT_DC };

/* Guess from the name and the first bytes: .csv/.tsv -> CSV; .mrc/.marc/.iso2709 or
 * a MARC leader -> MARC; XML with the MARC21 slim namespace -> MARC; XML with
 * oai_dc / Dublin Core / RDF -> DC; anything else -> FILES. */
enum import_format import_detect_format(const char *path);
/* "csv" -> IMPORT_CSV ...; -1 if unknown. */
int import_format_parse(const char *name);

struct import_opts {
    const char *data_dir;
    const char *library;   /* library code (import_run only) */
    int n_workers;         /* 0 -> number of online CPUs */
    size_t commit_every;   /* files per catalogue+index commit; 0 -> 200 */
    size_t max_file_bytes; /* largest file or archive member read; 0 -> 512 MiB */
    /* called from the writer thread after each file; may be NULL */
    void (*progress)(const struct import_progress *p, void *ctx);
    /* called for each file that failed (path, reason); may be NULL */
    void (*on_error)(const char *path, const struct ts_err *why, void *ctx);
    void *ctx;
    /* metadata imports (CSV, MARC, DC, harvest) */
    enum import_format format;  /* IMPORT_AUTO: import_detect_format() */
    const char *const *csv_map; /* "Header=field" overrides */
    size_t n_csv_map;
    int dry_run; /* do everything in a transaction, then roll it back */
    /* called for each metadata record: outcome "created" "merged" "updated" "unchanged"
       "rejected"; may be NULL */
    void (*on_record)(const char *origin, const char *outcome, int64_t record_id, const char *title,
                      const char *matched_by, void *ctx);
};

struct import_summary {
    int64_t batch_id;
    size_t imported, unchanged, failed, skipped, reindexed;
    uint64_t bytes;
    double seconds;
    /* metadata imports */
    int metadata; /* set by metadata imports: the counts below apply */
    size_t created, merged, updated, rejected, items_added, items_refused, possible_duplicates,
        warnings;
};

/* Data folder layout. */
#define IMPORT_CATALOG_FILE "catalog.db"
#define IMPORT_INDEX_DIR "index"

/* Create the data folder, the catalogue (migrated) and an empty index. Idempotent. */
int import_init(const char *data_dir, struct ts_err *err);

/*
 * Import `path` into library opts->library. Per-file failures are reported
 * through on_error and in the batch's error list and do not stop the run.
 * Returns TS_OK when the run completed (even with failed files), or the error
 * that stopped it (unknown library, catalogue/index unavailable, TS_EBUSY).
 */
int import_run(const char *path, const struct import_opts *opts, struct import_summary *sum,
               struct ts_err *err);

/*
 * Import a metadata file (CSV/TSV, MARC21 ISO 2709 or MARCXML, Dublin Core /
 * OAI-PMH XML) into library opts->library: each record is matched against the
 * catalogue and created, merged or updated (catalog_record_upsert); bad
 * records are reported and skipped. import_run() calls this for metadata files.
 */
int import_metadata(const char *path, const struct import_opts *opts, struct import_summary *sum,
                    struct ts_err *err);

/* Harvest an OAI-PMH repository (oai_dc) incrementally: from the last harvest
 * of this URL unless `from` is given. */
int import_harvest(const char *url, const char *set, const char *from, const char *until,
                   const struct import_opts *opts, struct import_summary *sum, struct ts_err *err);

/*
 * Export the catalogue (or the records with a copy or file at `library`) to
 * `out` as "marcxml", "marc" (ISO 2709), "dc" (OAI-PMH oai_dc) or "csv" (one
 * row per copy, formula-injection safe). *n = records written.
 */
int import_export(const char *data_dir, const char *format, const char *library, FILE *out,
                  size_t *n, struct ts_err *err);

/* Rebuild the whole index from the catalogue and the file store. */
int import_reindex(const struct import_opts *opts, struct import_summary *sum, struct ts_err *err);

/* Index records left in the queue by an interrupted run (import_run and
 * import_reindex do this first on their own). */
int import_drain(const struct import_opts *opts, struct import_summary *sum, struct ts_err *err);

/*
 * Consistency check: every record has exactly one head document, no document
 * belongs to an unknown record, the index queue is empty. Prints nothing;
 * fills counts and returns TS_OK when consistent, TS_ECONFLICT otherwise with
 * the first problem in err.
 */
struct import_check {
    size_t records, indexed, missing, duplicated, orphans, queued;
};
int import_check(const char *data_dir, struct import_check *chk, struct ts_err *err);

/*
 * The catalogue's view of record `r` as a struct meta_rec (metarec.h): what the
 * exporters write, and what the SRU server turns into MARCXML. New
 * (meta_rec_free()); `r` is borrowed.
 */
struct cat_record;
struct meta_rec;
struct meta_rec *import_meta_from_record(const struct cat_record *r);

#endif
