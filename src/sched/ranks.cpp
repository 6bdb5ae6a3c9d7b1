#include "sched/ranks.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>

#if RISKMAP_WITH_MPI
#include <mpi.h>
#endif

namespace riskmap::sched {

namespace {
bool g_started = false;
int g_rank = 0;
int g_ranks = 1;

#if RISKMAP_WITH_MPI
/// Set by Open MPI's mpirun, by PMIx (srun --mpi=pmix, prterun) and by PMI-1/2 (srun, MPICH).
/// Without one of them a process is not part of a launched job, and MPI_Init would only make
/// a world of one, slower to start and with the MPI runtime's threads for nothing.
bool launched_by_mpi() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(name))
            return true;
    return false;
}

void check(int status, const char* call) {
    if (status != MPI_SUCCESS)
        throw Error(std::string("MPI: ") + call + " failed");
}
#endif
} // namespace

void start_ranks([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#if RISKMAP_WITH_MPI
    if (!launched_by_mpi())
        return;
    int provided = MPI_THREAD_SINGLE;
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    g_started = true;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &g_rank), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &g_ranks), "MPI_Comm_size");
    // Every rank fails here alike; rank 0 says so for all (main agrees on it).
    if (provided < MPI_THREAD_FUNNELED)
        throw Error("MPI: this MPI library cannot be called from a threaded program "
                    "(MPI_THREAD_FUNNELED not provided)");
#endif
}

void stop_ranks() {
#if RISKMAP_WITH_MPI
    if (g_started)
        MPI_Finalize();
    g_started = false;
#endif
}

int rank() {
    return g_rank;
}

int ranks() {
    return g_ranks;
}

#if RISKMAP_WITH_MPI
namespace {
/// `text` of rank `root`, on every rank.
std::string broadcast(const std::string& text, int root) {
    long long length = static_cast<long long>(text.size());
    check(MPI_Bcast(&length, 1, MPI_LONG_LONG, root, MPI_COMM_WORLD), "MPI_Bcast");
    std::string out = g_rank == root ? text : std::string(std::size_t(length), '\0');
    check(MPI_Bcast(out.data(), static_cast<int>(length), MPI_CHAR, root, MPI_COMM_WORLD),
          "MPI_Bcast");
    return out;
}
} // namespace
#endif

Outcome agree(int code, const std::string& message, std::int64_t count,
              const std::string& from_writer) {
    return agree(code, message, Shares{count, from_writer, {}, {}, {}});
}

#if RISKMAP_WITH_MPI
namespace {
/// Every rank's `list` one after another, in rank order, on every rank.
std::vector<float> gather_in_rank_order(const std::vector<float>& list) {
    const int own = static_cast<int>(list.size());
    const auto size = static_cast<std::size_t>(g_ranks);
    std::vector<int> counts(size), offsets(size, 0);
    check(MPI_Allgather(&own, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD),
          "MPI_Allgather");
    long long total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
        offsets[r] = static_cast<int>(total);
        total += counts[r];
    }
    if (total > std::numeric_limits<int>::max())
        throw Error("MPI: a gathered list exceeds 2^31 values");
    std::vector<float> out(static_cast<std::size_t>(total));
    check(MPI_Allgatherv(list.data(), own, MPI_FLOAT, out.data(), counts.data(), offsets.data(),
                         MPI_FLOAT, MPI_COMM_WORLD),
          "MPI_Allgatherv");
    return out;
}

/// Shares::sums and lists of every rank combined into `out` (all ranks succeeded).
void combine_shares(const Shares& mine, Outcome& out) {
    static_assert(sizeof(std::int64_t) == sizeof(long long));
    out.sums.assign(mine.sums.size(), 0);
    check(MPI_Allreduce(mine.sums.data(), out.sums.data(), static_cast<int>(mine.sums.size()),
                        MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD),
          "MPI_Allreduce");
    out.mins.assign(mine.mins.size(), 0);
    check(MPI_Allreduce(mine.mins.data(), out.mins.data(), static_cast<int>(mine.mins.size()),
                        MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD),
          "MPI_Allreduce");
    for (const auto& list : mine.lists)
        out.lists.push_back(gather_in_rank_order(list));
}
} // namespace
#endif

#if RISKMAP_WITH_MPI
namespace {
Outcome agree_across_ranks(int code, const std::string& message, const Shares& shares) {
    // The lowest failing rank holds the lowest failing tile (ranks own contiguous ranges).
    const int mine = code ? g_rank : g_ranks;
    int lowest = g_ranks;
    check(MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    long long sum = 0;
    const long long own = shares.count;
    check(MPI_Allreduce(&own, &sum, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    Outcome out{0, -1, "", sum, broadcast(shares.from_writer, 0), {}, {}, {}};
    if (lowest == g_ranks) {
        // Every rank is here with its shares (a failed one would have joined from main()
        // without them, and then nobody gets this far): only now may their sizes be relied on.
        combine_shares(shares, out);
        return out;
    }
    out.code = code;
    check(MPI_Bcast(&out.code, 1, MPI_INT, lowest, MPI_COMM_WORLD), "MPI_Bcast");
    out.failed_rank = lowest;
    out.message = broadcast(message, lowest);
    return out;
}
} // namespace
#endif

Outcome agree(int code, const std::string& message, Shares shares) {
#if RISKMAP_WITH_MPI
    if (g_ranks > 1)
        return agree_across_ranks(code, message, shares);
#endif
    return {code,
            code ? 0 : -1,
            message,
            shares.count,
            std::move(shares.from_writer),
            std::move(shares.sums),
            std::move(shares.lists),
            std::move(shares.mins)};
}

void throw_outcome(const Outcome& o) {
    throw AgreedError(o.code, "rank " + std::to_string(o.failed_rank) + " of " +
                                  std::to_string(g_ranks) + ": " + o.message);
}

std::pair<std::size_t, std::size_t> weighted_range(const std::vector<std::int64_t>& weights,
                                                   int rank, int ranks) {
    std::int64_t total = 0; // pixels: at most ~1e10 at 1", so ranks x 2 total fits
    for (const std::int64_t w : weights)
        total += w;
    // Tile i goes to the rank its weight's midpoint falls in: floor(ranks (S_i + w_i / 2) /
    // total), S_i the weight before it. Non-decreasing in i, so every rank gets one contiguous
    // range; integer arithmetic, so every rank cuts at the same tiles.
    std::size_t begin = weights.size(), end = weights.size();
    std::int64_t before = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const std::int64_t mid2 = 2 * before + weights[i];
        const int owner =
            total > 0
                ? static_cast<int>(std::min<std::int64_t>(ranks - 1, ranks * mid2 / (2 * total)))
                : 0;
        if (owner >= rank && begin == weights.size())
            begin = i;
        if (owner > rank) {
            end = i;
            break;
        }
        before += weights[i];
    }
    if (begin > end)
        begin = end;
    return {begin, end};
}

} // namespace riskmap::sched
