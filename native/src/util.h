/* Small helpers shared by the glue's files. */
#ifndef EQ_UTIL_H
#define EQ_UTIL_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <libavutil/error.h>

static inline void eq_set_err(char *err, int err_len, const char *fmt, ...)
{
    if (!err || err_len <= 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, (size_t)err_len, fmt, ap);
    va_end(ap);
}

/* A whole number in [min, max] with nothing after it: 0 and *out set, else -1. */
static inline int eq_parse_whole(const char *text, int min, int max, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < min || v > max) return -1;
    *out = (int)v;
    return 0;
}

static inline const char *eq_av_err(int code, char *buf, size_t len)
{
    av_strerror(code, buf, len);
    return buf;
}
#endif
