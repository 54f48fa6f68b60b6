// The device table and name lookup (device.h); every number is sourced in docs/devices.md.
#include "target/device.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>

#include "ir/diagnostics.h"

namespace tt::target {

namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint32_t kKiB = 1u << 10;

/*! Consecutive integers [first, last], for the NoC coordinate lists. */
std::vector<int> span_of(int first, int last) {
    std::vector<int> out(last - first + 1);
    std::iota(out.begin(), out.end(), first);
    return out;
}

std::vector<int> concat(std::vector<int> a, const std::vector<int> &b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Wormhole's cost numbers; Grayskull has no published data-movement measurements and shares
// Wormhole's 32-byte NoC flit and Tensix engines, so it uses these too (docs/devices.md).
CostNumbers wormhole_cost() {
    CostNumbers c;
    c.unpack_bytes_per_cycle = 64;
    c.unpack_pair_bytes_per_cycle = 80;
    c.pack_bytes_per_cycle = 64;
    c.pack_accumulate_bytes_per_cycle = 32;
    c.copy_cycles_per_tile = 8;
    c.dst_handoff_cycles = 7;
    c.noc = {22, 21, 28, 29, 15, 20, 290};
    c.dram_efficiency = 267.0 / 288.0;
    return c;
}

// Blackhole: its own data-movement measurements; the Tensix engines' numbers are Wormhole's.
CostNumbers blackhole_cost() {
    CostNumbers c = wormhole_cost();
    c.noc = {33, 34, 60, 60, 24, 36, 368};
    c.dram_efficiency = 500.0 / 512.0;
    return c;
}

// The values below are sourced in docs/devices.md, entry by entry.
std::vector<DeviceSpec> build_table() {
    std::vector<DeviceSpec> table;

    DeviceSpec e150;
    e150.name = "e150";
    e150.arch = Arch::Grayskull;
    e150.arch_name = "grayskull";
    e150.grid_x = 12;
    e150.grid_y = 9;
    e150.worker_noc_x = span_of(1, 12);
    e150.worker_noc_y = concat(span_of(1, 5), span_of(7, 10));
    e150.l1_bytes = 1024 * kKiB;
    e150.l1_unreserved_base = 100 * kKiB;
    e150.l1_alignment = 16;
    e150.num_circular_buffers = 32;
    e150.num_semaphores = 8;
    e150.max_runtime_args = 341;
    e150.dram_banks = 8;
    e150.dram_bytes = 8 * kGiB;
    e150.dram_alignment = 32;
    e150.dram_bandwidth_gbs = 118.0;
    e150.clock_ghz = 1.2;
    e150.noc_bytes_per_cycle = 32;
    e150.noc_max_burst_bytes = 8 * kKiB;
    e150.supports_fp32_dest_acc = false;
    e150.cost = wormhole_cost();
    e150.cost.dram_efficiency = 0.92;
    table.push_back(e150);

    DeviceSpec n150;
    n150.name = "n150";
    n150.arch = Arch::WormholeB0;
    n150.arch_name = "wormhole_b0";
    n150.grid_x = 8;
    n150.grid_y = 8;
    n150.worker_noc_x = concat(span_of(1, 4), span_of(6, 9));
    n150.worker_noc_y = concat(span_of(1, 5), span_of(7, 9));
    n150.l1_bytes = 1464 * kKiB;
    n150.l1_unreserved_base = 100 * kKiB;
    n150.l1_alignment = 16;
    n150.num_circular_buffers = 32;
    n150.num_semaphores = 8;
    n150.max_runtime_args = 341;
    n150.dram_banks = 12;
    n150.dram_bytes = 12 * kGiB;
    n150.dram_alignment = 32;
    n150.dram_bandwidth_gbs = 288.0;
    n150.clock_ghz = 1.0;
    n150.noc_bytes_per_cycle = 32;
    n150.noc_max_burst_bytes = 8 * kKiB;
    n150.supports_fp32_dest_acc = true;
    n150.cost = wormhole_cost();
    table.push_back(n150);

    // One chip of the two on an n300 card: the runtime opens chips, not cards.
    DeviceSpec n300 = n150;
    n300.name = "n300";
    table.push_back(n300);

    DeviceSpec p150;
    p150.name = "p150";
    p150.arch = Arch::Blackhole;
    p150.arch_name = "blackhole";
    p150.grid_x = 13;
    p150.grid_y = 10;
    p150.worker_noc_x = concat(span_of(1, 7), span_of(10, 15));
    p150.worker_noc_y = span_of(2, 11);
    p150.l1_bytes = 1536 * kKiB;
    p150.l1_unreserved_base = 100 * kKiB;
    p150.l1_alignment = 16;
    p150.num_circular_buffers = 64;
    p150.num_semaphores = 8;
    p150.max_runtime_args = 341;
    p150.dram_banks = 8;
    p150.dram_bytes = 32 * kGiB;
    p150.dram_alignment = 64;
    p150.dram_bandwidth_gbs = 512.0;
    p150.clock_ghz = 1.35;
    p150.noc_bytes_per_cycle = 64;
    p150.noc_max_burst_bytes = 16 * kKiB;
    p150.supports_fp32_dest_acc = true;
    p150.cost = blackhole_cost();
    table.push_back(p150);

    DeviceSpec p100a = p150;
    p100a.name = "p100a";
    p100a.grid_x = 11;
    p100a.worker_noc_x = concat(span_of(1, 7), span_of(10, 13));
    p100a.dram_banks = 7;
    p100a.dram_bytes = 28 * kGiB;
    p100a.dram_bandwidth_gbs = 448.0;
    table.push_back(p100a);

    return table;
}

const std::vector<DeviceSpec> &table() {
    static const std::vector<DeviceSpec> devices = build_table();
    return devices;
}

/*! Alias → canonical card name. Architecture names pick the reference card of that chip. */
const std::map<std::string, std::string> &aliases() {
    static const std::map<std::string, std::string> names = {
        {"grayskull", "e150"}, {"e150", "e150"},
        {"wormhole", "n150"},  {"wormhole_b0", "n150"}, {"n150", "n150"}, {"n300", "n300"},
        {"blackhole", "p150"}, {"p150", "p150"},        {"p100a", "p100a"},
    };
    return names;
}

std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const std::string &n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

}  // namespace

int DeviceSpec::dst_tiles(bool fp32_dest_acc_en, bool dst_full_sync_en) const {
    // DST holds 16 tiles of 16-bit datums; fp32 datums take two slots, half sync halves it again.
    if (fp32_dest_acc_en && !supports_fp32_dest_acc) return 0;
    int tiles = 16;
    if (fp32_dest_acc_en) tiles /= 2;
    if (!dst_full_sync_en) tiles /= 2;
    return tiles;
}

double CostNumbers::unpack_cycles(double srca_bytes, double srcb_bytes) const {
    return std::max({srca_bytes / unpack_bytes_per_cycle, srcb_bytes / unpack_bytes_per_cycle,
                     (srca_bytes + srcb_bytes) / unpack_pair_bytes_per_cycle});
}

int DeviceSpec::matmul_cycles_per_tile(MathFidelity fidelity) const {
    // 8x16 x 16x16 per cycle per fidelity pass: a 32x32x32 tile is 16 cycles per pass.
    const int passes = fidelity == MathFidelity::LoFi ? 1 : static_cast<int>(fidelity);
    return 16 * passes;
}

int DeviceSpec::eltwise_cycles_per_tile(bool is_multiply, MathFidelity fidelity) const {
    // 8x16 datums per cycle: 8 cycles per 32x32 tile and pass.
    const int passes = (!is_multiply || fidelity == MathFidelity::LoFi) ? 1 : static_cast<int>(fidelity);
    return 8 * passes;
}

int DeviceSpec::reduce_cycles_per_tile() const {
    return (tile_rows * tile_cols) / (16 * 16);
}

int DeviceSpec::sfpu_cycles_per_tile() const {
    // The SFPU works on 32 lanes at a time; a typical unary op takes about two instructions per
    // datum-row group, i.e. 1024 / 32 * 2. An estimate, not a measurement (docs/devices.md).
    return (tile_rows * tile_cols) / 32 * 2;
}

double DeviceSpec::dram_bytes_per_cycle() const {
    return dram_bandwidth_gbs / clock_ghz;
}

const DeviceSpec &lookup_device(const std::string &name) {
    auto alias = aliases().find(lowercase(name));
    if (alias != aliases().end()) {
        for (const DeviceSpec &spec : table()) {
            if (spec.name == alias->second) return spec;
        }
    }
    throw Error(ErrorKind::Validation,
                "unknown Tenstorrent device '" + name + "'; valid names are: " + joined(device_names()));
}

std::vector<std::string> device_names() {
    std::vector<std::string> names;
    for (const auto &entry : aliases()) names.push_back(entry.first);
    return names;
}

std::vector<std::string> card_names() {
    std::vector<std::string> names;
    for (const DeviceSpec &spec : table()) names.push_back(spec.name);
    return names;
}

const char *to_string(MathFidelity fidelity) {
    switch (fidelity) {
    case MathFidelity::LoFi: return "LoFi";
    case MathFidelity::HiFi2: return "HiFi2";
    case MathFidelity::HiFi3: return "HiFi3";
    case MathFidelity::HiFi4: return "HiFi4";
    }
    return "?";
}

MathFidelity parse_math_fidelity(const std::string &name) {
    const std::string key = lowercase(name);
    for (MathFidelity f : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4}) {
        if (lowercase(to_string(f)) == key) return f;
    }
    throw Error(ErrorKind::Validation, "unknown math fidelity '" + name + "'; valid are LoFi, HiFi2, HiFi3, HiFi4");
}

}  // namespace tt::target
