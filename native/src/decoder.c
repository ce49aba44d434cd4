/* Source decoding: any input libavformat opens, one video stream, frames out in display order
 * as planar 4:2:0 at 8 or 10 bits. Other pixel formats are converted with swscale. */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavdevice/version.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include "eqglue.h"
#include "util.h"

struct EqDecoder {
    AVFormatContext *fmt;
    AVCodecContext *codec;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *convert;   /* only when the source is not yuv420p / yuv420p10le */
    int stream_index;
    int width, height, bit_depth;
    int draining;                 /* the demuxer hit its end and the decoder is being flushed */
    int finished;
    int conceal;                  /* deliver damaged pictures instead of failing */
    int lost;                     /* a packet was refused or damaged since the last picture out */
};

static int is_direct_format(enum AVPixelFormat f)
{
    return f == AV_PIX_FMT_YUV420P || f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_YUV420P10LE;
}

static int target_depth(enum AVPixelFormat f)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f);
    return d && d->comp[0].depth > 8 ? 10 : 8;
}

/* Device inputs (lavfi patterns, capture devices) live in libavdevice, which pulls in about 80
 * libraries (SDL, PulseAudio, X11, OpenGL...). Linking it made every run pay for loading them
 * (about 30 ms); it is opened only when a named input format is not among libavformat's own. */
static void register_devices(void)
{
    void *lib = dlopen("libavdevice.so." AV_STRINGIFY(LIBAVDEVICE_VERSION_MAJOR), RTLD_NOW | RTLD_GLOBAL);
    void (*register_all)(void) = lib ? (void (*)(void))dlsym(lib, "avdevice_register_all") : NULL;
    if (register_all) register_all();
}

static const AVInputFormat *find_input_format(const char *name)
{
    static pthread_once_t devices = PTHREAD_ONCE_INIT;
    const AVInputFormat *f = av_find_input_format(name);
    if (f) return f;
    pthread_once(&devices, register_devices);
    return av_find_input_format(name);
}

