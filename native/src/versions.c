/* The versions of the libraries as loaded at run time (not the headers the glue was built with),
 * as "name=version" pairs joined by ';', for --version, logs and stored runs. */
#include <stdio.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libswscale/swscale.h>
#include <x264.h>
#include <x265.h>
#include "eqglue.h"
#include "encoder.h"

static int version(char *dst, size_t len, const char *name, unsigned v)
{
    return snprintf(dst, len, "%s=%u.%u.%u;", name, AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v));
}

const char *eq_versions(void)
{
    static char buf[512];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "ffmpeg=%s;", av_version_info());
    n += (size_t)version(buf + n, sizeof buf - n, "libavformat", avformat_version());
    n += (size_t)version(buf + n, sizeof buf - n, "libavcodec", avcodec_version());
    n += (size_t)version(buf + n, sizeof buf - n, "libavutil", avutil_version());
    n += (size_t)version(buf + n, sizeof buf - n, "libswscale", swscale_version());
    /* x264 has no run-time version call; its build number is part of the ABI the glue linked. */
    n += (size_t)snprintf(buf + n, sizeof buf - n, "x264=%d;", X264_BUILD);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "x265=%s", x265_version_str);
    const char *svt = eq_svtav1_version(), *ra = eq_rav1e_version();
    if (svt) n += (size_t)snprintf(buf + n, sizeof buf - n, ";svtav1=%s", svt[0] == 'v' ? svt + 1 : svt);
    if (ra) snprintf(buf + n, sizeof buf - n, ";rav1e=%s", ra);
    return buf;
}
