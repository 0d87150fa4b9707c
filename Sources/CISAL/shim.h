#ifndef AINEWS_CISAL_SHIM_H
#define AINEWS_CISAL_SHIM_H

// ISA-L's streaming inflate decodes gzip and deflate bodies about three times as fast as zlib,
// which libcurl would otherwise use (see Sources/Fetch/ContentDecoder.swift).
#include <isa-l/igzip_lib.h>

#endif
