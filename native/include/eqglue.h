/*
 * eqglue: the thin C layer between EncodeQuality's C# code and FFmpeg, libx264, libx265, and the
 * AV1 encoders SVT-AV1 and rav1e (opened at run time, only when a rung asks for them).
 *
 * C# sees only the opaque handles and the plain structs declared here; it never mirrors a
 * struct of FFmpeg, x264 or x265. The glue holds no pipeline logic: it opens, reads, scales,
 * encodes and muxes one thing at a time, and reports errors as text.
 *
 * Pictures cross the boundary as planar 4:2:0 (EqPlanes): 1 byte per sample at 8-bit,
 * 2 bytes (little-endian, low bits) per sample above 8-bit. Strides are in bytes.
 */
#ifndef EQGLUE_H
#define EQGLUE_H

#include <stdint.h>

#if defined(_WIN32)
#define EQ_API __declspec(dllexport)
#else
#define EQ_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define EQ_ERR_LEN 512

typedef struct EqPlanes {
    uint8_t *data[3];
    int32_t stride[3];
} EqPlanes;

/* What a decoder delivers. */
typedef struct EqVideoInfo {
    int32_t width;
    int32_t height;
    int32_t bit_depth;          /* 8 or 10: the depth of the planes eq_decoder_read writes */
    int32_t fps_num;
    int32_t fps_den;
    int32_t converted;          /* 1 when the source pixel format is converted with swscale */
    int64_t frame_count_hint;   /* from the container, 0 when unknown */
    char source_pix_fmt[32];
    char codec_name[32];
} EqVideoInfo;

/* Options for sources without a header (raw .yuv) or synthetic sources. All optional. */
typedef struct EqOpenOptions {
    char format[32];            /* demuxer name ("rawvideo", "lavfi"), empty for probing */
    char video_size[32];        /* "WxH" for rawvideo */
    char framerate[32];         /* "25" or "30000/1001" for rawvideo */
    char pixel_format[32];      /* "yuv420p" default for rawvideo */
    int32_t conceal_errors;     /* 1: deliver damaged pictures as the decoder concealed them (read returns 2) */
} EqOpenOptions;

typedef struct EqDecoder EqDecoder;
EQ_API EqDecoder *eq_decoder_open(const char *url, const EqOpenOptions *options, EqVideoInfo *info,
                                  char *err, int32_t err_len);
/* 1: a frame was written to dst, in display order; 2: the same, but the picture is damaged (the
 * decoder concealed errors in it, or a packet before it was lost), only with conceal_errors;
 * 0: end of stream; <0: error, text in err (a damaged picture is one without conceal_errors). */
EQ_API int32_t eq_decoder_read(EqDecoder *dec, const EqPlanes *dst, char *err, int32_t err_len);
EQ_API void eq_decoder_close(EqDecoder *dec);

typedef struct EqScaler EqScaler;
/* Bicubic 4:2:0 to 4:2:0 at one bit depth; the same settings for every use, so reference and
 * recon go through identical filters. */
EQ_API EqScaler *eq_scaler_create(int32_t src_w, int32_t src_h, int32_t dst_w, int32_t dst_h,
                                  int32_t bit_depth, char *err, int32_t err_len);
EQ_API int32_t eq_scaler_scale(EqScaler *s, const EqPlanes *src, const EqPlanes *dst);
EQ_API void eq_scaler_free(EqScaler *s);

enum { EQ_CODEC_X264 = 0, EQ_CODEC_X265 = 1, EQ_CODEC_SVTAV1 = 2, EQ_CODEC_RAV1E = 3 };
enum { EQ_RC_CRF = 0, EQ_RC_ABR = 1 };

/* What the glue sets itself. Every setting of a rung (crf, bitrate, vbv-maxrate, vbv-bufsize,
 * keyint, bframes, rc-lookahead) comes as an option by its x264 name, after the preset: x264 and
 * x265 parse them with their own x264_param_parse / x265_param_parse, the AV1 back-ends map them
 * to their library's names (crf is SVT-AV1's crf and rav1e's quantizer, each on its own scale). */
typedef struct EqEncoderConfig {
    int32_t codec;              /* EQ_CODEC_* */
    int32_t width;
    int32_t height;
    int32_t bit_depth;          /* 8 or 10 */
    int32_t fps_num;
    int32_t fps_den;
    int32_t threads;            /* 0: encoder default */
    char preset[32];
    char tune[32];
} EqEncoderConfig;

