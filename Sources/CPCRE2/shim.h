#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H
#define PCRE2_CODE_UNIT_WIDTH 8     /* must come before pcre2.h */
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>


#endif
