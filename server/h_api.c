/*
 * server/h_api.c - service endpoints of the JSON API: health.
 */
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "views.h"

int h_api_health(struct request *req, struct response *res)
{
    catalog *cat;
    int rc;

    if ((rc = view_catalog(req, &cat)))
        return rc;
    return respond_json(res, 200,
                        json_pack("{s:s, s:I, s:i}", "status", "ok", "records",
                                  (json_int_t)catalog_record_count(cat), "schema_version",
                                  catalog_schema_version(cat)));
}
