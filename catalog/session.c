/*
 * catalog/session.c - server-side sessions and API tokens.
 *
 * A session token is 32 bytes from randombytes_buf, sent to the browser as
 * URL-safe base64 in an HttpOnly, SameSite cookie; the catalogue keeps only
 * its SHA-256, so a copy of the database does not let anyone in. Each session
 * has its own CSRF token that state-changing forms echo back and that is
 * compared in constant time. A session ends at logout, CAT_SESSION_MAX_AGE
 * after login, or CAT_SESSION_IDLE after the last request; last_seen is
 * written at most once per CAT_SESSION_TOUCH so reading pages rarely writes.
 *
 * API tokens for scripts are built the same way with a "tsk_" prefix, stored
 * hashed, named, optionally expiring, and revocable.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "circ_int.h"
#include "ts_buf.h"

static int random_token(char out[CAT_TOKEN_LEN + 1], struct ts_err *err)
{
    unsigned char raw[32];

    if (sodium_init() < 0)
        return ts_fail(err, TS_EINTERNAL, "libsodium failed to initialise");
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, CAT_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return TS_OK;
}

static void token_hash(const char *token, unsigned char h[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
}

static int bind_hash(sqlite3_stmt *st, int i, const unsigned char *h)
{
    return sqlite3_bind_blob(st, i, h, crypto_hash_sha256_BYTES, SQLITE_TRANSIENT);
}

int catalog_session_create(catalog *cat, int64_t account_id, char token[CAT_TOKEN_LEN + 1],
                           struct cat_session *out, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO session(token_hash, account_id, csrf, created, last_seen, expires)"
        " VALUES (?1, ?2, ?3, ?4, ?4, ?5)";
    unsigned char h[crypto_hash_sha256_BYTES];
    sqlite3_stmt *st;
    int64_t now = cat_now(cat);
    int rc;

    memset(out, 0, sizeof *out);
    token[0] = '\0';
    if ((rc = random_token(token, err)) || (rc = random_token(out->csrf, err)))
        return rc;
    token_hash(token, h);
    if (!(st = circ_stmt(cat, sql, err,
                         CIRC_ARGS(CA_I(0), CA_I(account_id), CA_T(out->csrf), CA_I(now),
                                   CA_I(now + CAT_SESSION_MAX_AGE))))) {
        rc = circ_code(err);
        goto out;
    }
    bind_hash(st, 1, h);
    if ((rc = cat_step_done(cat, st, "create session", err)))
        goto out;
    out->id = sqlite3_last_insert_rowid(cat->db);
    out->account_id = account_id;
    out->created = out->last_seen = now;
    out->expires = now + CAT_SESSION_MAX_AGE;
out:
    if (rc) {
        sodium_memzero(token, CAT_TOKEN_LEN + 1);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* A token as it arrives from a cookie or a header: exactly our length. */
static int token_shape_ok(const char *token, size_t len)
{
    return token && strlen(token) == len;
}

int catalog_session_check(catalog *cat, const char *token, struct cat_session *out,
                          struct ts_err *err)
{
    static const char sql[] =
        "SELECT s.id, s.account_id, s.csrf, s.created, s.last_seen, s.expires, a.active,"
        " coalesce((SELECT active FROM reader WHERE id = a.reader_id), 1)"
        " FROM session s JOIN account a ON a.id = s.account_id WHERE s.token_hash = ?1";
    static const char sql_del[] = "DELETE FROM session WHERE id = ?1";
    static const char sql_touch[] = "UPDATE session SET last_seen = ?2 WHERE id = ?1";
    unsigned char h[crypto_hash_sha256_BYTES];
    sqlite3_stmt *st;
    int64_t now = cat_now(cat);
    int src, alive = 0;

