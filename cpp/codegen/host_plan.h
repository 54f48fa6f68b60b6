/*! \file host_plan.h
 *  \brief The runtime plan (tt.plan.json, written by transform/plan.h, documented in docs/plan.md)
 *  read into what the host-program generator emits from: buffers with their host-side element
 *  type and tensor shape, circular buffers, kernels with their arguments, semaphores and the
 *  compute configuration. Parsing and checking happen here once, so the emitter only prints.
 *
 *  A plan the host program cannot run (a sharded buffer of a dynamic shape, a dtype with no host element type, a
 *  kernel argument naming an unknown buffer) is a Validation error naming the plan field.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "transform/tt_attrs.h"

namespace tt::codegen {

using transform::CBConfig;
using transform::ComputeConfig;
using transform::CoreCoord;
using transform::CoreRange;
using transform::KernelArg;
using transform::KernelRole;

/*! \brief A size of the program: a number, or in a plan with dynamic dimensions a formula of them
 *  (shape_formula.h) that main.cpp computes from the sizes on its command line. */
struct HostSize {
    int64_t value = 0;
    ir::Json formula;  ///< null for a number
    /// The formula as main.cpp computes it: dimensions as the variables dim_<name>, subformulas the
    /// plan's sizes share as the names of HostPlan::shared_sizes.
    ir::Json cpp_formula;
    static HostSize of(int64_t v) { return HostSize{v, nullptr, nullptr}; }
    static HostSize of_formula(const ir::Json &formula);
    bool is_number() const { return formula.is_null(); }
    /*! The C++ expression of type int64_t (the number for a number). */
    std::string cpp() const;
    /*! As main.cpp's std::size_t lists spell it. */
    std::string cpp_size_t() const;
    /*! For comments and usage text: the number, or the formula as C++. */
    std::string text() const;
    bool operator==(const HostSize &o) const { return value == o.value && formula == o.formula; }
    bool operator!=(const HostSize &o) const { return !(*this == o); }
};
/*! \brief The product of sizes (a number when all are). */
HostSize product(const std::vector<HostSize> &factors);

/*! \brief A tensor as the device stores it: `batch` matrices of rows x cols, each zero-padded to
 *  whole 32x32 tiles (a 1-D tensor is one row). */
struct TensorShape {
    HostSize batch = HostSize::of(1);
    HostSize rows = HostSize::of(1);
    HostSize cols = HostSize::of(1);
};

/*! \brief A dynamic dimension of the program: main.cpp takes its size as name=SIZE. */
struct HostDimension {
    std::string name;
    std::string tensor;  ///< whose axis it is, for the usage text
    int axis = 0;
};

/*! \brief One global buffer of the program. */
struct HostBuffer {
    std::string name;             ///< the kernel parameter's name, a C++ identifier
    std::vector<HostSize> shape;  ///< logical shape in elements
    /// The extents the device stores (plan key padded_shape: T.copy blocks run past the shape);
    /// the elements past the shape are zeros uploaded and dropped on read-back.
    std::vector<HostSize> padded_shape;
    /// The axes in the order the device stores them (plan key storage_order); empty: as given.
    std::vector<int> storage_order;
    TensorShape tensor;      ///< the stored shape as batch x rows x cols
    std::string dtype;       ///< IR dtype name ("bfloat16")
    std::string host_type;   ///< C++ element type of the host arrays ("bfloat16", "float", "std::uint16_t", ...)
    int element_bytes = 0;   ///< bytes of one element in files and on the device
    bool in_dram = true;     ///< DRAM interleaved, else L1 (interleaved, or sharded when shard is set)
    /// L1-sharded: the shard grid and shard shape (shard_placement.h says where each tile lives)
    std::optional<transform::ShardSpec> shard;
    std::vector<int64_t> shape_tiles;  ///< the stored tensor in tiles (a sharded buffer's page grid)
    /// "Bfp8_b" / "Bfp4_b": the device stores the float tensor in that block float (packed on
    /// upload with the release's pack_as_bfp8_tiles / pack_as_bfp4_tiles); empty otherwise.
    std::string block_float;
    int64_t page_size = 0;   ///< bytes of one page (one tile)
    HostSize num_pages;      ///< tiles
    bool is_input = false;   ///< the kernels read it: uploaded from a file or stand-in values
    bool is_output = false;  ///< the kernels write it: read back and written to a file
};

/*! \brief One circular buffer, on `cores`. */
struct HostCircularBuffer {
    std::string name;  ///< the on-chip buffer it holds ("A_shared")
    CBConfig config;
    std::vector<CoreRange> cores;
};

struct HostSemaphore {
    std::vector<CoreRange> cores;
    uint32_t initial_value = 0;
};

/*! \brief One core's runtime arguments for a kernel. */
struct CoreArgs {
    CoreCoord core;
    std::vector<KernelArg> args;
};

struct HostKernel {
    KernelRole role = KernelRole::Reader;
    std::string name;      ///< "reader", "compute", "writer": a C++ identifier
    std::string source;    ///< file name relative to the kernel directory
    bool riscv_1 = false;  ///< data movement on RISCV_1 (NCRISC), else RISCV_0 (BRISC)
    int noc = 0;           ///< data movement NoC (0 or 1)
    std::vector<CoreRange> cores;
    std::vector<KernelArg> compile_args;
    std::map<std::string, std::string> defines;
    std::vector<std::string> runtime_arg_names;  ///< get_arg_val slot names, for comments
    std::vector<CoreArgs> runtime_args;          ///< per core, ordered by (y, x)
    std::vector<KernelArg> common_runtime_args;
    std::vector<int> unpack_to_dest_fp32;  ///< compute: CB indices in UnpackToDestMode::UnpackToDestFp32
};

struct HostPlan {
    std::string kernel_name;                ///< the TileLang function, a C++ identifier
    std::string device;                     ///< device table name ("n150")
    std::string arch;                       ///< "wormhole_b0", ...
    std::vector<CoreRange> cores;           ///< every core the program uses
    std::vector<HostDimension> dimensions;  ///< dynamic dimensions (plan dynamic_dims)
    /// Subformulas several sizes share, named (size_1, ...) in the order main.cpp computes them:
    /// each uses only dimensions and the names before it.
    std::vector<std::pair<std::string, ir::Json>> shared_sizes;
    std::vector<HostBuffer> buffers;
    std::vector<HostCircularBuffer> circular_buffers;
    std::vector<HostSemaphore> semaphores;
    std::vector<HostKernel> kernels;
    ComputeConfig compute_config;
    /// The programs of the function's later T.Kernel launches (plan "launches"), run in order after
    /// this one on the same buffers; each is a whole HostPlan with these buffers and no launches.
    std::vector<HostPlan> launches;

    const HostBuffer &buffer(const std::string &name) const;
    int num_cores() const;
};

/*! \brief Calls f(arg, where) for every kernel argument of the plan and its launches: each
 *  kernel's compile-time, common runtime and per-core runtime arguments; `where` names the list
 *  for messages. */
void for_each_kernel_arg(const HostPlan &plan,
                         const std::function<void(const KernelArg &arg, const std::string &where)> &f);

/*! \brief Reads and checks a runtime plan. \throws tt::Error (Validation) naming the bad field. */
HostPlan read_host_plan(const ir::Json &plan);

/*! \brief Bounding box of `ranges`: the smallest worker grid the program fits (x and y extents). */
CoreCoord grid_extent(const std::vector<CoreRange> &ranges);

}  // namespace tt::codegen
