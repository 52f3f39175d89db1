#ifndef KAOPING_CZIP_SHIM_H
#define KAOPING_CZIP_SHIM_H
#include <zip.h>
#endif
