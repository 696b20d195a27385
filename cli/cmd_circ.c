/*
 * cli/cmd_circ.c - people and the circulation desk at a terminal:
 *   tusach user   add | passwd | role          staff and reader logins
 *   tusach reader add | import | show | deactivate | block | unblock | history
 *   tusach desk   checkout | return | renew | overdue | policy
 *   tusach hold   place | cancel | list | expire
 *
 * A thin layer over catalog/circ.h: every rule and every refusal message
 * comes from the catalogue, so the state machines are exercised the way a
 * librarian uses them. Passwords are never taken from argv: they are read
 * from the terminal without echo, or from stdin with --password-stdin.
 * The desk's library is --library CODE, else $TUSACH_LIBRARY. $TUSACH_NOW
 * (Unix seconds) pins the clock: a testing and demo aid only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "circ.h"
#include "cli.h"
#include "import.h"
#include "readers_csv.h"
#include "ts_util.h"

#define ACTOR "cli"

/* ---------------------------------------------------------------- helpers */

static int64_t pinned_now;

static int64_t pinned_clock(void *ctx)
{
    (void)ctx;
    return pinned_now;
}

static int open_cat(struct cli *c, catalog **cat, struct ts_err *err)
{
    const char *now = getenv("TUSACH_NOW");
    int rc;

    if ((rc = cli_open_catalog(c, cat, err)))
        return rc;
    if (now && *now) {
        if ((rc = ts_parse_i64(now, &pinned_now, err))) {
            catalog_close(*cat);
            *cat = NULL;
            ts_err_prefix(err, "TUSACH_NOW: ");
            return rc;
        }
        catalog_set_clock(*cat, pinned_clock, NULL);
    }
    return TS_OK;
}

/* After circulation changes availability, bring the index up to date now;
 * if it cannot (a server holds the index), the next import or reindex will. */
static void drain_index(struct cli *c)
{
    struct import_opts o = {0};
    struct import_summary s;
    struct ts_err err = {0};

    o.data_dir = c->data_dir;
    if (import_drain(&o, &s, &err))
        fprintf(stderr, "tusach: note: search availability not updated yet (%s)\n", err.msg);
}

static void day(int64_t t, char buf[16])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!t || !localtime_r(&tt, &tm) || !strftime(buf, 16, "%Y-%m-%d", &tm))
        snprintf(buf, 16, "-");
}

static int64_t now_of(catalog *cat)
{
    (void)cat;
    return getenv("TUSACH_NOW") && *getenv("TUSACH_NOW") ? pinned_now : ts_now_unix();
}

static int library_id(catalog *cat, const char *code, int64_t *id, struct ts_err *err)
{
    struct cat_library lib;
    int rc;

    *id = 0;
    if (!code || !*code)
        return ts_fail(err, TS_EINVAL, "which library? give --library CODE or set TUSACH_LIBRARY");
    if ((rc = catalog_library_get(cat, code, &lib, err)))
        return rc;
    *id = lib.id;
    cat_library_clear(&lib);
    return TS_OK;
}

static const char *desk_library(const char *opt)
{
    const char *env = getenv("TUSACH_LIBRARY");
    return opt ? opt : (env && *env ? env : NULL);
}

static int reader_id(catalog *cat, const char *card, int64_t *id, struct ts_err *err)
{
    struct cat_reader r;
    int rc;

    *id = 0;
    if (!card)
        return ts_fail(err, TS_EINVAL, "which reader? give --reader CARD");
    if ((rc = catalog_reader_by_card(cat, card, &r, err)))
        return rc;
    *id = r.id;
    cat_reader_clear(&r);
    return TS_OK;
}

/*
 * A password from stdin (--password-stdin: the first line) or from the
 * terminal without echo (asked twice when `confirm`). Never from argv.
 */
static int read_password(int from_stdin, int confirm, char *buf, size_t cap, struct ts_err *err)
{
    struct termios old, quiet;
    char again[CAT_PASSWORD_MAX + 2];
    size_t n;
    int rc = TS_OK;

    buf[0] = '\0';
    if (!from_stdin && !isatty(STDIN_FILENO))
        return ts_fail(err, TS_EINVAL,
                       "no terminal to ask for the password: pipe it in with --password-stdin");
    if (from_stdin) {
        if (!fgets(buf, (int)cap, stdin))
            return ts_fail(err, TS_EINVAL, "no password on stdin");
        n = strlen(buf);
        if (n && buf[n - 1] != '\n' && !feof(stdin))
            return ts_fail(err, TS_EINVAL, "the password is longer than %d bytes",
                           CAT_PASSWORD_MAX);
        buf[strcspn(buf, "\r\n")] = '\0';
        return TS_OK;
    }
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return ts_fail(err, TS_EIO, "cannot turn off echo on this terminal");
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    fputs("Password: ", stderr);
    if (!fgets(buf, (int)cap, stdin))
        rc = ts_fail(err, TS_EINVAL, "no password given");
    if (rc == TS_OK && confirm) {
        fputs("Again: ", stderr);
        if (!fgets(again, sizeof again, stdin))
            rc = ts_fail(err, TS_EINVAL, "no password given");
    }
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    buf[strcspn(buf, "\r\n")] = '\0';
    if (rc == TS_OK && confirm) {
        again[strcspn(again, "\r\n")] = '\0';
        if (strcmp(buf, again) != 0)
            rc = ts_fail(err, TS_EINVAL, "the two passwords differ");
    }
    explicit_bzero(again, sizeof again);
    return rc;
}

