#ifndef KAOPING_CXLSXWRITER_SHIM_H
#define KAOPING_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
