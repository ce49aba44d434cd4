/* FFmpeg's log, routed to the caller line by line instead of FFmpeg's own stderr printer. */
#include <stdio.h>
#include <string.h>
#include <libavutil/log.h>
#include "eqglue.h"

static EqLogFn sink;
static int max_level = AV_LOG_WARNING;

/* FFmpeg may log one line in several calls: each thread gathers its own until the newline. */
static _Thread_local char pending[1024];
static _Thread_local size_t pending_len;

static void forward(void *avcl, int level, const char *fmt, va_list vl)
{
    level &= 0xff; /* the upper bits carry flags, not the level */
    if (!sink || level > max_level) return;
    if (pending_len == 0 && avcl && *(const AVClass **)avcl) {
        const AVClass *c = *(const AVClass **)avcl;
        const char *name = c->item_name ? c->item_name(avcl) : c->class_name;
        int n = snprintf(pending, sizeof pending, "%s: ", name ? name : "ffmpeg");
        pending_len = n > 0 && (size_t)n < sizeof pending ? (size_t)n : 0;
    }
    int no_prefix = 0;
    av_log_format_line2(NULL, level, fmt, vl, pending + pending_len, (int)(sizeof pending - pending_len), &no_prefix);
    pending_len = strlen(pending);
    if (pending_len == 0) return;
    int complete = pending[pending_len - 1] == '\n' || pending_len == sizeof pending - 1;
    if (!complete) return;
    while (pending_len > 0 && (pending[pending_len - 1] == '\n' || pending[pending_len - 1] == '\r')) pending[--pending_len] = 0;
    if (pending_len > 0) sink(level, pending);
    pending_len = 0;
    pending[0] = 0;
}

void eq_log_route(EqLogFn fn, int32_t level)
{
    sink = fn;
    max_level = level;
    av_log_set_callback(fn ? forward : av_log_default_callback);
}
