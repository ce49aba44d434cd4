/* SVT-AV1 back-end (Debian 12: libsvtav1enc1 1.4.1), opened at run time. Recon: with
 * recon_enabled, svt_av1_get_recon hands out every coded picture in decode order with its pts
 * (planar, rows packed, 16-bit samples above 8-bit); packets are temporal units in display order.
 * Both go through the out-queue, which pairs them one per call; the pipeline's reorder queue puts
 * the recons back in display order. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <svt-av1/EbSvtAv1Enc.h>
#include "encoder.h"
#include "libload.h"
#include "outqueue.h"
#include "util.h"

/* The calls used, resolved from the library in this order (POSIX lets dlsym's results be
 * function pointers). Signatures: EbSvtAv1Enc.h of SVT-AV1 1.4.1. */
static struct {
    const char *(*get_version)(void);
    EbErrorType (*init_handle)(EbComponentType **, void *, EbSvtAv1EncConfiguration *);
    EbErrorType (*set_parameter)(EbComponentType *, EbSvtAv1EncConfiguration *);
    EbErrorType (*parse_parameter)(EbSvtAv1EncConfiguration *, const char *, const char *);
    EbErrorType (*init)(EbComponentType *);
    EbErrorType (*stream_header)(EbComponentType *, EbBufferHeaderType **);
    EbErrorType (*stream_header_release)(EbBufferHeaderType *);
    EbErrorType (*send_picture)(EbComponentType *, EbBufferHeaderType *);
    EbErrorType (*get_packet)(EbComponentType *, EbBufferHeaderType **, uint8_t);
    void (*release_out_buffer)(EbBufferHeaderType **);
    EbErrorType (*get_recon)(EbComponentType *, EbBufferHeaderType *);
    EbErrorType (*deinit)(EbComponentType *);
    EbErrorType (*deinit_handle)(EbComponentType *);
} svt;

static const char *const svt_symbols[] = {"svt_av1_get_version", "svt_av1_enc_init_handle", "svt_av1_enc_set_parameter",
    "svt_av1_enc_parse_parameter", "svt_av1_enc_init", "svt_av1_enc_stream_header", "svt_av1_enc_stream_header_release",
    "svt_av1_enc_send_picture", "svt_av1_enc_get_packet", "svt_av1_enc_release_out_buffer", "svt_av1_get_recon",
    "svt_av1_enc_deinit", "svt_av1_enc_deinit_handle", NULL};

/* The configuration struct changes between SVT-AV1 releases: only the one these headers describe will do. */
static int svt_check(char *err, int err_len)
{
    const char *v = svt.get_version(); /* "v1.4.1" */
    int major = 0, minor = 0;
    if (sscanf(v[0] == 'v' ? v + 1 : v, "%d.%d", &major, &minor) != 2 || major != SVT_AV1_VERSION_MAJOR || minor != SVT_AV1_VERSION_MINOR) {
        eq_set_err(err, err_len, "SVT-AV1 %s is loaded, but eq was built for %d.%d (install the Debian package libsvtav1enc1)", v,
                   SVT_AV1_VERSION_MAJOR, SVT_AV1_VERSION_MINOR);
        return -1;
    }
    return 0;
}

static EqLibrary svt_library = {"SVT-AV1", "libSvtAv1Enc.so.1", "libsvtav1enc1", "EQ_SVTAV1_LIBRARY", svt_symbols, (void **)&svt, svt_check};
static int svt_state;

static int svt_load(char *err, int err_len)
{
    /* SVT-AV1 prints its banner and settings at info level; errors are all eq wants on stderr.
     * Set once, before the library first loads (setenv is not for a running process's threads). */
    if (svt_state != 1) setenv("SVT_LOG", "1", 0);
    return eq_library_load(&svt_library, &svt_state, err, err_len);
}

const char *eq_svtav1_version(void)
{
    return svt_load(NULL, 0) == 0 ? svt.get_version() : NULL;
}

typedef struct SvtEnc {
    EbComponentType *h;
    EbSvtAv1EncConfiguration cfg;
    int initialized;
    int width, height, bps;
    int buf_ms;                 /* the VBV buffer as SVT-AV1 takes it, in ms at the cap */
    uint8_t *headers;
    int headers_size;
    int eos_sent, eos_seen;
    int held, max_held;         /* pictures sent whose recon has not been handed out; the bound */
    int64_t sent;               /* pictures sent over the encode */
    EqOutQueue q;
} SvtEnc;

static int take_packets(SvtEnc *e, int wait, char *err, int err_len);
static int take_recons(SvtEnc *e, char *err, int err_len);
static int svt_send(SvtEnc *e, const EqPlanes *pic, int64_t pts, int keyframe, char *err, int err_len);

