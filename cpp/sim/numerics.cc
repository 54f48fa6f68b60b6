// Tile data formats: tilize/untilize in face order and the conversions and rounding of DST and
// the packer (numerics.h).
#include "sim/numerics.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "tt_sim/block_float.hpp"

namespace tt_sim {

namespace {

uint16_t fp16_bits(float f) {
    const uint32_t u = bits_of(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const uint32_t abs = u & 0x7fffffffu;
    if (abs > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);
    if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow -> inf
    if (abs < 0x38800000u) {                                               // subnormal or zero
        const float scaled = float_of(abs) * 16777216.0f;                  // 2^24: units of the smallest subnormal
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

// Block floats (Bfp8_b, Bfp4_b): 64 shared exponents (one per 16-datum face row) followed by the
// datums in face order, each a sign and a magnitude of `bits` - 1 bits (7 or 3), scaled by
// 2^(exponent - 127 - (bits - 2)); Bfp4_b holds two datums per byte, the first in the low nibble.
// A row of zeros (and denormals) has exponent 0 and zero datums. A row holding Inf or NaN has
// exponent 255: its NaNs have the largest magnitude, its infinities magnitude 1 and its finite
// values 0 (the simulator's model of values the format cannot scale).
template<int bits> uint32_t datum_of(const uint8_t *data, uint32_t i) {
    if constexpr (bits == 8) return data[i];
    return (data[i / 2] >> (4 * (i % 2))) & 0xfu;
}

template<int bits> void unpack_block_float(const uint8_t *src, Tile &out) {
    constexpr uint32_t sign = 1u << (bits - 1);
    const uint8_t *exps = src;
    const uint8_t *data = src + 64;
    for (uint32_t i = 0; i < 1024; ++i) {
        const uint32_t m = datum_of<bits>(data, i);
        const uint32_t magnitude = m & (sign - 1);
        float v = exps[i / 16] == 255 ? (magnitude == sign - 1 ? std::numeric_limits<float>::quiet_NaN()
                                         : magnitude ? std::numeric_limits<float>::infinity()
                                                     : 0.0f)
                                      : std::ldexp(static_cast<float>(magnitude), exps[i / 16] - 127 - (bits - 2));
        if (m & sign) v = -v;
        const uint32_t r = (i / 256 / 2) * 16 + (i % 256) / 16, c = ((i / 256) % 2) * 16 + i % 16;
        out[r * 32 + c] = v;
    }
}

template<int bits> void pack_block_float(const Tile &in, uint8_t *dst) {
    constexpr uint32_t sign = 1u << (bits - 1), largest = sign - 1;
    uint8_t *exps = dst;
    uint8_t *data = dst + 64;
    if constexpr (bits == 4) std::memset(data, 0, 512);
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
            uint32_t mag = 0;
            if (max_exp == 255) {
                mag = std::isnan(vals[j]) ? largest : std::isinf(vals[j]) ? 1 : 0;
            } else if (max_exp > 0) {
                // In double: the scale 2^(133 - max_exp) overflows a float for the smallest exponents.
                const double scaled = std::ldexp(static_cast<double>(std::fabs(vals[j])), 127 + (bits - 2) - max_exp);
                mag = static_cast<uint32_t>(std::min<double>(largest, std::nearbyint(scaled)));
            }
            const uint32_t datum = (std::signbit(vals[j]) ? sign : 0) | mag, i = row * 16 + j;
            if constexpr (bits == 8)
                data[i] = static_cast<uint8_t>(datum);
            else
                data[i / 2] = static_cast<uint8_t>(data[i / 2] | (datum << (4 * (i % 2))));
        }
    }
}

// Tiles are stored as four 16x16 faces (top-left, top-right, bottom-left, bottom-right), each
// row-major: a face row is 16 consecutive values of one tile row, so converting face row by face
// row keeps the inner loops contiguous (and vectorized).
template<typename Stored, typename Convert> void from_faces(const uint8_t *src, Tile &out, Convert convert) {
    for (uint32_t face = 0; face < 4; ++face)
        for (uint32_t r = 0; r < 16; ++r) {
            Stored from[16];
            std::memcpy(from, src + (face * 256 + r * 16) * sizeof(Stored), sizeof(from));
            float *to = out.data() + ((face / 2) * 16 + r) * 32 + (face % 2) * 16;
            for (uint32_t c = 0; c < 16; ++c) to[c] = convert(from[c]);
        }
}

template<typename Stored, typename Convert> void to_faces(const Tile &in, uint8_t *dst, Convert convert) {
    for (uint32_t face = 0; face < 4; ++face)
        for (uint32_t r = 0; r < 16; ++r) {
            const float *from = in.data() + ((face / 2) * 16 + r) * 32 + (face % 2) * 16;
            Stored to[16];
            for (uint32_t c = 0; c < 16; ++c) to[c] = convert(from[c]);
            std::memcpy(dst + (face * 256 + r * 16) * sizeof(Stored), to, sizeof(to));
        }
}

}  // namespace

bool tile_format_supported(tt::DataFormat format) {
    switch (format) {
    case tt::DataFormat::Float32:
    case tt::DataFormat::Float16:
    case tt::DataFormat::Float16_b:
    case tt::DataFormat::Bfp8_b:
    case tt::DataFormat::Bfp4_b: return true;
    default: return false;
    }
}

float round_to_fp16(float value) {
    return from_fp16(fp16_bits(value));
}

TT_SIM_VECTOR_CLONES
void unpack_tile(const uint8_t *src, tt::DataFormat format, Tile &out) {
    switch (format) {
    case tt::DataFormat::Float16_b:
        return from_faces<uint16_t>(src, out, [](uint16_t v) { return float_of(uint32_t(v) << 16); });
    case tt::DataFormat::Float16: return from_faces<uint16_t>(src, out, from_fp16);
    case tt::DataFormat::Float32: return from_faces<float>(src, out, [](float v) { return v; });
    case tt::DataFormat::Bfp8_b: unpack_block_float<8>(src, out); return;
    case tt::DataFormat::Bfp4_b: unpack_block_float<4>(src, out); return;
    default: out.fill(0.0f); return;
    }
}

TT_SIM_VECTOR_CLONES
void pack_tile_bytes(const Tile &in, tt::DataFormat format, uint8_t *dst) {
    switch (format) {
    case tt::DataFormat::Float16_b:
        return to_faces<uint16_t>(in, dst,
                                  [](float v) { return static_cast<uint16_t>(bits_of(round_to_bf16(v)) >> 16); });
    case tt::DataFormat::Float16: return to_faces<uint16_t>(in, dst, fp16_bits);
    case tt::DataFormat::Float32: return to_faces<float>(in, dst, [](float v) { return v; });
    case tt::DataFormat::Bfp8_b: pack_block_float<8>(in, dst); return;
    case tt::DataFormat::Bfp4_b: pack_block_float<4>(in, dst); return;
    default: return;
    }
}

TT_SIM_VECTOR_CLONES
void add_rounded(float *__restrict dst, const float *__restrict addend, Rounding rounding) {
    if (rounding == Rounding::Bfloat16)
        for (int i = 0; i < 1024; ++i) dst[i] = round_to_bf16(dst[i] + addend[i]);
    else if (rounding == Rounding::Float16)
        for (int i = 0; i < 1024; ++i) dst[i] = round_to_fp16(dst[i] + addend[i]);
    else
        for (int i = 0; i < 1024; ++i) dst[i] = dst[i] + addend[i];
}

TT_SIM_VECTOR_CLONES
void copy_rounded(float *__restrict dst, const float *__restrict src, Rounding rounding) {
    if (rounding == Rounding::Bfloat16)
        for (int i = 0; i < 1024; ++i) dst[i] = round_to_bf16(src[i]);
    else if (rounding == Rounding::Float16)
        for (int i = 0; i < 1024; ++i) dst[i] = round_to_fp16(src[i]);
    else
        std::memcpy(dst, src, 1024 * sizeof(float));
}

TT_SIM_VECTOR_CLONES
void round_in_place(float *t, Rounding rounding) {
    if (rounding == Rounding::Bfloat16)
        for (int i = 0; i < 1024; ++i) t[i] = round_to_bf16(t[i]);
    else if (rounding == Rounding::Float16)
        for (int i = 0; i < 1024; ++i) t[i] = round_to_fp16(t[i]);
}

TT_SIM_VECTOR_CLONES
void truncate_tile(float *t, int bits) {
    if (bits >= 23) return;
    const uint32_t keep = ~((1u << (23 - bits)) - 1u);
    for (int i = 0; i < 1024; ++i) t[i] = float_of(bits_of(t[i]) & keep);
}

// Sixteen floats in one vector register (AVX-512; two or four registers on narrower machines).
typedef float Vec16 __attribute__((vector_size(64)));

TT_SIM_VECTOR_CLONES
void matmul_face_pass(const float *__restrict a, const float *__restrict b, int k0, float *__restrict acc) {
    // Four rows at a time keep eight independent sums in registers, so the adds do not wait on each
    // other; each element still sums its products in order of kk, starting from +0.
    constexpr int kRows = 4;
    for (int i = 0; i < 32; i += kRows) {
        Vec16 left[kRows] = {}, right[kRows] = {};
        for (int kk = k0; kk < k0 + 16; ++kk) {
            Vec16 b_left, b_right;
            std::memcpy(&b_left, b + kk * 32, sizeof(Vec16));
            std::memcpy(&b_right, b + kk * 32 + 16, sizeof(Vec16));
            for (int r = 0; r < kRows; ++r) {
                const float av = a[(i + r) * 32 + kk];
                left[r] += av * b_left;
                right[r] += av * b_right;
            }
        }
        for (int r = 0; r < kRows; ++r) {
            std::memcpy(acc + (i + r) * 32, &left[r], sizeof(Vec16));
            std::memcpy(acc + (i + r) * 32 + 16, &right[r], sizeof(Vec16));
        }
    }
}

}  // namespace tt_sim

namespace tt_sim {

std::vector<uint32_t> pack_block_float_tiles(const std::vector<float> &values, bool row_major, tt::DataFormat format) {
    const size_t tiles = values.size() / 1024, bytes = tt::tile_size(format);
    std::vector<uint32_t> words(tiles * bytes / 4);
    for (size_t t = 0; t < tiles; ++t) {
        Tile tile;  // row-major, as the packer takes it
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c)
                tile[r * 32 + c] = values[t * 1024 + (row_major ? r * 32 + c : tt::tile_face_index(r, c))];
        pack_tile_bytes(tile, format, reinterpret_cast<uint8_t *>(words.data()) + t * bytes);
    }
    return words;
}

}  // namespace tt_sim