    memset(out, 0, sizeof *out);
    if (!token_shape_ok(token, CAT_TOKEN_LEN))
        return ts_fail(err, TS_EAUTH, "not logged in");
    token_hash(token, h);
    if (!(st = cat_stmt(cat, sql, err)))
        return circ_code(err);
    bind_hash(st, 1, h);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->account_id = sqlite3_column_int64(st, 1);
        circ_col_copy(st, 2, out->csrf, sizeof out->csrf);
        out->created = sqlite3_column_int64(st, 3);
        out->last_seen = sqlite3_column_int64(st, 4);
        out->expires = sqlite3_column_int64(st, 5);
        alive = sqlite3_column_int(st, 6) && sqlite3_column_int(st, 7);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return cat_dberr(cat, src, "find session", err);
    if (src == SQLITE_DONE) {
        memset(out, 0, sizeof *out);
        return ts_fail(err, TS_EAUTH, "not logged in");
    }
    if (!alive || now >= out->expires || now - out->last_seen > CAT_SESSION_IDLE) {
        int64_t id = out->id;
        memset(out, 0, sizeof *out);
        /* best effort: the session is refused either way, and
         * catalog_session_purge removes what this could not */
        (void)circ_exec(cat, sql_del, "end session", NULL, CIRC_ARGS(CA_I(id)));
        return ts_fail(err, TS_EAUTH, "the session has expired: log in again");
    }
    if (now - out->last_seen >= CAT_SESSION_TOUCH) {
        int rc =
            circ_exec(cat, sql_touch, "touch session", err, CIRC_ARGS(CA_I(out->id), CA_I(now)));
        if (rc) {
            memset(out, 0, sizeof *out);
            return rc;
        }
        out->last_seen = now;
    }
    return TS_OK;
}

int catalog_session_csrf_ok(const struct cat_session *s, const char *presented)
{
    if (!s || !s->csrf[0] || !token_shape_ok(presented, CAT_TOKEN_LEN))
        return 0;
    return sodium_memcmp(s->csrf, presented, CAT_TOKEN_LEN) == 0;
}

int catalog_session_end(catalog *cat, const char *token, struct ts_err *err)
{
    static const char sql[] = "DELETE FROM session WHERE token_hash = ?1";
    unsigned char h[crypto_hash_sha256_BYTES];
    sqlite3_stmt *st;

    if (!token_shape_ok(token, CAT_TOKEN_LEN))
        return TS_OK;
    token_hash(token, h);
    if (!(st = cat_stmt(cat, sql, err)))
        return circ_code(err);
    bind_hash(st, 1, h);
    return cat_step_done(cat, st, "end session", err);
}

int catalog_session_purge(catalog *cat, int64_t *n, struct ts_err *err)
{
    static const char sql[] = "DELETE FROM session WHERE expires <= ?1 OR last_seen < ?2";
    static const char sql_fail[] = "DELETE FROM login_failure WHERE at <= ?1";
    int64_t now = cat_now(cat);
    int rc;

    *n = 0;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if (!(rc = circ_exec(cat, sql, "purge sessions", err,
                         CIRC_ARGS(CA_I(now), CA_I(now - CAT_SESSION_IDLE))))) {
        *n = sqlite3_changes(cat->db);
        rc = circ_exec(cat, sql_fail, "purge failed logins", err,
                       CIRC_ARGS(CA_I(now - CAT_THROTTLE_WINDOW)));
    }
    return catalog_tx_end(cat, rc, err);
}

/* ---------------------------------------------------------------- API tokens */

int catalog_token_create(catalog *cat, int64_t account_id, const char *name, int64_t expires,
                         char token[CAT_API_TOKEN_LEN + 1], int64_t *id, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO api_token(token_hash, account_id, name, created, expires)"
        " VALUES (?1, ?2, ?3, ?4, ?5)";
    unsigned char h[crypto_hash_sha256_BYTES];
    char raw[CAT_TOKEN_LEN + 1], subject[32];
    struct ts_buf d;
    sqlite3_stmt *st;
    int rc;

    *id = 0;
    token[0] = '\0';
    if (!name || !*name || strlen(name) > 100)
        return ts_fail(err, TS_EINVAL, "an API token needs a name of 1-100 bytes");
    if ((rc = random_token(raw, err)))
        return rc;
    memcpy(token, "tsk_", 4);
    memcpy(token + 4, raw, CAT_TOKEN_LEN + 1);
    sodium_memzero(raw, sizeof raw);
    token_hash(token, h);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if (!(st = circ_stmt(
              cat, sql, err,
              CIRC_ARGS(CA_I(0), CA_I(account_id), CA_T(name), CA_I(cat_now(cat)), CA_I(0))))) {
        rc = circ_code(err);
        goto out;
    }
    bind_hash(st, 1, h);
    if (expires)
        sqlite3_bind_int64(st, 5, expires);
    else
        sqlite3_bind_null(st, 5);
    if ((rc = cat_step_done(cat, st, "create API token", err)))
        goto out;
    *id = sqlite3_last_insert_rowid(cat->db);
    snprintf(subject, sizeof subject, "token:%lld", (long long)*id);
    ts_buf_addf(&d, "{\"account\":%lld,\"name\":", (long long)account_id);
    cat_json_str(&d, name);
    ts_buf_addc(&d, '}');
    rc = circ_event(cat, "system", "token.add", subject, &d, err);
out:
    ts_buf_free(&d);
    if (rc) {
        *id = 0;
        sodium_memzero(token, CAT_API_TOKEN_LEN + 1);
    }
    return catalog_tx_end(cat, rc, err);
}

