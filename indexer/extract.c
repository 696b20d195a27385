/* placeholder */
#include "extract.h"
void ix_limits_default(struct ix_limits *lim) { (void)lim; }
