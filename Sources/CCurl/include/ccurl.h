#ifndef AINEWS_CCURL_H
#define AINEWS_CCURL_H

#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot
// call. One typed wrapper per argument kind keeps the C boundary to these few functions.

/// Sets an option that takes a `long`.
CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
/// Sets an option that takes a `curl_off_t` (sizes past 2 GiB on 32-bit systems).
CURLcode ccurl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
/// Sets an option that takes a string or an object pointer (libcurl copies strings, not lists).
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value);
/// Sets a write or read callback (`size_t (*)(char *, size_t, size_t, void *)`).
CURLcode ccurl_easy_setopt_datacallback(CURL *handle, CURLoption option,
                                         size_t (*callback)(char *, size_t, size_t, void *));
/// Reads a `long` piece of transfer information (response code, redirect count…).
CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// Reads a string piece of transfer information (effective URL, content type…).
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
/// Sets a multi-handle option that takes a `long` (connection limits).
CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

#endif
