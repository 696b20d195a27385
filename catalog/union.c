/*
 * catalog/union.c - the union catalogue: one record per work, however many
 * libraries and files describe it. Matching (source identifier, ISBN, other
 * standard numbers, folded title+author+year), merging without losing values
 * (what is not kept goes to record_history), librarian-driven merges and
 * edits, and the list of possible duplicates that fell below the threshold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"
#include "circ.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_text.h"

#define FAIL_STMT(err) ((err) ? (int)(err)->code : TS_EDB)

const char *cat_outcome_name(enum cat_outcome o)
{
    switch (o) {
    case CAT_CREATED: return "created";
    case CAT_MERGED: return "merged";
    case CAT_UPDATED: return "updated";
    default: return "unchanged";
    }
}

char *catalog_match_key(const char *title, const char *first_author, const char *date)
{
    struct ts_buf b;
    char *t, *a;
    int64_t year = cat_year_of(date);

    if (!title || !*title)
        return NULL;
    t = ts_text_fold(title, strlen(title));
    a = first_author ? ts_text_fold(first_author, strlen(first_author)) : NULL;
    ts_buf_init(&b, 0);
    ts_buf_addf(&b, "%s|%s|", t, a ? a : "");
    if (year)
        ts_buf_addf(&b, "%lld", (long long)year);
    free(t);
    free(a);
    return ts_buf_take(&b);
}

/* Scalar fields a merge compares, in SELECT order. The UPDATE statements are
 * static strings: no SQL is ever built from a field name given as input. */
#define UPD(col) "UPDATE record SET " col " = ?2, updated = ?3 WHERE id = ?1"
static const struct field {
    const char *name, *update;
} fields[] = {
    {"title", UPD("title")},
    {"subtitle", UPD("subtitle")},
    {"language", UPD("language")},
    {"publisher", UPD("publisher")},
    {"place", UPD("place")},
    {"date", UPD("date")},
    {"edition", UPD("edition")},
    {"extent", UPD("extent")},
    {"series", UPD("series")},
    {"notes", UPD("notes")},
    {"description", UPD("description")},
    {"classification", UPD("classification")},
    {"resource_type", UPD("resource_type")},
    {"audience", UPD("audience")},
    {"licence", UPD("licence")},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

static void incoming_values(const struct cat_record_in *in, const char *v[N_FIELDS])
{
    v[0] = in->title;
    v[1] = in->subtitle;
    v[2] = in->language;
    v[3] = in->publisher;
    v[4] = in->place;
    v[5] = in->date;
    v[6] = in->edition;
    v[7] = in->extent;
    v[8] = in->series;
    v[9] = in->notes;
    v[10] = in->description;
    v[11] = in->classification;
    v[12] = in->resource_type;
    v[13] = in->audience;
    v[14] = in->licence;
}

static int current_values(catalog *cat, int64_t id, char *v[N_FIELDS], struct ts_err *err)
{
    static const char sql[] =
        "SELECT title, subtitle, language, publisher, place, date, edition, extent, series,"
        " notes, description, classification, resource_type, audience, licence"
        " FROM record WHERE id = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    memset(v, 0, N_FIELDS * sizeof *v);
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        for (size_t i = 0; i < N_FIELDS; i++)
            v[i] = cat_col_strdup(st, (int)i);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src == SQLITE_DONE)
        return ts_fail(err, TS_ENOTFOUND, "no record %lld", (long long)id);
    return cat_dberr(cat, src, "read record", err);
}

static int set_field(catalog *cat, int64_t id, size_t f, const char *value, struct ts_err *err)
{
    sqlite3_stmt *st = cat_stmt(cat, fields[f].update, err);
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, id);
    cat_bind_text(st, 2, value);
    sqlite3_bind_int64(st, 3, cat_now(cat));
    return cat_step_done(cat, st, "update record", err);
}

static int add_history(catalog *cat, int64_t id, const char *field, const char *value,
                       const char *origin, int64_t batch_id, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO record_history(record_id, field, value, origin, batch_id, at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, id);
    cat_bind_text(st, 2, field);
    cat_bind_text(st, 3, value);
    cat_bind_text(st, 4, origin);
    if (batch_id)
        sqlite3_bind_int64(st, 5, batch_id);
    sqlite3_bind_int64(st, 6, cat_now(cat));
    return cat_step_done(cat, st, "record history", err);
}

