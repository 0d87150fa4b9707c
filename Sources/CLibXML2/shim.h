#ifndef AINEWS_CLIBXML2_SHIM_H
#define AINEWS_CLIBXML2_SHIM_H

// Debian's libxml2 headers include the system ICU, whose types clash with the ICU that
// Foundation bundles ("'UErrorCode' has different definitions in different modules").
// ainews never uses libxml2's ICU support, so it is switched off before anything else is read.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/entities.h>

// xmlFree is a global function pointer; Swift 6 refuses to read mutable C globals.
static inline void clibxml2_free(void *pointer) {
    xmlFree(pointer);
}

#endif
