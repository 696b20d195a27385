/*
 * catalog/account.c - logins and roles: admin (the whole installation),
 * district coordinator, librarian (of one or more libraries) and reader (a
 * card holder, logging in with card number + PIN). Passwords, throttling.
 *
 * Passwords are hashed with argon2id through libsodium's crypto_pwhash_str,
 * which stores algorithm, parameters and salt in the string. Cost: 3 passes
 * over 64 MiB (libsodium's MODERATE pass count with its INTERACTIVE memory).
 * Measured on the 2-core development box (one verification, sharing the
 * cores with other builds): 0.14-0.15 s at load 2.5, 0.26-0.32 s at load 3,
 * 0.53-0.56 s with an ASan build on both cores. MODERATE proper (256 MiB)
 * took 1.0-1.5 s, and 64 MiB per concurrent login is what a Raspberry
 * Pi-class box can spare. A successful login whose hash was made with other
 * parameters is rehashed (crypto_pwhash_str_needs_rehash).
 *
 * Throttling: failed logins are rows in login_failure under two keys, the
 * account ("a:<login>") and the client ("ip:<address>"). Past the limits in
 * circ.h the password is not even checked. An unknown login costs one hash,
 * like a known one, and gets the same message, so logins cannot be probed.
 * No lock is held while hashing: only the failure rows and a rehash write.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circ_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

static unsigned long long pw_ops = CAT_PWHASH_OPS;
static size_t pw_mem = CAT_PWHASH_MEM;

void catalog_pwhash_set_cost(unsigned long long ops, size_t mem)
{
    pw_ops = ops < crypto_pwhash_OPSLIMIT_MIN ? crypto_pwhash_OPSLIMIT_MIN : ops;
    pw_mem = mem < crypto_pwhash_MEMLIMIT_MIN ? crypto_pwhash_MEMLIMIT_MIN : mem;
}

static const char *const roles[] = {"reader", "librarian", "district", "admin", NULL};

int catalog_role_valid(const char *role)
{
    for (int i = 0; role && roles[i]; i++)
        if (strcmp(role, roles[i]) == 0)
            return 1;
    return 0;
}

/* Staff logins: letters, digits, '.', '_', '-'; 1-64 bytes. */
static int staff_login_valid(const char *login)
{
    size_t n = login ? strlen(login) : 0;

    if (n == 0 || n > 64)
        return 0;
    for (const char *p = login; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Any login as typed (a card number too): printable, no spaces, 1-64 bytes. */
static int login_plausible(const char *login)
{
    size_t n = login ? strlen(login) : 0;

    if (n == 0 || n > 64)
        return 0;
    for (const unsigned char *p = (const unsigned char *)login; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

static int password_ok(const char *password, size_t min, struct ts_err *err)
{
    size_t n = password ? strlen(password) : 0;

    if (n < min)
        return ts_fail(err, TS_EINVAL, "the password must have at least %zu characters", min);
    if (n > CAT_PASSWORD_MAX)
        return ts_fail(err, TS_EINVAL, "the password is longer than %d bytes", CAT_PASSWORD_MAX);
    return TS_OK;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], struct ts_err *err)
{
    if (sodium_init() < 0)
        return ts_fail(err, TS_EINTERNAL, "libsodium failed to initialise");
    if (crypto_pwhash_str(out, password, strlen(password), pw_ops, pw_mem) != 0)
        return ts_fail(err, TS_ENOMEM, "password hashing ran out of memory");
    return TS_OK;
}

/* ---------------------------------------------------------------- reading */

static int account_libraries(catalog *cat, struct cat_account *a, struct ts_err *err)
{
    static const char sql[] =
        "SELECT library_id FROM account_library WHERE account_id = ?1 ORDER BY library_id";
    sqlite3_stmt *st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(a->id)));

    if (!st)
        return circ_code(err);
    return cat_step_ids(cat, st, &a->libraries, &a->n_libraries, "account libraries", err);
}

/* a reader's login has no name of its own: the reader record's is shown */
#define ACCOUNT_SQL                                                                                \
    "SELECT id, login, COALESCE(name, (SELECT r.name FROM reader r WHERE r.id = "                  \
    "account.reader_id)),"                                                                         \
    " role, reader_id, active, pwhash FROM account"

/* Fill *out; *hash (may be NULL) receives a copy of the stored hash. */
static int account_read(catalog *cat, sqlite3_stmt *st, const char *what, struct cat_account *out,
                        char *hash, struct ts_err *err)
{
    int src = sqlite3_step(st), rc;

    if (src == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->login = cat_col_strdup(st, 1);
        out->name = cat_col_strdup(st, 2);
        out->role = cat_col_strdup(st, 3);
        out->reader_id = sqlite3_column_int64(st, 4);
        out->active = sqlite3_column_int(st, 5);
        if (hash)
            circ_col_copy(st, 6, hash, crypto_pwhash_STRBYTES);
    }
    sqlite3_reset(st);
    if (src == SQLITE_DONE)
        return ts_fail(err, TS_ENOTFOUND, "no account %s", what);
    if (src != SQLITE_ROW)
        return cat_dberr(cat, src, "get account", err);
    if ((rc = account_libraries(cat, out, err)))
        cat_account_clear(out);
    return rc;
}

static int account_by_login(catalog *cat, const char *login, struct cat_account *out, char *hash,
                            struct ts_err *err)
{
    static const char sql[] = ACCOUNT_SQL " WHERE login = ?1";
    sqlite3_stmt *st;

    memset(out, 0, sizeof *out);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_T(login)))))
        return circ_code(err);
    return account_read(cat, st, login, out, hash, err);
}

