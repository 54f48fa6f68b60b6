// Pipeline benchmark (C++): wall time of the pass pipeline on TileLang's reference GEMM at 1024^3
// (8x8 launch grid) and 16384^3 (128x128 launch grid, 16384 blocks), 128x128x32 blocks, bf16,
// on wormhole. Prints the median of --repeat runs per pass and in total.
//
// Usage: bench_pipeline [--repeat N] [--pipeline "A -> B"]
// Built with the tests (-DTILELANG_TT_BUILD_TESTS=ON) as build/<dir>/tests_cpp/transform/bench_pipeline.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "gemm_ir.h"
#include "transform/pass.h"

namespace {

using namespace tt;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void bench(int64_t size, int repeat, const std::string &pipeline_text) {
    testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = size;
    const ir::IRModule mod = testing::make_gemm_module(cfg);
    const transform::Pipeline pipeline = transform::Pipeline::parse(pipeline_text);
    const transform::PassContext ctx;
    std::map<std::string, std::vector<double>> per_pass;
    std::vector<double> totals;
    for (int r = 0; r < repeat; ++r) {
        transform::PipelineReport report;
        pipeline.run(mod, ctx, &report);
        totals.push_back(report.total_milliseconds);
        for (const transform::PassTiming &t : report.passes) per_pass[t.pass].push_back(t.milliseconds + t.verify_milliseconds);
    }
    std::printf("gemm %lld^3, 128x128x32 blocks, launch grid %lldx%lld, wormhole: median of %d runs\n", (long long)size,
                (long long)(size / 128), (long long)(size / 128), repeat);
    for (const transform::Pass &p : pipeline.passes()) {
        std::printf("  %-24s %9.3f ms (with verification)\n", p.name.c_str(), median(per_pass[p.name]));
    }
    std::printf("  %-24s %9.3f ms\n", "total", median(totals));
}

}  // namespace

int main(int argc, char **argv) {
    int repeat = 20;
    std::string pipeline = tt::transform::kDefaultPipeline;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--pipeline")) pipeline = argv[i + 1];
    }
    try {
        bench(1024, repeat, pipeline);
        bench(16384, repeat, pipeline);
    } catch (const tt::Error &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
