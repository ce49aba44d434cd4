#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "libload.h"
#include "util.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* state: 0 not tried, 1 loaded, -1 failed (then the reason is rebuilt on every call). */
int eq_library_load(EqLibrary *lib, int *state, char *err, int err_len)
{
    pthread_mutex_lock(&lock);
    int r = 0;
    if (*state == 1) goto done;
    const char *path = getenv(lib->path_env);
    if (!path || !*path) path = lib->soname;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        eq_set_err(err, err_len, "%s is not installed: %s cannot be loaded (install the Debian package %s)", lib->label, path,
                   lib->package);
        r = -1;
        goto done;
    }
    int n = 0;
    for (; lib->symbols[n]; n++) {
        lib->functions[n] = dlsym(h, lib->symbols[n]);
        if (!lib->functions[n]) {
            eq_set_err(err, err_len, "%s at %s lacks %s: not the version eq was built for (install the Debian package %s)", lib->label,
                       path, lib->symbols[n], lib->package);
            dlclose(h);
            r = -1;
            goto done;
        }
    }
    if (lib->check && lib->check(err, err_len) < 0) {
        dlclose(h);
        r = -1;
        goto done;
    }
    *state = 1;
done:
    if (r < 0) *state = -1;
    pthread_mutex_unlock(&lock);
    return r;
}
