/* Encodes a few 10-bit 4:2:0 frames with libx264 from planes that end exactly PAD bytes before an
 * unreadable page. x264 copies its input into its own frames with SIMD loads that may run past a
 * row's end; a process that survives shows PAD bytes are enough, a SIGSEGV shows they are not.
 * Usage: x264_input_overread WIDTH HEIGHT PAD. Built and run by the tests (UnitTests). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x264.h>

int main(int argc, char **argv)
{
    if (argc != 4) return 2;
    int w = atoi(argv[1]), h = atoi(argv[2]), pad = atoi(argv[3]);
    x264_param_t p;
    if (x264_param_default_preset(&p, "ultrafast", NULL) < 0) return 2;
    p.i_bitdepth = 10;
    p.i_csp = X264_CSP_I420 | X264_CSP_HIGH_DEPTH;
    p.i_width = w;
    p.i_height = h;
    p.i_threads = 1;
    p.i_log_level = X264_LOG_NONE;
    x264_t *enc = x264_encoder_open(&p);
    if (!enc) return 2;

    /* The planes packed as eq's frames pack them (rows at the plane's width, Y then U then V),
     * followed by PAD bytes and then a page that cannot be read. */
    size_t luma = (size_t)w * h * 2, chroma = (size_t)(w / 2) * (h / 2) * 2, total = luma + 2 * chroma + pad;
    size_t page = (size_t)sysconf(_SC_PAGESIZE), span = (total + page - 1) / page * page;
    uint8_t *map = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map + span, page, PROT_NONE) != 0) return 2;
    uint8_t *buf = map + span - total;
    uint16_t *samples = (uint16_t *)buf;
    for (size_t i = 0; i < (luma + 2 * chroma) / 2; i++) samples[i] = (uint16_t)(512 + (i * 7 % 64));

    x264_picture_t in, out;
    x264_picture_init(&in);
    in.img.i_csp = p.i_csp;
    in.img.i_plane = 3;
    in.img.plane[0] = buf;
    in.img.plane[1] = buf + luma;
    in.img.plane[2] = buf + luma + chroma;
    in.img.i_stride[0] = w * 2;
    in.img.i_stride[1] = in.img.i_stride[2] = (w / 2) * 2;
    x264_nal_t *nal;
    int n;
    for (int f = 0; f < 3; f++)
    {
        in.i_pts = f;
        if (x264_encoder_encode(enc, &nal, &n, &in, &out) < 0) return 2;
    }
    while (x264_encoder_delayed_frames(enc) > 0)
        if (x264_encoder_encode(enc, &nal, &n, NULL, &out) < 0) return 2;
    x264_encoder_close(enc);
    puts("ok");
    return 0;
}
