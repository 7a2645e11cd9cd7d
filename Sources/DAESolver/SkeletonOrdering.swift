/// An ordering of the condensed solver's skeleton (the Schur complement left after the blocks are
/// eliminated; CondensedLinearSolver.swift) as a bordered band:
///
///     [ A₁₁  A₁₂ ]    A₁₁ banded (lower bandwidth `lower`, upper `upper`) over `bandCount`
///     [ A₂₁  A₂₂ ]    unknowns, A₁₂, A₂₁, A₂₂ dense over `borderCount` border unknowns.
///
/// In a P2D skeleton the potentials (and films, double layers) of a mesh cell couple only to the
/// neighbouring cells', a band in x once ordered cell by cell, while a few global unknowns (the
/// current, which closes the chain of cells into a ring; the stack pressure, which every cell
/// reads) couple across it: those are the border. The ordering is found from the pattern alone: the
/// non-border unknowns are ordered by reverse Cuthill–McKee, and the border is grown greedily, one
/// unknown at a time, each time the candidate (highest degree, or widest span of indices) whose
/// removal lowers the estimated cost most.
///
/// ``init(dimension:entries:)`` returns nil when a bordered band does not pay against KLU on the
/// skeleton's sparse pattern (the estimate in ``solveCost`` against ``kluSolveEstimate``).
struct SkeletonOrdering: Equatable {
    /// New position → skeleton index: the band's unknowns first, then the border's.
    let order: [Int]
    let bandCount: Int
    let borderCount: Int
    /// Half-bandwidths of A₁₁ in the new order: A₁₁[i][j] ≠ 0 only for −upper ≤ i − j ≤ lower.
    let lower: Int
    let upper: Int

    /// Most border unknowns tried.
    static let maximumBorder = 8
    /// Border candidates taken by each criterion (degree, span of indices).
    static let candidatesPerCriterion = 8

    /// Multiply-adds of one solve with the band LU (its row interchanges included) and the border's
    /// Schur complement.
    var solveCost: Int {
        bandCount * (2 * lower + upper + 1) + 2 * bandCount * borderCount + borderCount * borderCount
    }

    /// Multiply-adds of one factorisation: the band LU with partial pivoting, A₁₁⁻¹ A₁₂, the border's
    /// Schur complement and its dense LU.
    var factorCost: Int {
        let n = bandCount, b = borderCount
        return n * lower * (lower + upper + 1) + b * n * (2 * lower + upper + 1) + b * b * n + b * b * b / 3
    }

    /// What one solve of KLU on the skeleton's pattern is estimated to cost, in the same units as
    /// ``solveCost``: its triangular solves touch each entry of L and U about once (nnz(L + U) is
    /// at least nnz(S)), and each column costs a few multiply-adds' worth of bookkeeping.
    static func kluSolveEstimate(dimension: Int, nonZeros: Int) -> Int { 2 * nonZeros + 8 * dimension }

    /// The bordered-band ordering of the pattern given by `entries` (skeleton row, column; any
    /// order, duplicates allowed) over `dimension` unknowns, or nil when KLU is estimated to be
    /// cheaper (or the pattern is empty).
    init?(dimension: Int, entries: [(row: Int, column: Int)]) {
        guard dimension > 0 else { return nil }
        var neighbours = [Set<Int>](repeating: [], count: dimension)
        var directed = Set<Int>()
        for e in entries where e.row != e.column {
            neighbours[e.row].insert(e.column)
            neighbours[e.column].insert(e.row)
            directed.insert(e.row * dimension + e.column)
        }
        let adjacency = neighbours.map { $0.sorted() }
        let pairs = directed.sorted().map { (row: $0 / dimension, column: $0 % dimension) }

        var isBorder = [Bool](repeating: false, count: dimension)
        var best = Self.evaluate(isBorder: isBorder, adjacency: adjacency, pairs: pairs)
        // Candidates for the border: the unknowns of highest degree (coupled to many) and those
        // whose couplings span the widest range of indices (a system numbered along x: the ones
        // that couple one end to the other, as the current does).
        let span = (0..<dimension).map { u in adjacency[u].reduce(0) { max($0, abs($1 - u)) } }
        let byDegree = (0..<dimension).sorted { (adjacency[$0].count, -$0) > (adjacency[$1].count, -$1) }
        let bySpan = (0..<dimension).sorted { (span[$0], -$0) > (span[$1], -$1) }
        var candidates: [Int] = []
        for u in byDegree.prefix(Self.candidatesPerCriterion) + bySpan.prefix(Self.candidatesPerCriterion) where !candidates.contains(u) {
            candidates.append(u)
        }
        // Grow the border one unknown at a time, each time the candidate whose removal costs least;
        // stop after two steps without improvement.
        var sinceImprovement = 0
        for _ in 0..<min(Self.maximumBorder, dimension) {
            var stepBest: (ordering: SkeletonOrdering, unknown: Int)?
            for u in candidates where !isBorder[u] {
                isBorder[u] = true
                let trial = Self.evaluate(isBorder: isBorder, adjacency: adjacency, pairs: pairs)
                isBorder[u] = false
                if stepBest == nil || trial.cost < stepBest!.ordering.cost { stepBest = (trial, u) }
            }
            guard let stepBest else { break }
            isBorder[stepBest.unknown] = true
            if stepBest.ordering.cost < best.cost {
                best = stepBest.ordering
                sinceImprovement = 0
            } else {
                sinceImprovement += 1
                if sinceImprovement == 2 { break }
            }
        }
        let nonZeros = Set(entries.map { $0.row * dimension + $0.column }).count
        guard best.solveCost <= Self.kluSolveEstimate(dimension: dimension, nonZeros: nonZeros) else { return nil }
        self = best
    }

