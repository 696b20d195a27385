/*
 * import/harvest.c - the OAI-PMH harvest loop (contract in harvest.h): build
 * the request URL, fetch one page into a bounded buffer, parse it with the
 * Dublin Core reader, follow the resumptionToken.
 *
 * Only this file includes curl.h. One easy handle is reused for every page
 * so the connection to the repository stays open between pages.
 */
#include "harvest.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "dc.h"
#include "ts_buf.h"
#include "ts_mem.h"

struct body {
    struct ts_buf buf;
    bool too_big;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    /* curl_easy_init would do it implicitly, but not thread-safely on older libcurl */
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct body *b = arg;

    if (ts_buf_addn(&b->buf, p, size * n) != TS_OK) {
        b->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return size * n;
}

static void add_param(struct ts_buf *b, CURL *h, const char *name, const char *value)
{
    char *esc;

    if (!value)
        return;
    esc = curl_easy_escape(h, value, 0);
    (void)ts_buf_addf(b, "&%s=%s", name, esc ? esc : "");
    curl_free(esc);
}

/* The URL of the first page (token NULL) or of the page after `token`. */
static char *page_url(CURL *h, const char *base, const char *token, const char *set,
                      const char *from, const char *until)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    (void)ts_buf_addf(&b, "%s%cverb=ListRecords", base, strchr(base, '?') ? '&' : '?');
    if (token) {
        add_param(&b, h, "resumptionToken", token);
    } else {
        (void)ts_buf_add(&b, "&metadataPrefix=oai_dc");
        add_param(&b, h, "set", set);
        add_param(&b, h, "from", from);
        add_param(&b, h, "until", until);
    }
    return ts_buf_take(&b);
}

/* GET url into body; retries 503 + Retry-After. `where` names the page. */
static int fetch(CURL *h, const char *url, const char *where, struct body *body,
                 const char *curl_msg, struct ts_err *err)
{
    for (int attempt = 0;; attempt++) {
        CURLcode cc;
        long status = 0;
        curl_off_t wait = 0;

        ts_buf_free(&body->buf);
        ts_buf_init(&body->buf, OAI_MAX_PAGE);
        body->too_big = false;
        curl_easy_setopt(h, CURLOPT_URL, url);
        cc = curl_easy_perform(h);
        if (cc == CURLE_WRITE_ERROR && body->too_big)
            return ts_fail(err, TS_ETOOBIG, "%s: response larger than %zu bytes", where,
                           OAI_MAX_PAGE);
        if (cc != CURLE_OK)
            return ts_fail(err, TS_EIO, "%s: %s", where,
                           curl_msg[0] ? curl_msg : curl_easy_strerror(cc));
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status == 503 && attempt < OAI_MAX_RETRIES &&
            curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK && wait > 0) {
            sleep((unsigned)(wait > 60 ? 60 : wait)); /* the repository asked us to wait */
            continue;
        }
        if (status != 200)
            return ts_fail(err, TS_EIO, "%s: HTTP status %ld", where, status);
        return TS_OK;
    }
}

int import_oai_harvest(const char *base_url, const char *set, const char *from, const char *until,
                       meta_emit_fn emit, meta_error_fn on_error, void *ctx, char **next_from,
                       struct ts_err *err)
{
    struct body body = {0};
    struct dc_page page = {0};
    char curl_msg[CURL_ERROR_SIZE] = "";
    char *url = NULL, *token = NULL, *first_date = NULL, *where = NULL;
    CURL *h = NULL;
    int rc = TS_OK;

    if (next_from)
        *next_from = NULL;
    if (!base_url || (strncasecmp(base_url, "http://", 7) && strncasecmp(base_url, "https://", 8)))
        return ts_fail(err, TS_EINVAL, "'%s' is not an http:// or https:// URL",
                       base_url ? base_url : "");
    pthread_once(&curl_once, curl_init_once);
    if (!(h = curl_easy_init()))
        return ts_fail(err, TS_EINTERNAL, "cannot start libcurl");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_msg);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, OAI_CONNECT_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, OAI_PAGE_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for timeouts: we run in threads */
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "tusach OAI-PMH harvester");
    for (size_t n = 1;; n++) {
        struct ts_buf w;

        if (n > OAI_MAX_PAGES) {
            rc = ts_fail(err, TS_ETOOBIG, "%s: stopped after %d pages", base_url, OAI_MAX_PAGES);
            goto out;
        }
        free(url);
        free(where);
        url = page_url(h, base_url, token, set, from, until);
        ts_buf_init(&w, 0);
        (void)ts_buf_addf(&w, "%s page %zu", base_url, n);
        where = ts_buf_take(&w);
        curl_msg[0] = '\0';
        if ((rc = fetch(h, url, where, &body, curl_msg, err)))
            goto out;
        dc_page_free(&page);
        rc = dc_parse_memory(ts_buf_str(&body.buf), body.buf.len, where, base_url, emit, on_error,
                             ctx, &page, err);
        if (rc)
            goto out;
        if (!page.response_date) {
            rc = ts_fail(err, TS_EPARSE, "%s: not an OAI-PMH response (no responseDate)", where);
            goto out;
        }
        if (n == 1)
            first_date = ts_xstrdup(page.response_date);
        if (page.error_code && strcmp(page.error_code, "noRecordsMatch") == 0)
            break;
        if (page.error_code) {
            rc = ts_fail(err, TS_EPARSE, "%s: OAI-PMH error %.40s: %.120s", where, page.error_code,
                         page.error_msg ? page.error_msg : "");
            goto out;
        }
        if (!page.token || !page.token[0])
            break;
        if (token && strcmp(token, page.token) == 0) {
            rc = ts_fail(err, TS_EPARSE, "%s: the resumptionToken did not change", where);
            goto out;
        }
        free(token);
        token = page.token;
        page.token = NULL;
    }
    if (next_from) {
        *next_from = first_date;
        first_date = NULL;
    }
out:
    curl_easy_cleanup(h);
    ts_buf_free(&body.buf);
    dc_page_free(&page);
    free(url);
    free(where);
    free(token);
    free(first_date);
    return rc;
}
