/*
 * import/format.c - what kind of input a path holds: a collection of e-book
 * files, or a metadata file (CSV, MARC, Dublin Core), by name and first bytes.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "import.h"

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcasecmp(s + n - k, suf) == 0;
}

enum import_format import_detect_format(const char *path)
{
    char head[4096];
    size_t n = 0;
    FILE *f;

    if (has_suffix(path, ".csv") || has_suffix(path, ".tsv"))
        return IMPORT_CSV;
    if (has_suffix(path, ".mrc") || has_suffix(path, ".marc") || has_suffix(path, ".iso2709"))
        return IMPORT_MARC;
    if (!has_suffix(path, ".xml") && !has_suffix(path, ".marcxml") && !has_suffix(path, ".rdf"))
        return IMPORT_FILES;
    if ((f = fopen(path, "rb")) != NULL) {
        n = fread(head, 1, sizeof head - 1, f);
        fclose(f);
    }
    head[n] = '\0';
    if (strstr(head, "http://www.loc.gov/MARC21/slim") || strstr(head, "<collection") ||
        strstr(head, "<marc:"))
        return IMPORT_MARC;
    if (strstr(head, "purl.org/dc/") || strstr(head, "oai_dc") || strstr(head, "OAI-PMH"))
        return IMPORT_DC;
    return has_suffix(path, ".marcxml") ? IMPORT_MARC : IMPORT_FILES;
}

int import_format_parse(const char *name)
{
    static const char *const names[] = {"auto", "files", "csv", "marc", "dc"};
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    if (strcmp(name, "marcxml") == 0 || strcmp(name, "marc21") == 0)
        return IMPORT_MARC;
    if (strcmp(name, "tsv") == 0)
        return IMPORT_CSV;
    if (strcmp(name, "oai_dc") == 0)
        return IMPORT_DC;
    return -1;
}
