/* The versions of the libraries the glue was built against, for logs and stored runs. */
#include <stdio.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <x264.h>
#include <x265.h>
#include "eqglue.h"

const char *eq_versions(void)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "libavformat %s, libavcodec %s, x264 build %d, x265 %s", AV_STRINGIFY(LIBAVFORMAT_VERSION),
             AV_STRINGIFY(LIBAVCODEC_VERSION), X264_BUILD, x265_version_str);
    return buf;
}
