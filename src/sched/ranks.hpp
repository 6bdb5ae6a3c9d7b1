#pragma once
/// \file
/// The processes of one run: an MPI world when riskmap is launched by mpirun or srun, a world of
/// one process otherwise (then no MPI call is made at all, so a plain run is unchanged).
///
/// MPI is called from the main thread only (MPI_THREAD_FUNNELED); oneTBB owns the threads
/// inside each rank. Every collective here is one kind (`agree`), so ranks that fail at
/// different places still meet: a rank that fails before a collective joins the others' next
/// one from main(), and all of them leave with the same outcome.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace riskmap::sched {

/// Starts MPI when a launcher started this process (Open MPI's mpirun, PMIx or PMI: srun).
/// Call once, first thing in main().
void start_ranks(int& argc, char**& argv);
/// Ends MPI if start_ranks started it. Call once, last thing in main().
void stop_ranks();

/// This process's rank (0 without MPI) and the number of ranks (1 without MPI).
int rank();
int ranks();
/// Whether this process writes (rank 0).
inline bool is_writer() {
    return rank() == 0;
}

/// What the ranks agreed on: 0 when every rank succeeded, else the exit code and message of the
/// lowest failing rank.
struct Outcome {
    int code = 0;
    int failed_rank = -1;
    std::string message;
    std::int64_t sum = 0;                  ///< of every rank's `count`
    std::string from_writer;               ///< the writer's `from_writer`, on every rank
    std::vector<std::int64_t> sums;        ///< element-wise totals of Shares::sums
    std::vector<std::vector<float>> lists; ///< Shares::lists, each concatenated in rank order
    std::vector<std::int64_t> mins;        ///< element-wise least of Shares::mins
};

/// What a rank brings to an agreement besides its status. `sums` are added up element-wise
/// (integers: the same totals whatever the rank count), `mins` reduced to their least; each
/// of `lists` is concatenated in rank order (ranks own contiguous tile ranges, so that is the
/// tiles' order). They are exchanged only when every rank succeeded, and must then have the
/// same shape on every rank.
struct Shares {
    std::int64_t count = 0;
    std::string from_writer;
    std::vector<std::int64_t> sums;
    std::vector<std::vector<float>> lists;
    std::vector<std::int64_t> mins;
};

/// Collective over every rank: each gives its own status (0 = fine) and a count to add up
/// (integers: the same sum whatever the rank count), all receive the outcome and the writer's
/// `from_writer` text (what the other ranks need to know of it, e.g. its staging folder; a
/// part of every agreement, so that the agreement stays the only kind of collective).
Outcome agree(int code, const std::string& message, std::int64_t count = 0,
              const std::string& from_writer = {});
/// The same, with this rank's shares of what the ranks add up and gather.
Outcome agree(int code, const std::string& message, Shares shares);

/// Throws the failure of `outcome` as an AgreedError, naming the failing rank.
[[noreturn]] void throw_outcome(const Outcome& outcome);

/// Tiles [begin, end) of this rank when tiles with these weights are cut into `ranks()`
/// contiguous ranges of about equal weight (a rank may get none). The same on every rank.
std::pair<std::size_t, std::size_t> weighted_range(const std::vector<std::int64_t>& weights,
                                                   int rank, int ranks);

} // namespace riskmap::sched
