/*
 * libvmaf test double. Declarations follow libvmaf/include/libvmaf/{libvmaf,model,picture}.h
 * (v3); behaviour is made up for testing:
 *   - per-frame "VMAF" = 100 - mean |ref - dist| over luma; a feature's score = that mean + its
 *     name's length, so a test can recompute both from the frames it sent;
 *   - EQ_VMAF_DOUBLE_FAIL_READ=N makes the read of picture N fail with -ENOMEM;
 *   - the built-in model "fail_model" and missing model files fail to load (-EINVAL, -ENOENT);
 *   - planes are allocated with a stride wider than the picture, to catch stride mistakes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>

#define EXPORT __attribute__((visibility("default")))

enum VmafPixelFormat { VMAF_PIX_FMT_UNKNOWN, VMAF_PIX_FMT_YUV420P, VMAF_PIX_FMT_YUV422P, VMAF_PIX_FMT_YUV444P, VMAF_PIX_FMT_YUV400P };

typedef struct VmafConfiguration {
    int log_level;
    unsigned n_threads;
    unsigned n_subsample;
    uint64_t cpumask;
    uint64_t gpumask;
} VmafConfiguration;

typedef struct VmafModelConfig {
    const char *name;
    uint64_t flags;
} VmafModelConfig;

typedef struct VmafPicture {
    enum VmafPixelFormat pix_fmt;
    unsigned bpc;
    unsigned w[3], h[3];
    ptrdiff_t stride[3];
    void *data[3];
    void *ref;
    void *priv;
} VmafPicture;

typedef struct VmafModel { char name[256]; uint64_t flags; } VmafModel;

#define MAX_FRAMES 100000
typedef struct VmafContext {
    unsigned subsample;
    double *mad;            /* mean |ref - dist| per index, -1 when not read */
    unsigned frames;
    int flushed;
} VmafContext;

