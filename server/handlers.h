/*
 * server/handlers.h - every HTTP handler, named h_<area>_<action> and
 * defined in server/h_<area>.c. Each parses and checks its input, calls the
 * catalog/indexer APIs and renders JSON or a page; a non-OK return (with
 * req->err filled) becomes the error response in errors.c.
 */
#ifndef TS_HANDLERS_H
#define TS_HANDLERS_H

struct request;
struct response;

/* h_search.c */
int h_page_home(struct request *req, struct response *res);
int h_page_search(struct request *req, struct response *res);
int h_api_search(struct request *req, struct response *res);
int h_api_suggest(struct request *req, struct response *res);
/* h_records.c */
int h_page_record(struct request *req, struct response *res);
int h_api_record_get(struct request *req, struct response *res);
int h_api_record_items(struct request *req, struct response *res);
/* h_read.c */
int h_page_read(struct request *req, struct response *res);
int h_page_asset(struct request *req, struct response *res);
/* h_libraries.c */
int h_page_libraries(struct request *req, struct response *res);
int h_page_library(struct request *req, struct response *res);
int h_api_libraries(struct request *req, struct response *res);
int h_api_library(struct request *req, struct response *res);
/* h_files.c */
int h_files_view(struct request *req, struct response *res);
int h_api_file(struct request *req, struct response *res);
/* h_static.c */
int h_static(struct request *req, struct response *res);
/* h_api.c */
int h_api_health(struct request *req, struct response *res);
/* h_oai.c: the OAI-PMH provider, GET and POST */
int h_oai(struct request *req, struct response *res);
/* h_opds.c: the OPDS 1.2 catalogue */
int h_opds_root(struct request *req, struct response *res);
int h_opds_new(struct request *req, struct response *res);
int h_opds_types(struct request *req, struct response *res);
int h_opds_type(struct request *req, struct response *res);
int h_opds_libraries(struct request *req, struct response *res);
int h_opds_library(struct request *req, struct response *res);
int h_opds_langs(struct request *req, struct response *res);
int h_opds_lang(struct request *req, struct response *res);
int h_opds_opensearch(struct request *req, struct response *res);
int h_opds_search(struct request *req, struct response *res);
/* h_sru.c: SRU 1.2 / 2.0 explain and searchRetrieve */
int h_sru(struct request *req, struct response *res);

/* h_auth.c: login and logout */
int h_page_login(struct request *req, struct response *res);
int h_page_login_post(struct request *req, struct response *res);
int h_page_logout(struct request *req, struct response *res);
int h_api_me(struct request *req, struct response *res);
int h_api_session_create(struct request *req, struct response *res);
int h_api_session_delete(struct request *req, struct response *res);

/* h_desk.c, h_circ_api.c: the circulation desk */
int h_page_desk(struct request *req, struct response *res);
int h_page_desk_reader(struct request *req, struct response *res);
int h_page_desk_checkout(struct request *req, struct response *res);
int h_page_desk_return(struct request *req, struct response *res);
int h_page_desk_renew(struct request *req, struct response *res);
int h_api_loan_checkout(struct request *req, struct response *res);
int h_api_loan_return(struct request *req, struct response *res);
int h_api_loan_renew(struct request *req, struct response *res);
int h_api_library_overdue(struct request *req, struct response *res);
int h_api_library_holds(struct request *req, struct response *res);
int h_api_reader_get(struct request *req, struct response *res);
int h_api_reader_lookup(struct request *req, struct response *res);
/* end of circulation desk */

/* h_account.c: reader self-service, holds, digital loans */
int h_page_account(struct request *req, struct response *res);             /* h_account_page.c */
int h_page_account_renew(struct request *req, struct response *res);       /* h_account_page.c */
int h_page_account_hold_cancel(struct request *req, struct response *res); /* h_account_page.c */
int h_page_account_history(struct request *req, struct response *res);     /* h_account_page.c */
int h_page_record_hold(struct request *req, struct response *res);         /* h_record_circ.c */
int h_page_file_borrow(struct request *req, struct response *res);         /* h_record_circ.c */
int h_page_file_return(struct request *req, struct response *res);         /* h_record_circ.c */
int h_api_account(struct request *req, struct response *res);              /* h_account_api.c */
int h_api_account_renew(struct request *req, struct response *res);        /* h_account_api.c */
int h_api_hold_place(struct request *req, struct response *res);           /* h_account_api.c */
int h_api_hold_cancel(struct request *req, struct response *res);          /* h_account_api.c */
int h_api_file_borrow(struct request *req, struct response *res);          /* h_account_api.c */
int h_api_file_return(struct request *req, struct response *res);          /* h_account_api.c */
/* end of reader self-service */

#endif
