#include "catalog.h"
int catalog_placeholder(void) { return 0; }
