// Running a program's cores in several processes at once (parallel.h): whether a program qualifies,
// how its cores are dealt to parts, the marks that show whether the parts shared data, and the
// copy of device memory a run that does not count is rolled back to.
#include "sim/parallel.h"

#include <sched.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sim/isolation.h"

namespace tt_sim {

namespace {

constexpr uint64_t kGranuleBytes = 32;
constexpr uint8_t kRead = 1;
constexpr uint8_t kWritten = 2;

int usable_cpus() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return std::max(1, CPU_COUNT(&set));
}

int process_limit() {
    const char *env = std::getenv("TT_SIM_PROCESSES");
    if (!env || !*env) return usable_cpus();
    char *end = nullptr;
    const long value = std::strtol(env, &end, 10);
    if (*end != '\0' || value < 1 || value > 1024)
        throw tt::Error(tt::ErrorKind::Validation,
                        std::string("TT_SIM_PROCESSES must be a number of processes from 1 to 1024, not '") + env +
                            "'");
    return static_cast<int>(value);
}

/*! What a run may change that the program could read again: the DRAM handed out so far and the L1
 *  buffers. Circular buffer pages need no copy: every page is marked unwritten when it is reserved. */
struct Snapshot {
    std::vector<std::vector<uint8_t>> dram;  ///< per bank, from kDramBase
    std::vector<std::vector<uint8_t>> l1;    ///< per core, the L1 buffer range
};

Snapshot take_snapshot(DeviceState &device) {
    Snapshot s;
    const uint64_t dram_bytes = device.next_dram_address - kDramBase;
    for (int bank = 0; bank < device.spec.dram_banks; ++bank) {
        const uint8_t *from = device.memory.dram(static_cast<uint32_t>(bank), kDramBase, dram_bytes);
        s.dram.emplace_back(from, from + dram_bytes);
    }
    const uint32_t l1_bytes = device.spec.l1_bytes - device.l1_buffer_floor;
    for (int core = 0; core < device.spec.num_cores(); ++core) {
        const uint8_t *from = device.memory.l1(core, device.l1_buffer_floor);
        s.l1.emplace_back(from, from + l1_bytes);
    }
    return s;
}

void restore_snapshot(DeviceState &device, const Snapshot &s) {
    for (size_t bank = 0; bank < s.dram.size(); ++bank)
        std::memcpy(device.memory.dram(static_cast<uint32_t>(bank), kDramBase, s.dram[bank].size()),
                    s.dram[bank].data(), s.dram[bank].size());
    for (size_t core = 0; core < s.l1.size(); ++core)
        std::memcpy(device.memory.l1(static_cast<int>(core), device.l1_buffer_floor), s.l1[core].data(),
                    s.l1[core].size());
}

/*! Whether a granule written by one part was read or written by another. */
bool parts_shared_dram(const uint8_t *marks, size_t parts, size_t granules) {
    for (size_t g = 0; g < granules; ++g) {
        int touched = 0;
        bool written = false;
        for (size_t p = 0; p < parts; ++p) {
            const uint8_t m = marks[p * granules + g];
            touched += m != 0;
            written |= (m & kWritten) != 0;
        }
        if (touched > 1 && written) return true;
    }
    return false;
}

}  // namespace

void note_dram_access(uint32_t bank, uint64_t address, uint64_t size, bool write) {
    const Partition *p = current_run().partition;
    if (!p || size == 0) return;
    uint8_t *marks = p->dram_marks + bank * p->granules_per_bank;
    const uint64_t first = (address - p->dram_base) / kGranuleBytes;
    const uint64_t last = std::min(p->granules_per_bank - 1, (address + size - 1 - p->dram_base) / kGranuleBytes);
    for (uint64_t g = first; g <= last; ++g) marks[g] |= write ? kWritten : kRead;
}

void note_core_access(int core) {
    const Partition *p = current_run().partition;
    if (p && p->part_of_core[core] != p->mine) throw PartitionConflict{};
}

size_t run_in_parts(Run &run, const ProgramState &program, const std::vector<KernelInstance *> &schedule,
                    const std::vector<int> &cores, uint64_t &steps,
                    const std::function<void(const std::vector<int> &)> &run_cores) {
    const size_t parts = std::min<size_t>(cores.size(), static_cast<size_t>(process_limit()));
    if (parts < 2 || !program.semaphores.empty() || run.trace.enabled || !isolation_enabled()) return 0;
    DeviceState &device = *run.device;

    // Cores are dealt in turn, so that work partitions which give the first cores more blocks stay balanced.
    Partition partition;
    partition.part_of_core.assign(device.spec.num_cores(), -1);
    std::vector<std::vector<int>> part_cores(parts);
    for (size_t i = 0; i < cores.size(); ++i) {
        partition.part_of_core[cores[i]] = static_cast<int>(i % parts);
        part_cores[i % parts].push_back(cores[i]);
    }
    std::vector<std::vector<size_t>> slots(parts);
    for (size_t slot = 0; slot < schedule.size(); ++slot)
        slots[partition.part_of_core[schedule[slot]->core]].push_back(slot);

    partition.dram_base = kDramBase;
    partition.granules_per_bank = (device.next_dram_address - kDramBase + kGranuleBytes - 1) / kGranuleBytes + 1;
    const size_t granules = partition.granules_per_bank * device.spec.dram_banks;
    const size_t mark_bytes = granules * parts;
    void *marks = mmap(nullptr, mark_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (marks == MAP_FAILED) return 0;
    struct Unmap {
        void *marks;
        size_t bytes;
        ~Unmap() { munmap(marks, bytes); }
    } unmap{marks, mark_bytes};

    const Snapshot before = take_snapshot(device);
    const bool finished = run_isolated_parts(schedule, slots, steps, [&](size_t part) {
        partition.mine = static_cast<int>(part);
        partition.dram_marks = static_cast<uint8_t *>(marks) + part * granules;
        run.partition = &partition;
        run_cores(part_cores[part]);
    });
    if (finished && !parts_shared_dram(static_cast<const uint8_t *>(marks), parts, granules)) return parts;
    restore_snapshot(device, before);
    for (KernelInstance *k : schedule) k->stats = KernelStats{};
    return 0;
}

}  // namespace tt_sim