int catalog_account_get(catalog *cat, const char *login, struct cat_account *out,
                        struct ts_err *err)
{
    memset(out, 0, sizeof *out);
    if (!login_plausible(login))
        return ts_fail(err, TS_EINVAL, "a login is 1-64 characters without spaces");
    return account_by_login(cat, login, out, NULL, err);
}

int catalog_account_get_id(catalog *cat, int64_t id, struct cat_account *out, struct ts_err *err)
{
    static const char sql[] = ACCOUNT_SQL " WHERE id = ?1";
    sqlite3_stmt *st;
    char what[32];

    memset(out, 0, sizeof *out);
    snprintf(what, sizeof what, "#%lld", (long long)id);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(id)))))
        return circ_code(err);
    return account_read(cat, st, what, out, NULL, err);
}

void cat_account_clear(struct cat_account *a)
{
    if (!a)
        return;
    free(a->login);
    free(a->name);
    free(a->role);
    free(a->libraries);
    memset(a, 0, sizeof *a);
}

int catalog_account_acting(catalog *cat, int64_t account_id, int64_t **ids, size_t *n,
                           struct ts_err *err)
{
    static const char sql[] =
        "SELECT l.id FROM library l WHERE EXISTS (SELECT 1 FROM account_library al"
        " WHERE al.account_id = ?1 AND (al.library_id = l.id OR al.library_id = l.parent_id))"
        " ORDER BY l.id";
    sqlite3_stmt *st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(account_id)));
    int rc;

    *ids = NULL;
    *n = 0;
    if (!st)
        return circ_code(err);
    if ((rc = cat_step_ids(cat, st, ids, n, "acting libraries", err))) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

int catalog_account_at_library(catalog *cat, int64_t account_id, int64_t library_id)
{
    static const char sql[] = "SELECT role = 'admin' FROM account WHERE id = ?1 AND active = 1";
    int64_t admin, *ids;
    size_t n;
    int found, at = 0;

    if (circ_one_i64(cat, sql, "check library", &admin, &found, NULL,
                     CIRC_ARGS(CA_I(account_id))) ||
        !found)
        return 0;
    if (admin)
        return 1;
    if (catalog_account_acting(cat, account_id, &ids, &n, NULL))
        return 0;
    for (size_t i = 0; i < n && !at; i++)
        at = ids[i] == library_id;
    free(ids);
    return at;
}

