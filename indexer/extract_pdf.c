/*
 * indexer/extract_pdf.c - PDF through poppler-glib: one section per page
 * ("page=N", no title: the UI localises "Page N"), and the Info dictionary
 * (Title, Author, Subject -> description, Keywords -> subjects, CreationDate).
 *
 * Bounds: at most max_pages pages and max_seconds of wall clock; past either
 * we stop and keep the pages read so far. A single pathological page cannot
 * be interrupted (poppler has no cancellation for text extraction).
 *
 * Threads (checked against poppler 22.12, Debian 12): opening a document
 * takes a GlobalParamsIniter, which refcounts the process-wide GlobalParams
 * under its own mutex; the Cairo output device initialises FreeType through
 * std::call_once; the library is built MULTITHREADED. Extracting different
 * documents from several threads is therefore safe without a lock of ours,
 * and the unit tests run two threads at once (under ASan in CI).
 *
 * Noise: poppler-glib routes parser warnings to g_log("Poppler", INFO); we
 * send that domain to ts_log at DEBUG so damaged files do not spam stderr.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <poppler.h>

#include "extract_int.h"
#include "ts_log.h"

static pthread_once_t pdf_once = PTHREAD_ONCE_INIT;

static void poppler_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain;
    (void)level;
    (void)data;
    ts_log(TS_LOG_DEBUG, "pdf", "poppler: %s", msg ? msg : "");
}

static void pdf_init(void)
{
    g_log_set_handler("Poppler",
                      G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
                          G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG,
                      poppler_log, NULL);
}

/* Take a g_malloc'd string from poppler into a metadata field. */
static void take_meta(char **field, gchar *s)
{
    if (s)
        ix_meta_set(field, s, strlen(s));
    g_free(s);
}

static void read_info(struct ix_doc *doc, PopplerDocument *pd)
{
    gchar *s;
    time_t t;
    struct tm tm;
    char date[16];

    take_meta(&doc->title, poppler_document_get_title(pd));
    take_meta(&doc->description, poppler_document_get_subject(pd));
    /* Author fields list people with ';' ("Nguyễn Văn A; Trần Thị B"); a
     * comma is as often "Surname, Given", so it does not split. */
    if ((s = poppler_document_get_author(pd)) != NULL)
        ix_meta_add_split(&doc->authors, &doc->n_authors, s, ";");
    g_free(s);
    if ((s = poppler_document_get_keywords(pd)) != NULL)
        ix_meta_add_split(&doc->subjects, &doc->n_subjects, s, ",;");
    g_free(s);
    t = poppler_document_get_creation_date(pd);
    if (t > 0 && gmtime_r(&t, &tm) && strftime(date, sizeof date, "%Y-%m-%d", &tm))
        ix_meta_set(&doc->date, date, strlen(date));
}

int ix_extract_pdf(struct ix_input *in, struct ix_doc **out, struct ts_err *err)
{
    GBytes *bytes = NULL;
    GError *gerr = NULL;
    PopplerDocument *pd = NULL;
    struct ix_doc *doc = NULL;
    int n_pages, rc = TS_OK;

    *out = NULL;
    pthread_once(&pdf_once, pdf_init);
    /* No copy: the document holds the GBytes only until we unref it below. */
    bytes = g_bytes_new_static(in->bytes, in->len);
    pd = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!pd) {
        if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
            rc = ts_fail(err, TS_EPARSE, "PDF: encrypted, a password is needed");
        else
            rc = ts_fail(err, TS_EPARSE, "PDF: %s",
                         gerr && gerr->message ? gerr->message : "cannot be opened");
        goto out;
    }
    n_pages = poppler_document_get_n_pages(pd);
    if (n_pages <= 0) {
        rc = ts_fail(err, TS_EPARSE, "PDF: no pages");
        goto out;
    }
    doc = ix_doc_new("document", "pdf", "application/pdf");
    read_info(doc, pd);
    for (int i = 0; i < n_pages && (size_t)i < in->lim->max_pages; i++) {
        PopplerPage *page;
        gchar *text;
        char path[32];

        if (ix_input_done(in))
            break;
        if (!(page = poppler_document_get_page(pd, i)))
            continue;
        text = poppler_page_get_text(page);
        snprintf(path, sizeof path, "page=%d", i + 1);
        if (text)
            ix_doc_add_section(in, doc, NULL, path, text, strlen(text));
        g_free(text);
        g_object_unref(page);
    }
    *out = doc;
    doc = NULL;
out:
    ix_doc_free(doc);
    if (pd)
        g_object_unref(pd);
    if (gerr)
        g_error_free(gerr);
    g_bytes_unref(bytes);
    return rc;
}
