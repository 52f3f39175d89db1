#ifndef KAOPING_CFREEXL_SHIM_H
#define KAOPING_CFREEXL_SHIM_H
#include <freexl.h>
#endif
