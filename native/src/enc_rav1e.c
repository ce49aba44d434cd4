/* rav1e back-end (Debian 12: librav1e0 0.5.1), opened at run time. rav1e encodes on the calling
 * thread inside rav1e_receive_packet and gives one packet per shown frame, in display order, each
 * with rec, the reconstruction of the frame it shows. A call may yield several packets or none,
 * so they wait in the out-queue, one handed out per call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rav1e/rav1e.h>
#include "encoder.h"
#include "libload.h"
#include "outqueue.h"
#include "util.h"

/* Resolved from the library in this order; signatures: rav1e.h of rav1e 0.5.1. */
static struct {
    const char *(*version_short)(void);
    RaConfig *(*config_default)(void);
    int (*config_parse)(RaConfig *, const char *, const char *);
    int (*config_parse_int)(RaConfig *, const char *, int);
    int (*config_set_pixel_format)(RaConfig *, uint8_t, RaChromaSampling, RaChromaSamplePosition, RaPixelRange);
    void (*config_set_time_base)(RaConfig *, RaRational);
    void (*config_unref)(RaConfig *);
    RaContext *(*context_new)(const RaConfig *);
    void (*context_unref)(RaContext *);
    RaFrame *(*frame_new)(const RaContext *);
    void (*frame_unref)(RaFrame *);
    int (*frame_set_type)(RaFrame *, RaFrameTypeOverride);
    void (*frame_set_opaque)(RaFrame *, void *, RaFrameOpaqueCb);
    void (*frame_fill_plane)(RaFrame *, int, const uint8_t *, size_t, ptrdiff_t, int);
    void (*frame_extract_plane)(const RaFrame *, int, uint8_t *, size_t, ptrdiff_t, int);
    RaEncoderStatus (*send_frame)(RaContext *, RaFrame *);
    RaEncoderStatus (*receive_packet)(RaContext *, RaPacket **);
    void (*packet_unref)(RaPacket *);
    RaData *(*container_sequence_header)(const RaContext *);
    void (*data_unref)(RaData *);
    const char *(*status_to_str)(RaEncoderStatus);
} ra;

static const char *const ra_symbols[] = {"rav1e_version_short", "rav1e_config_default", "rav1e_config_parse",
    "rav1e_config_parse_int", "rav1e_config_set_pixel_format", "rav1e_config_set_time_base", "rav1e_config_unref",
    "rav1e_context_new", "rav1e_context_unref", "rav1e_frame_new", "rav1e_frame_unref", "rav1e_frame_set_type",
    "rav1e_frame_set_opaque", "rav1e_frame_fill_plane", "rav1e_frame_extract_plane", "rav1e_send_frame",
    "rav1e_receive_packet", "rav1e_packet_unref", "rav1e_container_sequence_header", "rav1e_data_unref",
    "rav1e_status_to_str", NULL};

/* rav1e's C API is stable within 0.x minor versions only. */
static int ra_check(char *err, int err_len)
{
    const char *v = ra.version_short();
    int major = -1, minor = -1;
    if (sscanf(v, "%d.%d", &major, &minor) != 2 || major != 0 || minor != 5) {
        eq_set_err(err, err_len, "rav1e %s is loaded, but eq was built for 0.5 (install the Debian package librav1e0)", v);
        return -1;
    }
    return 0;
}

static EqLibrary ra_library = {"rav1e", "librav1e.so.0", "librav1e0", "EQ_RAV1E_LIBRARY", ra_symbols, (void **)&ra, ra_check};
static int ra_state;

const char *eq_rav1e_version(void)
{
    return eq_library_load(&ra_library, &ra_state, NULL, 0) == 0 ? ra.version_short() : NULL;
}

/* What the glue knows of the configuration: rav1e has no getters. Defaults: rav1e 0.5.1's
 * EncoderConfig (speed 6, quantizer 100, key_frame_interval 240, rdo_lookahead_frames 40). */