static int refresh_key(catalog *cat, int64_t id, struct ts_err *err)
{
    static const char sql_get[] =
        "SELECT r.title, r.date, (SELECT name FROM record_author a WHERE a.record_id = r.id"
        " ORDER BY pos LIMIT 1) FROM record r WHERE r.id = ?1";
    static const char sql_set[] = "UPDATE record SET match_key = ?2, year = ?3 WHERE id = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql_get, err);
    char *title = NULL, *date = NULL, *author = NULL, *key;
    int rc;

    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        title = cat_col_strdup(st, 0);
        date = cat_col_strdup(st, 1);
        author = cat_col_strdup(st, 2);
    }
    sqlite3_reset(st);
    key = catalog_match_key(title, author, date);
    if (!(st = cat_stmt(cat, sql_set, err))) {
        rc = FAIL_STMT(err);
    } else {
        int64_t year = cat_year_of(date);
        sqlite3_bind_int64(st, 1, id);
        cat_bind_text(st, 2, key);
        if (year)
            sqlite3_bind_int64(st, 3, year);
        rc = cat_step_done(cat, st, "match key", err);
    }
    free(title);
    free(date);
    free(author);
    free(key);
    return rc;
}

/* Add list values the record lacks; *added counts them. */
static int unite_lists(catalog *cat, int64_t id, const struct cat_record_in *in, size_t *added,
                       struct ts_err *err)
{
    static const char sql_auth_has[] =
        "SELECT 1 FROM record_author WHERE record_id = ?1 AND name = ?2";
    static const char sql_auth_add[] =
        "INSERT INTO record_author(record_id, pos, name, role) VALUES (?1,"
        " (SELECT coalesce(max(pos), -1) + 1 FROM record_author WHERE record_id = ?1), ?2, ?3)";
    static const char sql_subj[] =
        "INSERT OR IGNORE INTO record_subject(record_id, subject) VALUES (?1, ?2)";
    static const char sql_ident[] =
        "INSERT OR IGNORE INTO record_identifier(record_id, scheme, value) VALUES (?1, ?2, ?3)";
    static const char sql_link[] =
        "INSERT OR IGNORE INTO record_link(record_id, url) VALUES (?1, ?2)";
    static const char sql_source[] =
        "INSERT OR IGNORE INTO record_source(source, source_id, record_id, batch_id)"
        " VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st;
    int rc, has;

    for (size_t i = 0; i < in->n_authors; i++) {
        if (!(st = cat_stmt(cat, sql_auth_has, err)))
            return FAIL_STMT(err);
        sqlite3_bind_int64(st, 1, id);
        cat_bind_text(st, 2, in->authors[i]);
        has = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (has)
            continue;
        if (!(st = cat_stmt(cat, sql_auth_add, err)))
            return FAIL_STMT(err);
        sqlite3_bind_int64(st, 1, id);
        cat_bind_text(st, 2, in->authors[i]);
        cat_bind_text(st, 3,
                      in->author_roles && in->author_roles[i] ? in->author_roles[i] : "author");
        if ((rc = cat_step_done(cat, st, "add author", err)))
            return rc;
        (*added)++;
    }
    for (size_t i = 0; i < in->n_subjects + in->n_links; i++) {
        int is_subj = i < in->n_subjects;
        if (!(st = cat_stmt(cat, is_subj ? sql_subj : sql_link, err)))
            return FAIL_STMT(err);
        sqlite3_bind_int64(st, 1, id);
        cat_bind_text(st, 2, is_subj ? in->subjects[i] : in->links[i - in->n_subjects]);
        if ((rc = cat_step_done(cat, st, "add subject/link", err)))
            return rc;
        *added += (size_t)sqlite3_changes(cat->db);
    }
    for (size_t i = 0; i < in->n_identifiers; i++) {
        const char *v = in->identifiers[i], *colon = strchr(v, ':');
        char scheme[32] = "other";
        if (colon && (size_t)(colon - v) < sizeof scheme) {
            memcpy(scheme, v, (size_t)(colon - v));
            scheme[colon - v] = '\0';
            v = colon + 1;
        }
        if (!(st = cat_stmt(cat, sql_ident, err)))
            return FAIL_STMT(err);
        sqlite3_bind_int64(st, 1, id);
        cat_bind_text(st, 2, scheme);
        cat_bind_text(st, 3, v);
        if ((rc = cat_step_done(cat, st, "add identifier", err)))
            return rc;
        *added += (size_t)sqlite3_changes(cat->db);
    }
    if (in->source && in->source_id) {
        if (!(st = cat_stmt(cat, sql_source, err)))
            return FAIL_STMT(err);
        cat_bind_text(st, 1, in->source);
        cat_bind_text(st, 2, in->source_id);
        sqlite3_bind_int64(st, 3, id);
        if (in->batch_id)
            sqlite3_bind_int64(st, 4, in->batch_id);
        if ((rc = cat_step_done(cat, st, "add source", err)))
            return rc;
        *added += (size_t)sqlite3_changes(cat->db);
    }
    return TS_OK;
}

