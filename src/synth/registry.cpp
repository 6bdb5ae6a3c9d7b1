// The administrative hierarchy of the national preset. Seeds of one region (island group) are
// split into provinces, provinces into regencies, regencies into kecamatan. Each split grows
// groups over the Delaunay graph of the seeds from a few sources by shortest path in hops
// (Lloyd steps move the sources to their group's middle): groups hold similar numbers of
// villages and are connected through neighbouring villages, as administrative units are.

#include "synth/national.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <queue>

namespace riskmap::synth::national {

namespace {
constexpr int kLloydSteps = 6;

using Graph = std::vector<std::vector<int>>; // neighbours by seed index

void link(Graph& g, int a, int b) {
    g[static_cast<std::size_t>(a)].push_back(b);
    g[static_cast<std::size_t>(b)].push_back(a);
}

// Delaunay edges among the seeds of each region; a region of up to three seeds is a clique.
Graph delaunay_graph(const std::vector<Seed>& seeds,
                     const std::vector<std::vector<int>>& by_region) {
    Graph g(seeds.size());
    const GeosContext ctx;
    for (const auto& members : by_region) {
        if (members.size() <= 3) {
            for (std::size_t i = 0; i < members.size(); ++i)
                for (std::size_t j = i + 1; j < members.size(); ++j)
                    link(g, members[i], members[j]);
            continue;
        }
        std::map<std::pair<double, double>, int> index;
        std::vector<GeosPtr> points;
        for (int k : members) {
            const Point& at = seeds[static_cast<std::size_t>(k)].at;
            index[{at.x, at.y}] = k;
            points.push_back(make_point(ctx, at));
        }
        const GeosPtr all = make_collection(ctx, GEOS_MULTIPOINT, std::move(points));
        const GeosPtr edges = own(ctx, GEOSDelaunayTriangulation_r(ctx.get(), all.get(), 0, 1),
                                  "the Delaunay triangulation of the village seeds");
        for (const auto& line : lines_of(ctx, edges.get())) {
            const auto a = index.find({line.front().x, line.front().y});
            const auto b = index.find({line.back().x, line.back().y});
            if (a == index.end() || b == index.end())
                throw Error("synth: a Delaunay edge does not join two village seeds");
            link(g, a->second, b->second);
        }
    }
    for (auto& n : g) {
        std::sort(n.begin(), n.end());
        n.erase(std::unique(n.begin(), n.end()), n.end());
    }
    return g;
}

/// Splits members into groups grown from sources over the graph.
class Splitter {
public:
    Splitter(const Graph& g, const std::vector<Seed>& seeds)
        : graph_(g), seeds_(seeds), local_(seeds.size(), -1) {}

    /// Group (0..k-1) of each member.
    std::vector<int> split(const std::vector<int>& members, int k, Rng& rng) {
        for (std::size_t i = 0; i < members.size(); ++i)
            local_[static_cast<std::size_t>(members[i])] = static_cast<int>(i);
        std::vector<int> sources = initial_sources(members, k, rng);
        std::vector<int> group = grow(members, sources);
        for (int step = 0; step < kLloydSteps; ++step) {
            sources = middles(members, group, k);
            group = grow(members, sources);
        }
        for (int m : members)
            local_[static_cast<std::size_t>(m)] = -1;
        return group;
    }

private:
    const Point& at(int member_seed) const {
        return seeds_[static_cast<std::size_t>(member_seed)].at;
    }

    static double d2(const Point& a, const Point& b) {
        return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
    }

