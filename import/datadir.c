/*
 * import/datadir.c - the data folder: DATA/catalog.db (sqlite), DATA/index/
 * (Xapian), DATA/files/ (content-addressed store). Creation and the
 * catalogue/index consistency check used after crashes and by tests.
 */
#include <stdio.h>
#include <stdlib.h>

#include "catalog.h"
#include "import.h"
#include "indexer.h"
#include "ts_util.h"

int import_init(const char *data_dir, struct ts_err *err)
{
    char path[4096];
    catalog *cat = NULL;
    indexer *ix = NULL;
    int rc;

    if ((rc = ts_mkdirs(data_dir, err)))
        return rc;
    snprintf(path, sizeof path, "%s/files", data_dir);
    if ((rc = ts_mkdirs(path, err)))
        return rc;
    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    if ((rc = catalog_open(path, &cat, err)))
        return rc;
    catalog_close(cat);
    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_INDEX_DIR);
    if ((rc = indexer_open_writer(path, &ix, err)))
        return rc;
    rc = indexer_commit(ix, err);
    indexer_close(ix);
    return rc;
}

int import_check(const char *data_dir, struct import_check *chk, struct ts_err *err)
{
    char path[4096];
    catalog *cat = NULL;
    indexer *ix = NULL;
    int64_t *rids = NULL, *xids = NULL;
    size_t n_r = 0, n_x = 0, *counts = NULL, i = 0, k = 0;
    int rc;

    *chk = (struct import_check){0};
    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    if ((rc = catalog_open(path, &cat, err)))
        return rc;
    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_INDEX_DIR);
    if ((rc = indexer_open_reader(path, &ix, err)))
        goto out;
    if ((rc = catalog_record_ids(cat, &rids, &n_r, err)) ||
        (rc = indexer_record_ids(ix, &xids, &counts, &n_x, err)))
        goto out;
    chk->records = n_r;
    chk->queued = (size_t)catalog_queue_count(cat) + (size_t)catalog_holdings_queue_count(cat);
    /* both lists ascending: merge */
    while (i < n_r || k < n_x) {
        if (k >= n_x || (i < n_r && rids[i] < xids[k])) {
            chk->missing++;
            i++;
        } else if (i >= n_r || xids[k] < rids[i]) {
            chk->orphans++;
            k++;
        } else {
            chk->indexed++;
            if (counts[k] != 1)
                chk->duplicated++;
            i++;
            k++;
        }
    }
    if (chk->missing || chk->orphans || chk->duplicated || chk->queued)
        rc = ts_fail(err, TS_ECONFLICT,
                     "catalogue and index disagree: %zu records missing from the index, %zu "
                     "orphan documents, %zu duplicated, %zu still queued",
                     chk->missing, chk->orphans, chk->duplicated, chk->queued);
out:
    free(rids);
    free(xids);
    free(counts);
    indexer_close(ix);
    catalog_close(cat);
    return rc;
}
