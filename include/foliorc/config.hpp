// foliorc/config.hpp — vocabulary: the build configuration every other header reads, and the
// ABI namespace that keeps the two check modes apart.
//
// FOLIORC_CHECKS (default 1): 1 validates every operation before it commits (a refused
// operation throws folio_error and leaves the folio as it was); 0 compiles the checks out
// (benchmarks), so errors go undetected. Define it on the command line, the same way for every
// translation unit that shares foliorc types.
//
// FOLIORC_ABI names the inline namespace everything in foliorc is declared in:
// foliorc::checked_v1 or foliorc::unchecked_v1. Callers never write it (`foliorc::folio` finds
// it, and `namespace foliorc { template <> struct folio_traits<T> ... }` still specializes the
// traits), but the linker sees it: a program that links a checked and an unchecked translation
// unit gets two sets of inline functions with different names, not one picked at random (an ODR
// violation). Passing foliorc types between the two modes does not compile, on purpose.
// The "v1" is bumped when a layout or behaviour change must not link against an older build.
#pragma once

// _MSVC_LANG: MSVC keeps __cplusplus at 199711L unless /Zc:__cplusplus is given.
#if (defined(_MSVC_LANG) ? _MSVC_LANG : __cplusplus) < 202002L
#error "foliorc needs C++20 or later (-std=c++20)"
#endif

#ifndef FOLIORC_CHECKS
#define FOLIORC_CHECKS 1
#endif

#if FOLIORC_CHECKS != 0 && FOLIORC_CHECKS != 1
#error "FOLIORC_CHECKS must be 0 or 1"
#endif

#if FOLIORC_CHECKS
#define FOLIORC_ABI checked_v1
#else
#define FOLIORC_ABI unchecked_v1
#endif
