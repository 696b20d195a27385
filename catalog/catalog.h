/* catalog/catalog.h - placeholder, being written */
#ifndef TS_CATALOG_H
#define TS_CATALOG_H
int catalog_placeholder(void);
#endif
