/*
 * server/routes.c - every URL the server answers, in one place.
 *
 * The dispatcher (dispatch.c) derives 404, 405 + Allow and HEAD from this
 * table, checks the role column, and parses the body of R_JSON routes.
 * scripts/check-api-docs.sh checks that each row has a docs/api page.
 */
#include "handlers.h"
#include "router.h"

/* one aligned row per URL: easier to read than what clang-format would make of it */
/* clang-format off */
const struct route server_routes[] = {
    /* method  path pattern                      handler              role       flags */
    {"GET",   "/",                             h_page_home,         ROLE_ANON, 0},
    {"GET",   "/search",                       h_page_search,       ROLE_ANON, 0},
    {"GET",   "/records/{id}",                 h_page_record,       ROLE_ANON, 0},
    {"GET",   "/records/{id}/read",            h_page_read,         ROLE_ANON, 0},
    {"GET",   "/records/{id}/asset",           h_page_asset,        ROLE_ANON, 0},
    {"GET",   "/libraries",                    h_page_libraries,    ROLE_ANON, 0},
    {"GET",   "/libraries/{code}",             h_page_library,      ROLE_ANON, 0},
    {"GET",   "/files/{id}",                   h_files_view,        ROLE_ANON, 0},
    {"GET",   "/static/{path...}",             h_static,            ROLE_ANON, 0},
    {"GET",   "/api/v1/search",                h_api_search,        ROLE_ANON, 0},
    {"GET",   "/api/v1/suggest",               h_api_suggest,       ROLE_ANON, 0},
    {"GET",   "/api/v1/records/{id}",          h_api_record_get,    ROLE_ANON, 0},
    {"GET",   "/api/v1/records/{id}/items",    h_api_record_items,  ROLE_ANON, 0},
    {"GET",   "/api/v1/libraries",             h_api_libraries,     ROLE_ANON, 0},
    {"GET",   "/api/v1/libraries/{code}",      h_api_library,       ROLE_ANON, 0},
    {"GET",   "/api/v1/files/{id}",            h_api_file,          ROLE_ANON, 0},
    {"GET",   "/api/v1/health",                h_api_health,        ROLE_ANON, 0},
    {"GET",   "/oai",                          h_oai,               ROLE_ANON, 0},
    {"POST",  "/oai",                          h_oai,               ROLE_ANON, 0},
    {"GET",   "/opds",                         h_opds_root,         ROLE_ANON, 0},
    {"GET",   "/opds/new",                     h_opds_new,          ROLE_ANON, 0},
    {"GET",   "/opds/type",                    h_opds_types,        ROLE_ANON, 0},
    {"GET",   "/opds/type/{type}",             h_opds_type,         ROLE_ANON, 0},
    {"GET",   "/opds/library",                 h_opds_libraries,    ROLE_ANON, 0},
    {"GET",   "/opds/library/{code}",          h_opds_library,      ROLE_ANON, 0},
    {"GET",   "/opds/lang",                    h_opds_langs,        ROLE_ANON, 0},
    {"GET",   "/opds/lang/{lang}",             h_opds_lang,         ROLE_ANON, 0},
    {"GET",   "/opds/opensearch.xml",          h_opds_opensearch,   ROLE_ANON, 0},
    {"GET",   "/opds/search",                  h_opds_search,       ROLE_ANON, 0},
    {"GET",   "/sru",                          h_sru,               ROLE_ANON, 0},
    {"GET",   "/login",                        h_page_login,        ROLE_ANON, 0},
    {"POST",  "/login",                        h_page_login_post,   ROLE_ANON, 0},
    {"POST",  "/logout",                       h_page_logout,       ROLE_READER, 0},
    {"GET",   "/api/v1/me",                    h_api_me,            ROLE_READER, 0},
    {"POST",  "/api/v1/session",               h_api_session_create, ROLE_ANON, R_JSON},
    {"DELETE","/api/v1/session",               h_api_session_delete, ROLE_READER, 0},
    /* circulation desk (h_desk.c, h_circ_api.c) */
    {"GET",   "/desk",                         h_page_desk,         ROLE_LIBRARIAN, 0},
    {"POST",  "/desk/reader",                  h_page_desk_reader,  ROLE_LIBRARIAN, 0},
    {"POST",  "/desk/checkout",                h_page_desk_checkout, ROLE_LIBRARIAN, 0},
    {"POST",  "/desk/return",                  h_page_desk_return,  ROLE_LIBRARIAN, 0},
    {"POST",  "/desk/renew",                   h_page_desk_renew,   ROLE_LIBRARIAN, 0},
    {"POST",  "/api/v1/loans",                 h_api_loan_checkout, ROLE_LIBRARIAN, R_JSON},
    {"POST",  "/api/v1/returns",               h_api_loan_return,   ROLE_LIBRARIAN, R_JSON},
    {"POST",  "/api/v1/renewals",              h_api_loan_renew,    ROLE_LIBRARIAN, R_JSON},
    {"GET",   "/api/v1/libraries/{code}/overdue", h_api_library_overdue, ROLE_LIBRARIAN, 0},
    {"GET",   "/api/v1/libraries/{code}/holds", h_api_library_holds, ROLE_LIBRARIAN, 0},
    {"GET",   "/api/v1/readers/{id}",          h_api_reader_get,    ROLE_READER, 0},
    {"POST",  "/api/v1/readers/lookup",        h_api_reader_lookup, ROLE_LIBRARIAN, R_JSON},
    /* end of circulation desk */
    /* reader self-service, holds, digital loans (h_account.c) */
    {"GET",   "/account",                      h_page_account,      ROLE_READER, 0},
    {"POST",  "/account/renew",                h_page_account_renew, ROLE_READER, 0},
    {"POST",  "/account/holds/{id}/cancel",    h_page_account_hold_cancel, ROLE_READER, 0},
    {"POST",  "/account/history",              h_page_account_history, ROLE_READER, 0},
    {"POST",  "/records/{id}/hold",            h_page_record_hold,  ROLE_READER, 0},
    {"POST",  "/files/{id}/borrow",            h_page_file_borrow,  ROLE_READER, 0},
    {"POST",  "/files/{id}/return",            h_page_file_return,  ROLE_READER, 0},
    {"GET",   "/api/v1/account",               h_api_account,       ROLE_READER, 0},
    {"POST",  "/api/v1/account/renewals",      h_api_account_renew, ROLE_READER, R_JSON},
    {"POST",  "/api/v1/holds",                 h_api_hold_place,    ROLE_READER, R_JSON},
    {"DELETE","/api/v1/holds/{id}",            h_api_hold_cancel,   ROLE_READER, 0},
    {"POST",  "/api/v1/files/{id}/loan",       h_api_file_borrow,   ROLE_READER, 0},
    {"DELETE","/api/v1/files/{id}/loan",       h_api_file_return,   ROLE_READER, 0},
    /* end of reader self-service */
};
/* clang-format on */

const size_t server_n_routes = sizeof server_routes / sizeof server_routes[0];