static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void record(const char *fmt, ...)
{
    const char *path = getenv("EQ_VMAF_DOUBLE_LOG");
    if (!path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

EXPORT const char *vmaf_version(void) { return "double-3.0.0"; }

EXPORT int vmaf_init(VmafContext **vmaf, VmafConfiguration cfg)
{
    record("init log_level=%d n_threads=%u n_subsample=%u cpumask=%llu", cfg.log_level, cfg.n_threads, cfg.n_subsample,
           (unsigned long long)cfg.cpumask);
    VmafContext *c = calloc(1, sizeof *c);
    if (!c) return -ENOMEM;
    c->mad = malloc(sizeof(double) * MAX_FRAMES);
    for (unsigned i = 0; i < MAX_FRAMES; i++) c->mad[i] = -1;
    c->subsample = cfg.n_subsample ? cfg.n_subsample : 1;
    *vmaf = c;
    return 0;
}

EXPORT int vmaf_close(VmafContext *vmaf)
{
    record("close");
    if (vmaf) { free(vmaf->mad); free(vmaf); }
    return 0;
}

EXPORT int vmaf_model_load(VmafModel **model, VmafModelConfig *cfg, const char *version)
{
    record("model_load version=%s name=%s flags=%llu", version, cfg && cfg->name ? cfg->name : "", cfg ? (unsigned long long)cfg->flags : 0ULL);
    if (!strcmp(version, "fail_model")) return -EINVAL;
    VmafModel *m = calloc(1, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", version);
    m->flags = cfg ? cfg->flags : 0;
    *model = m;
    return 0;
}

EXPORT int vmaf_model_load_from_path(VmafModel **model, VmafModelConfig *cfg, const char *path)
{
    record("model_load_from_path path=%s", path);
    FILE *f = fopen(path, "r");
    if (!f) return -ENOENT;
    fclose(f);
    return vmaf_model_load(model, cfg, "from_path");
}

EXPORT void vmaf_model_destroy(VmafModel *model) { record("model_destroy"); free(model); }

EXPORT int vmaf_use_features_from_model(VmafContext *vmaf, VmafModel *model)
{
    (void)vmaf;
    record("use_features_from_model model=%s", model->name);
    return 0;
}

EXPORT int vmaf_picture_alloc(VmafPicture *pic, enum VmafPixelFormat pix_fmt, unsigned bpc, unsigned w, unsigned h)
{
    memset(pic, 0, sizeof *pic);
    pic->pix_fmt = pix_fmt;
    pic->bpc = bpc;
    int planes = pix_fmt == VMAF_PIX_FMT_YUV400P ? 1 : 3;
    unsigned bytes = bpc > 8 ? 2 : 1;
    for (int p = 0; p < planes; p++) {
        unsigned pw = p && pix_fmt == VMAF_PIX_FMT_YUV420P ? (w + 1) / 2 : w;
        unsigned ph = p && pix_fmt == VMAF_PIX_FMT_YUV420P ? (h + 1) / 2 : h;
        pic->w[p] = pw;
        pic->h[p] = ph;
        pic->stride[p] = ((pw * bytes + 31) & ~31u) + 32; /* wider than a row, on purpose */
        pic->data[p] = calloc(ph, (size_t)pic->stride[p]);
        if (!pic->data[p]) return -ENOMEM;
    }
    return 0;
}

EXPORT int vmaf_picture_unref(VmafPicture *pic)
{
    for (int p = 0; p < 3; p++) { free(pic->data[p]); pic->data[p] = NULL; }
    return 0;
}

static uint64_t sample(const VmafPicture *p, unsigned x, unsigned y)
{
    const uint8_t *row = (const uint8_t *)p->data[0] + (size_t)y * p->stride[0];
    return p->bpc > 8 ? ((const uint16_t *)row)[x] : row[x];
}

EXPORT int vmaf_read_pictures(VmafContext *vmaf, VmafPicture *ref, VmafPicture *dist, unsigned index)
{
    if (!ref && !dist) {
        vmaf->flushed++;
        record("flush");
        return 0;
    }
    if (!ref || !dist) return -EINVAL;
    const char *fail = getenv("EQ_VMAF_DOUBLE_FAIL_READ");
    if (fail && (unsigned)atoi(fail) == index) {
        record("read index=%u failing", index);
        return -ENOMEM;
    }
    uint64_t ref_sum = 0, dist_sum = 0, diff = 0;
    for (unsigned y = 0; y < ref->h[0]; y++)
        for (unsigned x = 0; x < ref->w[0]; x++) {
            uint64_t a = sample(ref, x, y), b = sample(dist, x, y);
            ref_sum += a;
            dist_sum += b;
            diff += a > b ? a - b : b - a;
        }
    record("read index=%u pix_fmt=%d bpc=%u w=%u h=%u dist_bpc=%u dist_w=%u dist_h=%u ref_sum=%llu dist_sum=%llu",
           index, ref->pix_fmt, ref->bpc, ref->w[0], ref->h[0], dist->bpc, dist->w[0], dist->h[0],
           (unsigned long long)ref_sum, (unsigned long long)dist_sum);
    if (index < MAX_FRAMES) vmaf->mad[index] = (double)diff / ((double)ref->w[0] * ref->h[0]);
    if (index + 1 > vmaf->frames) vmaf->frames = index + 1;
    vmaf_picture_unref(ref);
    vmaf_picture_unref(dist);
    return 0;
}

EXPORT int vmaf_score_at_index(VmafContext *vmaf, VmafModel *model, double *score, unsigned index)
{
    (void)model;
    record("score_at_index index=%u", index);
    if (index >= MAX_FRAMES || vmaf->mad[index] < 0 || !vmaf->flushed) return -EINVAL;
    *score = 100.0 - vmaf->mad[index];
    return 0;
}

EXPORT int vmaf_feature_score_at_index(VmafContext *vmaf, const char *feature_name, double *score, unsigned index)
{
    record("feature_score_at_index name=%s index=%u", feature_name, index);
    if (index >= MAX_FRAMES || vmaf->mad[index] < 0 || !vmaf->flushed) return -EINVAL;
    *score = vmaf->mad[index] + (double)strlen(feature_name);
    return 0;
}

EXPORT int vmaf_score_pooled(VmafContext *vmaf, VmafModel *model, int pool_method, double *score, unsigned lo, unsigned hi)
{
    (void)model;
    record("score_pooled method=%d lo=%u hi=%u", pool_method, lo, hi);
    double sum = 0;
    unsigned n = 0;
    /* As libvmaf: with subsampling, only the scored indices are pooled. */
    for (unsigned i = lo; i <= hi && i < MAX_FRAMES; i++)
        if (vmaf->mad[i] >= 0 && i % vmaf->subsample == 0) { sum += 100.0 - vmaf->mad[i]; n++; }
    if (!n) return -EINVAL;
    *score = sum / n;
    return 0;
}
