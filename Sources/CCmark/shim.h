#ifndef CCMARK_SHIM_H
#define CCMARK_SHIM_H
// Keep cmark's un-prefixed NODE_* / BULLET_LIST alias macros out of the module.
#define CMARK_NO_SHORT_NAMES 1
#include <cmark.h>
#endif