typedef struct RaSettings {
    int speed, quantizer, bitrate_kbps, keyint, lookahead, threads;
} RaSettings;

typedef struct Rav1eEnc {
    RaContext *ctx;
    RaSettings s;
    int width, height, bps, bit_depth;
    uint8_t *headers;
    int headers_size;
    int flushed, done;
    EqOutQueue q;
} Rav1eEnc;

static void ra_close_impl(void *impl)
{
    Rav1eEnc *e = impl;
    if (!e) return;
    if (e->ctx) ra.context_unref(e->ctx);
    eq_outq_free(&e->q);
    free(e->headers);
    free(e);
}

static int ra_set(RaConfig *c, const char *key, const char *value, char *err, int err_len)
{
    if (ra.config_parse(c, key, value) < 0) {
        eq_set_err(err, err_len, "rav1e rejects %s=%s (no such option, or a value it cannot take)", key, value);
        return -1;
    }
    return 0;
}

/* The rung's settings by their x264 names (eqglue.h) mapped to rav1e's, then params by rav1e's own. */
static RaConfig *configure(RaSettings *s, const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                           char *err, int err_len)
{
    *s = (RaSettings){6, 100, 0, 240, 40, cfg->threads};
    RaConfig *c = ra.config_default();
    if (!c) { eq_set_err(err, err_len, "out of memory"); return NULL; }
    char text[32];
    ra.config_parse_int(c, "width", cfg->width);
    ra.config_parse_int(c, "height", cfg->height);
    if (ra.config_set_pixel_format(c, (uint8_t)cfg->bit_depth, RA_CHROMA_SAMPLING_CS420, RA_CHROMA_SAMPLE_POSITION_UNKNOWN,
                                   RA_PIXEL_RANGE_LIMITED) < 0) {
        eq_set_err(err, err_len, "rav1e cannot encode %d-bit 4:2:0", cfg->bit_depth);
        goto fail;
    }
    ra.config_set_time_base(c, (RaRational){(uint64_t)cfg->fps_den, (uint64_t)cfg->fps_num});
    if (cfg->threads > 0) ra.config_parse_int(c, "threads", cfg->threads);
    /* rav1e clamps a speed out of range without a word: check it here. */
    if (cfg->preset[0] && (eq_parse_whole(cfg->preset, 0, 10, &s->speed) < 0 || ra_set(c, "speed", cfg->preset, err, err_len) < 0)) {
        eq_set_err(err, err_len, "rav1e's preset is its speed, 0 to 10, not '%s'", cfg->preset);
        goto fail;
    }
    if (cfg->tune[0] && ra_set(c, "tune", cfg->tune, err, err_len) < 0) goto fail;
    int maxrate = 0;
    for (int i = 0; i < n; i++) {
        const char *k = keys[i], *v = values[i];
        const char *name = k;
        int *known = NULL, min = 0, max = 0;
        if (!strcmp(k, "crf")) { name = "quantizer"; known = &s->quantizer; max = 255; }
        else if (!strcmp(k, "bitrate")) {
            if (eq_parse_whole(v, 1, 2000000, &s->bitrate_kbps) < 0) { eq_set_err(err, err_len, "rav1e rejects bitrate=%s", v); goto fail; }
            snprintf(text, sizeof text, "%lld", (long long)s->bitrate_kbps * 1000); /* rav1e takes bit/s */
            v = text;
        }
        else if (!strcmp(k, "keyint")) { name = "key_frame_interval"; known = &s->keyint; min = 1; max = 1000000; }
        else if (!strcmp(k, "rc-lookahead")) { name = "rdo_lookahead_frames"; known = &s->lookahead; min = 1; max = 250; }
        else if (!strcmp(k, "vbv-maxrate") || !strcmp(k, "vbv-bufsize")) { maxrate = 1; continue; }
        else if (!strcmp(k, "bframes")) {
            eq_set_err(err, err_len, "rav1e has no B-frame count: its reordering follows its speed");
            goto fail;
        }
        if (known && eq_parse_whole(v, min, max, known) < 0) { eq_set_err(err, err_len, "rav1e rejects %s=%s (%s %d to %d)", k, v, name, min, max); goto fail; }
        if (ra_set(c, name, v, err, err_len) < 0) goto fail;
    }
    if (maxrate) {
        eq_set_err(err, err_len, "rav1e 0.5 has no bitrate cap (VBV): drop maxrate and bufsize from this rung");
        goto fail;
    }
    return c;
fail:
    ra.config_unref(c);
    return NULL;
}

