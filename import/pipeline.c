int import_placeholder(void); int import_placeholder(void) { return 0; }