/*
 * Fold `in` into record `id`. replace: the same source describes the record
 * again, so its new values win (the old ones go to history); otherwise the
 * record keeps its values, fills its gaps, keeps the longer description, and
 * the incoming values it did not keep go to history. Appends the changes to
 * `changes` (JSON array body). *changed: anything at all changed.
 */
static int merge_into(catalog *cat, int64_t id, const struct cat_record_in *in, int replace,
                      struct ts_buf *changes, size_t *conflicts, int *changed, struct ts_err *err)
{
    const char *inc[N_FIELDS];
    char *cur[N_FIELDS];
    size_t added = 0;
    int rc;

    *changed = 0;
    incoming_values(in, inc);
    if ((rc = current_values(cat, id, cur, err)))
        return rc;
    for (size_t f = 0; f < N_FIELDS && rc == TS_OK; f++) {
        const char *keep_old = NULL;
        int take;
        if (!inc[f] || !*inc[f] || (cur[f] && strcmp(cur[f], inc[f]) == 0))
            continue;
        if (!cur[f])
            take = 1;
        else if (replace)
            take = 1, keep_old = cur[f];
        else if (strcmp(fields[f].name, "description") == 0 && strlen(inc[f]) > strlen(cur[f]))
            take = 1, keep_old = cur[f];
        else
            take = 0;
        if (take) {
            rc = set_field(cat, id, f, inc[f], err);
            if (rc == TS_OK && keep_old)
                rc = add_history(cat, id, fields[f].name, keep_old, in->origin, in->batch_id, err);
            *changed = 1;
        } else {
            rc = add_history(cat, id, fields[f].name, inc[f], in->origin, in->batch_id, err);
            (*conflicts)++;
        }
        if (changes && (take || !take)) {
            if (changes->len > 1)
                ts_buf_addc(changes, ',');
            ts_buf_addf(changes, "{\"field\":\"%s\",\"kept\":", fields[f].name);
            cat_json_str(changes, take ? inc[f] : cur[f]);
            ts_buf_add(changes, ",\"history\":");
            cat_json_str(changes, take ? keep_old : inc[f]);
            ts_buf_addc(changes, '}');
        }
    }
    for (size_t f = 0; f < N_FIELDS; f++)
        free(cur[f]);
    if (rc)
        return rc;
    if ((rc = unite_lists(cat, id, in, &added, err)))
        return rc;
    if (added)
        *changed = 1;
    if (*changed)
        rc = refresh_key(cat, id, err);
    return rc;
}

static int64_t lookup_id(catalog *cat, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st = cat_stmt(cat, sql, NULL);
    int64_t id = 0;

    if (!st)
        return 0;
    cat_bind_text(st, 1, a);
    cat_bind_text(st, 2, b);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return id;
}

