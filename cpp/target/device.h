/*! \file device.h
 *  \brief The Tenstorrent devices tilelang-tt can target, as numbers.
 *
 *  One table, shared by the pass pipeline (grid, L1 budget, DST capacity, CB count) and the
 *  simulator (memory model, NoC coordinates, roofline). Every number and its source is listed in
 *  docs/devices.md; change both together.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tt::target {

/*! \brief Chip architecture. Cards of one architecture share the Tensix core's internals. */
enum class Arch { Grayskull, WormholeB0, Blackhole };

/*! \brief Number of passes the matrix engine makes over the mantissa bits (TT-Metalium's
 *  MathFidelity; the enumerator values are the ones TT-Metalium uses). */
enum class MathFidelity { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };

/*! \brief What the simulator's cost model (sim/cost.h) charges, per Tensix core. Every number is
 *  a measurement or a hardware figure from tt-metal's reports and data-movement tests or the
 *  Tensix ISA documentation; docs/devices.md lists each with its source. */
struct CostNumbers {
    double unpack_bytes_per_cycle;          ///< one unpacker reading L1 (four 128-bit reads per cycle)
    double unpack_pair_bytes_per_cycle;     ///< both unpackers together (they share ports: five 128-bit reads)
    double pack_bytes_per_cycle;            ///< the four packers together, one 128-bit write each per cycle
    double pack_accumulate_bytes_per_cycle; ///< packing with L1 accumulation (a 128-bit accumulate per 2 cycles)
    int copy_cycles_per_tile;               ///< FPU moves of a tile from srcA/srcB to DST (copy_tile, unary_bcast)
    int dst_handoff_cycles;                 ///< DST changing hands: the FPU pipeline drains, a semaphore posts
    /*! \brief What one core's NoC transactions cost. */
    struct Noc {
        double dram_read;    ///< bytes per cycle one core reads from interleaved DRAM
        double dram_write;   ///< ... writes to interleaved DRAM
        double l1_read;      ///< ... reads from another core's L1
        double l1_write;     ///< ... writes to another core's L1
        double multicast;    ///< ... multicasts to a rectangle of cores
        int issue_cycles;    ///< the least time one transaction occupies its issuing core
        int barrier_cycles;  ///< the round trip a barrier waits for after the last transaction
    } noc;
    double dram_efficiency;  ///< measured fraction of the DRAM's peak bandwidth the chip reaches
    /*! Cycles to unpack `srca_bytes` into srcA and `srcb_bytes` into srcB: the two unpackers run at
     *  once but share L1's read ports. */
    double unpack_cycles(double srca_bytes, double srcb_bytes) const;
};

/*! \brief Everything the compiler and the simulator need to know about one card (one chip of it). */
struct DeviceSpec {
    std::string name;       ///< canonical card name: "e150", "n150", "n300", "p150", "p100a"
    Arch arch;              ///< chip architecture
    std::string arch_name;  ///< "grayskull", "wormhole_b0", "blackhole" (TT-Metalium's spelling)

    // Compute grid: the worker cores TT-Metalium's compute_with_storage_grid_size() reports.
    int grid_x;  ///< columns of the usable compute grid
    int grid_y;  ///< rows of the usable compute grid
    /*! \brief Physical NoC x coordinate of each logical worker column (size grid_x). */
    std::vector<int> worker_noc_x;
    /*! \brief Physical NoC y coordinate of each logical worker row (size grid_y). */
    std::vector<int> worker_noc_y;

    // Per-core memory.
    uint32_t l1_bytes;            ///< L1 SRAM per Tensix core
    uint32_t l1_unreserved_base;  ///< first L1 byte left to CBs and L1 buffers (below: firmware, mailboxes, kernel config)
    uint32_t l1_alignment;        ///< alignment of L1 buffers and CB pages, bytes
    int num_circular_buffers;     ///< CB indices available to a kernel (c_0 .. c_{n-1})
    int num_semaphores;           ///< semaphores per core (CreateSemaphore)
    int max_runtime_args;         ///< unique + common runtime args per kernel per core

    // DRAM.
    int dram_banks;               ///< interleaving banks (pages are dealt round-robin across them)
    uint64_t dram_bytes;          ///< total DRAM of the chip
    uint32_t dram_alignment;      ///< alignment of DRAM pages, bytes
    double dram_bandwidth_gbs;    ///< peak DRAM bandwidth of the chip, GB/s (1e9 bytes/s)

    // Clock and on-chip network.
    double clock_ghz;             ///< AICLK
    int noc_bytes_per_cycle;      ///< NoC link width (one flit per cycle)
    uint32_t noc_max_burst_bytes; ///< largest single NoC packet

    // Tiles and registers.
    int tile_rows = 32;
    int tile_cols = 32;
    int face_rows = 16;
    int face_cols = 16;
    bool supports_fp32_dest_acc;  ///< whether DST can hold fp32 (ComputeConfig::fp32_dest_acc_en)

    CostNumbers cost;  ///< the simulator's cost model

    /*! \brief Tiles the DST register file holds for one acquire, by accumulation format and sync
     *  mode: 16-bit full sync 16, half sync 8; fp32 full sync 8, half sync 4. Returns 0 when the
     *  architecture cannot accumulate in fp32. */
    int dst_tiles(bool fp32_dest_acc_en, bool dst_full_sync_en) const;

    /*! \brief Matrix-engine cycles for one 32x32x32 tile multiply-accumulate at a fidelity. */
    int matmul_cycles_per_tile(MathFidelity fidelity) const;

    /*! \brief FPU cycles for one element-wise binary tile op. add/sub run at LoFi whatever the
     *  configured fidelity; mul makes one pass per fidelity phase. */
    int eltwise_cycles_per_tile(bool is_multiply, MathFidelity fidelity) const;

    /*! \brief FPU cycles to reduce one tile (16x16 datums per cycle). */
    int reduce_cycles_per_tile() const;

    /*! \brief SFPU cycles for one unary op over a tile (an estimate; see docs/devices.md). */
    int sfpu_cycles_per_tile() const;

    /*! \brief DRAM bytes per AICLK cycle for the whole chip. */
    double dram_bytes_per_cycle() const;

    /*! \brief L1 bytes per core left to CBs and L1 buffers. */
    int64_t l1_free_bytes() const {
        return int64_t{l1_bytes} - l1_unreserved_base;
    }

    /*! \brief Number of worker cores in the usable compute grid. */
    int num_cores() const {
        return grid_x * grid_y;
    }
};

/*! \brief The device table entry for `name`. Accepts the card names ("e150", "n150", "n300",
 *  "p150", "p100a"), the architecture names ("grayskull", "wormhole_b0", "blackhole") and the
 *  short form "wormhole"; an architecture name selects its reference card (e150, n150, p150).
 *  Case-insensitive.
 *  \throws tt::Error (ErrorKind::Validation) listing the valid names otherwise. */
const DeviceSpec &lookup_device(const std::string &name);

/*! \brief Every name lookup_device accepts, sorted. */
std::vector<std::string> device_names();

/*! \brief The canonical card names, one per table entry, in table order. */
std::vector<std::string> card_names();

/*! \brief TT-Metalium's name of a math fidelity ("LoFi", "HiFi2", ...). */
const char *to_string(MathFidelity fidelity);

/*! \brief Parses "LoFi", "HiFi2", "HiFi3", "HiFi4" (case-insensitive).
 *  \throws tt::Error (ErrorKind::Validation) otherwise. */
MathFidelity parse_math_fidelity(const std::string &name);

}  // namespace tt::target
