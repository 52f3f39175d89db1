// Kaoping is built and tested on Linux (Debian) only: it calls Glibc directly and links the
// system libxlsxwriter and libzip. Say so at build time rather than fail obscurely elsewhere.
#if !os(Linux)
#error("Kaoping builds on Linux only (Glibc, Debian's libxlsxwriter-dev and libzip-dev)")
#endif