/* What an encoder does with its settings, read back from the library's resolved parameters. */
typedef struct EqEncoderInfo {
    int32_t max_delayed_frames; /* frames the encoder may hold before it returns a recon */
    int32_t bframes;
    int32_t rc_lookahead;
    int32_t threads;            /* x264 threads, x265 frame threads; 0 from a plan: chosen at open */
    int32_t bit_depth;
    int32_t rc_mode;            /* EQ_RC_* */
    double crf;                 /* with EQ_RC_CRF */
    int32_t bitrate_kbps;       /* with EQ_RC_ABR */
    int32_t maxrate_kbps;       /* 0: no VBV cap */
    int32_t bufsize_kbits;
    int32_t keyint;
    int32_t refs;
} EqEncoderInfo;

typedef struct EqEncodedFrame {
    const uint8_t *data;        /* Annex B NAL units, or an AV1 temporal unit; valid until the next encode call */
    int32_t size;
    int32_t keyframe;
    int64_t pts;                /* the pts given with the input picture: its display index */
    int64_t dts;
    int32_t slice_type;         /* 'I', 'P', 'B' or 'b' */
    int32_t qp;                 /* 0 when the library does not say */
    int64_t recon_pts;          /* the display index of the recon written with this packet: the packet's
                                 * own for x264 and x265, any frame's for the AV1 encoders */
} EqEncodedFrame;

typedef struct EqEncoder EqEncoder;
/* keys/values: the rung's settings, then options for the library's own parser, in order after the preset.
 * Resolves them as eq_encoder_open would, without opening an encoder: for a memory estimate
 * before any work. max_delayed_frames is then an upper bound. 0 or <0 with text in err. */
EQ_API int32_t eq_encoder_plan(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values,
                               int32_t n_params, EqEncoderInfo *info, char *err, int32_t err_len);
EQ_API EqEncoder *eq_encoder_open(const EqEncoderConfig *cfg, const char *const *keys,
                                  const char *const *values, int32_t n_params, char *err, int32_t err_len);
EQ_API void eq_encoder_info(EqEncoder *enc, EqEncoderInfo *info);
/* Sequence headers for the container's extradata: SPS/PPS (and VPS for HEVC), or AV1's sequence
 * header OBU (SVT-AV1) or av1C record (rav1e). */
EQ_API int32_t eq_encoder_headers(EqEncoder *enc, const uint8_t **data, int32_t *size);
/* Encode pic (NULL to flush); keyframe != 0 makes pic an IDR frame (a segment boundary).
 * 1: a packet came out, and one recon copied to recon (planar 4:2:0; its display index is
 * recon_pts); 0: nothing came out; <0: error. Over an encode, every frame's recon comes once. */
EQ_API int32_t eq_encoder_encode(EqEncoder *enc, const EqPlanes *pic, int64_t pts, int32_t keyframe, const EqPlanes *recon,
                                 EqEncodedFrame *out, char *err, int32_t err_len);
EQ_API void eq_encoder_close(EqEncoder *enc);

typedef struct EqMuxer EqMuxer;
/* format: "mp4" or "matroska". */
EQ_API EqMuxer *eq_muxer_open(const char *path, const char *format, int32_t codec, int32_t width,
                              int32_t height, int32_t bit_depth, int32_t fps_num, int32_t fps_den,
                              const uint8_t *extradata, int32_t extradata_size, char *err, int32_t err_len);
EQ_API int32_t eq_muxer_write(EqMuxer *m, const uint8_t *data, int32_t size, int64_t pts, int64_t dts,
                              int32_t keyframe, char *err, int32_t err_len);
/* Writes the trailer and closes the file. */
EQ_API int32_t eq_muxer_finish(EqMuxer *m, char *err, int32_t err_len);
EQ_API void eq_muxer_free(EqMuxer *m);

/* FFmpeg's log lines go to fn (level: AV_LOG_ERROR 16, AV_LOG_WARNING 24, AV_LOG_INFO 32, AV_LOG_VERBOSE
 * 40), those up to level; fn may be called from FFmpeg's threads. NULL restores FFmpeg's printer. */
typedef void (*EqLogFn)(int32_t level, const char *line);
EQ_API void eq_log_route(EqLogFn fn, int32_t level);

/* The libraries as loaded, "name=version" pairs joined by ";" (ffmpeg, libavformat, libavcodec, libavutil,
 * libswscale, x264, x265, and svtav1 and rav1e when they can be loaded), for --version, logs and stored runs. */
EQ_API const char *eq_versions(void);

#ifdef __cplusplus
}
#endif
#endif
