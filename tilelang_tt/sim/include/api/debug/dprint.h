/*! \file dprint.h
 *  \brief Kernel debug printing (TT-Metalium's api/debug/dprint.h). On the simulator `DPRINT <<
 *  ... << ENDL();` writes to stderr, prefixed with the core, when TT_SIM_DPRINT is set; otherwise it
 *  prints nothing, as on device without TT_METAL_DPRINT_CORES. */
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tt_sim/kernel_bridge.h"

/*! \brief End of a DPRINT line (`<< ENDL()`), a type as in the release. */
struct ENDL {};

namespace tt_sim {

/*! \brief Stream-like printer behind DPRINT. */
class DebugPrint {
public:
    DebugPrint() : on_(std::getenv("TT_SIM_DPRINT") != nullptr) {
        if (on_) std::fprintf(stderr, "core (%u,%u): ", k::logical_x(), k::logical_y());
    }
    DebugPrint &operator<<(ENDL) {
        if (on_) std::fputc('\n', stderr);
        return *this;
    }
    DebugPrint &operator<<(const char *s) {
        if (on_) std::fputs(s, stderr);
        return *this;
    }
    DebugPrint &operator<<(char c) {
        if (on_) std::fputc(c, stderr);
        return *this;
    }
    DebugPrint &operator<<(float v) {
        if (on_) std::fprintf(stderr, "%g", static_cast<double>(v));
        return *this;
    }
    DebugPrint &operator<<(double v) {
        if (on_) std::fprintf(stderr, "%g", v);
        return *this;
    }
    template <typename Int>
    DebugPrint &operator<<(Int v) {
        static_assert(sizeof(Int) <= 8, "DPRINT prints scalars");
        if (on_) std::fprintf(stderr, "%lld", static_cast<long long>(v));
        return *this;
    }

private:
    bool on_;
};

}  // namespace tt_sim


#define DPRINT ::tt_sim::DebugPrint()
#define DPRINT_DATA0(x) x
#define DPRINT_DATA1(x) x
#define DPRINT_MATH(x) x
#define DPRINT_PACK(x) x
#define DPRINT_UNPACK(x) x