/* ---------------------------------------------------------------- changes */

static int set_libraries(catalog *cat, int64_t account_id, const int64_t *libraries, size_t n,
                         struct ts_buf *d, struct ts_err *err)
{
    static const char sql_clear[] = "DELETE FROM account_library WHERE account_id = ?1";
    static const char sql_add[] =
        "INSERT OR IGNORE INTO account_library(account_id, library_id) VALUES (?1, ?2)";
    int rc;

    if ((rc = circ_exec(cat, sql_clear, "set libraries", err, CIRC_ARGS(CA_I(account_id)))))
        return rc;
    ts_buf_add(d, ",\"libraries\":[");
    for (size_t i = 0; i < n; i++) {
        char code[40];
        if ((rc = circ_library_exists(cat, libraries[i], err)) ||
            (rc = circ_exec(cat, sql_add, "set libraries", err,
                            CIRC_ARGS(CA_I(account_id), CA_I(libraries[i])))))
            return rc;
        circ_library_code(cat, libraries[i], code, sizeof code);
        ts_buf_addf(d, "%s\"%s\"", i ? "," : "", code);
    }
    ts_buf_addc(d, ']');
    return TS_OK;
}

int catalog_account_add(catalog *cat, const char *login, const char *name, const char *role,
                        const char *password, const int64_t *libraries, size_t n_libraries,
                        const char *actor, int64_t *id, struct ts_err *err)
{
    static const char sql[] = "INSERT INTO account(login, name, role, pwhash, created, updated)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
    char hash[crypto_pwhash_STRBYTES];
    struct ts_buf d;
    int rc;

    *id = 0;
    if (!staff_login_valid(login))
        return ts_fail(err, TS_EINVAL, "a login is 1-64 letters, digits, '.', '_' or '-'");
    if (!catalog_role_valid(role) || strcmp(role, "reader") == 0)
        return ts_fail(err, TS_EINVAL,
                       "role '%s' is not admin, district or librarian (readers: "
                       "catalog_account_add_reader)",
                       role ? role : "");
    if (strcmp(role, "librarian") == 0 && n_libraries == 0)
        return ts_fail(err, TS_EINVAL, "a librarian works for at least one library");
    if (name && strlen(name) > 200)
        return ts_fail(err, TS_EINVAL, "a name is at most 200 bytes");
    if ((rc = password_ok(password, CAT_PASSWORD_MIN_STAFF, err)) ||
        (rc = hash_password(password, hash, err)))
        return rc;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    rc = circ_exec(cat, sql, "add account", err,
                   CIRC_ARGS(CA_T(login), CA_T(name && *name ? name : NULL), CA_T(role), CA_T(hash),
                             CA_I(cat_now(cat))));
    if (rc == TS_ECONFLICT)
        rc = ts_fail(err, TS_ECONFLICT, "login %s is already taken", login);
    if (rc)
        goto out;
    *id = sqlite3_last_insert_rowid(cat->db);
    ts_buf_addf(&d, "{\"role\":\"%s\"", role);
    if ((rc = set_libraries(cat, *id, libraries, n_libraries, &d, err)))
        goto out;
    ts_buf_addc(&d, '}');
    rc = circ_event(cat, actor, "user.add", login, &d, err);
out:
    sodium_memzero(hash, sizeof hash);
    ts_buf_free(&d);
    if (rc)
        *id = 0;
    return catalog_tx_end(cat, rc, err);
}

