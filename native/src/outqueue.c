#include <stdlib.h>
#include <string.h>
#include "encoder.h"
#include "outqueue.h"

void eq_outq_init(EqOutQueue *q, int width, int height, int bps)
{
    memset(q, 0, sizeof *q);
    q->width = width;
    q->height = height;
    q->bps = bps;
    q->frame_bytes = (size_t)width * height * bps * 3 / 2;
}

EqPlanes eq_outq_planes(const EqOutQueue *q, uint8_t *data)
{
    size_t luma = (size_t)q->width * q->height * q->bps;
    int chroma_stride = q->width / 2 * q->bps;
    return (EqPlanes){{data, data + luma, data + luma * 5 / 4}, {q->width * q->bps, chroma_stride, chroma_stride}};
}

void eq_outq_free(EqOutQueue *q)
{
    for (int i = 0; i < q->packet_cap; i++) free(q->packets[i].data);
    for (int i = 0; i < q->recon_cap; i++) free(q->recons[i].data);
    free(q->packets);
    free(q->recons);
    memset(q, 0, sizeof *q);
}

/* Grows a ring of slots of size bytes to twice its size, keeping its order from head. */
static int grow(void **ring, int *cap, int *head, size_t size)
{
    int next = *cap ? *cap * 2 : 8;
    uint8_t *grown = calloc((size_t)next, size);
    if (!grown) return -1;
    for (int i = 0; i < *cap; i++)
        memcpy(grown + (size_t)i * size, (uint8_t *)*ring + (size_t)((*head + i) % *cap) * size, size);
    free(*ring);
    *ring = grown;
    *head = 0;
    *cap = next;
    return 0;
}

int eq_outq_push_packet(EqOutQueue *q, const uint8_t *data, size_t size, int64_t pts, int keyframe, int slice_type, int qp)
{
    if (q->packet_count == q->packet_cap &&
        grow((void **)&q->packets, &q->packet_cap, &q->packet_head, sizeof *q->packets) < 0) return -1;
    EqQueuedPacket *p = &q->packets[(q->packet_head + q->packet_count) % q->packet_cap];
    if (p->cap < size) {
        uint8_t *d = realloc(p->data, size);
        if (!d) return -1;
        p->data = d;
        p->cap = size;
    }
    memcpy(p->data, data, size);
    p->size = (int32_t)size;
    p->pts = pts;
    p->keyframe = keyframe;
    p->slice_type = slice_type;
    p->qp = qp;
    q->packet_count++;
    return 0;
}

uint8_t *eq_outq_recon_buffer(EqOutQueue *q)
{
    if (q->recon_count == q->recon_cap &&
        grow((void **)&q->recons, &q->recon_cap, &q->recon_head, sizeof *q->recons) < 0) return NULL;
    EqQueuedRecon *r = &q->recons[(q->recon_head + q->recon_count) % q->recon_cap];
    if (!r->data) r->data = malloc(q->frame_bytes);
    return r->data;
}

void eq_outq_commit_recon(EqOutQueue *q, int64_t pts)
{
    q->recons[(q->recon_head + q->recon_count) % q->recon_cap].pts = pts;
    q->recon_count++;
}

void eq_outq_clear(EqOutQueue *q)
{
    q->packet_head = q->packet_count = 0;
    q->recon_head = q->recon_count = 0;
}

int eq_outq_pop(EqOutQueue *q, EqEncodedFrame *out, const EqPlanes *recon)
{
    if (!q->packet_count || !q->recon_count) return 0;
    const EqQueuedPacket *p = &q->packets[q->packet_head];
    q->packet_head = (q->packet_head + 1) % q->packet_cap;
    q->packet_count--;
    const EqQueuedRecon *r = &q->recons[q->recon_head];
    q->recon_head = (q->recon_head + 1) % q->recon_cap;
    q->recon_count--;

    out->data = p->data;
    out->size = p->size;
    out->keyframe = p->keyframe;
    out->pts = p->pts;
    out->dts = p->pts; /* AV1 temporal units are stored in presentation order */
    out->slice_type = p->slice_type;
    out->qp = p->qp;
    out->recon_pts = r->pts;
    EqPlanes src = eq_outq_planes(q, r->data);
    for (int i = 0; i < 3; i++)
        eq_copy_plane(recon->data[i], recon->stride[i], src.data[i], src.stride[i], src.stride[i], i ? q->height / 2 : q->height);
    return 1;
}