static void describe(const Rav1eEnc *e, EqEncoderInfo *info)
{
    const RaSettings *s = &e->s;
    /* rav1e holds its RDO lookahead plus one mini-GOP of reordered frames (up to 16 at the
     * faster speeds' pyramid depth), and one frame in the call itself. */
    info->max_delayed_frames = s->lookahead + 16 + 2;
    info->bframes = 0;
    info->rc_lookahead = s->lookahead;
    info->threads = s->threads ? s->threads : (int)sysconf(_SC_NPROCESSORS_ONLN); /* 0: a thread per core */
    info->bit_depth = e->bit_depth;
    info->rc_mode = s->bitrate_kbps ? EQ_RC_ABR : EQ_RC_CRF;
    info->crf = s->bitrate_kbps ? 0 : s->quantizer;
    info->bitrate_kbps = s->bitrate_kbps;
    info->keyint = s->keyint;
    info->refs = 7; /* AV1 keeps seven reference slots */
}

static int ra_plan_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                        EqEncoderInfo *info, char *err, int err_len)
{
    if (eq_library_load(&ra_library, &ra_state, err, err_len) < 0) return -1;
    Rav1eEnc e = {0};
    RaConfig *c = configure(&e.s, cfg, keys, values, n, err, err_len);
    if (!c) return -1;
    ra.config_unref(c);
    e.bit_depth = cfg->bit_depth;
    describe(&e, info);
    info->threads = 0;
    return 0;
}

static void *ra_open_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                          char *err, int err_len)
{
    if (eq_library_load(&ra_library, &ra_state, err, err_len) < 0) return NULL;
    Rav1eEnc *e = calloc(1, sizeof *e);
    if (!e) { eq_set_err(err, err_len, "out of memory"); return NULL; }
    RaConfig *c = configure(&e->s, cfg, keys, values, n, err, err_len);
    if (!c) { free(e); return NULL; }
    e->ctx = ra.context_new(c);
    ra.config_unref(c);
    if (!e->ctx) { eq_set_err(err, err_len, "rav1e cannot open an encoder with these settings"); goto fail; }
    e->width = cfg->width;
    e->height = cfg->height;
    e->bit_depth = cfg->bit_depth;
    e->bps = cfg->bit_depth > 8 ? 2 : 1;
    RaData *h = ra.container_sequence_header(e->ctx); /* already an av1C record */
    if (!h) { eq_set_err(err, err_len, "rav1e cannot write its sequence header"); goto fail; }
    e->headers = malloc(h->len ? h->len : 1);
    if (e->headers) memcpy(e->headers, h->data, h->len);
    e->headers_size = (int)h->len;
    ra.data_unref(h);
    if (!e->headers) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    eq_outq_init(&e->q, e->width, e->height, e->bps);
    return e;
fail:
    ra_close_impl(e);
    return NULL;
}

static void ra_info_impl(void *impl, EqEncoderInfo *info) { describe(impl, info); }

static int ra_headers_impl(void *impl, const uint8_t **data, int32_t *size)
{
    Rav1eEnc *e = impl;
    *data = e->headers;
    *size = e->headers_size;
    return 0;
}

