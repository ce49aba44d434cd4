/* Dispatch from the public encoder API to the back-end of the rung's codec. */
#include <stdlib.h>
#include <string.h>
#include "encoder.h"
#include "util.h"

struct EqEncoder {
    const EqEncoderOps *ops;
    void *impl;
};

void eq_copy_plane(uint8_t *dst, int dst_stride, const uint8_t *src, int src_stride, int row_bytes, int h)
{
    for (int y = 0; y < h; y++) memcpy(dst + (size_t)y * dst_stride, src + (size_t)y * src_stride, (size_t)row_bytes);
}

static const EqEncoderOps *ops_for(const EqEncoderConfig *cfg, char *err, int err_len)
{
    static const EqEncoderOps *const by_codec[] = {
        [EQ_CODEC_X264] = &eq_x264_ops, [EQ_CODEC_X265] = &eq_x265_ops, [EQ_CODEC_SVTAV1] = &eq_svtav1_ops, [EQ_CODEC_RAV1E] = &eq_rav1e_ops};
    const EqEncoderOps *ops = cfg->codec >= 0 && cfg->codec < (int)(sizeof by_codec / sizeof *by_codec) ? by_codec[cfg->codec] : NULL;
    if (!ops) { eq_set_err(err, err_len, "unknown codec %d", cfg->codec); return NULL; }
    if (cfg->width % 2 || cfg->height % 2) { eq_set_err(err, err_len, "4:2:0 needs even width and height, got %dx%d", cfg->width, cfg->height); return NULL; }
    return ops;
}

int32_t eq_encoder_plan(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int32_t n_params,
                        EqEncoderInfo *info, char *err, int32_t err_len)
{
    memset(info, 0, sizeof *info);
    const EqEncoderOps *ops = ops_for(cfg, err, err_len);
    return ops ? ops->plan(cfg, keys, values, n_params, info, err, err_len) : -1;
}

EqEncoder *eq_encoder_open(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values,
                           int32_t n_params, char *err, int32_t err_len)
{
    const EqEncoderOps *ops = ops_for(cfg, err, err_len);
    if (!ops) return NULL;
    void *impl = ops->open(cfg, keys, values, n_params, err, err_len);
    if (!impl) return NULL;
    EqEncoder *e = calloc(1, sizeof *e);
    if (!e) { ops->close(impl); eq_set_err(err, err_len, "out of memory"); return NULL; }
    e->ops = ops;
    e->impl = impl;
    return e;
}

void eq_encoder_info(EqEncoder *e, EqEncoderInfo *info) { memset(info, 0, sizeof *info); e->ops->info(e->impl, info); }

int32_t eq_encoder_headers(EqEncoder *e, const uint8_t **data, int32_t *size) { return e->ops->headers(e->impl, data, size); }

int32_t eq_encoder_encode(EqEncoder *e, const EqPlanes *pic, int64_t pts, int32_t keyframe, const EqPlanes *recon,
                          EqEncodedFrame *out, char *err, int32_t err_len)
{
    memset(out, 0, sizeof *out);
    return e->ops->encode(e->impl, pic, pts, keyframe, recon, out, err, err_len);
}

void eq_encoder_close(EqEncoder *e)
{
    if (!e) return;
    e->ops->close(e->impl);
    free(e);
}
