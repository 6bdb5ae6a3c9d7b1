#pragma once
/// \file
/// A row-major 2-D array shaped like (part of) the grid, and non-owning views of it that the
/// kernels take.

#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace riskmap {

/// Non-owning row-major view; stride is the distance between rows in elements.
template <class T> struct LayerView {
    T* data = nullptr;
    int width = 0;
    int height = 0;
    std::ptrdiff_t stride = 0;

    T* row(int r) const { return data + static_cast<std::ptrdiff_t>(r) * stride; }
    T& operator()(int r, int c) const { return row(r)[c]; }
    /// A mutable view converts to a read-only one, as T* does to const T*.
    operator LayerView<const T>() const requires(!std::is_const_v<T>) {
        return {data, width, height, stride};
    }
};

/// std::allocator that default-initialises instead of value-initialising: a vector of floats
/// sized without a value is left unwritten. Zeroing a layer that a kernel overwrites anyway
/// cost a serial pass over memory that faulted every page in on one thread.
template <class T> struct DefaultInitAllocator : std::allocator<T> {
    template <class U> struct rebind { using other = DefaultInitAllocator<U>; };
    DefaultInitAllocator() = default;
    template <class U> DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
    template <class U> void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args> void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

/// Tag: a layer whose every pixel the caller writes before reading it.
struct Uninitialised {};

template <class T> class Layer {
public:
    Layer() = default;
    Layer(int width, int height, T fill = T{})
        : width_(width), height_(height),
          data_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), fill) {}
    Layer(int width, int height, Uninitialised)
        : width_(width), height_(height),
          data_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {}

    int width() const { return width_; }
    int height() const { return height_; }
    std::size_t size() const { return data_.size(); }
    T* data() { return data_.data(); }
    const T* data() const { return data_.data(); }
    std::span<T> values() { return data_; }
    std::span<const T> values() const { return data_; }
    T& operator()(int r, int c) { return data_[index(r, c)]; }
    const T& operator()(int r, int c) const { return data_[index(r, c)]; }
    T& operator[](std::size_t i) { return data_[i]; }
    const T& operator[](std::size_t i) const { return data_[i]; }

    LayerView<T> view() { return {data_.data(), width_, height_, width_}; }
    LayerView<const T> view() const { return {data_.data(), width_, height_, width_}; }

private:
    std::size_t index(int r, int c) const {
        return static_cast<std::size_t>(r) * static_cast<std::size_t>(width_) +
               static_cast<std::size_t>(c);
    }
    int width_ = 0;
    int height_ = 0;
    std::vector<T, DefaultInitAllocator<T>> data_;
};

} // namespace riskmap
