import CCondensedSolver
import CSundials

/// Which sparse direct solver factorises the iteration matrix J = ∂F/∂y + c_j ∂F/∂ẏ.
public enum LinearSolverKind: String, Sendable, Equatable {
    /// KLU on the whole matrix.
    case klu
    /// The system's condensable blocks eliminated by static condensation, KLU on the Schur
    /// complement over the remaining ("skeleton") unknowns (``DAESystem/condensableBlocks``).
    case condensed
}

/// How the condensed solver factorises the skeleton (the Schur complement left after condensation).
public enum SkeletonSolverKind: String, Sendable, Equatable {
    /// A band LU with partial pivoting plus a dense border eliminated by its Schur complement, in
    /// the ordering ``SkeletonOrdering`` finds (SkeletonOrdering.swift).
    case borderedBand = "bordered band"
    /// KLU on the skeleton's sparse pattern, when the pattern is no bordered band worth the name.
    case klu
}

/// The linear solver an ``IDASolver`` should use.
public enum LinearSolverChoice: String, Sendable, Equatable {
    /// Condensation when the system declares blocks whose pattern allows it, KLU otherwise.
    case automatic
    /// KLU on the whole matrix whatever the system declares (the reference).
    case klu
}

/// The structure behind the condensed linear solver, computed once from the Jacobian's sparsity
/// pattern and the declared blocks, and checked there:
///
/// - the blocks are non-empty, disjoint ranges inside 0..<N and leave at least one unknown outside
///   (the skeleton);
/// - no entry couples two different blocks;
/// - within a block of size n, rows 0..n−2 are tridiagonal (row m has entries only in columns
///   m−1, m, m+1 of the block) and each has its diagonal; the last row may be dense in the block.
///
/// Couplings between a block and skeleton unknowns are unrestricted (any block row to any skeleton
/// column, any skeleton row to any block column); each block adds to the skeleton's pattern the
/// dense rows × columns fill A_sb A_bb⁻¹ A_bs among the skeleton unknowns it touches.
///
/// The skeleton is factorised as a bordered band when ``SkeletonOrdering`` finds that ordering
/// cheaper than KLU (the skeleton unknowns are then numbered in that order), else with KLU.
struct CondensationPlan {
    /// The packed index arrays the C solver reads (layout in condensed_solver.h).
    let packed: [Int64]
    let blockCount: Int
    let skeletonCount: Int
    let skeletonNonZeros: Int
    let skeletonSolver: SkeletonSolverKind
    /// The bordered-band ordering (nil with KLU on the skeleton).
    let skeletonOrdering: SkeletonOrdering?

    /// The skeleton's shape in words (``IDASolver/condensedSkeletonDescription``).
    var skeletonDescription: String {
        guard let o = skeletonOrdering else {
            return "KLU on \(skeletonCount) skeleton unknowns, \(skeletonNonZeros) non-zeros"
        }
        return "bordered band on \(skeletonCount) skeleton unknowns: band of \(o.bandCount), half-bandwidths "
            + "\(o.lower)/\(o.upper), border of \(o.borderCount)"
    }

