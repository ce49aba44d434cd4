/* Muxing Annex B H.264/HEVC access units or AV1 temporal units into MP4 or Matroska with libavformat. */
#include <string.h>
#include <libavformat/avformat.h>
#include "eqglue.h"
#include "util.h"

struct EqMuxer {
    AVFormatContext *oc;
    AVStream *st;
    AVPacket *pkt;
    AVRational tb;
    int header_written;
};

EqMuxer *eq_muxer_open(const char *path, const char *format, int32_t codec, int32_t width, int32_t height,
                       int32_t bit_depth, int32_t fps_num, int32_t fps_den, const uint8_t *extradata,
                       int32_t extradata_size, char *err, int32_t err_len)
{
    char eb[128];
    EqMuxer *m = av_mallocz(sizeof *m);
    if (!m) { eq_set_err(err, err_len, "out of memory"); return NULL; }
    int r = avformat_alloc_output_context2(&m->oc, NULL, format, path);
    if (r < 0 || !m->oc) { eq_set_err(err, err_len, "cannot create %s output: %s", format, eq_av_err(r, eb, sizeof eb)); goto fail; }
    m->st = avformat_new_stream(m->oc, NULL);
    if (!m->st) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    AVCodecParameters *par = m->st->codecpar;
    par->codec_type = AVMEDIA_TYPE_VIDEO;
    par->codec_id = codec == EQ_CODEC_X265 ? AV_CODEC_ID_HEVC : codec == EQ_CODEC_X264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_AV1;
    par->width = width;
    par->height = height;
    par->format = bit_depth > 8 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P;
    if (codec == EQ_CODEC_X265 && !strcmp(format, "mp4")) par->codec_tag = MKTAG('h', 'v', 'c', '1');
    par->extradata = av_mallocz((size_t)extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!par->extradata) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    memcpy(par->extradata, extradata, (size_t)extradata_size);
    par->extradata_size = extradata_size;
    m->tb = (AVRational){fps_den, fps_num};
    m->st->time_base = m->tb;
    m->st->avg_frame_rate = (AVRational){fps_num, fps_den};
    m->st->r_frame_rate = m->st->avg_frame_rate;

    r = avio_open(&m->oc->pb, path, AVIO_FLAG_WRITE);
    if (r < 0) { eq_set_err(err, err_len, "cannot write %s: %s", path, eq_av_err(r, eb, sizeof eb)); goto fail; }
    r = avformat_write_header(m->oc, NULL);
    if (r < 0) { eq_set_err(err, err_len, "cannot write the %s header: %s", format, eq_av_err(r, eb, sizeof eb)); goto fail; }
    m->header_written = 1;
    m->pkt = av_packet_alloc();
    if (!m->pkt) { eq_set_err(err, err_len, "out of memory"); goto fail; }
    return m;
fail:
    eq_muxer_free(m);
    return NULL;
}

int32_t eq_muxer_write(EqMuxer *m, const uint8_t *data, int32_t size, int64_t pts, int64_t dts, int32_t keyframe,
                       char *err, int32_t err_len)
{
    char eb[128];
    int r = av_new_packet(m->pkt, size);
    if (r < 0) { eq_set_err(err, err_len, "out of memory"); return r; }
    memcpy(m->pkt->data, data, (size_t)size);
    m->pkt->stream_index = m->st->index;
    m->pkt->pts = av_rescale_q(pts, m->tb, m->st->time_base);
    m->pkt->dts = av_rescale_q(dts, m->tb, m->st->time_base);
    m->pkt->duration = av_rescale_q(1, m->tb, m->st->time_base);
    if (keyframe) m->pkt->flags |= AV_PKT_FLAG_KEY;
    r = av_write_frame(m->oc, m->pkt);
    av_packet_unref(m->pkt);
    if (r < 0) { eq_set_err(err, err_len, "writing a packet failed: %s", eq_av_err(r, eb, sizeof eb)); return r; }
    return 0;
}

int32_t eq_muxer_finish(EqMuxer *m, char *err, int32_t err_len)
{
    char eb[128];
    int r = av_write_trailer(m->oc);
    m->header_written = 0;
    if (r < 0) { eq_set_err(err, err_len, "writing the trailer failed: %s", eq_av_err(r, eb, sizeof eb)); return r; }
    r = avio_closep(&m->oc->pb);
    if (r < 0) { eq_set_err(err, err_len, "closing the output failed: %s", eq_av_err(r, eb, sizeof eb)); return r; }
    return 0;
}

void eq_muxer_free(EqMuxer *m)
{
    if (!m) return;
    av_packet_free(&m->pkt);
    if (m->oc) {
        if (m->oc->pb) avio_closep(&m->oc->pb);
        avformat_free_context(m->oc);
    }
    av_free(m);
}