/* Sends the end of the stream, once. */
static int svt_end(SvtEnc *e, char *err, int err_len)
{
    if (e->eos_sent) return 0;
    EbBufferHeaderType eos;
    memset(&eos, 0, sizeof eos);
    eos.size = sizeof eos;
    eos.flags = EB_BUFFERFLAG_EOS;
    eos.pic_type = EB_AV1_INVALID_PICTURE;
    if (svt.send_picture(e->h, &eos) != EB_ErrorNone) { eq_set_err(err, err_len, "svt-av1 refused the end of stream"); return -1; }
    e->eos_sent = 1;
    return 0;
}

/* An encoder closed mid-stream (a failed or cancelled run): SVT-AV1's deinit waits for the end of
 * the stream, which never comes while its recon queue is full. End the stream and drain it,
 * polling, so a stalled library cannot hang the close; after 60 s it is left as it is. */
static int svt_drain(SvtEnc *e)
{
    /* SVT-AV1 1.4 never ends a stream that had no picture (and its deinit then waits for ever):
     * give it one blank picture first. */
    if (!e->sent && !e->eos_sent) {
        uint8_t *blank = calloc(1, e->q.frame_bytes);
        if (!blank) return -1;
        EqPlanes pic = eq_outq_planes(&e->q, blank);
        int r = svt_send(e, &pic, 0, 0, NULL, 0);
        free(blank);
        if (r < 0) return -1;
    }
    if (svt_end(e, NULL, 0) < 0) return -1;
    for (int polls = 0; !e->eos_seen; polls++) {
        int before = e->q.packet_count;
        if (take_recons(e, NULL, 0) < 0 || take_packets(e, 0, NULL, 0) < 0 || polls > 60000) return -1;
        eq_outq_clear(&e->q);
        if (e->q.packet_count == before && !e->eos_seen) usleep(1000);
    }
    return 0;
}

static void svt_close_impl(void *impl)
{
    SvtEnc *e = impl;
    if (!e) return;
    if (e->initialized && !e->eos_seen && svt_drain(e) < 0) {
        /* The library is stalled: its handle is left behind rather than the process hung in its deinit. */
    } else {
        if (e->initialized) svt.deinit(e->h);
        if (e->h) svt.deinit_handle(e->h);
    }
    eq_outq_free(&e->q);
    free(e->headers);
    free(e);
}

static int svt_set(EbSvtAv1EncConfiguration *c, const char *key, const char *value, char *err, int err_len)
{
    if (svt.parse_parameter(c, key, value) != EB_ErrorNone) {
        eq_set_err(err, err_len, "svt-av1 rejects %s=%s (no such option, or a value outside its range)", key, value);
        return -1;
    }
    return 0;
}

/* The rung's settings come by their x264 names (eqglue.h); SVT-AV1 takes them by its own, and
 * its VBV buffer in milliseconds at the cap. */