    /// Why a system's blocks cannot be condensed.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// The plan for `pattern` with the given blocks; `borderedBand: false` keeps KLU on the
    /// skeleton whatever its pattern (for comparisons).
    init(pattern: SparsityPattern, blocks: [Range<Int>], borderedBand: Bool = true) throws(Refusal) {
        let n = pattern.dimension
        guard !blocks.isEmpty else { throw Refusal(description: "the system declares no condensable blocks") }
        let sorted = blocks.sorted { $0.lowerBound < $1.lowerBound }
        var blockOf = [Int](repeating: -1, count: n)
        for (b, block) in sorted.enumerated() {
            guard !block.isEmpty, block.lowerBound >= 0, block.upperBound <= n else {
                throw Refusal(description: "block \(block) is empty or outside 0..<\(n)")
            }
            for i in block {
                guard blockOf[i] < 0 else { throw Refusal(description: "blocks overlap at unknown \(i)") }
                blockOf[i] = b
            }
        }
        var skeletonOf = [Int](repeating: -1, count: n)
        var skeletonFull: [Int] = []
        for i in 0..<n where blockOf[i] < 0 {
            skeletonOf[i] = skeletonFull.count
            skeletonFull.append(i)
        }
        let ns = skeletonFull.count
        guard ns > 0 else { throw Refusal(description: "every unknown lies in a block: no skeleton left") }

        // Per block node: slots of the tridiagonal rows and of the last row.
        var nodeStart = [Int](repeating: 0, count: sorted.count + 1)
        for (b, block) in sorted.enumerated() { nodeStart[b + 1] = nodeStart[b] + block.count }
        let nodes = nodeStart[sorted.count]
        var diag = [Int](repeating: -1, count: nodes), sub = diag, sup = diag, last = diag
        // Couplings, per block: skeleton column → [(node, slot)], skeleton row → [(node, slot)].
        var blockToSkeleton = [[Int: [(node: Int, slot: Int)]]](repeating: [:], count: sorted.count)
        var skeletonToBlock = [[Int: [(node: Int, slot: Int)]]](repeating: [:], count: sorted.count)
        var gather: [(source: Int, row: Int, column: Int)] = []
        for column in 0..<n {
            let bc = blockOf[column]
            for slot in pattern.columnStarts[column]..<pattern.columnStarts[column + 1] {
                let row = pattern.rowIndices[slot]
                let br = blockOf[row]
                switch (br >= 0, bc >= 0) {
                case (true, true):
                    guard br == bc else {
                        throw Refusal(description: "entry (\(row), \(column)) couples blocks \(sorted[br]) and \(sorted[bc])")
                    }
                    let first = sorted[br].lowerBound, size = sorted[br].count
                    let m = row - first, mc = column - first, node = nodeStart[br]
                    if m == size - 1 {
                        last[node + mc] = slot
                    } else if mc == m {
                        diag[node + m] = slot
                    } else if mc == m - 1 {
                        sub[node + m] = slot
                    } else if mc == m + 1 {
                        sup[node + m] = slot
                    } else {
                        throw Refusal(description: "entry (\(row), \(column)) of block \(sorted[br]) is neither "
                                      + "tridiagonal nor in the block's last row")
                    }
                case (true, false):
                    blockToSkeleton[br][skeletonOf[column], default: []].append((row - sorted[br].lowerBound, slot))
                case (false, true):
                    skeletonToBlock[bc][skeletonOf[row], default: []].append((column - sorted[bc].lowerBound, slot))
                case (false, false):
                    gather.append((slot, skeletonOf[row], skeletonOf[column]))
                }
            }
        }
        for (b, block) in sorted.enumerated() {
            let node = nodeStart[b]
            for m in 0..<block.count - 1 where diag[node + m] < 0 {
                throw Refusal(description: "block \(block) has no diagonal entry in row \(block.lowerBound + m)")
            }
            guard last[node + block.count - 1] >= 0 else {
                throw Refusal(description: "block \(block) has no diagonal entry in row \(block.upperBound - 1)")
            }
        }

        // The skeleton's ordering: a bordered band renumbers the skeleton unknowns.
        var naturalEntries = gather.map { (row: $0.row, column: $0.column) }
        for b in 0..<sorted.count {
            for r in skeletonToBlock[b].keys { for c in blockToSkeleton[b].keys { naturalEntries.append((r, c)) } }
        }
        let ordering = borderedBand ? SkeletonOrdering(dimension: ns, entries: naturalEntries) : nil
        if let ordering {
            var position = [Int](repeating: 0, count: ns)
            for (p, s) in ordering.order.enumerated() { position[s] = p }
            skeletonFull = ordering.order.map { skeletonFull[$0] }
            gather = gather.map { ($0.source, position[$0.row], position[$0.column]) }
            blockToSkeleton = blockToSkeleton.map { Dictionary(uniqueKeysWithValues: $0.map { (position[$0.key], $0.value) }) }
            skeletonToBlock = skeletonToBlock.map { Dictionary(uniqueKeysWithValues: $0.map { (position[$0.key], $0.value) }) }
        }

        // Skeleton pattern: its own entries and each block's fill.
        var entries = gather.map { (row: $0.row, column: $0.column) }
        var columnsOf: [[Int]] = [], rowsOf: [[Int]] = []
        for b in 0..<sorted.count {
            let columns = blockToSkeleton[b].keys.sorted(), rows = skeletonToBlock[b].keys.sorted()
            columnsOf.append(columns)
            rowsOf.append(rows)
            for r in rows { for c in columns { entries.append((r, c)) } }
        }
        let skeleton = SparsityPattern(dimension: ns, entries: entries)
        /// Where the C solver keeps entry (row, column) of the skeleton: its CSC slot for KLU, its
        /// position in the bordered-band storage (condensed_solver.c) otherwise.
        func skeletonSlot(_ row: Int, _ column: Int) -> Int {
            guard let o = ordering else { return skeleton.slot(row: row, column: column)! }
            let n1 = o.bandCount, n2 = o.borderCount, ld = 2 * o.lower + o.upper + 1
            switch (row < n1, column < n1) {
            case (true, true): return column * ld + o.lower + o.upper + row - column
            case (true, false): return n1 * ld + (column - n1) * n1 + row
            case (false, true): return n1 * ld + n1 * n2 + (row - n1) * n1 + column
            case (false, false): return n1 * ld + 2 * n1 * n2 + (column - n1) * n2 + (row - n1)
            }
        }
        let skeletonValueCount = ordering.map {
            $0.bandCount * (2 * $0.lower + $0.upper + 1) + 2 * $0.bandCount * $0.borderCount + $0.borderCount * $0.borderCount
        } ?? skeleton.nonZeroCount

        // Packing.
        var header = [Int64](repeating: 0, count: SOLIDCELL_CONDENSED_HEADER)
        var body: [Int64] = []
        func append(_ field: Int, _ values: [Int]) {
            header[field] = Int64(header.count + body.count)
            body.append(contentsOf: values.lazy.map { Int64($0) })
        }
        func set(_ field: Int, _ value: Int) { header[field] = Int64(value) }

        var bsColumnPointer = [0], bsColumnSkeleton: [Int] = []
        var couplingPointer = [0], couplingNode: [Int] = [], couplingEntryPointer = [0]
        var couplingEntryColumn: [Int] = [], couplingEntrySkeleton: [Int] = [], couplingEntrySlot: [Int] = []
        var sbRowPointer = [0], sbRowSkeleton: [Int] = [], sbEntryPointer = [0], sbEntryNode: [Int] = [], sbEntrySlot: [Int] = []
        var fillPointer = [0], fillPosition: [Int] = [], zPointer = [0], denseLast: [Int] = []
        for (b, block) in sorted.enumerated() {
            let columns = columnsOf[b]
            bsColumnSkeleton += columns
            bsColumnPointer.append(bsColumnSkeleton.count)
            // The block's rows that touch skeleton columns, each with its entries.
            var byRow: [Int: [(column: Int, skeleton: Int, slot: Int)]] = [:]
            for (position, c) in columns.enumerated() {
                for e in blockToSkeleton[b][c]! { byRow[e.node, default: []].append((position, c, e.slot)) }
            }
            for node in byRow.keys.sorted() {
                couplingNode.append(node)
                for e in byRow[node]! {
                    couplingEntryColumn.append(e.column)
                    couplingEntrySkeleton.append(e.skeleton)
                    couplingEntrySlot.append(e.slot)
                }
                couplingEntryPointer.append(couplingEntrySlot.count)
            }
            couplingPointer.append(couplingNode.count)
            for r in rowsOf[b] {
                sbRowSkeleton.append(r)
                for e in skeletonToBlock[b][r]!.sorted(by: { $0.node < $1.node }) {
                    sbEntryNode.append(e.node)
                    sbEntrySlot.append(e.slot)
                }
                sbEntryPointer.append(sbEntryNode.count)
            }
            sbRowPointer.append(sbRowSkeleton.count)
            for r in rowsOf[b] { for c in columns { fillPosition.append(skeletonSlot(r, c)) } }
            fillPointer.append(fillPosition.count)
            zPointer.append(zPointer.last! + block.count * byRow.count)
            let node = nodeStart[b]
            denseLast.append((0..<max(block.count - 2, 0)).contains { last[node + $0] >= 0 } ? 1 : 0)
        }
        // Diagonal slots of the last rows live in `last`; `diag` holds rows 0..n−2.
        set(SOLIDCELL_CONDENSED_N, n)
        set(SOLIDCELL_CONDENSED_NNZ, pattern.nonZeroCount)
        set(SOLIDCELL_CONDENSED_BLOCKS, sorted.count)
        set(SOLIDCELL_CONDENSED_NODES, nodes)
        set(SOLIDCELL_CONDENSED_SKELETON, ns)
        set(SOLIDCELL_CONDENSED_SKELETON_NNZ, skeleton.nonZeroCount)
        set(SOLIDCELL_CONDENSED_GATHER, gather.count)
        set(SOLIDCELL_CONDENSED_BS_COLUMNS, bsColumnSkeleton.count)
        set(SOLIDCELL_CONDENSED_COUPLING_ROWS, couplingNode.count)
        set(SOLIDCELL_CONDENSED_SB_ROWS, sbRowSkeleton.count)
        set(SOLIDCELL_CONDENSED_FILL, fillPosition.count)
        set(SOLIDCELL_CONDENSED_Z, zPointer.last!)
        set(SOLIDCELL_CONDENSED_SKELETON_SOLVER, Int(ordering == nil ? SOLIDCELL_SKELETON_KLU : SOLIDCELL_SKELETON_BORDERED_BAND))
        set(SOLIDCELL_CONDENSED_BAND, ordering?.bandCount ?? 0)
        set(SOLIDCELL_CONDENSED_BAND_LOWER, ordering?.lower ?? 0)
        set(SOLIDCELL_CONDENSED_BAND_UPPER, ordering?.upper ?? 0)
        set(SOLIDCELL_CONDENSED_SKELETON_VALUES, skeletonValueCount)
        append(SOLIDCELL_CONDENSED_OFF_BLOCK_FIRST, sorted.map(\.lowerBound))
        append(SOLIDCELL_CONDENSED_OFF_NODE_PTR, nodeStart)
        append(SOLIDCELL_CONDENSED_OFF_DIAG, diag)
        append(SOLIDCELL_CONDENSED_OFF_SUB, sub)
        append(SOLIDCELL_CONDENSED_OFF_SUP, sup)
        append(SOLIDCELL_CONDENSED_OFF_LAST, last)
        append(SOLIDCELL_CONDENSED_OFF_DENSE_LAST, denseLast)
        append(SOLIDCELL_CONDENSED_OFF_BS_COL_PTR, bsColumnPointer)
        append(SOLIDCELL_CONDENSED_OFF_BS_COL_SKEL, bsColumnSkeleton)
        append(SOLIDCELL_CONDENSED_OFF_CROW_PTR, couplingPointer)
        append(SOLIDCELL_CONDENSED_OFF_CROW_NODE, couplingNode)
        append(SOLIDCELL_CONDENSED_OFF_CROW_ENT_PTR, couplingEntryPointer)
        append(SOLIDCELL_CONDENSED_OFF_CROW_ENT_COL, couplingEntryColumn)
        append(SOLIDCELL_CONDENSED_OFF_CROW_ENT_SKEL, couplingEntrySkeleton)
        append(SOLIDCELL_CONDENSED_OFF_CROW_ENT_SLOT, couplingEntrySlot)
        append(SOLIDCELL_CONDENSED_OFF_SB_ROW_PTR, sbRowPointer)
        append(SOLIDCELL_CONDENSED_OFF_SB_ROW_SKEL, sbRowSkeleton)
        append(SOLIDCELL_CONDENSED_OFF_SB_ENT_PTR, sbEntryPointer)
        append(SOLIDCELL_CONDENSED_OFF_SB_ENT_NODE, sbEntryNode)
        append(SOLIDCELL_CONDENSED_OFF_SB_ENT_SLOT, sbEntrySlot)
        append(SOLIDCELL_CONDENSED_OFF_FILL_PTR, fillPointer)
        append(SOLIDCELL_CONDENSED_OFF_FILL_POS, fillPosition)
        append(SOLIDCELL_CONDENSED_OFF_Z_PTR, zPointer)
        append(SOLIDCELL_CONDENSED_OFF_GATHER_SRC, gather.map(\.source))
        append(SOLIDCELL_CONDENSED_OFF_GATHER_DST, gather.map { skeletonSlot($0.row, $0.column) })
        append(SOLIDCELL_CONDENSED_OFF_SKELETON_FULL, skeletonFull)
        append(SOLIDCELL_CONDENSED_OFF_SKELETON_COLPTR, skeleton.columnStarts)
        append(SOLIDCELL_CONDENSED_OFF_SKELETON_ROWIND, skeleton.rowIndices)
        packed = header + body
        blockCount = sorted.count
        skeletonCount = ns
        skeletonNonZeros = skeleton.nonZeroCount
        skeletonSolver = ordering == nil ? .klu : .borderedBand
        skeletonOrdering = ordering
    }
}

