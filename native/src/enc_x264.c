/* libx264 back-end. Recon: with b_full_recon set, pic_out.img points at the fully reconstructed
 * (deblocked) frame, which x264 keeps as NV12; it is de-interleaved to planar 4:2:0 here. */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <x264.h>
#include "encoder.h"
#include "util.h"

typedef struct X264Enc {
    x264_t *h;
    x264_param_t param;
    int width, height, bps;
    uint8_t *headers;           /* SPS and PPS, for the container's extradata */
    int headers_size;
    uint8_t *sei;               /* x264's version and options SEI, sent with the first frame */
    int sei_size;
    uint8_t *packet;            /* the first frame's access unit with the SEI in front */
} X264Enc;

static void x264_close_impl(void *impl)
{
    X264Enc *e = impl;
    if (!e) return;
    if (e->h) x264_encoder_close(e->h);
    free(e->headers);
    free(e->sei);
    free(e->packet);
    free(e);
}

/* Preset and tune, the fixed facts, then the rung's options in order: exactly what open uses. */
static int configure(x264_param_t *p, const EqEncoderConfig *cfg, const char *const *keys, const char *const *values,
                     int n, char *err, int err_len)
{
    const char *preset = cfg->preset[0] ? cfg->preset : "medium";
    if (x264_param_default_preset(p, preset, cfg->tune[0] ? cfg->tune : NULL) < 0) {
        eq_set_err(err, err_len, "x264 rejects preset '%s' or tune '%s'", preset, cfg->tune);
        return -1;
    }
    p->i_log_level = X264_LOG_ERROR;
    p->i_width = cfg->width;
    p->i_height = cfg->height;
    p->i_csp = X264_CSP_I420 | (cfg->bit_depth > 8 ? X264_CSP_HIGH_DEPTH : 0);
    p->i_bitdepth = cfg->bit_depth;
    p->i_fps_num = (uint32_t)cfg->fps_num;
    p->i_fps_den = (uint32_t)cfg->fps_den;
    p->i_timebase_num = (uint32_t)cfg->fps_den;
    p->i_timebase_den = (uint32_t)cfg->fps_num;
    p->b_vfr_input = 0;
    p->b_annexb = 1;
    p->b_repeat_headers = 0;      /* headers go into the container's extradata */
    if (cfg->threads > 0) p->i_threads = cfg->threads;
    for (int i = 0; i < n; i++) {
        int r = x264_param_parse(p, keys[i], values[i]);
        if (r == X264_PARAM_BAD_NAME) { eq_set_err(err, err_len, "x264 has no option '%s'", keys[i]); return -1; }
        if (r != 0) { eq_set_err(err, err_len, "x264 rejects %s=%s", keys[i], values[i]); return -1; }
    }
    p->b_full_recon = 1;          /* recon must be exactly what a decoder shows, whatever the options say */
    if (x264_param_apply_profile(p, cfg->bit_depth > 8 ? "high10" : "high") < 0) {
        eq_set_err(err, err_len, "x264 cannot apply the %s profile to these settings", cfg->bit_depth > 8 ? "high10" : "high");
        return -1;
    }
    return 0;
}

/* The settings part of the info, from resolved parameters. */
static void describe(const x264_param_t *p, EqEncoderInfo *info)
{
    info->bframes = p->i_bframe;
    info->rc_lookahead = p->rc.i_lookahead;
    info->threads = p->i_threads;
    info->bit_depth = p->i_bitdepth;
    info->rc_mode = p->rc.i_rc_method == X264_RC_CRF ? EQ_RC_CRF : EQ_RC_ABR;
    info->crf = p->rc.f_rf_constant;
    info->bitrate_kbps = p->rc.i_bitrate;
    info->maxrate_kbps = p->rc.i_vbv_max_bitrate;
    info->bufsize_kbits = p->rc.i_vbv_buffer_size;
    info->keyint = p->i_keyint_max;
    info->refs = p->i_frame_reference;
}

static int x264_plan_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                          EqEncoderInfo *info, char *err, int err_len)
{
    x264_param_t p;
    if (configure(&p, cfg, keys, values, n, err, err_len) < 0) return -1;
    describe(&p, info);
    /* x264 sets its delay at open (encoder.c): the larger of bframes and lookahead, one per extra
     * frame thread, and a sync lookahead of bframes + 1 when threaded. Threads still 0 here. */
    int la = p.rc.i_lookahead > p.i_bframe ? p.rc.i_lookahead : p.i_bframe;
    info->max_delayed_frames = la + p.i_bframe + 1 + (p.i_threads > 1 ? p.i_threads - 1 : 0);
    return 0;
}

