/*! \file pass.h
 *  \brief Pass infrastructure: options (PassContext), passes, pipelines, registry, instrumentation.
 *
 *  A pass is a name plus a pure function IRModule → IRModule that reads its options only from the
 *  PassContext (no globals, no environment). A Pipeline is an ordered list of passes that prints
 *  as "InferTTLayout -> PropagateTTLayout -> ..." and parses back. Running a pipeline:
 *  - verifies the input, and after every pass the well-formedness verifier runs (verify_each);
 *    a failure names the pass, the offending node and its source line;
 *  - times every pass (PipelineReport);
 *  - when dump_dir is set, writes 00_input.txt and NN_<pass>.txt (the printer's text) after each
 *    pass, and NN_<pass>.failed_input.txt with the IR a pass failed on.
 *  Passes are registered by name (register_pass) so Python builds them by name.
 */
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "target/device.h"
#include "transform/tt_attrs.h"

namespace tt::transform {

using ir::IRModule;

/*! \brief The run_pipeline options. Every field has an effect; see docs/passes.md. */
struct PassOptions {
    /*! Device table name (target/device.h); the default is Wormhole n150. */
    std::string target_device = "wormhole";
    /*! Order in which TTTilesToCoreMap deals launch-grid blocks to cores; unset, the compiler's
     *  choice (row_major, or for L1-sharded tensors the order that keeps blocks by their shards). */
    std::optional<PartitionStrategy> partition_strategy;
    /*! CBs of buffers loaded inside T.Pipelined get max(2, num_stages) stages (1 when off), and
     *  output CBs 2 stages (compute packs block i+1 while the writer drains block i). */
    bool enable_double_buffer = true;
    /*! CBs of buffers loaded outside a pipelined loop get 2 stages so the reader fetches the next
     *  block's tiles while compute works on the current one (1 when off). */
    bool enable_prefetch = true;
    /*! Where GridToPersistentTT writes tt.plan.json; empty: not written. */
    std::string plan_path;
    /*! ComputeConfig::math_fidelity of the compute kernel. */
    target::MathFidelity math_fidelity = target::MathFidelity::HiFi4;
    /*! ComputeConfig::fp32_dest_acc_en; nullopt ("auto"): on when a gemm accumulates in float32
     *  and the device can hold fp32 in DST. */
    std::optional<bool> fp32_dest_acc_en;
    /*! User layout requests for global buffers, by parameter name. */
    std::map<std::string, LayoutAnnotation> layouts;
    /*! Directory for IR dumps after each pass; empty: TILELANG_TT_DUMP_IR, else none. */
    std::string dump_dir;
    /*! Run the well-formedness verifier after every pass. */
    bool verify_each = true;
    /*! The sizes SpecializeTTShapes gives the dynamic dimensions (T.dynamic), by name. */
    std::map<std::string, int64_t> shape_values;
};

/*! \brief Validated options plus the device they select. Immutable once built. */
class PassContext {
public:
    /*! \brief Defaults (wormhole n150, row_major, ...). */
    PassContext();
    /*! \brief Validates options (device name, layout requests, fp32 accumulation support, dump
     *  directory from TILELANG_TT_DUMP_IR when unset); throws a Validation error naming the bad
     *  option and its accepted values. */
    explicit PassContext(PassOptions options);
    /*! \brief From run_pipeline keyword arguments as a JSON object: target_device,
     *  partition_strategy, enable_double_buffer, enable_prefetch, plan_path, math_fidelity,
     *  fp32_dest_acc_en (bool, null or "auto"), layouts, dump_dir, verify_each. Unknown keys and
     *  values of the wrong type are Validation errors. */
    static PassContext from_json(const Json &options);
    /*! \brief The options as from_json accepts them (dump_dir as resolved). */
    Json to_json() const;

    const PassOptions &options() const {
        return options_;
    }
    const target::DeviceSpec &device() const {
        return *device_;
    }

private:
    PassOptions options_;
    const target::DeviceSpec *device_;
};

/*! \brief A named function on modules. Passes are values: copyable, stateless between runs. */
struct Pass {
    std::string name;
    std::function<IRModule(const IRModule &, const PassContext &)> run;
};

/*! \brief Applies f to every PrimFunc of the module (in order) and returns the new module; the
 *  common shape of a function-level pass. */
IRModule map_functions(const IRModule &mod, const std::function<ir::PrimFunc(const ir::PrimFunc &)> &f);

/*! \brief Time and outcome of one pass in a pipeline run. */
struct PassTiming {
    std::string pass;
    double milliseconds = 0;
    double verify_milliseconds = 0;  ///< the well-formedness check after it
};

/*! \brief What a pipeline run measured and wrote. */
struct PipelineReport {
    std::vector<PassTiming> passes;
    std::vector<std::string> dumped_files;
    double total_milliseconds = 0;
    /*! \brief A table: one line per pass with its time and share of the total. */
    std::string to_string() const;
    Json to_json() const;
};

/*! \brief An ordered list of passes. */
class Pipeline {
public:
    Pipeline() = default;
    explicit Pipeline(std::vector<Pass> passes) : passes_(std::move(passes)) {
    }
    /*! \brief Registered passes by name, separated by "->" or ","; whitespace ignored. */
    static Pipeline parse(const std::string &text);
    /*! \brief "A -> B -> C". */
    std::string to_string() const;
    const std::vector<Pass> &passes() const {
        return passes_;
    }
    /*! \brief Runs the passes in order with verification, timing and dumps (see file comment).
     *  Errors from a pass propagate unchanged; verifier failures are Internal errors naming the
     *  pass (or Validation errors for a malformed input). */
    IRModule run(const IRModule &mod, const PassContext &ctx, PipelineReport *report = nullptr) const;

private:
    std::vector<Pass> passes_;
};

/*! \brief The pipeline run_pipeline uses: LowerTTPersistent, LowerTTAtomicAdd, SpecializeTTShapes, EliminateDeadTTValues,
 *  PromoteTTNarrowIntegers, PromoteTTIndexIntegers, StageTTColumnStores, StageTTElementwise, ExactTTMaxReductions,
 *  GroupTTRowBlocks, WidenTTKSteps, the five public passes (the kernel split is part of LowerTTTileIntrinsics), then VerifyTTIR. */
inline constexpr const char *kDefaultPipeline =
    "LowerTTPersistent -> LowerTTAtomicAdd -> SpecializeTTShapes -> EliminateDeadTTValues -> PromoteTTNarrowIntegers -> PromoteTTIndexIntegers -> StageTTColumnStores -> StageTTElementwise -> ExactTTMaxReductions -> GroupTTRowBlocks -> JoinTTBlocks -> WidenTTKSteps -> InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap -> LowerTTTileIntrinsics -> GridToPersistentTT -> "
    "VerifyTTIR";

/*! \brief The pass called name; a Validation error listing the registered names otherwise. */
Pass lookup_pass(const std::string &name);
/*! \brief Every registered pass name, sorted. */
std::vector<std::string> registered_pass_names();

/*! \brief Each pass's factory, by name. The list lives in pass_registry.cc (one line per pass);
 *  the registry is built from it on first use, so no static initializer is needed. */
using PassFactory = Pass (*)();
struct PassRegistration {
    const char *name;
    PassFactory factory;
};
/*! \brief Every built-in pass, in the order pass_registry.cc lists them. */
const std::vector<PassRegistration> &builtin_passes();

}  // namespace tt::transform