/* --library CODE options collected into ids. */
struct libs {
    const char *codes[32];
    size_t n;
    int64_t ids[32];
};

static int libs_resolve(catalog *cat, struct libs *l, struct ts_err *err)
{
    for (size_t i = 0; i < l->n; i++) {
        int rc = library_id(cat, l->codes[i], &l->ids[i], err);
        if (rc)
            return rc;
    }
    return TS_OK;
}

/* ---------------------------------------------------------------- user */

static const char user_usage[] =
    "usage: tusach user add LOGIN --role admin|district|librarian [--name NAME]\n"
    "                           [--library CODE]... [--password-stdin]\n"
    "       tusach user add CARD --role reader [--password-stdin]   (a reader's PIN)\n"
    "       tusach user passwd LOGIN [--password-stdin]\n"
    "       tusach user role LOGIN ROLE [--library CODE]...\n"
    "       tusach user token LOGIN [--name NAME] [--days N]   (an API token for scripts)\n"
    "The password is asked on the terminal (no echo) or read from stdin's first line.\n";

int cmd_user(struct cli *c)
{
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"library", required_argument, NULL, 'l'},
                                         {"password-stdin", no_argument, NULL, 'p'},
                                         {"days", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    char pw[CAT_PASSWORD_MAX + 2];
    int64_t days = 0;
    const char *sub, *role = NULL, *name = NULL, *login;
    struct ts_err err = {0};
    struct libs libs = {0};
    catalog *cat = NULL;
    int o, from_stdin = 0, rc = CLI_OK;

    if (c->argc < 2 || c->argv[1][0] == '-') {
        fputs(user_usage, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? CLI_USAGE : CLI_OK;
    }
    sub = c->argv[1];
    optind = 2;
    while ((o = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'r': role = optarg; break;
        case 'n': name = optarg; break;
        case 'l':
            if (libs.n == sizeof libs.codes / sizeof libs.codes[0]) {
                fprintf(stderr, "tusach: too many --library options\n");
                return CLI_USAGE;
            }
            libs.codes[libs.n++] = optarg;
            break;
        case 'p': from_stdin = 1; break;
        case 'd':
            if (ts_parse_i64(optarg, &days, NULL) || days < 1 || days > 3660) {
                fprintf(stderr, "tusach: --days wants 1 to 3660\n");
                return CLI_USAGE;
            }
            break;
        case 'h': fputs(user_usage, stdout); return CLI_OK;
        default: fputs(user_usage, stderr); return CLI_USAGE;
        }
    }
    if (optind >= c->argc) {
        fputs(user_usage, stderr);
        return CLI_USAGE;
    }
    login = c->argv[optind];
    /* exact arity: a stray word (say, a password typed after --password) is
     * refused rather than ignored */
    if (c->argc - optind != (strcmp(sub, "role") == 0 ? 2 : 1)) {
        fputs(user_usage, stderr);
        return CLI_USAGE;
    }
    if (strcmp(sub, "role") == 0)
        role = c->argv[optind + 1];
    if (strcmp(sub, "add") == 0 && !role) {
        fprintf(stderr, "tusach: user add needs --role\n");
        return CLI_USAGE;
    }
    if (strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 && strcmp(sub, "role") != 0 &&
        strcmp(sub, "token") != 0) {
        fputs(user_usage, stderr);
        return CLI_USAGE;
    }
    if (strcmp(sub, "role") != 0 && strcmp(sub, "token") != 0 &&
        read_password(from_stdin, strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0, pw,
                      sizeof pw, &err))
        return cli_fail(&err);
    if (open_cat(c, &cat, &err) || libs_resolve(cat, &libs, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (strcmp(sub, "add") == 0) {
        int64_t id, rid;
        if (strcmp(role, "reader") == 0) {
            if (reader_id(cat, login, &rid, &err) ||
                catalog_account_add_reader(cat, rid, pw, ACTOR, &id, &err))
                rc = cli_fail(&err);
            else
                printf("login added for reader %s\n", login);
        } else if (catalog_account_add(cat, login, name, role, pw, libs.ids, libs.n, ACTOR, &id,
                                       &err)) {
            rc = cli_fail(&err);
        } else {
            printf("user %s added (%s", login, role);
            for (size_t i = 0; i < libs.n; i++)
                printf("%s%s", i ? ", " : " at ", libs.codes[i]);
            printf(")\n");
        }
    } else if (strcmp(sub, "token") == 0) {
        char token[CAT_API_TOKEN_LEN + 1] = "";
        struct cat_account a = {0};
        int64_t id;
        if (catalog_account_get(cat, login, &a, &err) ||
            catalog_token_create(cat, a.id, name ? name : "script",
                                 days ? now_of(cat) + days * 86400 : 0, token, &id, &err)) {
            rc = cli_fail(&err);
        } else {
            /* the only time the token is shown: the catalogue keeps its hash */
            printf("%s\n", token);
            fprintf(stderr, "API token %lld for %s: send it as 'Authorization: Bearer <token>'\n",
                    (long long)id, login);
        }
        cat_account_clear(&a);
        explicit_bzero(token, sizeof token);
    } else if (strcmp(sub, "passwd") == 0) {
        if (catalog_account_set_password(cat, login, pw, ACTOR, &err))
            rc = cli_fail(&err);
        else
            printf("password of %s changed; its sessions are closed\n", login);
    } else {
        if (catalog_account_set_role(cat, login, role, libs.n ? libs.ids : NULL, libs.n, ACTOR,
                                     &err))
            rc = cli_fail(&err);
        else
            printf("user %s is now %s\n", login, role);
    }
out:
    explicit_bzero(pw, sizeof pw);
    catalog_close(cat);
    return rc;
}

/* ---------------------------------------------------------------- reader */

static const char reader_usage[] =
    "usage: tusach reader add --card CARD --name NAME --library CODE\n"
    "                         [--category pupil|teacher|adult] [--class CLASS] [--history]\n"
    "       tusach reader import FILE.csv --library CODE [--category C] [--dry-run]\n"
    "       tusach reader show CARD\n"
    "       tusach reader deactivate CARD\n"
    "       tusach reader block CARD --reason TEXT | unblock CARD\n"
    "       tusach reader history CARD on|off\n"
    "import exits 3 when some rows were skipped (each is reported with its line).\n"
    "import reads a class list: Họ và tên (or Họ đệm + Tên), Lớp, Số thẻ / Mã học sinh,\n"
    "optionally Đối tượng (Học sinh, Giáo viên, Người lớn); default category pupil.\n";

/* A row the spreadsheet reader skipped: its message names file and line. */
static void csv_problem(long line, const struct ts_err *why, void *ctx)
{
    (void)line;
    (*(size_t *)ctx)++;
    fprintf(stderr, "tusach: %s\n", why->msg);
}

/* A row the catalogue refused: name the file and line here. */
struct import_ctx {
    const char *file;
};

static void catalog_problem(long line, const struct ts_err *why, void *ctx)
{
    const struct import_ctx *ic = ctx;
    fprintf(stderr, "tusach: %s line %ld: %s (row skipped)\n", ic->file, line, why->msg);
}

static int reader_import(catalog *cat, const char *file, int64_t lib, const char *category,
                         int dry_run, struct ts_err *err)
{
    struct reader_csv_row *rows = NULL;
    struct cat_reader_row *in = NULL;
    struct cat_reader_import sum;
    struct import_ctx ic;
    const char *slash = strrchr(file, '/');
    size_t n = 0, skipped = 0;
    int rc;

    if (!catalog_reader_category_valid(category)) {
        fprintf(stderr, "tusach: --category must be pupil, teacher or adult\n");
        return CLI_USAGE;
    }
    ic.file = slash ? slash + 1 : file;
    if ((rc = import_readers_csv_read(file, csv_problem, &skipped, &rows, &n, err)))
        return cli_fail(err);
    in = calloc(n ? n : 1, sizeof *in);
    if (!in) {
        import_readers_csv_free(rows, n);
        return CLI_ERR;
    }
    for (size_t i = 0; i < n; i++) {
        in[i].in.card = rows[i].card;
        in[i].in.name = rows[i].name;
        in[i].in.class_name = rows[i].class_name;
        in[i].in.category = rows[i].category ? rows[i].category : category;
        in[i].in.home_library_id = lib;
        in[i].line = rows[i].line;
    }
    rc = catalog_reader_import(cat, in, n, dry_run, ACTOR, catalog_problem, &ic, &sum, err);
    free(in);
    import_readers_csv_free(rows, n);
    if (rc)
        return cli_fail(err);
    printf("readers%s: created %zu, updated %zu, unchanged %zu, rows skipped %zu\n",
           dry_run ? " (dry run, nothing saved)" : "", sum.created, sum.updated, sum.unchanged,
           sum.failed + skipped);
    return sum.failed + skipped ? CLI_PARTIAL : CLI_OK;
}

static void show_reader(catalog *cat, const struct cat_reader *r)
{
    struct cat_loan *loans = NULL;
    struct cat_hold *holds = NULL;
    struct cat_notice *notes = NULL;
    size_t n_loans = 0, n_holds = 0, n_notes = 0;
    struct ts_err err = {0};
    int64_t now = now_of(cat);
    char d1[16];

    printf("card            %s\nname            %s\ncategory        %s\n", r->card, r->name,
           r->category);
    if (r->class_name)
        printf("class           %s\n", r->class_name);
    printf("library         %s\n", r->home_library);
    printf("status          %s%s%s\n",
           !r->active   ? "inactive"
           : r->blocked ? "blocked: "
                        : "active",
           r->active && r->blocked ? r->blocked : "", "");
    printf("history         %s\n", r->history ? "kept (opted in)" : "off");
    if (catalog_loan_list_reader(cat, r->id, &loans, &n_loans, &err) == TS_OK) {
        for (size_t i = 0; i < n_loans; i++) {
            day(loans[i].due_at, d1);
            printf("loan            %s  %s  due %s%s  (%d renewal%s left)\n", loans[i].barcode,
                   loans[i].title, d1, loans[i].due_at < now ? " OVERDUE" : "",
                   loans[i].renewals_left, loans[i].renewals_left == 1 ? "" : "s");
        }
    }
    cat_loan_list_free(loans, n_loans);
    if (catalog_hold_list(cat, r->id, 0, 0, &holds, &n_holds, &err) == TS_OK) {
        for (size_t i = 0; i < n_holds; i++) {
            if (strcmp(holds[i].status, "ready") == 0) {
                day(holds[i].expires_at, d1);
                printf("hold            #%lld  %s  READY at %s (copy %s) until %s\n",
                       (long long)holds[i].id, holds[i].title, holds[i].pickup_library,
                       holds[i].barcode ? holds[i].barcode : "?", d1);
            } else {
                printf("hold            #%lld  %s  waiting at %s (number %d in the queue)\n",
                       (long long)holds[i].id, holds[i].title, holds[i].pickup_library,
                       holds[i].position);
            }
        }
    }
    cat_hold_list_free(holds, n_holds);
    if (catalog_notice_list(cat, r->id, &notes, &n_notes, &err) == TS_OK) {
        for (size_t i = 0; i < n_notes; i++) {
            day(notes[i].expires_at, d1);
            printf("notice          your hold on \"%s\" is ready at %s until %s\n", notes[i].title,
                   notes[i].library, d1);
        }
    }
    cat_notice_list_free(notes, n_notes);
    if (r->history && catalog_loan_history(cat, r->id, &loans, &n_loans, &err) == TS_OK) {
        for (size_t i = 0; i < n_loans; i++) {
            day(loans[i].returned_at, d1);
            printf("borrowed        %s  %s  returned %s\n", loans[i].barcode, loans[i].title, d1);
        }
        cat_loan_list_free(loans, n_loans);
    }
    if (err.code)
        fprintf(stderr, "tusach: %s\n", err.msg);
}

int cmd_reader(struct cli *c)
{
    static const struct option opts[] = {
        {"card", required_argument, NULL, 'c'},    {"name", required_argument, NULL, 'n'},
        {"library", required_argument, NULL, 'l'}, {"category", required_argument, NULL, 'k'},
        {"class", required_argument, NULL, 'C'},   {"history", no_argument, NULL, 'H'},
        {"reason", required_argument, NULL, 'r'},  {"dry-run", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {0}};
    struct cat_reader_in in = {0};
    const char *sub, *library = NULL, *reason = NULL, *arg = NULL;
    struct ts_err err = {0};
    struct cat_reader r = {0};
    catalog *cat = NULL;
    int64_t lib = 0, id;
    int o, dry_run = 0, rc = CLI_OK;

    if (c->argc < 2 || c->argv[1][0] == '-') {
        fputs(reader_usage, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? CLI_USAGE : CLI_OK;
    }
    sub = c->argv[1];
    in.category = NULL;
    optind = 2;
    while ((o = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c': in.card = optarg; break;
        case 'n': in.name = optarg; break;
        case 'l': library = optarg; break;
        case 'k': in.category = optarg; break;
        case 'C': in.class_name = optarg; break;
        case 'H': in.history = 1; break;
        case 'r': reason = optarg; break;
        case 'd': dry_run = 1; break;
        case 'h': fputs(reader_usage, stdout); return CLI_OK;
        default: fputs(reader_usage, stderr); return CLI_USAGE;
        }
    }
    if (optind < c->argc)
        arg = c->argv[optind];
    if (strcmp(sub, "add") != 0 && !arg) {
        fputs(reader_usage, stderr);
        return CLI_USAGE;
    }
    if (open_cat(c, &cat, &err))
        return cli_fail(&err);
    if (strcmp(sub, "add") == 0 || strcmp(sub, "import") == 0) {
        if (library_id(cat, desk_library(library), &lib, &err)) {
            rc = cli_fail(&err);
        } else if (strcmp(sub, "import") == 0) {
            rc = reader_import(cat, arg, lib, in.category ? in.category : "pupil", dry_run, &err);
        } else {
            in.home_library_id = lib;
            if (!in.category)
                in.category = "pupil";
            if (catalog_reader_add(cat, &in, ACTOR, &id, &err))
                rc = cli_fail(&err);
            else
                printf("reader %s added: %s (%s%s%s)\n", in.card, in.name, in.category,
                       in.class_name ? ", class " : "", in.class_name ? in.class_name : "");
        }
    } else if (catalog_reader_by_card(cat, arg, &r, &err)) {
        rc = cli_fail(&err);
    } else if (strcmp(sub, "show") == 0) {
        show_reader(cat, &r);
    } else if (strcmp(sub, "deactivate") == 0) {
        if (catalog_reader_deactivate(cat, r.id, ACTOR, &err))
            rc = cli_fail(&err);
        else
            printf("reader %s deactivated (their holds are cancelled)\n", r.card);
    } else if (strcmp(sub, "block") == 0 || strcmp(sub, "unblock") == 0) {
        int block = strcmp(sub, "block") == 0;
        if (block && !reason) {
            fprintf(stderr, "tusach: reader block needs --reason\n");
            rc = CLI_USAGE;
        } else if (catalog_reader_set_blocked(cat, r.id, block ? reason : NULL, ACTOR, &err)) {
            rc = cli_fail(&err);
        } else {
            printf("reader %s %s\n", r.card, block ? "blocked" : "unblocked");
        }
    } else if (strcmp(sub, "history") == 0 && optind + 1 < c->argc &&
               (strcmp(c->argv[optind + 1], "on") == 0 ||
                strcmp(c->argv[optind + 1], "off") == 0)) {
        int on = strcmp(c->argv[optind + 1], "on") == 0;
        if (catalog_reader_set_history(cat, r.id, on, ACTOR, &err))
            rc = cli_fail(&err);
        else
            printf("reader %s: borrowing history %s\n", r.card,
                   on ? "kept from now on" : "off (past loans forgotten)");
    } else {
        fputs(reader_usage, stderr);
        rc = CLI_USAGE;
    }
    cat_reader_clear(&r);
    catalog_close(cat);
    if (rc == CLI_OK && strcmp(sub, "deactivate") == 0)
        drain_index(c); /* cancelled holds may put copies back on the shelf */
    return rc;
}

/* ---------------------------------------------------------------- desk */

static const char desk_usage[] =
    "usage: tusach desk checkout --reader CARD BARCODE... [--library CODE] [--key KEY]\n"
    "       tusach desk return BARCODE... [--library CODE] [--key KEY]\n"
    "       tusach desk renew BARCODE... [--library CODE] [--key KEY]\n"
    "       tusach desk overdue [--library CODE]\n"
    "       tusach desk policy [--library CODE] [--category C --loan-days N --max-items N\n"
    "                          --renewals N --hold-days N]\n"
    "The desk's library is --library, else $TUSACH_LIBRARY. --key makes a retry safe:\n"
    "the same key and barcode never check out or return twice.\n";

/* "KEY/BARCODE": one idempotency key per copy when several are scanned. */
static const char *item_key(const char *key, const char *barcode, char *buf, size_t cap)
{
    if (!key)
        return NULL;
    snprintf(buf, cap, "%s/%s", key, barcode);
    return buf;
}

static int desk_checkout(catalog *cat, int64_t lib, const char *lib_code, const char *card,
                         const char *key, char **barcodes, int n)
{
    struct cat_loan *done = calloc((size_t)n, sizeof *done);
    struct ts_err err = {0};
    int64_t rid;
    int n_done = 0, refused = 0;
    char d1[16];

    if (!done)
        return CLI_ERR;
    if (reader_id(cat, card, &rid, &err)) {
        free(done);
        return cli_fail(&err);
    }
    for (int i = 0; i < n; i++) {
        char kbuf[300];
        struct cat_desk desk = {lib, ACTOR, item_key(key, barcodes[i], kbuf, sizeof kbuf), 0};
        struct cat_loan *l = &done[n_done];
        if (catalog_loan_checkout(cat, &desk, barcodes[i], rid, l, &err)) {
            fprintf(stderr, "tusach: REFUSED %s: %s\n", barcodes[i], err.msg);
            refused++;
            continue;
        }
        day(l->due_at, d1);
        printf("%s  checked out%s: \"%s\", due %s\n", l->barcode,
               l->replayed ? " (already done: same key)" : "", l->title, d1);
        n_done++;
    }
    if (n_done) {
        day(now_of(cat), d1);
        printf("\nReceipt  %s  %s\nReader   %s %s\n", lib_code, d1, done[0].reader_card,
               done[0].reader_name ? done[0].reader_name : "");
        for (int i = 0; i < n_done; i++) {
            day(done[i].due_at, d1);
            printf("  %-14s due %s  %s\n", done[i].barcode, d1, done[i].title);
        }
    }
    for (int i = 0; i < n_done; i++)
        cat_loan_clear(&done[i]);
    free(done);
    return refused ? CLI_ERR : CLI_OK;
}

static int desk_return(catalog *cat, int64_t lib, const char *key, char **barcodes, int n)
{
    struct ts_err err = {0};
    int refused = 0;

    for (int i = 0; i < n; i++) {
        char kbuf[300], d1[16], late[48] = "";
        struct cat_desk desk = {lib, ACTOR, item_key(key, barcodes[i], kbuf, sizeof kbuf), 0};
        struct cat_return r;
        if (catalog_loan_return(cat, &desk, barcodes[i], &r, &err)) {
            fprintf(stderr, "tusach: REFUSED %s: %s\n", barcodes[i], err.msg);
            refused++;
            continue;
        }
        if (r.days_overdue > 0)
            snprintf(late, sizeof late, " (%lld day%s late)", (long long)r.days_overdue,
                     r.days_overdue == 1 ? "" : "s");
        printf("%s  %s%s%s: \"%s\" -> ", r.barcode, r.loan_id ? "returned" : "checked in", late,
               r.replayed ? " (already done: same key)" : "", r.title);
        switch (r.outcome) {
        case CAT_RETURN_HOLD_SHELF:
            day(r.hold_expires, d1);
            printf("HOLD SHELF for %s %s (hold #%lld, until %s)\n", r.hold_card ? r.hold_card : "?",
                   r.hold_name ? r.hold_name : "", (long long)r.hold_id, d1);
            break;
        case CAT_RETURN_TRANSIT: printf("IN TRANSIT to %s\n", r.home_library); break;
        default: printf("back to the shelf\n"); break;
        }
        cat_return_clear(&r);
    }
    return refused ? CLI_ERR : CLI_OK;
}

static int desk_renew(catalog *cat, int64_t lib, const char *key, char **barcodes, int n)
{
    struct ts_err err = {0};
    int refused = 0;

    for (int i = 0; i < n; i++) {
        char kbuf[300], d1[16];
        struct cat_desk desk = {lib, ACTOR, item_key(key, barcodes[i], kbuf, sizeof kbuf), 0};
        struct cat_loan l;
        if (catalog_loan_renew(cat, &desk, barcodes[i], &l, &err)) {
            fprintf(stderr, "tusach: REFUSED %s: %s\n", barcodes[i], err.msg);
            refused++;
            continue;
        }
        day(l.due_at, d1);
        printf("%s  renewed: \"%s\", due %s (%d renewal%s left)\n", l.barcode, l.title, d1,
               l.renewals_left, l.renewals_left == 1 ? "" : "s");
        cat_loan_clear(&l);
    }
    return refused ? CLI_ERR : CLI_OK;
}

static int desk_overdue(catalog *cat, int64_t lib)
{
    struct cat_loan *v = NULL;
    struct ts_err err = {0};
    int64_t now = now_of(cat);
    size_t n = 0;

    if (catalog_loan_overdue(cat, lib, &v, &n, &err))
        return cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        char d1[16];
        day(v[i].due_at, d1);
        printf("%s\t%s\tdue %s\t%lld days late\t%s %s\n", v[i].barcode, v[i].title, d1,
               (long long)((now - v[i].due_at) / 86400), v[i].reader_card ? v[i].reader_card : "",
               v[i].reader_name ? v[i].reader_name : "");
    }
    fprintf(stderr, "%zu overdue\n", n);
    cat_loan_list_free(v, n);
    return CLI_OK;
}

static int desk_policy(catalog *cat, int64_t lib, const char *lib_code, const char *category,
                       const int vals[4], int n_set)
{
    static const char *const cats[] = {"pupil", "teacher", "adult"};
    struct ts_err err = {0};

    if (n_set) {
        struct cat_policy p;
        if (!category) {
            fprintf(stderr, "tusach: desk policy needs --category to change a rule\n");
            return CLI_USAGE;
        }
        if (catalog_policy_get(cat, lib, category, &p, &err))
            return cli_fail(&err);
        if (vals[0] >= 0)
            p.loan_days = vals[0];
        if (vals[1] >= 0)
            p.max_items = vals[1];
        if (vals[2] >= 0)
            p.renewals = vals[2];
        if (vals[3] >= 0)
            p.hold_shelf_days = vals[3];
        if (catalog_policy_set(cat, lib, category, &p, ACTOR, &err))
            return cli_fail(&err);
    }
    for (size_t i = 0; i < 3; i++) {
        struct cat_policy p;
        if (catalog_policy_get(cat, lib, cats[i], &p, &err))
            return cli_fail(&err);
        printf("%s\t%s\t%d days\t%d items\t%d renewals\thold shelf %d days%s\n", lib_code, cats[i],
               p.loan_days, p.max_items, p.renewals, p.hold_shelf_days,
               p.is_default ? "\t(default)" : "");
    }
    return CLI_OK;
}

static int parse_int_opt(const char *s, int *out)
{
    int64_t v;
    struct ts_err err = {0};

    if (ts_parse_i64(s, &v, &err) || v < 0 || v > 100000) {
        fprintf(stderr, "tusach: '%s' is not a number\n", s);
        return CLI_USAGE;
    }
    *out = (int)v;
    return CLI_OK;
}

int cmd_desk(struct cli *c)
{
    static const struct option opts[] = {{"reader", required_argument, NULL, 'r'},
                                         {"library", required_argument, NULL, 'l'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"category", required_argument, NULL, 'c'},
                                         {"loan-days", required_argument, NULL, '1'},
                                         {"max-items", required_argument, NULL, '2'},
                                         {"renewals", required_argument, NULL, '3'},
                                         {"hold-days", required_argument, NULL, '4'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *sub, *card = NULL, *library = NULL, *key = NULL, *category = NULL;
    struct ts_err err = {0};
    catalog *cat = NULL;
    int vals[4] = {-1, -1, -1, -1};
    int64_t lib = 0;
    int o, n_set = 0, rc = CLI_OK, changes;

    if (c->argc < 2 || c->argv[1][0] == '-') {
        fputs(desk_usage, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? CLI_USAGE : CLI_OK;
    }
    sub = c->argv[1];
    optind = 2;
    while ((o = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'r': card = optarg; break;
        case 'l': library = optarg; break;
        case 'k': key = optarg; break;
        case 'c': category = optarg; break;
        case '1':
        case '2':
        case '3':
        case '4':
            if (parse_int_opt(optarg, &vals[o - '1']))
                return CLI_USAGE;
            n_set++;
            break;
        case 'h': fputs(desk_usage, stdout); return CLI_OK;
        default: fputs(desk_usage, stderr); return CLI_USAGE;
        }
    }
    changes =
        strcmp(sub, "checkout") == 0 || strcmp(sub, "return") == 0 || strcmp(sub, "renew") == 0;
    if (!changes && strcmp(sub, "overdue") != 0 && strcmp(sub, "policy") != 0) {
        fputs(desk_usage, stderr);
        return CLI_USAGE;
    }
    if (changes && optind >= c->argc) {
        fprintf(stderr, "tusach: desk %s needs at least one barcode\n", sub);
        return CLI_USAGE;
    }
    library = desk_library(library);
    if (open_cat(c, &cat, &err))
        return cli_fail(&err);
    if ((library || strcmp(sub, "overdue") != 0) && library_id(cat, library, &lib, &err)) {
        catalog_close(cat);
        return cli_fail(&err);
    }
    if (strcmp(sub, "checkout") == 0)
        rc = desk_checkout(cat, lib, library, card, key, c->argv + optind, c->argc - optind);
    else if (strcmp(sub, "return") == 0)
        rc = desk_return(cat, lib, key, c->argv + optind, c->argc - optind);
    else if (strcmp(sub, "renew") == 0)
        rc = desk_renew(cat, lib, key, c->argv + optind, c->argc - optind);
    else if (strcmp(sub, "overdue") == 0)
        rc = desk_overdue(cat, lib);
    else
        rc = desk_policy(cat, lib, library, category, vals, n_set);
    catalog_close(cat);
    if (changes && strcmp(sub, "renew") != 0)
        drain_index(c);
    return rc;
}

/* ---------------------------------------------------------------- hold */

static const char hold_usage[] =
    "usage: tusach hold place --reader CARD --record ID [--pickup CODE]\n"
    "       tusach hold cancel HOLD_ID\n"
    "       tusach hold list [--reader CARD] [--library CODE] [--record ID]\n"
    "       tusach hold expire     (move expired hold-shelf copies on; run daily)\n"
    "The pickup library defaults to $TUSACH_LIBRARY, else the reader's home library.\n";

static void print_hold(const struct cat_hold *h)
{
    char d1[16];

    if (strcmp(h->status, "ready") == 0) {
        day(h->expires_at, d1);
        printf("#%lld\t%s\t%s\tready: %s until %s\t%s %s\n", (long long)h->id, h->pickup_library,
               h->title, h->barcode ? h->barcode : "?", d1, h->reader_card ? h->reader_card : "",
               h->reader_name ? h->reader_name : "");
    } else {
        day(h->placed_at, d1);
        printf("#%lld\t%s\t%s\twaiting #%d since %s\t%s %s\n", (long long)h->id, h->pickup_library,
               h->title, h->position, d1, h->reader_card ? h->reader_card : "",
               h->reader_name ? h->reader_name : "");
    }
}

int cmd_hold(struct cli *c)
{
    static const struct option opts[] = {
        {"reader", required_argument, NULL, 'r'}, {"record", required_argument, NULL, 'R'},
        {"pickup", required_argument, NULL, 'p'}, {"library", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},         {0}};
    const char *sub, *card = NULL, *record = NULL, *pickup = NULL, *library = NULL;
    struct ts_err err = {0};
    catalog *cat = NULL;
    int64_t rid = 0, rec = 0, lib = 0, id;
    int o, rc = CLI_OK;

    if (c->argc < 2 || c->argv[1][0] == '-') {
        fputs(hold_usage, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? CLI_USAGE : CLI_OK;
    }
    sub = c->argv[1];
    optind = 2;
    while ((o = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'r': card = optarg; break;
        case 'R': record = optarg; break;
        case 'p': pickup = optarg; break;
        case 'l': library = optarg; break;
        case 'h': fputs(hold_usage, stdout); return CLI_OK;
        default: fputs(hold_usage, stderr); return CLI_USAGE;
        }
    }
    if (record && ts_parse_i64(record, &rec, &err)) {
        fputs(hold_usage, stderr);
        return CLI_USAGE;
    }
    if (open_cat(c, &cat, &err))
        return cli_fail(&err);
    if (strcmp(sub, "place") == 0) {
        struct cat_reader r;
        const char *where = pickup ? pickup : desk_library(NULL);
        if (!card || !record) {
            fputs(hold_usage, stderr);
            rc = CLI_USAGE;
        } else if (catalog_reader_by_card(cat, card, &r, &err)) {
            rc = cli_fail(&err);
        } else {
            if ((where ? library_id(cat, where, &lib, &err) : ((lib = r.home_library_id), 0)) ||
                catalog_hold_place(cat, r.id, rec, lib, ACTOR, &id, &err)) {
                fprintf(stderr, "tusach: REFUSED hold for %s: %s\n", card, err.msg);
                rc = CLI_ERR;
            } else {
                struct cat_hold h;
                if (catalog_hold_get(cat, id, &h, &err) == TS_OK) {
                    printf("hold #%lld placed for %s: \"%s\" at %s (number %d in the queue)\n",
                           (long long)id, card, h.title, h.pickup_library, h.position);
                    cat_hold_clear(&h);
                }
            }
            cat_reader_clear(&r);
        }
    } else if (strcmp(sub, "cancel") == 0) {
        if (optind >= c->argc || ts_parse_i64(c->argv[optind], &id, &err)) {
            fputs(hold_usage, stderr);
            rc = CLI_USAGE;
        } else if (catalog_hold_cancel(cat, id, ACTOR, &err)) {
            fprintf(stderr, "tusach: REFUSED cancel of hold #%lld: %s\n", (long long)id, err.msg);
            rc = CLI_ERR;
        } else {
            printf("hold #%lld cancelled\n", (long long)id);
        }
    } else if (strcmp(sub, "list") == 0) {
        struct cat_hold *v = NULL;
        size_t n = 0;
        if ((card && reader_id(cat, card, &rid, &err)) ||
            (library && library_id(cat, library, &lib, &err)) ||
            catalog_hold_list(cat, rid, lib, rec, &v, &n, &err)) {
            rc = cli_fail(&err);
        } else {
            for (size_t i = 0; i < n; i++)
                print_hold(&v[i]);
            fprintf(stderr, "%zu active hold%s\n", n, n == 1 ? "" : "s");
        }
        cat_hold_list_free(v, n);
    } else if (strcmp(sub, "expire") == 0) {
        size_t n = 0;
        if (catalog_hold_expire_due(cat, &n, &err))
            rc = cli_fail(&err);
        else
            printf("%zu hold%s expired\n", n, n == 1 ? "" : "s");
    } else {
        fputs(hold_usage, stderr);
        rc = CLI_USAGE;
    }
    catalog_close(cat);
    if (rc == CLI_OK && (strcmp(sub, "cancel") == 0 || strcmp(sub, "expire") == 0))
        drain_index(c);
    return rc;
}
