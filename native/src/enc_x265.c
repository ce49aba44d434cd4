/* libx265 back-end through x265_api_get(depth): Debian's libx265 carries the 8-bit and the
 * 10-bit (main10) encoder. Recon: pic_out receives pointers to the reconstructed picture after
 * deblocking and SAO, planar 4:2:0, 16-bit samples in the 10-bit build. */
#include <stdlib.h>
#include <string.h>
#include <x265.h>
#include "encoder.h"
#include "util.h"

typedef struct X265Enc {
    const x265_api *api;
    x265_param *param;
    x265_encoder *enc;
    x265_picture *pic_in;
    x265_picture *pic_out;
    int width, height, bps;
    uint8_t *headers;
    int headers_size;
    int flushing;
} X265Enc;

static void x265_close_impl(void *impl)
{
    X265Enc *e = impl;
    if (!e) return;
    if (e->enc) e->api->encoder_close(e->enc);
    if (e->pic_in) e->api->picture_free(e->pic_in);
    if (e->pic_out) e->api->picture_free(e->pic_out);
    if (e->param) e->api->param_free(e->param);
    free(e->headers);
    free(e);
}

/* Preset and tune, the fixed facts, then the rung's options in order: exactly what open uses. */
static int configure(const x265_api *api, x265_param *p, const EqEncoderConfig *cfg, const char *const *keys,
                     const char *const *values, int n, char *err, int err_len)
{
    const char *preset = cfg->preset[0] ? cfg->preset : "medium";
    if (api->param_default_preset(p, preset, cfg->tune[0] ? cfg->tune : NULL) < 0) {
        eq_set_err(err, err_len, "x265 rejects preset '%s' or tune '%s'", preset, cfg->tune);
        return -1;
    }
    p->logLevel = X265_LOG_ERROR;
    p->sourceWidth = cfg->width;
    p->sourceHeight = cfg->height;
    p->internalCsp = X265_CSP_I420;
    p->internalBitDepth = cfg->bit_depth;
    p->fpsNum = (uint32_t)cfg->fps_num;
    p->fpsDenom = (uint32_t)cfg->fps_den;
    p->bRepeatHeaders = 0;
    p->bAnnexB = 1;
    if (cfg->threads > 0) p->frameNumThreads = cfg->threads;
    for (int i = 0; i < n; i++) {
        int r = api->param_parse(p, keys[i], values[i]);
        if (r == X265_PARAM_BAD_NAME) { eq_set_err(err, err_len, "x265 has no option '%s'", keys[i]); return -1; }
        if (r != 0) { eq_set_err(err, err_len, "x265 rejects %s=%s", keys[i], values[i]); return -1; }
    }
    if (cfg->bit_depth > 8 && api->param_apply_profile(p, "main10") < 0) {
        eq_set_err(err, err_len, "x265 cannot apply the main10 profile to these settings");
        return -1;
    }
    return 0;
}

static void describe(const x265_param *p, EqEncoderInfo *info)
{
    /* x265 has no call for its delay. Frames wait in the lookahead (lookaheadDepth, at least
     * bframes + 1 for a mini-GOP decision), then one per frame-encoder thread is in flight, and
     * the output is held one more call while the next frame's encode starts. One more: x265's
     * first slice-type decision emits the leading I frame alone, and when the next decision is
     * still running on a pool thread as the second frame is asked for, x265 starts no frame that
     * call, which holds one frame more for the rest of the encode (a race: seen in about 1 run
     * in 5 with 4 frame threads under load, never twice in a run). */
    int la = p->lookaheadDepth > p->bframes ? p->lookaheadDepth : p->bframes;
    info->max_delayed_frames = la + p->bframes + p->frameNumThreads + 3;
    info->bframes = p->bframes;
    info->rc_lookahead = p->lookaheadDepth;
    info->threads = p->frameNumThreads;
    info->bit_depth = p->internalBitDepth;
    info->rc_mode = p->rc.rateControlMode == X265_RC_CRF ? EQ_RC_CRF : EQ_RC_ABR;
    info->crf = p->rc.rfConstant;
    info->bitrate_kbps = p->rc.bitrate;
    info->maxrate_kbps = p->rc.vbvMaxBitrate;
    info->bufsize_kbits = p->rc.vbvBufferSize;
    info->keyint = p->keyframeMax;
    info->refs = p->maxNumReferences;
}

static int x265_plan_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                          EqEncoderInfo *info, char *err, int err_len)
{
    const x265_api *api = x265_api_get(cfg->bit_depth);
    if (!api) { eq_set_err(err, err_len, "this libx265 has no %d-bit encoder", cfg->bit_depth); return -1; }
    x265_param *p = api->param_alloc();
    if (!p) { eq_set_err(err, err_len, "out of memory"); return -1; }
    int r = configure(api, p, cfg, keys, values, n, err, err_len);
    if (r == 0) describe(p, info);
    api->param_free(p);
    return r;
}

