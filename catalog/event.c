/*
 * catalog/event.c - the append-only event log (triggers forbid UPDATE/DELETE).
 * Reports are computed from it. Callers write the event inside the same
 * transaction as the change it describes.
 */
#include "catalog_int.h"
#include "ts_buf.h"

int catalog_event_add(catalog *cat, const char *actor, const char *kind, const char *subject,
                      const char *detail, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO event(at, actor, kind, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, cat_now(cat));
    cat_bind_text(st, 2, actor);
    cat_bind_text(st, 3, kind);
    cat_bind_text(st, 4, subject);
    cat_bind_text(st, 5, detail);
    return cat_step_done(cat, st, "add event", err);
}

void cat_json_str(struct ts_buf *b, const char *s)
{
    if (!s) {
        ts_buf_add(b, "null");
        return;
    }
    ts_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            ts_buf_addc(b, '\\');
            ts_buf_addc(b, (char)*p);
        } else if (*p < 0x20) {
            ts_buf_addf(b, "\\u%04x", *p);
        } else {
            ts_buf_addc(b, (char)*p);
        }
    }
    ts_buf_addc(b, '"');
}
