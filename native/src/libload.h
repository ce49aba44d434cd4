/* Encoder libraries the glue opens only when a rung asks for them (dlopen), so a machine without
 * them still runs every other codec, and a rung that needs one names the package to install. */
#ifndef EQ_LIBLOAD_H
#define EQ_LIBLOAD_H

typedef struct EqLibrary {
    const char *label;          /* "SVT-AV1" */
    const char *soname;         /* the Debian 12 library the headers belong to */
    const char *package;        /* the Debian package that ships it */
    const char *path_env;       /* environment variable naming another file to load instead */
    const char *const *symbols; /* NULL-terminated */
    void **functions;           /* filled in symbol order */
    /* The loaded library's version against the headers': 0 when usable, else -1 with text. */
    int (*check)(char *err, int err_len);
} EqLibrary;

/* Loads lib once per process (the outcome is kept): 0, or -1 with a one-line reason in err. */
int eq_library_load(EqLibrary *lib, int *state, char *err, int err_len);
#endif