static int64_t match(catalog *cat, const struct cat_record_in *in, const char **how,
                     const char *key)
{
    static const char sql_source[] =
        "SELECT record_id FROM record_source WHERE source = ?1 AND source_id = ?2";
    static const char sql_ident[] =
        "SELECT record_id FROM record_identifier r JOIN record x ON x.id = r.record_id"
        " WHERE scheme = ?1 AND value = ?2 AND x.withdrawn = 0 ORDER BY record_id LIMIT 1";
    static const char sql_key[] =
        "SELECT id FROM record WHERE match_key = ?1 AND withdrawn = 0 AND ?2 IS NULL"
        " ORDER BY id LIMIT 1";
    static const char *const schemes[] = {"isbn", "issn", "lccn", "oclc"};
    int64_t id;

    *how = NULL;
    if (in->source && in->source_id &&
        (id = lookup_id(cat, sql_source, in->source, in->source_id))) {
        *how = "source";
        return id;
    }
    for (size_t s = 0; s < sizeof schemes / sizeof schemes[0]; s++) {
        size_t sl = strlen(schemes[s]);
        for (size_t i = 0; i < in->n_identifiers; i++) {
            const char *v = in->identifiers[i];
            if (strncmp(v, schemes[s], sl) == 0 && v[sl] == ':' &&
                (id = lookup_id(cat, sql_ident, schemes[s], v + sl + 1))) {
                *how = schemes[s];
                return id;
            }
        }
    }
    /* a title alone is too weak: "Toán 6" exists in many editions */
    if (key && (in->n_authors || cat_year_of(in->date)) &&
        (id = lookup_id(cat, sql_key, key, NULL))) {
        *how = "title+author+year";
        return id;
    }
    return 0;
}

