/*
 * server/dispatch.h - the dispatcher: one complete request in, one response out.
 */
#ifndef TS_DISPATCH_H
#define TS_DISPATCH_H

struct request;
struct response;
struct ts_err;

/*
 * Run the steps of STYLE.md §8, in this order and nowhere else:
 * input sanity (UTF-8, NUL bytes: 400), match (404; 405 with Allow; HEAD by
 * GET), role (401/403), CSRF (no state-changing routes yet), JSON body for
 * R_JSON routes (400), the handler, error mapping; then response_finish().
 * `res` must be response_init()'ed. Knows nothing of MHD: httpd.c calls it.
 */
void dispatch(struct request *req, struct response *res);

/* After dispatch(): the answer `res` was held for a desk change that did
 * not become durable (the disk failed: TS_EIO) or whose fate the server
 * cannot wait for (stopping: TS_EBUSY). Whatever the handler said, success
 * or refusal, is replaced by that error: nothing it saw is confirmed. */
void dispatch_replace_error(struct request *req, struct response *res, int rc,
                            const struct ts_err *err);

/* Choose the interface language: ?lang= on pages (and remember it in a
 * cookie), else the lang cookie, else Vietnamese. */
void dispatch_choose_lang(struct request *req);

#endif