    // k-means++ seeding: each next source drawn with probability proportional to the squared
    // distance to the nearest chosen one. Sources are member positions (local indices).
    std::vector<int> initial_sources(const std::vector<int>& members, int k, Rng& rng) const {
        const std::size_t n = members.size();
        std::vector<int> sources{rng.index(static_cast<int>(n))};
        std::vector<double> dist(n, HUGE_VAL);
        while (static_cast<int>(sources.size()) < k) {
            const Point& last = at(members[static_cast<std::size_t>(sources.back())]);
            double total = 0;
            for (std::size_t i = 0; i < n; ++i) {
                dist[i] = std::min(dist[i], d2(at(members[i]), last));
                total += dist[i];
            }
            double u = rng.uniform() * total;
            std::size_t pick = 0;
            while (pick + 1 < n && (u >= dist[pick] || dist[pick] == 0)) {
                u -= dist[pick];
                ++pick;
            }
            if (dist[pick] == 0)
                break; // fewer distinct members than groups
            sources.push_back(static_cast<int>(pick));
        }
        return sources;
    }

    // Multi-source Dijkstra in hops (plus a little length, so ties break by distance); a
    // member the graph cannot reach joins the nearest source.
    std::vector<int> grow(const std::vector<int>& members, const std::vector<int>& sources) const {
        const std::size_t n = members.size();
        std::vector<double> dist(n, HUGE_VAL);
        std::vector<int> group(n, -1);
        using Item = std::pair<double, int>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
        for (std::size_t s = 0; s < sources.size(); ++s) {
            const auto i = static_cast<std::size_t>(sources[s]);
            dist[i] = 0;
            group[i] = static_cast<int>(s);
            queue.push({0.0, sources[s]});
        }
        const double unit = typical_edge(members);
        while (!queue.empty()) {
            const auto [d, i] = queue.top();
            queue.pop();
            if (d > dist[static_cast<std::size_t>(i)])
                continue;
            const int seed = members[static_cast<std::size_t>(i)];
            for (int nb : graph_[static_cast<std::size_t>(seed)]) {
                const int j = local_[static_cast<std::size_t>(nb)];
                if (j < 0)
                    continue;
                const double nd = d + 1 + 0.25 * std::sqrt(d2(at(seed), at(nb))) / unit;
                if (nd < dist[static_cast<std::size_t>(j)]) {
                    dist[static_cast<std::size_t>(j)] = nd;
                    group[static_cast<std::size_t>(j)] = group[static_cast<std::size_t>(i)];
                    queue.push({nd, j});
                }
            }
        }
        for (std::size_t i = 0; i < n; ++i)
            if (group[i] < 0)
                group[i] = nearest_source(members, sources, members[i]);
        return group;
    }

    int nearest_source(const std::vector<int>& members, const std::vector<int>& sources,
                       int seed) const {
        int best = 0;
        for (std::size_t s = 1; s < sources.size(); ++s)
            if (d2(at(members[static_cast<std::size_t>(sources[s])]), at(seed)) <
                d2(at(members[static_cast<std::size_t>(sources[static_cast<std::size_t>(best)])]),
                   at(seed)))
                best = static_cast<int>(s);
        return best;
    }

    double typical_edge(const std::vector<int>& members) const {
        double sum = 0;
        std::size_t count = 0;
        for (int m : members)
            for (int nb : graph_[static_cast<std::size_t>(m)])
                if (local_[static_cast<std::size_t>(nb)] >= 0) {
                    sum += std::sqrt(d2(at(m), at(nb)));
                    ++count;
                }
        return count > 0 && sum > 0 ? sum / static_cast<double>(count) : 1.0;
    }

    // The member nearest each group's centroid becomes its next source.
    std::vector<int> middles(const std::vector<int>& members, const std::vector<int>& group,
                             int k) const {
        std::vector<Point> sum(static_cast<std::size_t>(k));
        std::vector<int> count(static_cast<std::size_t>(k), 0);
        for (std::size_t i = 0; i < members.size(); ++i) {
            const auto g = static_cast<std::size_t>(group[i]);
            sum[g].x += at(members[i]).x;
            sum[g].y += at(members[i]).y;
            ++count[g];
        }
        std::vector<int> best(static_cast<std::size_t>(k), -1);
        std::vector<double> best_d2(static_cast<std::size_t>(k), HUGE_VAL);
        for (std::size_t i = 0; i < members.size(); ++i) {
            const auto g = static_cast<std::size_t>(group[i]);
            const Point c{sum[g].x / count[g], sum[g].y / count[g]};
            const double d = d2(at(members[i]), c);
            if (d < best_d2[g]) {
                best_d2[g] = d;
                best[g] = static_cast<int>(i);
            }
        }
        std::erase(best, -1);
        return best;
    }

