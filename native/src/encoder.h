/* The encoder back-ends behind eq_encoder_*: one function table per library. */
#ifndef EQ_ENCODER_H
#define EQ_ENCODER_H
#include "eqglue.h"

typedef struct EqEncoderOps {
    /* Applies preset, tune and options to the library's parameters as open does, and reports them. */
    int (*plan)(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                EqEncoderInfo *info, char *err, int err_len);
    void *(*open)(const EqEncoderConfig *cfg, const char *const *keys, const char *const *values, int n,
                  char *err, int err_len);
    void (*info)(void *impl, EqEncoderInfo *info);
    int (*headers)(void *impl, const uint8_t **data, int32_t *size);
    int (*encode)(void *impl, const EqPlanes *pic, int64_t pts, int keyframe, const EqPlanes *recon, EqEncodedFrame *out,
                  char *err, int err_len);
    void (*close)(void *impl);
} EqEncoderOps;

extern const EqEncoderOps eq_x264_ops;
extern const EqEncoderOps eq_x265_ops;
extern const EqEncoderOps eq_svtav1_ops;
extern const EqEncoderOps eq_rav1e_ops;

/* The AV1 libraries' versions as loaded, NULL when they cannot be. */
const char *eq_svtav1_version(void);
const char *eq_rav1e_version(void);

/* Copies one plane of h rows of row_bytes bytes each. */
void eq_copy_plane(uint8_t *dst, int dst_stride, const uint8_t *src, int src_stride, int row_bytes, int h);
#endif