int catalog_account_add_reader(catalog *cat, int64_t reader_id, const char *password,
                               const char *actor, int64_t *id, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO account(login, role, reader_id, pwhash, created, updated)"
        " VALUES (?1, 'reader', ?2, ?3, ?4, ?4)";
    char hash[crypto_pwhash_STRBYTES], subject[40];
    struct circ_reader r;
    int rc;

    *id = 0;
    if ((rc = password_ok(password, CAT_PASSWORD_MIN_READER, err)) ||
        (rc = hash_password(password, hash, err)))
        return rc;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = circ_reader_load(cat, reader_id, &r, err)))
        goto out;
    rc = circ_exec(cat, sql, "add reader login", err,
                   CIRC_ARGS(CA_T(r.card), CA_I(reader_id), CA_T(hash), CA_I(cat_now(cat))));
    if (rc == TS_ECONFLICT)
        rc = ts_fail(err, TS_ECONFLICT, "reader %s already has a login (or the login is taken)",
                     r.card);
    if (rc)
        goto out;
    *id = sqlite3_last_insert_rowid(cat->db);
    snprintf(subject, sizeof subject, "reader:%lld", (long long)reader_id);
    rc = catalog_event_add(cat, actor ? actor : "cli", "user.add", subject, "{\"role\":\"reader\"}",
                           err);
out:
    sodium_memzero(hash, sizeof hash);
    if (rc)
        *id = 0;
    return catalog_tx_end(cat, rc, err);
}

/* Event subject for an account: its login, or "reader:<id>" (no card numbers). */
static void account_subject(const struct cat_account *a, char *buf, size_t cap)
{
    if (a->reader_id)
        snprintf(buf, cap, "reader:%lld", (long long)a->reader_id);
    else
        snprintf(buf, cap, "%s", a->login);
}

int catalog_account_set_password(catalog *cat, const char *login, const char *password,
                                 const char *actor, struct ts_err *err)
{
    static const char sql[] = "UPDATE account SET pwhash = ?2, updated = ?3 WHERE id = ?1";
    static const char sql_end[] = "DELETE FROM session WHERE account_id = ?1";
    char hash[crypto_pwhash_STRBYTES], subject[80];
    struct cat_account a;
    int rc;

    if ((rc = catalog_account_get(cat, login, &a, err)))
        return rc;
    if ((rc = password_ok(password, a.reader_id ? CAT_PASSWORD_MIN_READER : CAT_PASSWORD_MIN_STAFF,
                          err)) ||
        (rc = hash_password(password, hash, err))) {
        cat_account_clear(&a);
        return rc;
    }
    account_subject(&a, subject, sizeof subject);
    if ((rc = catalog_tx_begin(cat, err)))
        goto done;
    if (!(rc = circ_exec(cat, sql, "set password", err,
                         CIRC_ARGS(CA_I(a.id), CA_T(hash), CA_I(cat_now(cat))))) &&
        !(rc = circ_exec(cat, sql_end, "end sessions", err, CIRC_ARGS(CA_I(a.id)))))
        rc = catalog_event_add(cat, actor ? actor : "cli", "user.passwd", subject, NULL, err);
    rc = catalog_tx_end(cat, rc, err);
done:
    sodium_memzero(hash, sizeof hash);
    cat_account_clear(&a);
    return rc;
}

int catalog_account_set_role(catalog *cat, const char *login, const char *role,
                             const int64_t *libraries, size_t n_libraries, const char *actor,
                             struct ts_err *err)
{
    static const char sql[] = "UPDATE account SET role = ?2, updated = ?3 WHERE id = ?1";
    static const char sql_n[] = "SELECT count(*) FROM account_library WHERE account_id = ?1";
    struct cat_account a;
    struct ts_buf d;
    int64_t n_libs;
    int found, rc;