/* A record with the same folded title but another author/year: worth a look. */
static int64_t near_duplicate(catalog *cat, int64_t id, const char *key)
{
    static const char sql[] =
        "SELECT id FROM record WHERE match_key >= ?1 AND match_key < ?2 AND id <> ?3"
        " AND withdrawn = 0 ORDER BY id LIMIT 1";
    sqlite3_stmt *st;
    const char *bar;
    char lo[512], hi[512];
    int64_t other = 0;
    size_t n;

    if (!key || !(bar = strchr(key, '|')) || bar == key)
        return 0;
    n = (size_t)(bar - key) + 1;
    if (n >= sizeof lo)
        return 0;
    memcpy(lo, key, n);
    lo[n] = '\0';
    memcpy(hi, key, n);
    hi[n - 1] = '|' + 1;
    hi[n] = '\0';
    if (!(st = cat_stmt(cat, sql, NULL)))
        return 0;
    cat_bind_text(st, 1, lo);
    cat_bind_text(st, 2, hi);
    sqlite3_bind_int64(st, 3, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        other = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return other;
}

static int note_duplicate(catalog *cat, int64_t a, int64_t b, const char *reason, int64_t batch_id,
                          struct ts_err *err)
{
    static const char sql[] = "INSERT OR IGNORE INTO possible_duplicate(record_a, record_b,"
                              " reason, batch_id) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, a < b ? a : b);
    sqlite3_bind_int64(st, 2, a < b ? b : a);
    cat_bind_text(st, 3, reason);
    if (batch_id)
        sqlite3_bind_int64(st, 4, batch_id);
    return cat_step_done(cat, st, "possible duplicate", err);
}

int catalog_record_upsert(catalog *cat, const struct cat_record_in *in,
                          const struct cat_item_in *items, size_t n_items,
                          int64_t default_library_id, cat_item_problem_fn on_item, void *ctx,
                          struct cat_upsert_result *res, struct ts_err *err)
{
    static const char sql_item_owner[] = "SELECT record_id FROM item WHERE barcode = ?1";
    struct ts_buf changes;
    char *key;
    int64_t id;
    int rc = TS_OK, changed = 0;

    memset(res, 0, sizeof *res);
    if (!in->title || !*in->title)
        return ts_fail(err, TS_EINVAL, "record without a title");
    key = catalog_match_key(in->title, in->n_authors ? in->authors[0] : NULL, in->date);
    ts_buf_init(&changes, 0);
    ts_buf_addc(&changes, '[');
    id = match(cat, in, &res->matched_by, key);
    if (!id) {
        if ((rc = catalog_record_add(cat, in, &id, err)))
            goto out;
        res->outcome = CAT_CREATED;
        changed = 1;
        if ((res->possible_duplicate = near_duplicate(cat, id, key)))
            rc = note_duplicate(cat, id, res->possible_duplicate,
                                "same title, different author or year", in->batch_id, err);
    } else {
        int replace = strcmp(res->matched_by, "source") == 0;
        if ((rc = merge_into(cat, id, in, replace, &changes, &res->conflicts, &changed, err)))
            goto out;
        res->outcome = !changed ? CAT_UNCHANGED : replace ? CAT_UPDATED : CAT_MERGED;
    }
    res->record_id = id;
    for (size_t i = 0; i < n_items && rc == TS_OK; i++) {
        struct ts_err ierr = {0};
        int64_t item_id, owner;
        int irc;

        owner = items[i].barcode ? lookup_id(cat, sql_item_owner, items[i].barcode, NULL) : 0;
        if (owner == id) {
            res->items_unchanged++;
            continue;
        }
        irc = catalog_item_add(cat, id, &items[i], default_library_id, "import", &item_id, &ierr);
        if (irc == TS_OK) {
            res->items_added++;
        } else if (irc == TS_EINVAL || irc == TS_ECONFLICT || irc == TS_ENOTFOUND) {
            res->items_refused++;
            if (on_item)
                on_item(items[i].barcode, &ierr, ctx);
        } else {
            rc = irc;
            if (err)
                *err = ierr;
        }
    }
    if (rc == TS_OK && changed) {
        struct ts_buf d;
        char subject[32];
        ts_buf_add(&changes, "]");
        ts_buf_init(&d, 0);
        ts_buf_add(&d, "{\"matched_by\":");
        cat_json_str(&d, res->matched_by);
        ts_buf_add(&d, ",\"origin\":");
        cat_json_str(&d, in->origin);
        ts_buf_addf(&d, ",\"changes\":%s}", ts_buf_str(&changes));
        snprintf(subject, sizeof subject, "record:%lld", (long long)id);
        rc = catalog_event_add(cat, "import",
                               res->outcome == CAT_CREATED   ? "record.create"
                               : res->outcome == CAT_UPDATED ? "record.update"
                                                             : "record.merge",
                               subject, ts_buf_str(&d), err);
        ts_buf_free(&d);
        if (rc == TS_OK)
            rc = catalog_queue_add(cat, id, err);
    }
out:
    free(key);
    ts_buf_free(&changes);
    return rc;
}

static const char *const *strv(char **v)
{
    return (const char *const *)v;
}

int catalog_record_merge(catalog *cat, int64_t keep, int64_t drop, const char *actor,
                         struct ts_err *err)
{
    static const char *const moves[] = {
        "UPDATE item SET record_id = ?1 WHERE record_id = ?2",
        "UPDATE file SET record_id = ?1 WHERE record_id = ?2",
        "UPDATE OR IGNORE record_source SET record_id = ?1 WHERE record_id = ?2",
        "UPDATE record_history SET record_id = ?1 WHERE record_id = ?2",
        "DELETE FROM record WHERE id = ?2",
    };
    struct cat_record *d = NULL;
    struct cat_record_in in = {0};
    struct ts_buf detail, changes;
    size_t conflicts = 0;
    char origin[64], subject[32];
    int rc, changed;

    if (keep == drop)
        return ts_fail(err, TS_EINVAL, "cannot merge record %lld into itself", (long long)keep);
    ts_buf_init(&detail, 0);
    ts_buf_init(&changes, 0);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = catalog_record_get(cat, keep, &d, err)))
        goto out;
    cat_record_free(d);
    if ((rc = catalog_record_get(cat, drop, &d, err)))
        goto out;
    snprintf(origin, sizeof origin, "merged from record %lld", (long long)drop);
    in.title = d->title;
    in.subtitle = d->subtitle;
    in.language = d->language;
    in.publisher = d->publisher;
    in.place = d->place;
    in.date = d->date;
    in.edition = d->edition;
    in.extent = d->extent;
    in.series = d->series;
    in.notes = d->notes;
    in.description = d->description;
    in.classification = d->classification;
    in.resource_type = d->resource_type;
    in.audience = d->audience;
    in.licence = d->licence;
    in.authors = strv(d->author_names);
    in.author_roles = strv(d->author_roles);
    in.n_authors = d->n_author_list;
    in.subjects = strv(d->subject_list);
    in.n_subjects = d->n_subject_list;
    in.identifiers = strv(d->identifier_list);
    in.n_identifiers = d->n_identifier_list;
    in.links = strv(d->link_list);
    in.n_links = d->n_link_list;
    in.origin = origin;
    ts_buf_addc(&changes, '[');
    if ((rc = merge_into(cat, keep, &in, 0, &changes, &conflicts, &changed, err)))
        goto out;
    {
        /* OAI-PMH (0003_oai.sql): the dropped record leaves a tombstone, written
         * before its files and copies move so that it names the libraries that held it */
        static const char tomb[] =
            "INSERT OR REPLACE INTO record_tombstone"
            " (record_id, merged_into, resource_type, libraries, deleted_at)"
            " SELECT id, ?1, resource_type, (SELECT group_concat(code, ' ') FROM (SELECT l.code"
            "  FROM file f JOIN file_holding h ON h.file_id = f.id JOIN library l"
            "  ON l.id = h.library_id WHERE f.record_id = ?2 UNION SELECT l.code FROM item i"
            "  JOIN library l ON l.id = i.custodian_id WHERE i.record_id = ?2"
            "  AND i.status <> 'withdrawn' ORDER BY 1)), ?3 FROM record WHERE id = ?2";
        sqlite3_stmt *st = cat_stmt(cat, tomb, err);
        if (!st) {
            rc = FAIL_STMT(err);
            goto out;
        }
        sqlite3_bind_int64(st, 1, keep);
        sqlite3_bind_int64(st, 2, drop);
        sqlite3_bind_int64(st, 3, cat_now(cat));
        if ((rc = cat_step_done(cat, st, "record tombstone", err)))
            goto out;
    }
    /* holds on the dropped record follow it (duplicates of one reader resolved) */
    if ((rc = catalog_hold_move_record(cat, keep, drop, err)))
        goto out;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0] && rc == TS_OK; i++) {
        sqlite3_stmt *st = cat_stmt(cat, moves[i], err);
        if (!st) {
            rc = FAIL_STMT(err);
            break;
        }
        sqlite3_bind_int64(st, 1, keep);
        sqlite3_bind_int64(st, 2, drop);
        rc = cat_step_done(cat, st, "merge records", err);
    }
    if (rc)
        goto out;
    ts_buf_add(&changes, "]");
    ts_buf_addf(&detail, "{\"kept\":%lld,\"dropped\":%lld,\"changes\":%s}", (long long)keep,
                (long long)drop, ts_buf_str(&changes));
    snprintf(subject, sizeof subject, "record:%lld", (long long)keep);
    if (!(rc = catalog_event_add(cat, actor ? actor : "cli", "record.merge", subject,
                                 ts_buf_str(&detail), err)) &&
        !(rc = catalog_queue_add(cat, keep, err)))
        rc = catalog_queue_add(cat, drop, err);
