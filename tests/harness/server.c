/*
 * tests/harness/server.c - in-process server and libcurl client (see server.h).
 */
#include "server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

int t_srv_start(struct t_srv *s, const char *data_dir, const struct server_config *cfg)
{
    static int curl_ready;
    struct server_config c;
    struct ts_err err = {0};

    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = 1;
    }
    if (cfg) {
        c = *cfg;
    } else {
        server_config_default(&c);
        c.threads = 2;
    }
    snprintf(c.data_dir, sizeof c.data_dir, "%s", data_dir);
    snprintf(c.listen, sizeof c.listen, "127.0.0.1");
    c.port = 0;
    s->srv = NULL;
    s->port = 0;
    if (!T_OK(server_open(&c, &s->srv, &err), &err))
        return -1;
    s->port = server_port(s->srv);
    return T_CHECK(s->port > 0) ? 0 : -1;
}

void t_srv_stop(struct t_srv *s)
{
    server_close(s->srv);
    s->srv = NULL;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct t_http *r = ctx;
    return ts_buf_addn(&r->body, p, size * n) ? 0 : size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct t_http *r = ctx;
    /* a new status line (after 100 Continue): keep only the final response */
    if (size * n >= 5 && memcmp(p, "HTTP/", 5) == 0)
        ts_buf_reset(&r->head);
    return ts_buf_addn(&r->head, p, size * n) ? 0 : size * n;
}

struct upload {
    const char *p;
    size_t left;
};

static size_t on_read(char *buf, size_t size, size_t n, void *ctx)
{
    struct upload *u = ctx;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

int t_http_do(const struct t_srv *s, const char *path, const struct t_http_opts *o,
              struct t_http *r)
{
    struct curl_slist *hdrs = NULL;
    struct upload up = {0};
    char url[8192];
    CURL *c = curl_easy_init();
    CURLcode rc;

    memset(r, 0, sizeof *r);
    ts_buf_init(&r->body, 64u << 20);
    ts_buf_init(&r->head, 1u << 20);
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", s->port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (o && o->method && strcmp(o->method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (o && o->method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
    if (o && o->body && o->chunked) {
        up.p = o->body;
        up.left = o->body_len;
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &up);
        hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
    } else if (o && o->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, o->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
    }
    if (o && o->bind_ip)
        curl_easy_setopt(c, CURLOPT_INTERFACE, o->bind_ip);
    for (const char *const *h = o ? o->headers : NULL; h && *h; h++)
        hdrs = curl_slist_append(hdrs, *h);
    if (hdrs)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return (int)rc;
}

int t_http_get(const struct t_srv *s, const char *path, struct t_http *r)
{
    return t_http_do(s, path, NULL, r);
}

const char *t_http_header(struct t_http *r, const char *name)
{
    const char *p = ts_buf_str(&r->head);
    size_t n = strlen(name);

    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            size_t vl = len - n - 1;
            while (vl && (*v == ' ' || *v == '\t')) {
                v++;
                vl--;
            }
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            if (vl >= sizeof r->value)
                vl = sizeof r->value - 1;
            memcpy(r->value, v, vl);
            r->value[vl] = '\0';
            return r->value;
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

void t_http_free(struct t_http *r)
{
    ts_buf_free(&r->body);
    ts_buf_free(&r->head);
}

int t_connect(const struct t_srv *s, const char *bind_ip)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    if (bind_ip) {
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        inet_pton(AF_INET, bind_ip, &a.sin_addr);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
            close(fd);
            return -1;
        }
    }
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)s->port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
