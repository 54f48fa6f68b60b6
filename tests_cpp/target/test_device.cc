// The device table: names and aliases, the numbers of each card, NoC coordinates, DST capacity and
// cycle models, and the errors for unknown names.
#include <gtest/gtest.h>

#include "ir/diagnostics.h"
#include "target/device.h"

namespace tt::target {
namespace {

TEST(DeviceTable, ArchitectureNamesSelectReferenceCards) {
    EXPECT_EQ(lookup_device("grayskull").name, "e150");
    EXPECT_EQ(lookup_device("wormhole").name, "n150");
    EXPECT_EQ(lookup_device("wormhole_b0").name, "n150");
    EXPECT_EQ(lookup_device("blackhole").name, "p150");
    EXPECT_EQ(lookup_device("P100A").name, "p100a");
}

TEST(DeviceTable, WormholeNumbers) {
    const DeviceSpec &n150 = lookup_device("n150");
    EXPECT_EQ(n150.arch, Arch::WormholeB0);
    EXPECT_EQ(n150.num_cores(), 64);
    EXPECT_EQ(n150.l1_bytes, 1464u * 1024u);
    EXPECT_EQ(n150.dram_banks, 12);
    EXPECT_EQ(n150.num_circular_buffers, 32);
    EXPECT_EQ(static_cast<int>(n150.worker_noc_x.size()), n150.grid_x);
    EXPECT_EQ(static_cast<int>(n150.worker_noc_y.size()), n150.grid_y);
}

TEST(DeviceTable, EveryCardHasConsistentCoordinates) {
    for (const std::string &card : card_names()) {
        const DeviceSpec &spec = lookup_device(card);
        EXPECT_EQ(static_cast<int>(spec.worker_noc_x.size()), spec.grid_x) << card;
        EXPECT_EQ(static_cast<int>(spec.worker_noc_y.size()), spec.grid_y) << card;
        EXPECT_LT(spec.l1_unreserved_base, spec.l1_bytes) << card;
    }
}

TEST(DeviceTable, DstCapacityFollowsAccumulationAndSync) {
    const DeviceSpec &n150 = lookup_device("n150");
    EXPECT_EQ(n150.dst_tiles(false, false), 8);
    EXPECT_EQ(n150.dst_tiles(false, true), 16);
    EXPECT_EQ(n150.dst_tiles(true, false), 4);
    EXPECT_EQ(n150.dst_tiles(true, true), 8);
    EXPECT_EQ(lookup_device("e150").dst_tiles(true, false), 0);
}

TEST(DeviceTable, MatmulCyclesScaleWithFidelity) {
    const DeviceSpec &p150 = lookup_device("p150");
    EXPECT_EQ(p150.matmul_cycles_per_tile(MathFidelity::LoFi), 16);
    EXPECT_EQ(p150.matmul_cycles_per_tile(MathFidelity::HiFi2), 32);
    EXPECT_EQ(p150.matmul_cycles_per_tile(MathFidelity::HiFi3), 48);
    EXPECT_EQ(p150.matmul_cycles_per_tile(MathFidelity::HiFi4), 64);
    EXPECT_EQ(p150.eltwise_cycles_per_tile(false, MathFidelity::HiFi4), 8);
    EXPECT_EQ(p150.eltwise_cycles_per_tile(true, MathFidelity::HiFi4), 32);
}

TEST(DeviceTable, UnknownNameListsValidOnes) {
    try {
        lookup_device("h100");
        FAIL() << "expected an error";
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_NE(std::string(e.what()).find("h100"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("wormhole_b0"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("p150"), std::string::npos);
    }
}

TEST(DeviceTable, MathFidelityNamesRoundTrip) {
    EXPECT_EQ(parse_math_fidelity("hifi4"), MathFidelity::HiFi4);
    EXPECT_STREQ(to_string(MathFidelity::HiFi2), "HiFi2");
    EXPECT_THROW(parse_math_fidelity("HiFi5"), Error);
}

}  // namespace
}  // namespace tt::target