EqDecoder *eq_decoder_open(const char *url, const EqOpenOptions *options, EqVideoInfo *info,
                           char *err, int32_t err_len)
{
    char eb[128];
    AVDictionary *opts = NULL;
    const AVInputFormat *ifmt = NULL;
    EqDecoder *d = av_mallocz(sizeof *d);
    if (!d) { eq_set_err(err, err_len, "out of memory"); return NULL; }

    if (options) {
        if (options->format[0]) {
            ifmt = find_input_format(options->format);
            if (!ifmt) { eq_set_err(err, err_len, "input format '%s' is not available", options->format); goto fail; }
        }
        if (options->video_size[0]) av_dict_set(&opts, "video_size", options->video_size, 0);
        if (options->framerate[0]) av_dict_set(&opts, "framerate", options->framerate, 0);
        if (options->pixel_format[0]) av_dict_set(&opts, "pixel_format", options->pixel_format, 0);
        d->conceal = options->conceal_errors != 0;
    }
    int r = avformat_open_input(&d->fmt, url, ifmt, &opts);
    av_dict_free(&opts);
    if (r < 0) { eq_set_err(err, err_len, "cannot open: %s", eq_av_err(r, eb, sizeof eb)); goto fail; }
    r = avformat_find_stream_info(d->fmt, NULL);
    if (r < 0) { eq_set_err(err, err_len, "cannot read stream information: %s", eq_av_err(r, eb, sizeof eb)); goto fail; }

    const AVCodec *codec = NULL;
    d->stream_index = av_find_best_stream(d->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (d->stream_index < 0 || !codec) { eq_set_err(err, err_len, "no decodable video stream"); goto fail; }
    AVStream *st = d->fmt->streams[d->stream_index];

    d->codec = avcodec_alloc_context3(codec);
    if (!d->codec) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    r = avcodec_parameters_to_context(d->codec, st->codecpar);
    if (r < 0) { eq_set_err(err, err_len, "cannot set up the %s decoder: %s", codec->name, eq_av_err(r, eb, sizeof eb)); goto fail; }
    /* Damaged input fails loudly rather than be concealed into plausible pictures, unless the
     * caller asked for concealment (and counts the damaged pictures). */
    if (!d->conceal) d->codec->err_recognition |= AV_EF_EXPLODE;
    d->codec->thread_count = 0;
    r = avcodec_open2(d->codec, codec, NULL);
    if (r < 0) { eq_set_err(err, err_len, "cannot open %s decoder: %s", codec->name, eq_av_err(r, eb, sizeof eb)); goto fail; }
    if (d->codec->width <= 0 || d->codec->height <= 0 || d->codec->pix_fmt == AV_PIX_FMT_NONE) {
        eq_set_err(err, err_len, "video stream has no picture size or pixel format"); goto fail;
    }

    d->width = d->codec->width;
    d->height = d->codec->height;
    d->bit_depth = target_depth(d->codec->pix_fmt);
    d->pkt = av_packet_alloc();
    d->frame = av_frame_alloc();
    if (!d->pkt || !d->frame) { eq_set_err(err, err_len, "out of memory"); goto fail; }

    memset(info, 0, sizeof *info);
    info->width = d->width;
    info->height = d->height;
    info->bit_depth = d->bit_depth;
    AVRational fr = av_guess_frame_rate(d->fmt, st, NULL);
    if (fr.num <= 0 || fr.den <= 0) fr = (AVRational){25, 1};
    info->fps_num = fr.num;
    info->fps_den = fr.den;
    info->converted = !is_direct_format(d->codec->pix_fmt);
    info->frame_count_hint = st->nb_frames > 0 ? st->nb_frames : 0;
    const char *pf = av_get_pix_fmt_name(d->codec->pix_fmt);
    snprintf(info->source_pix_fmt, sizeof info->source_pix_fmt, "%s", pf ? pf : "unknown");
    snprintf(info->codec_name, sizeof info->codec_name, "%s", codec->name);
    return d;
fail:
    eq_decoder_close(d);
    return NULL;
}

static int copy_out(EqDecoder *d, const EqPlanes *dst, char *err, int32_t err_len)
{
    AVFrame *f = d->frame;
    if (f->width != d->width || f->height != d->height) {
        eq_set_err(err, err_len, "picture size changed mid-stream from %dx%d to %dx%d", d->width, d->height, f->width, f->height);
        return AVERROR_INVALIDDATA;
    }
    if (is_direct_format((enum AVPixelFormat)f->format) && target_depth((enum AVPixelFormat)f->format) == d->bit_depth) {
        int bps = d->bit_depth > 8 ? 2 : 1;
        for (int p = 0; p < 3; p++) {
            int w = p ? (d->width + 1) / 2 : d->width;
            int h = p ? (d->height + 1) / 2 : d->height;
            av_image_copy_plane(dst->data[p], dst->stride[p], f->data[p], f->linesize[p], w * bps, h);
        }
        return 0;
    }
    enum AVPixelFormat out = d->bit_depth > 8 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P;
    d->convert = sws_getCachedContext(d->convert, f->width, f->height, (enum AVPixelFormat)f->format,
                                      d->width, d->height, out, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                      NULL, NULL, NULL);
    if (!d->convert) { eq_set_err(err, err_len, "cannot convert pixel format %s", av_get_pix_fmt_name(f->format)); return AVERROR(EINVAL); }
    if (sws_scale(d->convert, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst->data, dst->stride) <= 0) {
        eq_set_err(err, err_len, "cannot convert pixel format %s", av_get_pix_fmt_name(f->format));
        return AVERROR(EINVAL);
    }
    return 0;
}

/* Invalid data is damage in the stream, said as such whichever call found it. */
static int decode_failure(int r, char *err, int32_t err_len)
{
    char eb[128];
    if (r == AVERROR_INVALIDDATA) eq_set_err(err, err_len, "damaged picture in the stream (the decoder refused it)");
    else eq_set_err(err, err_len, "decoding failed: %s", eq_av_err(r, eb, sizeof eb));
    return r;
}

int32_t eq_decoder_read(EqDecoder *d, const EqPlanes *dst, char *err, int32_t err_len)
{
    char eb[128];
    if (d->finished) return 0;
    for (;;) {
        int r = avcodec_receive_frame(d->codec, d->frame);
        if (r == 0) {
            int bad = d->frame->decode_error_flags || (d->frame->flags & AV_FRAME_FLAG_CORRUPT);
            if (bad && !d->conceal) {
                eq_set_err(err, err_len, "damaged picture in the stream (decode error flags 0x%x)", d->frame->decode_error_flags);
                av_frame_unref(d->frame);
                return AVERROR_INVALIDDATA;
            }
            r = copy_out(d, dst, err, err_len);
            av_frame_unref(d->frame);
            if (r < 0) return r;
            /* A picture after a lost packet stands for the damage too: the frame count cannot say where. */
            bad = bad || d->lost;
            d->lost = 0;
            return bad ? 2 : 1;
        }
        if (r == AVERROR_EOF) { d->finished = 1; return 0; }
        if (r != AVERROR(EAGAIN)) return decode_failure(r, err, err_len);
        if (d->draining) { d->finished = 1; return 0; }

        r = av_read_frame(d->fmt, d->pkt);
        if (r == AVERROR_EOF) {
            d->draining = 1;
            avcodec_send_packet(d->codec, NULL);
            continue;
        }
        if (r < 0) { eq_set_err(err, err_len, "reading the input failed: %s", eq_av_err(r, eb, sizeof eb)); return r; }
        if (d->pkt->stream_index != d->stream_index) { av_packet_unref(d->pkt); continue; }
        if (d->pkt->flags & AV_PKT_FLAG_CORRUPT) {
            if (!d->conceal) {
                av_packet_unref(d->pkt);
                eq_set_err(err, err_len, "the input is truncated or damaged (corrupt packet)");
                return AVERROR_INVALIDDATA;
            }
            d->lost = 1;   /* the decoder still gets it: it conceals what it can */
        }
        r = avcodec_send_packet(d->codec, d->pkt);
        av_packet_unref(d->pkt);
        if (r == AVERROR_INVALIDDATA && d->conceal) { d->lost = 1; continue; }
        if (r < 0 && r != AVERROR(EAGAIN)) return decode_failure(r, err, err_len);
    }
}

void eq_decoder_close(EqDecoder *d)
{
    if (!d) return;
    sws_freeContext(d->convert);
    av_frame_free(&d->frame);
    av_packet_free(&d->pkt);
    avcodec_free_context(&d->codec);
    avformat_close_input(&d->fmt);
    av_free(d);
}
