// Fibers: one stack per kernel instance, switched cooperatively by the scheduler (fiber.h).
#include "sim/fiber.h"

#include <cstdint>
#include <stdexcept>

#include <sys/mman.h>
#include <unistd.h>

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

void Fiber::trampoline(unsigned int hi, unsigned int lo) {
    auto *self = reinterpret_cast<Fiber *>((static_cast<std::uintptr_t>(hi) << 32) | lo);
    // Exceptions must not cross the context boundary; the scheduler rethrows them.
    try {
        self->body_();
    } catch (...) {
        self->error_ = std::current_exception();
    }
    self->finished_ = true;
}

void Fiber::resume() {
    started_ = true;
    swapcontext(&caller_, &context_);
}

void Fiber::yield() {
    swapcontext(&context_, &caller_);
}

}  // namespace tt_sim