out:
    cat_record_free(d);
    ts_buf_free(&detail);
    ts_buf_free(&changes);
    return catalog_tx_end(cat, rc, err);
}

int catalog_record_set(catalog *cat, int64_t id, const char *field, const char *value,
                       const char *actor, struct ts_err *err)
{
    char *cur[N_FIELDS];
    struct ts_buf d;
    char subject[32];
    size_t f;
    int rc;

    for (f = 0; f < N_FIELDS; f++)
        if (strcmp(fields[f].name, field) == 0)
            break;
    if (f == N_FIELDS)
        return ts_fail(err, TS_EINVAL, "unknown field '%s'", field);
    if (value && !*value)
        value = NULL;
    if (f == 0 && !value)
        return ts_fail(err, TS_EINVAL, "a record needs a title");
    if (value && strlen(value) > 65536)
        return ts_fail(err, TS_ETOOBIG, "value longer than 65536 bytes");
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = current_values(cat, id, cur, err)))
        return catalog_tx_end(cat, rc, err);
    ts_buf_init(&d, 0);
    ts_buf_addf(&d, "{\"field\":\"%s\",\"before\":", field);
    cat_json_str(&d, cur[f]);
    ts_buf_add(&d, ",\"after\":");
    cat_json_str(&d, value);
    ts_buf_addc(&d, '}');
    snprintf(subject, sizeof subject, "record:%lld", (long long)id);
    if (!(rc = set_field(cat, id, f, value, err)) && !(rc = refresh_key(cat, id, err)) &&
        !(rc = catalog_event_add(cat, actor ? actor : "cli", "record.edit", subject, ts_buf_str(&d),
                                 err)))
        rc = catalog_queue_add(cat, id, err);
    ts_buf_free(&d);
    for (size_t i = 0; i < N_FIELDS; i++)
        free(cur[i]);
    return catalog_tx_end(cat, rc, err);
}