    if (!catalog_role_valid(role))
        return ts_fail(err, TS_EINVAL, "role '%s' is not admin, district, librarian or reader",
                       role ? role : "");
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = catalog_account_get(cat, login, &a, err)))
        goto out;
    if ((a.reader_id != 0) != (strcmp(role, "reader") == 0)) {
        rc = ts_fail(err, TS_EINVAL, "%s",
                     a.reader_id ? "a reader's login keeps the role reader"
                                 : "a staff login cannot become a reader");
        goto out;
    }
    if ((rc = circ_exec(cat, sql, "set role", err,
                        CIRC_ARGS(CA_I(a.id), CA_T(role), CA_I(cat_now(cat))))))
        goto out;
    ts_buf_addf(&d, "{\"role\":\"%s\"", role);
    if (libraries && (rc = set_libraries(cat, a.id, libraries, n_libraries, &d, err)))
        goto out;
    ts_buf_addc(&d, '}');
    if ((rc = circ_one_i64(cat, sql_n, "count libraries", &n_libs, &found, err,
                           CIRC_ARGS(CA_I(a.id)))))
        goto out;
    if (strcmp(role, "librarian") == 0 && n_libs == 0) {
        rc = ts_fail(err, TS_EINVAL, "a librarian works for at least one library");
        goto out;
    }
    rc = circ_event(cat, actor, "user.role", a.login, &d, err);
out:
    cat_account_clear(&a);
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}

int catalog_account_set_active(catalog *cat, const char *login, int active, const char *actor,
                               struct ts_err *err)
{
    static const char sql[] = "UPDATE account SET active = ?2, updated = ?3 WHERE id = ?1";
    static const char sql_end[] = "DELETE FROM session WHERE account_id = ?1";
    struct cat_account a;
    struct ts_buf d;
    char subject[80];
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = catalog_account_get(cat, login, &a, err)))
        goto out;
    if ((rc = circ_exec(cat, sql, "set active", err,
                        CIRC_ARGS(CA_I(a.id), CA_I(active ? 1 : 0), CA_I(cat_now(cat))))))
        goto out;
    if (!active && (rc = circ_exec(cat, sql_end, "end sessions", err, CIRC_ARGS(CA_I(a.id)))))
        goto out;
    account_subject(&a, subject, sizeof subject);
    ts_buf_addf(&d, "{\"active\":%s}", active ? "true" : "false");
    rc = circ_event(cat, actor, "user.active", subject, &d, err);
out:
    cat_account_clear(&a);
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}

/* ---------------------------------------------------------------- login */

/* Failures under `key` within the window; *retry_at when the oldest leaves it. */
static int failures(catalog *cat, const char *key, int64_t now, int64_t *n, int64_t *retry_at,
                    struct ts_err *err)
{
    static const char sql[] =
        "SELECT count(*), min(at) FROM login_failure WHERE key = ?1 AND at > ?2";
    sqlite3_stmt *st =
        circ_stmt(cat, sql, err, CIRC_ARGS(CA_T(key), CA_I(now - CAT_THROTTLE_WINDOW)));
    int src;

    *n = 0;
    *retry_at = now;
    if (!st)
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        *retry_at = sqlite3_column_int64(st, 1) + CAT_THROTTLE_WINDOW;
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW ? TS_OK : cat_dberr(cat, src, "count failed logins", err);
}

static int throttled(int64_t retry_at, int64_t now, const char *whom, struct ts_err *err)
{
    int64_t minutes = (retry_at - now + 59) / 60;

    if (minutes < 1)
        minutes = 1;
    return ts_fail(err, TS_ELIMIT, "too many failed logins %s: try again in %lld minute%s", whom,
                   (long long)minutes, minutes == 1 ? "" : "s");
}

static int record_failure(catalog *cat, const char *akey, const char *ckey, int64_t now,
                          struct ts_err *err)
{
    static const char sql_ins[] = "INSERT INTO login_failure(key, at) VALUES (?1, ?2)";
    static const char sql_old[] = "DELETE FROM login_failure WHERE key = ?1 AND at <= ?2";
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if (!(rc = circ_exec(cat, sql_old, "forget old failures", err,
                         CIRC_ARGS(CA_T(akey), CA_I(now - CAT_THROTTLE_WINDOW)))) &&
        !(rc = circ_exec(cat, sql_ins, "record failed login", err,
                         CIRC_ARGS(CA_T(akey), CA_I(now)))) &&
        ckey &&
        !(rc = circ_exec(cat, sql_old, "forget old failures", err,
                         CIRC_ARGS(CA_T(ckey), CA_I(now - CAT_THROTTLE_WINDOW)))))
        rc = circ_exec(cat, sql_ins, "record failed login", err, CIRC_ARGS(CA_T(ckey), CA_I(now)));
    return catalog_tx_end(cat, rc, err);
}