/// Owner of a condensed `SUNLinearSolver` (Sources/CCondensedSolver).
final class CondensedSolverHandle {
    let raw: SUNLinearSolver
    let matrix: SparseMatrixHandle
    let context: SundialsContext

    init(plan: CondensationPlan, matrix: SparseMatrixHandle, context: SundialsContext) throws(SolverError) {
        let created = plan.packed.withUnsafeBufferPointer {
            solidcell_condensed_create($0.baseAddress, Int64($0.count), context.raw)
        }
        guard let created else {
            throw SolverError(function: "solidcell_condensed_create", flag: -1, flagName: "SUNLS_MEM_FAIL",
                              message: "could not create the condensed linear solver (memory or KLU analysis of the skeleton)")
        }
        raw = created
        self.matrix = matrix
        self.context = context
    }

    var statistics: solidcell_condensed_stats { solidcell_condensed_get_stats(raw) }

    deinit { _ = SUNLinSolFree(raw) }
}

/// Solves A x = b once with the chosen solver, outside IDA (for tests: compare the condensed
/// solver with KLU on given matrices). `values` are in `pattern`'s order; `borderedBand: false`
/// keeps KLU on the condensed solver's skeleton.
/// Returns nil when `kind` is `.condensed` and the blocks cannot be condensed.
func solveSparseSystem(pattern: SparsityPattern, values: [Double], rightHandSide: [Double],
                       kind: LinearSolverKind, blocks: [Range<Int>] = [],
                       borderedBand: Bool = true) throws(SolverError) -> [Double]? {
    let context = try SundialsContext()
    let matrix = try SparseMatrixHandle(pattern: pattern, context: context)
    let starts = SUNSparseMatrix_IndexPointers(matrix.raw)!
    let rows = SUNSparseMatrix_IndexValues(matrix.raw)!
    let data = SUNSparseMatrix_Data(matrix.raw)!
    for (i, s) in pattern.columnStarts.enumerated() { starts[i] = sunindextype(s) }
    for (i, r) in pattern.rowIndices.enumerated() { rows[i] = sunindextype(r) }
    for (i, v) in values.enumerated() { data[i] = v }
    let b = try SerialVector(rightHandSide, context: context)
    let x = try SerialVector(count: pattern.dimension, context: context)
    let solver: SUNLinearSolver
    let owner: AnyObject
    switch kind {
    case .klu:
        let handle = try KLUSolverHandle(template: x, matrix: matrix)
        solver = handle.raw
        owner = handle
    case .condensed:
        guard let plan = try? CondensationPlan(pattern: pattern, blocks: blocks, borderedBand: borderedBand) else { return nil }
        let handle = try CondensedSolverHandle(plan: plan, matrix: matrix, context: context)
        solver = handle.raw
        owner = handle
    }
    defer { withExtendedLifetime(owner) {} }
    var flag = SUNLinSolInitialize(solver)
    if flag == 0 { flag = SUNLinSolSetup(solver, matrix.raw) }
    if flag == 0 { flag = SUNLinSolSolve(solver, matrix.raw, x.raw, b.raw, 0) }
    guard flag == 0 else {
        throw SolverError(function: "SUNLinSolSetup/Solve", flag: Int(flag), flagName: "SUNLS \(flag)",
                          message: "the \(kind.rawValue) linear solver failed")
    }
    return Array(x.buffer)
}