void catalog_token_key(const char *token, unsigned char key[CAT_TOKEN_KEY_LEN])
{
    token_hash(token, key);
}

int catalog_token_lookup(catalog *cat, const char *token, struct cat_token *out, struct ts_err *err)
{
    static const char sql[] =
        "SELECT t.id, t.account_id, t.expires, t.last_used, a.active FROM api_token t"
        " JOIN account a ON a.id = t.account_id WHERE t.token_hash = ?1 AND t.revoked IS NULL";
    unsigned char h[crypto_hash_sha256_BYTES];
    sqlite3_stmt *st;
    int64_t now = cat_now(cat);
    int src, active = 0;

    memset(out, 0, sizeof *out);
    if (!token_shape_ok(token, CAT_API_TOKEN_LEN) || strncmp(token, "tsk_", 4) != 0)
        return ts_fail(err, TS_EAUTH, "not a valid API token");
    token_hash(token, h);
    if (!(st = cat_stmt(cat, sql, err)))
        return circ_code(err);
    bind_hash(st, 1, h);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->account_id = sqlite3_column_int64(st, 1);
        out->expires = sqlite3_column_int64(st, 2);
        out->last_used = sqlite3_column_int64(st, 3);
        active = sqlite3_column_int(st, 4);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return cat_dberr(cat, src, "find API token", err);
    if (src == SQLITE_DONE || !active || (out->expires && now >= out->expires)) {
        memset(out, 0, sizeof *out);
        return ts_fail(err, TS_EAUTH, "API token unknown, revoked or expired");
    }
    return TS_OK;
}

int catalog_token_find(catalog *cat, const char *token, int64_t *account_id, int64_t *touch_id,
                       struct ts_err *err)
{
    struct cat_token t;
    int rc = catalog_token_lookup(cat, token, &t, err);

    *account_id = t.account_id;
    *touch_id = rc == TS_OK && cat_now(cat) - t.last_used >= CAT_SESSION_TOUCH ? t.id : 0;
    return rc;
}

int catalog_token_touch(catalog *cat, int64_t id, struct ts_err *err)
{
    static const char sql[] = "UPDATE api_token SET last_used = ?2 WHERE id = ?1";

    return circ_exec(cat, sql, "touch API token", err, CIRC_ARGS(CA_I(id), CA_I(cat_now(cat))));
}

int catalog_token_check(catalog *cat, const char *token, int64_t *account_id, struct ts_err *err)
{
    int64_t touch = 0;
    int rc = catalog_token_find(cat, token, account_id, &touch, err);

    if (rc == TS_OK && touch && (rc = catalog_token_touch(cat, touch, err)))
        *account_id = 0;
    return rc;
}

int catalog_token_revoke(catalog *cat, int64_t id, const char *actor, struct ts_err *err)
{
    static const char sql[] = "UPDATE api_token SET revoked = ?2 WHERE id = ?1 AND revoked IS NULL";
    char subject[32];
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc =
             circ_exec(cat, sql, "revoke API token", err, CIRC_ARGS(CA_I(id), CA_I(cat_now(cat))))))
        goto out;
    if (sqlite3_changes(cat->db) == 0) {
        rc = ts_fail(err, TS_ENOTFOUND, "no active API token #%lld", (long long)id);
        goto out;
    }
    snprintf(subject, sizeof subject, "token:%lld", (long long)id);
    rc = catalog_event_add(cat, actor ? actor : "cli", "token.revoke", subject, NULL, err);
out:
    return catalog_tx_end(cat, rc, err);
}
