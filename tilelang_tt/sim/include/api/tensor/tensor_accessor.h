/*! \file tensor_accessor.h
 *  \brief TensorAccessorArgs / TensorAccessor and the interleaved address generators, simulated.
 *
 *  Compile-time argument layout written by the host's TensorAccessorArgs::append_to and read here
 *  (two words per tensor; the simulator's own layout, documented in docs/metalium_api.md):
 *    [CTA_BASE + 0] flags: bit 0 = buffer is in DRAM, bit 1 = sharded (not modelled)
 *    [CTA_BASE + 1] aligned page size in bytes
 *  Pages are dealt round-robin over the banks (interleaved), as on device.
 */
#pragma once

#include <cstdint>

#include "tt_sim/kernel_common.h"

namespace tensor_accessor {
constexpr uint32_t kIsDram = 1u << 0;
constexpr uint32_t kSharded = 1u << 1;
/*! \brief Compile-time words one TensorAccessorArgs occupies. */
constexpr uint32_t kCompileTimeWords = 2;
}  // namespace tensor_accessor

/*! \brief Where a tensor's accessor arguments start among the kernel's compile-time (CTA) and
 *  common runtime (CRTA) arguments. */
template <uint32_t CTA_BASE, uint32_t CRTA_BASE = 0>
struct TensorAccessorArgs {
    static constexpr uint32_t cta_base = CTA_BASE;
    static constexpr uint32_t crta_base = CRTA_BASE;

    constexpr TensorAccessorArgs() = default;

    static constexpr uint32_t flags() {
        return get_compile_time_arg_val(CTA_BASE);
    }
    static constexpr bool is_dram() {
        return (flags() & tensor_accessor::kIsDram) != 0;
    }
    static constexpr uint32_t aligned_page_size() {
        return get_compile_time_arg_val(CTA_BASE + 1);
    }
    /*! \brief First compile-time argument after this tensor's; chain the next accessor there. */
    static constexpr uint32_t next_compile_time_args_offset() {
        return CTA_BASE + tensor_accessor::kCompileTimeWords;
    }
    /*! \brief First common runtime argument after this tensor's (this layout uses none). */
    static constexpr uint32_t next_common_runtime_args_offset() {
        return CRTA_BASE;
    }
    static constexpr uint32_t compile_time_args_skip() {
        return tensor_accessor::kCompileTimeWords;
    }
    static constexpr uint32_t runtime_args_skip() {
        return 0;
    }
};

/*! \brief Maps page ids of one interleaved tensor to NoC addresses. */
template <typename Args>
struct TensorAccessor {
    uint32_t bank_base_address = 0;
    uint32_t page_size = 0;

    static_assert((Args::flags() & tensor_accessor::kSharded) == 0,
                  "the simulator models interleaved tensors only");

    /*! \brief `page_size_in` 0 takes the aligned page size from the compile-time arguments. */
    constexpr TensorAccessor(const Args &, uint32_t bank_base_address_in, uint32_t page_size_in = 0)
        : bank_base_address(bank_base_address_in), page_size(page_size_in ? page_size_in : Args::aligned_page_size()) {
    }

    /*! \brief NoC address of byte `offset` of page `page_id`. */
    uint64_t get_noc_addr(uint32_t page_id, uint32_t offset = 0, uint8_t noc = noc_index,
                          tt_sim::Loc loc = tt_sim::Loc::here()) const {
        (void)noc;
        return tt_sim::k::interleaved_page_noc_addr(Args::is_dram(), bank_base_address, page_size, page_id, offset,
                                                    loc);
    }
    uint32_t page_bytes() const {
        return page_size;
    }
    static constexpr bool is_dram = Args::is_dram();
};

/*! \brief Interleaved address generator with a byte page size (TT-Metalium's InterleavedAddrGen). */
template <bool DRAM>
struct InterleavedAddrGen {
    uint32_t bank_base_address;
    uint32_t page_size;

    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t noc = noc_index,
                          tt_sim::Loc loc = tt_sim::Loc::here()) const {
        (void)noc;
        return tt_sim::k::interleaved_page_noc_addr(DRAM, bank_base_address, page_size, id, offset, loc);
    }
    uint32_t page_bytes() const {
        return page_size;
    }
};

/*! \brief Interleaved address generator for tiles of a data format (TT-Metalium's
 *  InterleavedAddrGenFast). */
template <bool DRAM, uint32_t tile_hw = 1024>
struct InterleavedAddrGenFast {
    uint32_t bank_base_address;
    uint32_t page_size;
    tt::DataFormat data_format;

    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t noc = noc_index,
                          tt_sim::Loc loc = tt_sim::Loc::here()) const {
        (void)noc;
        return tt_sim::k::interleaved_page_noc_addr(DRAM, bank_base_address, page_size, id, offset, loc);
    }
    uint32_t page_bytes() const {
        return page_size;
    }
};