static void *x265_open_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                            char *err, int err_len)
{
    X265Enc *e = calloc(1, sizeof *e);
    if (!e) { eq_set_err(err, err_len, "out of memory"); return NULL; }
    e->api = x265_api_get(cfg->bit_depth);
    if (!e->api) { eq_set_err(err, err_len, "this libx265 has no %d-bit encoder", cfg->bit_depth); free(e); return NULL; }
    e->param = e->api->param_alloc();
    if (!e->param) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    x265_param *p = e->param;
    if (configure(e->api, p, cfg, keys, values, n, err, err_len) < 0) goto fail;
    e->enc = e->api->encoder_open(p);
    if (!e->enc) { eq_set_err(err, err_len, "x265 cannot open an encoder with these settings"); goto fail; }
    e->api->encoder_parameters(e->enc, p);
    e->pic_in = e->api->picture_alloc();
    e->pic_out = e->api->picture_alloc();
    if (!e->pic_in || !e->pic_out) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    e->api->picture_init(p, e->pic_in);
    e->api->picture_init(p, e->pic_out);
    e->width = cfg->width;
    e->height = cfg->height;
    e->bps = cfg->bit_depth > 8 ? 2 : 1;

    x265_nal *nals;
    uint32_t nnal;
    int size = e->api->encoder_headers(e->enc, &nals, &nnal);
    if (size < 0) { eq_set_err(err, err_len, "x265 cannot write its headers"); goto fail; }
    e->headers = malloc((size_t)size);
    if (!e->headers) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    memcpy(e->headers, nals[0].payload, (size_t)size); /* payloads are sequential in memory */
    e->headers_size = size;
    return e;
fail:
    x265_close_impl(e);
    return NULL;
}

static void x265_info_impl(void *impl, EqEncoderInfo *info)
{
    X265Enc *e = impl;
    describe(e->param, info);
}

static int x265_headers_impl(void *impl, const uint8_t **data, int32_t *size)
{
    X265Enc *e = impl;
    *data = e->headers;
    *size = e->headers_size;
    return 0;
}

static int x265_encode_impl(void *impl, const EqPlanes *pic, int64_t pts, int keyframe, const EqPlanes *recon, EqEncodedFrame *out,
                            char *err, int err_len)
{
    X265Enc *e = impl;
    x265_nal *nals = NULL;
    uint32_t nnal = 0;
    x265_picture *in = NULL;
    if (pic) {
        in = e->pic_in;
        for (int p = 0; p < 3; p++) {
            in->planes[p] = pic->data[p];
            in->stride[p] = pic->stride[p];
        }
        in->bitDepth = e->bps == 2 ? 10 : 8;
        in->pts = pts;
        in->sliceType = keyframe ? X265_TYPE_IDR : X265_TYPE_AUTO;
    }
    int r = e->api->encoder_encode(e->enc, &nals, &nnal, in, e->pic_out);
    if (r < 0) { eq_set_err(err, err_len, "x265 failed to encode a frame"); return -1; }
    if (r == 0) return 0;

    const x265_picture *o = e->pic_out;
    int size = 0;
    for (uint32_t i = 0; i < nnal; i++) size += (int)nals[i].sizeBytes;
    out->data = nnal ? nals[0].payload : NULL;
    out->size = size;
    out->keyframe = o->sliceType == X265_TYPE_IDR || o->sliceType == X265_TYPE_I;
    out->pts = o->pts;
    out->recon_pts = o->pts;
    out->dts = o->dts;
    out->slice_type = IS_X265_TYPE_I(o->sliceType) ? 'I' : o->sliceType == X265_TYPE_P ? 'P' : o->sliceType == X265_TYPE_BREF ? 'B' : 'b';
    out->qp = (int)o->frameData.qp;
    if (o->bitDepth > 8 && e->bps != 2) { eq_set_err(err, err_len, "x265 returned %d-bit recon for an 8-bit encode", o->bitDepth); return -1; }
    int obps = o->bitDepth > 8 ? 2 : 1;
    if (obps != e->bps) { eq_set_err(err, err_len, "x265 recon has %d bytes per sample, expected %d", obps, e->bps); return -1; }
    for (int p = 0; p < 3; p++) {
        int w = p ? e->width / 2 : e->width;
        int h = p ? e->height / 2 : e->height;
        eq_copy_plane(recon->data[p], recon->stride[p], o->planes[p], o->stride[p], w * e->bps, h);
    }
    return 1;
}

const EqEncoderOps eq_x265_ops = {x265_plan_impl, x265_open_impl, x265_info_impl, x265_headers_impl, x265_encode_impl, x265_close_impl};
