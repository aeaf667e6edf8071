#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

/* SQLite 3 (Debian's libsqlite3-dev) as Swift sees it, plus what Swift cannot import: SQLITE_TRANSIENT is a macro
 * casting -1 to a function pointer, and sqlite3_config is variadic. */
#include <sqlite3.h>

/* Tells sqlite3_bind_text/blob to copy the bytes before returning, so Swift's temporary buffers may go away. */
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/* Binds `length` bytes of UTF-8 text, copied. */
static inline int csqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

/* Binds `length` bytes, copied; a NULL pointer with length 0 binds an empty blob, not SQL NULL. */
static inline int csqlite_bind_blob(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    if (length == 0) return sqlite3_bind_zeroblob(statement, index, 0);
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}

#endif