/* Receives every packet rav1e can give now into the queue, its recon beside it. */
static int receive(Rav1eEnc *e, char *err, int err_len)
{
    for (;;) {
        RaPacket *p = NULL;
        RaEncoderStatus s = ra.receive_packet(e->ctx, &p);
        if (s == RA_ENCODER_STATUS_ENCODED) continue;
        if (s == RA_ENCODER_STATUS_NEED_MORE_DATA) return 0;
        if (s == RA_ENCODER_STATUS_LIMIT_REACHED) { e->done = 1; return 0; }
        if (s != RA_ENCODER_STATUS_SUCCESS) { eq_set_err(err, err_len, "rav1e failed to encode: %s", ra.status_to_str(s)); return -1; }
        int64_t pts = (int64_t)(intptr_t)p->opaque;
        uint8_t *buf = p->rec ? eq_outq_recon_buffer(&e->q) : NULL;
        int r = buf ? eq_outq_push_packet(&e->q, p->data, p->len, pts, p->frame_type == RA_FRAME_TYPE_KEY,
                                          p->frame_type == RA_FRAME_TYPE_INTER ? 'P' : 'I', 0) : -1;
        if (r == 0) {
            EqPlanes rec = eq_outq_planes(&e->q, buf);
            for (int i = 0; i < 3; i++) {
                size_t bytes = (size_t)rec.stride[i] * (i ? e->height / 2 : e->height);
                ra.frame_extract_plane(p->rec, i, rec.data[i], bytes, rec.stride[i], e->bps);
            }
            eq_outq_commit_recon(&e->q, pts);
        }
        int no_rec = !p->rec;
        ra.packet_unref(p);
        if (no_rec) { eq_set_err(err, err_len, "rav1e gave a packet without its reconstruction"); return -1; }
        if (r < 0) { eq_set_err(err, err_len, "out of memory"); return -1; }
    }
}

static int ra_encode_impl(void *impl, const EqPlanes *pic, int64_t pts, int keyframe, const EqPlanes *recon, EqEncodedFrame *out,
                          char *err, int err_len)
{
    Rav1eEnc *e = impl;
    if (pic) {
        RaFrame *f = ra.frame_new(e->ctx);
        if (!f) { eq_set_err(err, err_len, "out of memory"); return -1; }
        for (int i = 0; i < 3; i++) {
            int h = i ? e->height / 2 : e->height;
            ra.frame_fill_plane(f, i, pic->data[i], (size_t)pic->stride[i] * h, pic->stride[i], e->bps);
        }
        if (keyframe) ra.frame_set_type(f, RA_FRAME_TYPE_OVERRIDE_KEY);
        ra.frame_set_opaque(f, (void *)(intptr_t)pts, NULL); /* the pts comes back on the packet */
        RaEncoderStatus s;
        while ((s = ra.send_frame(e->ctx, f)) == RA_ENCODER_STATUS_ENOUGH_DATA)
            if (receive(e, err, err_len) < 0) { ra.frame_unref(f); return -1; }
        ra.frame_unref(f);
        if (s != RA_ENCODER_STATUS_SUCCESS) { eq_set_err(err, err_len, "rav1e refused a frame: %s", ra.status_to_str(s)); return -1; }
        if (receive(e, err, err_len) < 0) return -1;
        return eq_outq_pop(&e->q, out, recon);
    }
    if (!e->flushed) {
        RaEncoderStatus s = ra.send_frame(e->ctx, NULL);
        if (s != RA_ENCODER_STATUS_SUCCESS) { eq_set_err(err, err_len, "rav1e refused the end of stream: %s", ra.status_to_str(s)); return -1; }
        e->flushed = 1;
    }
    while (!e->q.packet_count && !e->done)
        if (receive(e, err, err_len) < 0) return -1;
    return eq_outq_pop(&e->q, out, recon);
}

const EqEncoderOps eq_rav1e_ops = {ra_plan_impl, ra_open_impl, ra_info_impl, ra_headers_impl, ra_encode_impl, ra_close_impl};