    const Graph& graph_;
    const std::vector<Seed>& seeds_;
    std::vector<int> local_;
};

// One to each group, the rest of `total` in proportion to the sizes by largest remainder
// (Hamilton); no group gets more than min(size, cap).
std::vector<int> allocate(const std::vector<int>& sizes, int total, const std::vector<int>& caps) {
    const double all = std::accumulate(sizes.begin(), sizes.end(), 0.0);
    const double rest = std::max(0, total - static_cast<int>(sizes.size()));
    std::vector<int> n(sizes.size());
    std::vector<double> quota(sizes.size());
    int given = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        quota[i] = 1 + rest * sizes[i] / all;
        n[i] = std::min(static_cast<int>(quota[i]), std::min(sizes[i], caps[i]));
        given += n[i];
    }
    for (; given < total; ++given) {
        int pick = -1;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            const auto p = static_cast<std::size_t>(pick);
            if (n[i] < std::min(sizes[i], caps[i]) &&
                (pick < 0 || quota[i] - n[i] > quota[p] - n[p]))
                pick = static_cast<int>(i);
        }
        if (pick < 0)
            break;
        ++n[static_cast<std::size_t>(pick)];
    }
    return n;
}

using Members = std::vector<int>;

Point centroid(const std::vector<Seed>& seeds, const Members& m) {
    Point c;
    for (int k : m) {
        c.x += seeds[static_cast<std::size_t>(k)].at.x;
        c.y += seeds[static_cast<std::size_t>(k)].at.y;
    }
    return {c.x / static_cast<double>(m.size()), c.y / static_cast<double>(m.size())};
}

// Splits every parent into its share of `total` children, numbered from the north-west to the
// south-east within their parent, as the registry numbers Sumatra's provinces from Aceh.
std::vector<std::vector<Members>> split_level(Splitter& splitter, const std::vector<Seed>& seeds,
                                              const std::vector<Members>& parents, int total,
                                              const std::vector<int>& caps, Rng& rng) {
    std::vector<int> sizes;
    for (const auto& m : parents)
        sizes.push_back(static_cast<int>(m.size()));
    const std::vector<int> counts = allocate(sizes, total, caps);
    std::vector<std::vector<Members>> out;
    for (std::size_t i = 0; i < parents.size(); ++i) {
        const std::vector<int> group = splitter.split(parents[i], counts[i], rng);
        std::vector<Members> children(static_cast<std::size_t>(counts[i]));
        for (std::size_t j = 0; j < group.size(); ++j)
            children[static_cast<std::size_t>(group[j])].push_back(parents[i][j]);
        std::erase_if(children, [](const Members& m) { return m.empty(); });
        std::vector<double> key;
        for (const auto& c : children) {
            const Point at = centroid(seeds, c);
            key.push_back(at.x - at.y);
        }
        std::vector<std::size_t> order(children.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
        std::vector<Members> sorted;
        for (std::size_t k : order)
            sorted.push_back(std::move(children[k]));
        out.push_back(std::move(sorted));
    }
    return out;
}

std::string two_digits(int n) {
    return (n < 10 ? "0" : "") + std::to_string(n);
}

std::vector<Members> flatten(std::vector<std::vector<Members>>& nested) {
    std::vector<Members> out;
    for (auto& level : nested)
        for (auto& m : level)
            out.push_back(std::move(m));
    return out;
}

detail::Preset naming_preset() {
    detail::Preset p;
    p.name_prefixes = 64;
    p.name_suffixes = 64;
    return p;
}

// Kelurahan (urban) are numbered from 1001, desa from 2001, each north to south, then west
// to east, as the registry numbers them.
void add_villages(const std::vector<Seed>& seeds, Members members, const std::string& kecamatan,
                  int kecamatan_index, Rng& rng, Registry& out) {
    std::stable_sort(members.begin(), members.end(), [&](int a, int b) {
        const Seed& sa = seeds[static_cast<std::size_t>(a)];
        const Seed& sb = seeds[static_cast<std::size_t>(b)];
        if (sa.urban != sb.urban)
            return sa.urban;
        return sa.at.y != sb.at.y ? sa.at.y > sb.at.y : sa.at.x < sb.at.x;
    });
    detail::Namer namer(naming_preset());
    int kelurahan = 1000, desa = 2000;
    for (int k : members) {
        const Seed& s = seeds[static_cast<std::size_t>(k)];
        const int number = s.urban ? ++kelurahan : ++desa;
        if (kelurahan > 1999 || desa > 2999)
            throw Error("synth: more than 999 villages of one kind in kecamatan " + kecamatan);
        detail::Village v;
        v.x = s.at.x;
        v.y = s.at.y;
        v.kecamatan = kecamatan_index;
        v.code = kecamatan + std::to_string(number);
        v.name = namer.unique(rng);
        out.set.villages.push_back(std::move(v));
        out.seed_of.push_back(k);
    }
}
} // namespace