static int configure(SvtEnc *e, const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                     char *err, int err_len)
{
    EbSvtAv1EncConfiguration *c = &e->cfg;
    c->source_width = (uint32_t)cfg->width;
    c->source_height = (uint32_t)cfg->height;
    c->encoder_bit_depth = (uint32_t)cfg->bit_depth;
    c->frame_rate_numerator = (uint32_t)cfg->fps_num;
    c->frame_rate_denominator = (uint32_t)cfg->fps_den;
    c->recon_enabled = 1;
    if (cfg->threads > 0) c->logical_processors = (uint32_t)cfg->threads;
    /* SVT-AV1 takes a preset beyond its range without a word: check it here (EbSvtAv1Enc.h: -2 to MAX_ENC_PRESET). */
    int preset;
    if (cfg->preset[0] && (eq_parse_whole(cfg->preset, -2, MAX_ENC_PRESET, &preset) < 0 || svt_set(c, "preset", cfg->preset, err, err_len) < 0)) {
        eq_set_err(err, err_len, "svt-av1's preset is -2 to %d, not '%s'", MAX_ENC_PRESET, cfg->preset);
        return -1;
    }
    if (cfg->tune[0] && svt_set(c, "tune", cfg->tune, err, err_len) < 0) return -1;
    const char *crf = NULL, *bitrate = NULL, *maxrate = NULL, *bufsize = NULL;
    for (int i = 0; i < n; i++) {
        const char *k = keys[i], *v = values[i];
        if (!strcmp(k, "crf")) crf = v;
        else if (!strcmp(k, "bitrate")) bitrate = v;
        else if (!strcmp(k, "vbv-maxrate")) maxrate = v;
        else if (!strcmp(k, "vbv-bufsize")) bufsize = v;
        else if (!strcmp(k, "keyint")) { if (svt_set(c, "keyint", v, err, err_len) < 0) return -1; }
        else if (!strcmp(k, "rc-lookahead")) { if (svt_set(c, "lookahead", v, err, err_len) < 0) return -1; }
        else if (!strcmp(k, "bframes")) {
            eq_set_err(err, err_len, "svt-av1 has no B-frame count: its mini-GOP is params.hierarchical-levels");
            return -1;
        }
        else if (svt_set(c, k, v, err, err_len) < 0) return -1;
    }
    if (crf) {
        if (svt_set(c, "rc", "0", err, err_len) < 0 || svt_set(c, "crf", crf, err, err_len) < 0) return -1;
        c->force_key_frames = 1; /* SVT-AV1 1.4 forces key frames (segments) in CRF mode only */
        if (maxrate && svt_set(c, "mbr", maxrate, err, err_len) < 0) return -1;
    } else if (bitrate) {
        /* A cap at the target is constant bitrate; SVT-AV1's VBR takes no cap of its own. */
        int cbr = maxrate && atof(maxrate) <= atof(bitrate);
        if (maxrate && !cbr) {
            eq_set_err(err, err_len, "svt-av1 caps a bitrate only at the bitrate itself (CBR); give maxrate equal to bitrate, or a crf with maxrate");
            return -1;
        }
        if (svt_set(c, "rc", cbr ? "2" : "1", err, err_len) < 0 || svt_set(c, "tbr", bitrate, err, err_len) < 0) return -1;
    }
    if (maxrate && bufsize) {
        double ms = atof(bufsize) * 1000.0 / atof(maxrate);
        char text[32];
        snprintf(text, sizeof text, "%d", ms < 1 ? 1 : (int)(ms + 0.5));
        if (svt_set(c, "buf-sz", text, err, err_len) < 0) return -1;
        e->buf_ms = atoi(text);
    }
    /* Film grain is synthesised by the decoder, after the picture the encoder reconstructs: the
     * recon would not be what a viewer sees. */
    if (c->film_grain_denoise_strength > 0) {
        eq_set_err(err, err_len, "svt-av1 film grain synthesis is not in the recon, so a scored rung cannot use it: drop film-grain");
        return -1;
    }
    /* An overlay codes a picture twice; the recon would then not pair one to one with the output. */
    c->enable_overlays = 0;
    if (svt.set_parameter(e->h, c) != EB_ErrorNone) {
        eq_set_err(err, err_len, "svt-av1 rejects these settings for %dx%d %d-bit (SVT-AV1's log above says why)", cfg->width,
                   cfg->height, cfg->bit_depth);
        return -1;
    }
    return 0;
}

static void describe(const SvtEnc *e, EqEncoderInfo *info)
{
    const EbSvtAv1EncConfiguration *c = &e->cfg;
    /* SVT-AV1 1.4.1's defaults, as measured through this glue: a mini-GOP of 32 (5 hierarchical
     * levels), its lookahead cut to whole mini-GOPs and one mini-GOP when unset, a key frame every
     * 5 seconds in whole mini-GOPs. Frames it held in eq's pipeline, at 180p-720p, presets 2-12,
     * CRF, capped CRF and VBR, lookahead 0-120, 3-5 levels: at most a mini-GOP, that lookahead and
     * 14 (78 by default, at presets 2 and 4). 24 covers that with room; fed faster, it would take
     * more (93 in a test), which the encode call's wait for output prevents. */
    int minigop = 1 << (c->hierarchical_levels > 0 ? c->hierarchical_levels : 5);
    int lookahead = c->look_ahead_distance == (uint32_t)-1 ? minigop : (int)c->look_ahead_distance / minigop * minigop;
    info->max_delayed_frames = minigop + lookahead + 24;
    info->bframes = minigop - 1;
    info->rc_lookahead = lookahead;
    info->threads = c->logical_processors ? (int)c->logical_processors : (int)sysconf(_SC_NPROCESSORS_ONLN); /* 0: every core */
    info->bit_depth = (int)c->encoder_bit_depth;
    info->rc_mode = c->rate_control_mode == 0 ? EQ_RC_CRF : EQ_RC_ABR;
    info->crf = c->qp;
    info->bitrate_kbps = c->rate_control_mode ? (int)(c->target_bit_rate / 1000) : 0;
    info->maxrate_kbps = c->rate_control_mode == 2 ? (int)(c->target_bit_rate / 1000) : (int)(c->max_bit_rate / 1000);
    info->bufsize_kbits = (int)((int64_t)info->maxrate_kbps * e->buf_ms / 1000);
    int fps = (int)(c->frame_rate_numerator / (c->frame_rate_denominator ? c->frame_rate_denominator : 1));
    info->keyint = c->intra_period_length == -2 ? 5 * minigop * ((fps + minigop) / minigop) + 1 : c->intra_period_length + 1;
    info->refs = 7; /* AV1 keeps seven reference slots */
}