int catalog_account_login(catalog *cat, const char *login, const char *password, const char *client,
                          struct cat_account *out, struct ts_err *err)
{
    static const char sql_reader[] = "SELECT active FROM reader WHERE id = ?1";
    static const char sql_rehash[] =
        "UPDATE account SET pwhash = ?3, updated = ?4 WHERE id = ?1 AND pwhash = ?2";
    static const char sql_forget[] = "DELETE FROM login_failure WHERE key = ?1";
    char hash[crypto_pwhash_STRBYTES] = "", fresh[crypto_pwhash_STRBYTES];
    char akey[80], ckey[80];
    struct cat_account a;
    int64_t now = cat_now(cat), n, retry_at, active;
    int found, rc, ok = 0, have_client = client && *client && strlen(client) <= 64;

    memset(out, 0, sizeof *out);
    memset(&a, 0, sizeof a);
    if (!login_plausible(login) || !password || strlen(password) > CAT_PASSWORD_MAX)
        return ts_fail(err, TS_EAUTH, "wrong login or password");
    if (sodium_init() < 0)
        return ts_fail(err, TS_EINTERNAL, "libsodium failed to initialise");
    snprintf(akey, sizeof akey, "a:%s", login);
    snprintf(ckey, sizeof ckey, "ip:%s", have_client ? client : "");
    if ((rc = failures(cat, akey, now, &n, &retry_at, err)))
        return rc;
    if (n >= CAT_THROTTLE_ACCOUNT)
        return throttled(retry_at, now, "for this login", err);
    if (have_client) {
        if ((rc = failures(cat, ckey, now, &n, &retry_at, err)))
            return rc;
        if (n >= CAT_THROTTLE_CLIENT)
            return throttled(retry_at, now, "from this address", err);
    }
    rc = account_by_login(cat, login, &a, hash, err);
    if (rc && rc != TS_ENOTFOUND)
        return rc;
    if (rc == TS_OK) {
        ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    } else if (hash_password(password, fresh, NULL) == TS_OK) {
        /* unknown login: spend the same time as a verification */
        sodium_memzero(fresh, sizeof fresh);
    }
    if (!ok) {
        cat_account_clear(&a);
        if ((rc = record_failure(cat, akey, have_client ? ckey : NULL, now, err)))
            return rc;
        return ts_fail(err, TS_EAUTH, "wrong login or password");
    }
    if (!a.active) {
        rc = ts_fail(err, TS_EPERM, "this login is disabled: ask the library");
        goto out;
    }
    if (a.reader_id) {
        if ((rc = circ_one_i64(cat, sql_reader, "find reader", &active, &found, err,
                               CIRC_ARGS(CA_I(a.reader_id)))))
            goto out;
        if (!found || !active) {
            rc = ts_fail(err, TS_EPERM, "this library card is no longer active: ask the library");
            goto out;
        }
    }
    if (crypto_pwhash_str_needs_rehash(hash, pw_ops, pw_mem) != 0 &&
        hash_password(password, fresh, NULL) == TS_OK) {
        /* a concurrent password change wins: the UPDATE matches the old hash only */
        rc = circ_exec(cat, sql_rehash, "rehash password", err,
                       CIRC_ARGS(CA_I(a.id), CA_T(hash), CA_T(fresh), CA_I(now)));
        sodium_memzero(fresh, sizeof fresh);
        if (rc)
            goto out;
    }
    if ((rc = circ_exec(cat, sql_forget, "forget failed logins", err, CIRC_ARGS(CA_T(akey)))))
        goto out;
    *out = a;
    memset(&a, 0, sizeof a);
out:
    sodium_memzero(hash, sizeof hash);
    cat_account_clear(&a);
    return rc;
}