int catalog_record_history(catalog *cat, int64_t id, struct cat_history **out, size_t *n,
                           struct ts_err *err)
{
    static const char sql[] = "SELECT field, value, origin, at FROM record_history"
                              " WHERE record_id = ?1 ORDER BY id";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_history *v = NULL;
    size_t cnt = 0;

    *out = NULL;
    *n = 0;
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        v[cnt].field = cat_col_strdup(st, 0);
        v[cnt].value = cat_col_strdup(st, 1);
        v[cnt].origin = cat_col_strdup(st, 2);
        v[cnt].at = sqlite3_column_int64(st, 3);
        cnt++;
    }
    sqlite3_reset(st);
    *out = v;
    *n = cnt;
    return TS_OK;
}

void cat_history_free(struct cat_history *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].field);
        free(h[i].value);
        free(h[i].origin);
    }
    free(h);
}

int catalog_duplicates(catalog *cat, struct cat_duplicate **out, size_t *n, struct ts_err *err)
{
    static const char sql[] =
        "SELECT d.record_a, d.record_b, a.title, b.title, d.reason FROM possible_duplicate d"
        " JOIN record a ON a.id = d.record_a JOIN record b ON b.id = d.record_b"
        " ORDER BY d.record_a, d.record_b";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_duplicate *v = NULL;
    size_t cnt = 0;

    *out = NULL;
    *n = 0;
    if (!st)
        return FAIL_STMT(err);
    while (sqlite3_step(st) == SQLITE_ROW) {
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        v[cnt].a = sqlite3_column_int64(st, 0);
        v[cnt].b = sqlite3_column_int64(st, 1);
        v[cnt].title_a = cat_col_strdup(st, 2);
        v[cnt].title_b = cat_col_strdup(st, 3);
        v[cnt].reason = cat_col_strdup(st, 4);
        cnt++;
    }
    sqlite3_reset(st);
    *out = v;
    *n = cnt;
    return TS_OK;
}

void cat_duplicates_free(struct cat_duplicate *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].title_a);
        free(d[i].title_b);
        free(d[i].reason);
    }
    free(d);
}

int catalog_harvest_get(catalog *cat, const char *url, char **last_from, struct ts_err *err)
{
    static const char sql[] = "SELECT last_from FROM harvest_state WHERE url = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    *last_from = NULL;
    if (!st)
        return FAIL_STMT(err);
    cat_bind_text(st, 1, url);
    if (sqlite3_step(st) == SQLITE_ROW)
        *last_from = cat_col_strdup(st, 0);
    sqlite3_reset(st);
    return TS_OK;
}

int catalog_harvest_set(catalog *cat, const char *url, int64_t library_id, const char *last_from,
                        struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO harvest_state(url, library_id, last_from, updated) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT(url) DO UPDATE SET last_from = ?3, updated = ?4";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    if (!st)
        return FAIL_STMT(err);
    cat_bind_text(st, 1, url);
    sqlite3_bind_int64(st, 2, library_id);
    cat_bind_text(st, 3, last_from);
    sqlite3_bind_int64(st, 4, cat_now(cat));
    return cat_step_done(cat, st, "harvest state", err);
}
