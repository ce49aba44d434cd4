/* Resizing 4:2:0 pictures with swscale, bicubic. One scaler object per (size, size, depth). */
#include <libswscale/swscale.h>
#include <libavutil/mem.h>
#include "eqglue.h"
#include "util.h"

struct EqScaler {
    struct SwsContext *sws;
    int src_h;
};

EqScaler *eq_scaler_create(int32_t src_w, int32_t src_h, int32_t dst_w, int32_t dst_h, int32_t bit_depth,
                           char *err, int32_t err_len)
{
    enum AVPixelFormat f = bit_depth > 8 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P;
    /* SWS_BICUBIC alone is what FFmpeg's scale filter uses by default (flags=bicubic), so a
     * reference scaled here equals one scaled by "ffmpeg -vf scale=W:H". */
    struct SwsContext *sws = sws_getContext(src_w, src_h, f, dst_w, dst_h, f, SWS_BICUBIC, NULL, NULL, NULL);
    if (!sws) { eq_set_err(err, err_len, "cannot scale %dx%d to %dx%d", src_w, src_h, dst_w, dst_h); return NULL; }
    EqScaler *s = av_mallocz(sizeof *s);
    if (!s) { sws_freeContext(sws); eq_set_err(err, err_len, "out of memory"); return NULL; }
    s->sws = sws;
    s->src_h = src_h;
    return s;
}

int32_t eq_scaler_scale(EqScaler *s, const EqPlanes *src, const EqPlanes *dst)
{
    int r = sws_scale(s->sws, (const uint8_t *const *)src->data, src->stride, 0, s->src_h, dst->data, dst->stride);
    return r > 0 ? 0 : -1;
}

void eq_scaler_free(EqScaler *s)
{
    if (!s) return;
    sws_freeContext(s->sws);
    av_free(s);
}
