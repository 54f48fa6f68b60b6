// Fibers: one stack per kernel instance, switched cooperatively by the scheduler (fiber.h). In an
// AddressSanitizer build every switch is announced to ASan, which otherwise mistakes the kernel
// stacks for stack overflows or corrupted frames.
#include "sim/fiber.h"

#include <cstdint>
#include <stdexcept>

#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define TT_SIM_ASAN_FIBERS 1
#endif

namespace tt_sim {

Fiber::Fiber(std::function<void()> body, std::size_t stack_bytes) : body_(std::move(body)), stack_bytes_(stack_bytes) {
    // One guard page below the stack turns a kernel's stack overflow into a crash at the overflow
    // instead of silent corruption of a neighbour's stack.
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    stack_ = mmap(nullptr, stack_bytes_ + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack_ == MAP_FAILED) throw std::runtime_error("tt_sim: cannot allocate a kernel stack");
    mprotect(stack_, page, PROT_NONE);
    getcontext(&context_);
    context_.uc_stack.ss_sp = static_cast<char *>(stack_) + page;
    context_.uc_stack.ss_size = stack_bytes_;
    context_.uc_link = &caller_;
    const auto self = reinterpret_cast<std::uintptr_t>(this);
    makecontext(&context_, reinterpret_cast<void (*)()>(&Fiber::trampoline), 2, static_cast<unsigned int>(self >> 32),
                static_cast<unsigned int>(self & 0xffffffffu));
}

Fiber::~Fiber() {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    munmap(stack_, stack_bytes_ + page);
}

bool Fiber::overflowed(std::uintptr_t address, std::uintptr_t sp) const {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const auto guard = reinterpret_cast<std::uintptr_t>(stack_);
    const std::uintptr_t bottom = guard + page;
    return (address >= guard && address < bottom) || (sp < bottom && sp + stack_bytes_ >= guard);
}

void Fiber::trampoline(unsigned int hi, unsigned int lo) {
    auto *self = reinterpret_cast<Fiber *>((static_cast<std::uintptr_t>(hi) << 32) | lo);
#ifdef TT_SIM_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(nullptr, &self->asan_caller_bottom_, &self->asan_caller_size_);
#endif
    // Exceptions must not cross the context boundary; the scheduler rethrows them.
    try {
        self->body_();
    } catch (...) {
        self->error_ = std::current_exception();
    }
    self->finished_ = true;
#ifdef TT_SIM_ASAN_FIBERS
    // Leaving for good: a null save slot lets ASan free this fiber's fake stack.
    __sanitizer_start_switch_fiber(nullptr, self->asan_caller_bottom_, self->asan_caller_size_);
#endif
}

void Fiber::resume() {
    started_ = true;
#ifdef TT_SIM_ASAN_FIBERS
    void *scheduler_fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&scheduler_fake_stack, context_.uc_stack.ss_sp, context_.uc_stack.ss_size);
#endif
    swapcontext(&caller_, &context_);
#ifdef TT_SIM_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(scheduler_fake_stack, nullptr, nullptr);
#endif
}

void Fiber::yield() {
#ifdef TT_SIM_ASAN_FIBERS
    __sanitizer_start_switch_fiber(&asan_fake_stack_, asan_caller_bottom_, asan_caller_size_);
#endif
    swapcontext(&context_, &caller_);
#ifdef TT_SIM_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(asan_fake_stack_, &asan_caller_bottom_, &asan_caller_size_);
#endif
}

}  // namespace tt_sim