static void *x264_open_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                            char *err, int err_len)
{
    X264Enc *e = calloc(1, sizeof *e);
    if (!e) { eq_set_err(err, err_len, "out of memory"); return NULL; }
    x264_param_t *p = &e->param;
    if (configure(p, cfg, keys, values, n, err, err_len) < 0) goto fail;
    e->h = x264_encoder_open(p);
    if (!e->h) { eq_set_err(err, err_len, "x264 cannot open an encoder with these settings"); goto fail; }
    x264_encoder_parameters(e->h, p);
    e->width = cfg->width;
    e->height = cfg->height;
    e->bps = cfg->bit_depth > 8 ? 2 : 1;

    x264_nal_t *nals;
    int nnal;
    int size = x264_encoder_headers(e->h, &nals, &nnal);
    if (size < 0) { eq_set_err(err, err_len, "x264 cannot write its headers"); goto fail; }
    /* MP4 and Matroska keep only SPS and PPS in extradata, so x264's SEI (its version and every
     * option it used, what MediaInfo shows as the encoding settings) travels in band with the
     * first frame, as FFmpeg's libx264 wrapper does. */
    e->headers = malloc((size_t)size);
    e->sei = malloc((size_t)size);
    if (!e->headers || !e->sei) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    for (int i = 0; i < nnal; i++) {
        int is_sei = nals[i].i_type == NAL_SEI;
        uint8_t *dst = is_sei ? e->sei + e->sei_size : e->headers + e->headers_size;
        memcpy(dst, nals[i].p_payload, (size_t)nals[i].i_payload);
        if (is_sei) e->sei_size += nals[i].i_payload;
        else e->headers_size += nals[i].i_payload;
    }
    return e;
fail:
    x264_close_impl(e);
    return NULL;
}

static void x264_info_impl(void *impl, EqEncoderInfo *info)
{
    X264Enc *e = impl;
    describe(&e->param, info);
    info->max_delayed_frames = x264_encoder_maximum_delayed_frames(e->h);
}

static int x264_headers_impl(void *impl, const uint8_t **data, int32_t *size)
{
    X264Enc *e = impl;
    *data = e->headers;
    *size = e->headers_size;
    return 0;
}

static int x264_encode_impl(void *impl, const EqPlanes *pic, int64_t pts, int keyframe, const EqPlanes *recon, EqEncodedFrame *out,
                            char *err, int err_len)
{
    X264Enc *e = impl;
    x264_picture_t in, res;
    x264_picture_init(&res);
    x264_nal_t *nals = NULL;
    int nnal = 0, size;
    if (pic) {
        x264_picture_init(&in);
        in.img.i_csp = e->param.i_csp;
        in.img.i_plane = 3;
        for (int p = 0; p < 3; p++) {
            in.img.plane[p] = pic->data[p];
            in.img.i_stride[p] = pic->stride[p];
        }
        in.i_pts = pts;
        in.i_type = keyframe ? X264_TYPE_IDR : X264_TYPE_AUTO;
        size = x264_encoder_encode(e->h, &nals, &nnal, &in, &res);
    } else {
        /* While flushing, a call can return nothing although frames are still delayed (frame
         * threads finishing): keep calling until a frame comes out or none is left. */
        do {
            if (!x264_encoder_delayed_frames(e->h)) return 0;
            size = x264_encoder_encode(e->h, &nals, &nnal, NULL, &res);
        } while (size == 0 && nnal == 0);
    }
    if (size < 0) { eq_set_err(err, err_len, "x264 failed to encode a frame"); return -1; }
    if (size == 0 && nnal == 0) return 0;

    out->data = nals[0].p_payload;
    out->size = size;
    if (e->sei_size > 0) {
        e->packet = malloc((size_t)(e->sei_size + size));
        if (!e->packet) { eq_set_err(err, err_len, "out of memory"); return -1; }
        memcpy(e->packet, e->sei, (size_t)e->sei_size);
        memcpy(e->packet + e->sei_size, nals[0].p_payload, (size_t)size);
        out->data = e->packet;
        out->size = e->sei_size + size;
        e->sei_size = 0;        /* once; the buffer stays valid until the next call */
    }
    out->keyframe = res.b_keyframe;
    out->pts = res.i_pts;
    out->recon_pts = res.i_pts;
    out->dts = res.i_dts;
    out->slice_type = IS_X264_TYPE_I(res.i_type) ? 'I' : res.i_type == X264_TYPE_P ? 'P' : res.i_type == X264_TYPE_BREF ? 'B' : 'b';
    out->qp = res.i_qpplus1 - 1;

    /* Recon: Y as is, UV de-interleaved from NV12. */
    const x264_image_t *img = &res.img;
    if ((img->i_csp & X264_CSP_MASK) != X264_CSP_NV12 || img->i_plane != 2) {
        eq_set_err(err, err_len, "x264 returned recon in colour space 0x%x, expected NV12", img->i_csp);
        return -1;
    }
    eq_copy_plane(recon->data[0], recon->stride[0], img->plane[0], img->i_stride[0], e->width * e->bps, e->height);
    int cw = e->width / 2, ch = e->height / 2;
    for (int y = 0; y < ch; y++) {
        const uint8_t *s = img->plane[1] + (size_t)y * img->i_stride[1];
        uint8_t *u = recon->data[1] + (size_t)y * recon->stride[1];
        uint8_t *v = recon->data[2] + (size_t)y * recon->stride[2];
        if (e->bps == 1) {
            for (int x = 0; x < cw; x++) { u[x] = s[2 * x]; v[x] = s[2 * x + 1]; }
        } else {
            const uint16_t *s16 = (const uint16_t *)s;
            uint16_t *u16 = (uint16_t *)u, *v16 = (uint16_t *)v;
            for (int x = 0; x < cw; x++) { u16[x] = s16[2 * x]; v16[x] = s16[2 * x + 1]; }
        }
    }
    return 1;
}

const EqEncoderOps eq_x264_ops = {x264_plan_impl, x264_open_impl, x264_info_impl, x264_headers_impl, x264_encode_impl, x264_close_impl};