Registry assign_national_codes(const NationalPreset& p, const std::vector<Seed>& seeds,
                               const std::vector<Island>& islands, Rng& rng) {
    const auto& all_regions = regions();
    std::vector<Members> by_region(all_regions.size());
    for (std::size_t k = 0; k < seeds.size(); ++k)
        by_region[static_cast<std::size_t>(
                      islands[static_cast<std::size_t>(seeds[k].island)].region)]
            .push_back(static_cast<int>(k));
    const Graph graph = delaunay_graph(seeds, by_region);
    Splitter splitter(graph, seeds);
    std::vector<Members> parents;
    std::vector<int> slots, first_code;
    for (std::size_t r = 0; r < all_regions.size(); ++r) {
        if (by_region[r].empty())
            continue;
        parents.push_back(by_region[r]);
        const int next = r + 1 < all_regions.size() ? all_regions[r + 1].first_province_code : 100;
        slots.push_back(next - all_regions[r].first_province_code);
        first_code.push_back(all_regions[r].first_province_code);
    }
    auto provinces = split_level(splitter, seeds, parents, p.provinces, slots, rng);
    std::vector<std::string> province_codes;
    for (std::size_t r = 0; r < provinces.size(); ++r)
        for (std::size_t i = 0; i < provinces[r].size(); ++i)
            province_codes.push_back(two_digits(first_code[r] + static_cast<int>(i)));
    const auto province_list = flatten(provinces);
    auto regencies = split_level(splitter, seeds, province_list, p.regencies,
                                 std::vector<int>(province_list.size(), 99), rng);
    std::vector<std::string> regency_codes;
    for (std::size_t pr = 0; pr < regencies.size(); ++pr)
        for (std::size_t i = 0; i < regencies[pr].size(); ++i)
            regency_codes.push_back(province_codes[pr] + two_digits(static_cast<int>(i) + 1));
    const auto regency_list = flatten(regencies);
    auto kecamatan = split_level(splitter, seeds, regency_list, p.kecamatan,
                                 std::vector<int>(regency_list.size(), 99), rng);
    Registry out;
    for (std::size_t rg = 0; rg < kecamatan.size(); ++rg) {
        detail::Namer namer(naming_preset());
        for (std::size_t i = 0; i < kecamatan[rg].size(); ++i) {
            const std::string code = regency_codes[rg] + two_digits(static_cast<int>(i) + 1);
            out.set.kecamatan_codes.push_back(code);
            out.set.kecamatan_names.push_back(namer.unique(rng));
            add_villages(seeds, std::move(kecamatan[rg][i]), code,
                         static_cast<int>(out.set.kecamatan_codes.size()) - 1, rng, out);
        }
    }
    return out;
}

} // namespace riskmap::synth::national