static SvtEnc *svt_new(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n, char *err, int err_len)
{
    if (svt_load(err, err_len) < 0) return NULL;
    SvtEnc *e = calloc(1, sizeof *e);
    if (!e) { eq_set_err(err, err_len, "out of memory"); return NULL; }
    if (svt.init_handle(&e->h, NULL, &e->cfg) != EB_ErrorNone) {
        eq_set_err(err, err_len, "svt-av1 cannot create an encoder handle");
        free(e);
        return NULL;
    }
    if (configure(e, cfg, keys, values, n, err, err_len) < 0) { svt_close_impl(e); return NULL; }
    e->width = cfg->width;
    e->height = cfg->height;
    e->bps = cfg->bit_depth > 8 ? 2 : 1;
    EqEncoderInfo info;
    describe(e, &info);
    e->max_held = info.max_delayed_frames;
    return e;
}

static int svt_plan_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                         EqEncoderInfo *info, char *err, int err_len)
{
    SvtEnc *e = svt_new(cfg, keys, values, n, err, err_len);
    if (!e) return -1;
    describe(e, info);
    info->threads = 0;
    svt_close_impl(e);
    return 0;
}

static void *svt_open_impl(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                           char *err, int err_len)
{
    SvtEnc *e = svt_new(cfg, keys, values, n, err, err_len);
    if (!e) return NULL;
    eq_outq_init(&e->q, e->width, e->height, e->bps);
    if (svt.init(e->h) != EB_ErrorNone) { eq_set_err(err, err_len, "svt-av1 cannot open an encoder with these settings"); goto fail; }
    e->initialized = 1;
    EbBufferHeaderType *hdr = NULL;
    if (svt.stream_header(e->h, &hdr) != EB_ErrorNone || !hdr) { eq_set_err(err, err_len, "svt-av1 cannot write its sequence header"); goto fail; }
    e->headers = malloc(hdr->n_filled_len ? hdr->n_filled_len : 1);
    if (e->headers) memcpy(e->headers, hdr->p_buffer, hdr->n_filled_len);
    e->headers_size = (int)hdr->n_filled_len;
    svt.stream_header_release(hdr);
    if (!e->headers) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    return e;
fail:
    svt_close_impl(e);
    return NULL;
}

static void svt_info_impl(void *impl, EqEncoderInfo *info) { describe(impl, info); }

static int svt_headers_impl(void *impl, const uint8_t **data, int32_t *size)
{
    SvtEnc *e = impl;
    *data = e->headers;
    *size = e->headers_size;
    return 0;
}

static char slice_type(EbAv1PictureType t)
{
    return t == EB_AV1_KEY_PICTURE || t == EB_AV1_INTRA_ONLY_PICTURE || t == EB_AV1_FW_KEY_PICTURE ? 'I'
         : t == EB_AV1_NON_REF_PICTURE || t == EB_AV1_SHOW_EXISTING_PICTURE ? 'b' : 'P';
}

/* Moves every recon SVT-AV1 has ready into the queue. */
static int take_recons(SvtEnc *e, char *err, int err_len)
{
    for (;;) {
        uint8_t *buf = eq_outq_recon_buffer(&e->q);
        if (!buf) { eq_set_err(err, err_len, "out of memory"); return -1; }
        EbBufferHeaderType r;
        memset(&r, 0, sizeof r);
        r.size = sizeof r;
        r.p_buffer = buf;
        r.n_alloc_len = (uint32_t)e->q.frame_bytes;
        EbErrorType s = svt.get_recon(e->h, &r);
        if (s == EB_NoErrorEmptyQueue) return 0;
        if (s != EB_ErrorNone || r.n_filled_len != e->q.frame_bytes) {
            eq_set_err(err, err_len, "svt-av1 returned no usable recon (%u bytes, expected %zu)", r.n_filled_len, e->q.frame_bytes);
            return -1;
        }
        eq_outq_commit_recon(&e->q, r.pts);
    }
}

