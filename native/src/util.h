/* Small helpers shared by the glue's files. */
#ifndef EQ_UTIL_H
#define EQ_UTIL_H
#include <stdarg.h>
#include <stdio.h>
#include <libavutil/error.h>

static inline void eq_set_err(char *err, int err_len, const char *fmt, ...)
{
    if (!err || err_len <= 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, (size_t)err_len, fmt, ap);
    va_end(ap);
}

static inline const char *eq_av_err(int code, char *buf, size_t len)
{
    av_strerror(code, buf, len);
    return buf;
}
#endif
