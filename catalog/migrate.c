/*
 * catalog/migrate.c - schema migrations: numbered SQL files in catalog/schema/,
 * compiled into the binary, applied in order by PRAGMA user_version.
 *
 * Each migration runs in its own transaction together with the user_version
 * bump, so an interrupted upgrade leaves the previous version intact.
 */
#include <stdio.h>

#include "catalog_int.h"
#include "ts_embed.h"

extern const struct ts_embedded catalog_migrations[];

int catalog_schema_latest(void)
{
    int n = 0;
    while (catalog_migrations[n].name)
        n++;
    return n;
}

int catalog_schema_version(catalog *cat)
{
    sqlite3_stmt *st = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(cat->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int catalog_migrate(catalog *cat, struct ts_err *err)
{
    int have = catalog_schema_version(cat), latest = catalog_schema_latest(), rc;
    char pragma[64];

    if (have < 0)
        return cat_dberr(cat, 0, "read schema version", err);
    if (have > latest)
        return ts_fail(err, TS_EDB,
                       "catalogue schema version %d is newer than this tusach (%d): upgrade tusach",
                       have, latest);
    for (int v = have; v < latest; v++) {
        char *msg = NULL;
        if ((rc = catalog_tx_begin(cat, err)))
            return rc;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(cat->db, (const char *)catalog_migrations[v].bytes, NULL, NULL, &msg) !=
                SQLITE_OK ||
            sqlite3_exec(cat->db, pragma, NULL, NULL, &msg) != SQLITE_OK) {
            rc = ts_fail(err, TS_EDB, "migration %s: %s", catalog_migrations[v].name,
                         msg ? msg : "failed");
            sqlite3_free(msg);
            return catalog_tx_end(cat, rc, err);
        }
        if ((rc = catalog_tx_end(cat, TS_OK, err)))
            return rc;
    }
    return TS_OK;
}