/* Takes packets: every ready one, or with wait (draining) one at least, waiting for it. */
static int take_packets(SvtEnc *e, int wait, char *err, int err_len)
{
    while (!e->eos_seen) {
        EbBufferHeaderType *p = NULL;
        EbErrorType s = svt.get_packet(e->h, &p, (uint8_t)wait);
        if (s == EB_NoErrorEmptyQueue || !p) return 0;
        if (s != EB_ErrorNone) { eq_set_err(err, err_len, "svt-av1 failed to encode a frame"); return -1; }
        int r = 0;
        if (p->n_filled_len)
            r = eq_outq_push_packet(&e->q, p->p_buffer, p->n_filled_len, p->pts, p->pic_type == EB_AV1_KEY_PICTURE,
                                    slice_type(p->pic_type), (int)p->qp);
        if (p->flags & EB_BUFFERFLAG_EOS) e->eos_seen = 1;
        svt.release_out_buffer(&p);
        if (r < 0) { eq_set_err(err, err_len, "out of memory"); return -1; }
        if (wait) return 0;
    }
    return 0;
}

static int pop(SvtEnc *e, EqEncodedFrame *out, const EqPlanes *recon)
{
    int r = eq_outq_pop(&e->q, out, recon);
    e->held -= r;
    return r;
}

/* Waits until a packet and a recon can be handed out: 1; 0 once the stream has ended and all was
 * handed out. The last packet can come before the last recons, which no call waits for: poll. */
static int wait_pair(SvtEnc *e, EqEncodedFrame *out, const EqPlanes *recon, char *err, int err_len)
{
    for (int polls = 0;;) {
        if (take_recons(e, err, err_len) < 0) return -1;
        if (pop(e, out, recon)) return 1;
        if (e->q.packet_count <= e->q.recon_count) {
            if (e->eos_seen) {
                if (!e->q.packet_count && !e->q.recon_count) return 0;
                eq_set_err(err, err_len, "svt-av1 ended with %d recons and no packet for them", e->q.recon_count);
                return -1;
            }
            if (take_packets(e, 1, err, err_len) < 0) return -1;
            continue;
        }
        if (++polls > 10000) {
            eq_set_err(err, err_len, "svt-av1 gave %d packets whose recons never came", e->q.packet_count - e->q.recon_count);
            return -1;
        }
        usleep(1000);
    }
}

/* Sends one picture (SVT-AV1 copies it). */
static int svt_send(SvtEnc *e, const EqPlanes *pic, int64_t pts, int keyframe, char *err, int err_len)
{
    EbSvtIOFormat io;
    memset(&io, 0, sizeof io);
    io.luma = pic->data[0];
    io.cb = pic->data[1];
    io.cr = pic->data[2];
    io.y_stride = (uint32_t)(pic->stride[0] / e->bps); /* in samples */
    io.cb_stride = (uint32_t)(pic->stride[1] / e->bps);
    io.cr_stride = (uint32_t)(pic->stride[2] / e->bps);
    EbBufferHeaderType in;
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.p_buffer = (uint8_t *)&io;
    in.n_filled_len = (uint32_t)(e->q.frame_bytes);
    in.pts = pts;
    in.pic_type = keyframe ? EB_AV1_KEY_PICTURE : EB_AV1_INVALID_PICTURE;
    if (svt.send_picture(e->h, &in) != EB_ErrorNone) { eq_set_err(err, err_len, "svt-av1 refused a picture"); return -1; }
    e->held++;
    e->sent++;
    return 0;
}

static int svt_encode_impl(void *impl, const EqPlanes *pic, int64_t pts, int keyframe, const EqPlanes *recon, EqEncodedFrame *out,
                           char *err, int err_len)
{
    SvtEnc *e = impl;
    if (pic) {
        if (keyframe && !e->cfg.force_key_frames) {
            eq_set_err(err, err_len, "svt-av1 1.4 forces key frames only in crf mode"); /* eq checks this before any encode */
            return -1;
        }
        if (svt_send(e, pic, pts, keyframe, err, err_len) < 0) return -1;
        if (take_packets(e, 0, err, err_len) < 0 || take_recons(e, err, err_len) < 0) return -1;
        /* SVT-AV1 takes pictures as fast as they come, up to its input pool: past the delay the
         * glue reported, wait for output, so the bound holds whatever the timing. */
        return e->held > e->max_held ? wait_pair(e, out, recon, err, err_len) : pop(e, out, recon);
    }
    if (!e->sent) return 0; /* nothing to end: close gives SVT-AV1 what it needs to stop */
    if (svt_end(e, err, err_len) < 0) return -1;
    return wait_pair(e, out, recon, err, err_len);
}

const EqEncoderOps eq_svtav1_ops = {svt_plan_impl, svt_open_impl, svt_info_impl, svt_headers_impl, svt_encode_impl, svt_close_impl};