    private init(order: [Int], bandCount: Int, lower: Int, upper: Int) {
        self.order = order
        self.bandCount = bandCount
        self.borderCount = order.count - bandCount
        self.lower = lower
        self.upper = upper
    }

    /// The figure the border search minimises: a factorisation and the four to eight solves that
    /// IDA does per factorisation.
    private var cost: Int { factorCost + 6 * solveCost }

    /// The ordering with the given border: the other unknowns by reverse Cuthill–McKee, then the
    /// border in ascending index order.
    private static func evaluate(isBorder: [Bool], adjacency: [[Int]], pairs: [(row: Int, column: Int)]) -> SkeletonOrdering {
        let n = adjacency.count
        let band = reverseCuthillMcKee(adjacency: adjacency, excluded: isBorder)
        var position = [Int](repeating: -1, count: n)
        for (p, u) in band.enumerated() { position[u] = p }
        var lower = 0, upper = 0
        for (r, c) in pairs where !isBorder[r] && !isBorder[c] {
            let d = position[r] - position[c]
            if d > lower { lower = d }
            if -d > upper { upper = -d }
        }
        return SkeletonOrdering(order: band + (0..<n).filter { isBorder[$0] }, bandCount: band.count,
                                lower: lower, upper: upper)
    }

    /// Reverse Cuthill–McKee order of the unknowns not `excluded`: per connected component (taken
    /// in order of their lowest unknown), breadth-first from a pseudo-peripheral unknown, the
    /// neighbours of each in ascending degree; the whole sequence reversed.
    static func reverseCuthillMcKee(adjacency: [[Int]], excluded: [Bool]) -> [Int] {
        let n = adjacency.count
        var degree = [Int](repeating: 0, count: n)
        for u in 0..<n where !excluded[u] {
            var d = 0
            for v in adjacency[u] where !excluded[v] { d += 1 }
            degree[u] = d
        }
        var visited = excluded
        var order: [Int] = []
        order.reserveCapacity(n)
        var mark = [Int](repeating: -1, count: n)
        var stamp = 0
        var queue = [Int](repeating: 0, count: n)
        /// Breadth-first search from `root` among the unvisited, in `queue`: the number of levels
        /// and a least-degree unknown of the last level.
        func levels(from root: Int) -> (depth: Int, peripheral: Int) {
            stamp += 1
            mark[root] = stamp
            queue[0] = root
            var head = 0, tail = 1, levelStart = 0, depth = 1
            while true {
                let levelEnd = tail
                while head < levelEnd {
                    let u = queue[head]
                    head += 1
                    for v in adjacency[u] where !visited[v] && mark[v] != stamp {
                        mark[v] = stamp
                        queue[tail] = v
                        tail += 1
                    }
                }
                if tail == levelEnd {
                    var peripheral = queue[levelStart]
                    for k in levelStart..<levelEnd where (degree[queue[k]], queue[k]) < (degree[peripheral], peripheral) {
                        peripheral = queue[k]
                    }
                    return (depth, peripheral)
                }
                levelStart = levelEnd
                depth += 1
            }
        }
        var next: [Int] = []
        for seed in 0..<n where !visited[seed] {
            // Pseudo-peripheral root (George and Liu): move to a least-degree unknown of the last
            // level while that lengthens the level structure.
            var root = seed
            var (depth, peripheral) = levels(from: root)
            while true {
                let (candidateDepth, candidatePeripheral) = levels(from: peripheral)
                if candidateDepth <= depth { break }
                root = peripheral
                depth = candidateDepth
                peripheral = candidatePeripheral
            }
            let start = order.count
            order.append(root)
            visited[root] = true
            var head = start
            while head < order.count {
                let u = order[head]
                head += 1
                next.removeAll(keepingCapacity: true)
                for v in adjacency[u] where !visited[v] {
                    visited[v] = true
                    next.append(v)
                }
                next.sort { (degree[$0], $0) < (degree[$1], $1) }
                order += next
            }
        }
        order.reverse()
        return order
    }
}
