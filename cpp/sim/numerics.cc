// Tile data formats: tilize/untilize in face order and the conversions and rounding of DST and
// the packer (numerics.h).
#include "sim/numerics.h"

#include <cmath>
#include <cstring>

#include "tt_sim/host_util.hpp"

namespace tt_sim {

namespace {

uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

float float_of(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

uint16_t bf16_bits(float f) {
    return bfloat16(f).to_uint16();
}

uint16_t fp16_bits(float f) {
    const uint32_t u = bits_of(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const uint32_t abs = u & 0x7fffffffu;
    if (abs > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);
    if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow -> inf
    if (abs < 0x38800000u) {                                                // subnormal or zero
        const float scaled = float_of(abs) * 16777216.0f;                   // 2^24: units of the smallest subnormal
        return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(scaled)));
    }
    uint32_t rounded = abs + 0xfffu + ((abs >> 13) & 1u);
    return static_cast<uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
}

float from_fp16(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ffu;
    if (exp == 0) return float_of(sign) + (sign ? -1.0f : 1.0f) * std::ldexp(static_cast<float>(mant), -24);
    if (exp == 31) return float_of(sign | 0x7f800000u | (mant << 13));
    return float_of(sign | ((exp + 112) << 23) | (mant << 13));
}

// Bfp8_b: 64 shared exponents (one per 16-datum face row) followed by 1024 bytes of sign + 7-bit
// magnitude, both in face order.
void unpack_bfp8(const uint8_t *src, Tile &out) {
    const uint8_t *exps = src;
    const uint8_t *mants = src + 64;
    for (uint32_t i = 0; i < 1024; ++i) {
        const uint8_t m = mants[i];
        const int e = exps[i / 16];
        float v = std::ldexp(static_cast<float>(m & 0x7f), e - 127 - 6);
        if (m & 0x80) v = -v;
        const uint32_t r = (i / 256 / 2) * 16 + (i % 256) / 16, c = ((i / 256) % 2) * 16 + i % 16;
        out[r * 32 + c] = v;
    }
}

void pack_bfp8(const Tile &in, uint8_t *dst) {
    uint8_t *exps = dst;
    uint8_t *mants = dst + 64;
    for (uint32_t row = 0; row < 64; ++row) {
        float vals[16];
        int max_exp = 0;
        for (uint32_t j = 0; j < 16; ++j) {
            const uint32_t i = row * 16 + j;
            const uint32_t r = (i / 256 / 2) * 16 + (i % 256) / 16, c = ((i / 256) % 2) * 16 + i % 16;
            vals[j] = in[r * 32 + c];
            max_exp = std::max<int>(max_exp, (bits_of(vals[j]) >> 23) & 0xff);
        }
        exps[row] = static_cast<uint8_t>(max_exp);
        for (uint32_t j = 0; j < 16; ++j) {
            const float scaled = std::fabs(vals[j]) * std::ldexp(1.0f, 127 + 6 - max_exp);
            const uint32_t mag = std::min<uint32_t>(127, static_cast<uint32_t>(std::nearbyint(scaled)));
            mants[row * 16 + j] = static_cast<uint8_t>((std::signbit(vals[j]) ? 0x80 : 0) | mag);
        }
    }
}

}  // namespace

bool tile_format_supported(tt::DataFormat format) {
    switch (format) {
    case tt::DataFormat::Float32:
    case tt::DataFormat::Float16:
    case tt::DataFormat::Float16_b:
    case tt::DataFormat::Bfp8_b: return true;
    default: return false;
    }
}

float round_to_bf16(float value) {
    return float_of(uint32_t(bf16_bits(value)) << 16);
}

float round_to_fp16(float value) {
    return from_fp16(fp16_bits(value));
}

float truncate_mantissa(float value, int bits) {
    if (bits >= 23) return value;
    return float_of(bits_of(value) & ~((1u << (23 - bits)) - 1u));
}

void unpack_tile(const uint8_t *src, tt::DataFormat format, Tile &out) {
    switch (format) {
    case tt::DataFormat::Float16_b: {
        uint16_t raw[1024];
        std::memcpy(raw, src, sizeof(raw));
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) out[r * 32 + c] = float_of(uint32_t(raw[tile_face_index(r, c)]) << 16);
        return;
    }
    case tt::DataFormat::Float16: {
        uint16_t raw[1024];
        std::memcpy(raw, src, sizeof(raw));
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) out[r * 32 + c] = from_fp16(raw[tile_face_index(r, c)]);
        return;
    }
    case tt::DataFormat::Float32: {
        float raw[1024];
        std::memcpy(raw, src, sizeof(raw));
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) out[r * 32 + c] = raw[tile_face_index(r, c)];
        return;
    }
    case tt::DataFormat::Bfp8_b: unpack_bfp8(src, out); return;
    default: out.fill(0.0f); return;
    }
}

void pack_tile_bytes(const Tile &in, tt::DataFormat format, uint8_t *dst) {
    switch (format) {
    case tt::DataFormat::Float16_b: {
        uint16_t raw[1024];
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) raw[tile_face_index(r, c)] = bf16_bits(in[r * 32 + c]);
        std::memcpy(dst, raw, sizeof(raw));
        return;
    }
    case tt::DataFormat::Float16: {
        uint16_t raw[1024];
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) raw[tile_face_index(r, c)] = fp16_bits(in[r * 32 + c]);
        std::memcpy(dst, raw, sizeof(raw));
        return;
    }
    case tt::DataFormat::Float32: {
        float raw[1024];
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c) raw[tile_face_index(r, c)] = in[r * 32 + c];
        std::memcpy(dst, raw, sizeof(raw));
        return;
    }
    case tt::DataFormat::Bfp8_b: pack_bfp8(in, dst); return;
    default: return;
    }
}

}  // namespace tt_sim
