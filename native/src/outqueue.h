/* Packets and recon pictures kept for the caller, for encoders that hand them out on their own
 * schedule (SVT-AV1: packets and recons from two queues; rav1e: several packets per input). The
 * glue's contract is one packet with one recon per eq_encoder_encode call; this queue holds what
 * came out beyond that until the next calls. Every input frame is coded once and shown once, so
 * packets and recons are equal in number over a whole encode. Buffers are reused, not freed,
 * so a steady encode allocates nothing per frame. */
#ifndef EQ_OUTQUEUE_H
#define EQ_OUTQUEUE_H
#include <stddef.h>
#include <stdint.h>
#include "eqglue.h"

typedef struct EqQueuedPacket {
    uint8_t *data;
    size_t cap;
    int32_t size;
    int64_t pts;
    int32_t keyframe;
    int32_t slice_type;
    int32_t qp;
} EqQueuedPacket;

typedef struct EqQueuedRecon {
    uint8_t *data;              /* planar Y, U, V, each plane's rows packed */
    int64_t pts;
} EqQueuedRecon;

typedef struct EqOutQueue {
    EqQueuedPacket *packets;
    int packet_cap, packet_head, packet_count;
    EqQueuedRecon *recons;
    int recon_cap, recon_head, recon_count;
    int width, height, bps;
    size_t frame_bytes;
} EqOutQueue;

void eq_outq_init(EqOutQueue *q, int width, int height, int bps);
void eq_outq_free(EqOutQueue *q);
/* Copies a packet in. 0, or -1 when out of memory. */
int eq_outq_push_packet(EqOutQueue *q, const uint8_t *data, size_t size, int64_t pts, int keyframe, int slice_type, int qp);
/* A picture of frame_bytes at data in the queue's layout: Y, U, V, each plane's rows packed. */
EqPlanes eq_outq_planes(const EqOutQueue *q, uint8_t *data);
/* A buffer of frame_bytes for the next recon, in the layout above, NULL when out of memory; the
 * recon counts once committed. */
uint8_t *eq_outq_recon_buffer(EqOutQueue *q);
void eq_outq_commit_recon(EqOutQueue *q, int64_t pts);
/* Drops everything queued (an encode abandoned), keeping the buffers. */
void eq_outq_clear(EqOutQueue *q);
/* Takes the oldest packet and the oldest recon when both are there: 1, with the packet in out
 * (valid until the next push) and the recon copied to recon; else 0. */
int eq_outq_pop(EqOutQueue *q, EqEncodedFrame *out, const EqPlanes *recon);
#endif
