#include "sched/ranks.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

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
    if (g_ranks == 1)
        return {code, code ? 0 : -1, message, count, from_writer};
#if RISKMAP_WITH_MPI
    // The lowest failing rank holds the lowest failing tile (ranks own contiguous ranges).
    const int mine = code ? g_rank : g_ranks;
    int lowest = g_ranks;
    check(MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    long long sum = 0;
    const long long own = count;
    check(MPI_Allreduce(&own, &sum, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    std::string writer_text = broadcast(from_writer, 0);
    if (lowest == g_ranks)
        return {0, -1, "", sum, std::move(writer_text)};
    int agreed_code = code;
    check(MPI_Bcast(&agreed_code, 1, MPI_INT, lowest, MPI_COMM_WORLD), "MPI_Bcast");
    return {agreed_code, lowest, broadcast(message, lowest), sum, std::move(writer_text)};
#else
    return {code, code ? 0 : -1, message, count, from_writer};
#endif
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
