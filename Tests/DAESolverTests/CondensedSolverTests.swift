import Foundation
import Testing
import TestSupport
@testable import DAESolver

/// A random sparse matrix with condensable blocks (CondensedLinearSolver.swift): blocks of random
/// sizes with diagonally dominant tridiagonal rows (and, if asked, a dense last row), interleaved
/// with skeleton unknowns; each block's last row (and, if asked, one interior row) touches a few
/// skeleton columns and a few skeleton rows touch the block's last two nodes or all of them.
struct StructuredMatrix {
    var dimension = 0
    var blocks: [Range<Int>] = []
    var skeleton: [Int] = []
    var entries: [Int: Double] = [:]   // key row * dimension + column, filled after the layout

    struct Shape: CustomStringConvertible, Sendable {
        var blockCount: Int
        var skeletonCount: Int
        var denseLastRow: Bool
        var interiorCoupling: Bool
        var seed: UInt64
        /// Every diagonal positive (else random signs): B then has its eigenvalues in the right half
        /// plane (Gershgorin), so ẏ = −B y + … decays, and J = B + c_j I stays diagonally dominant.
        var positiveDiagonal = false
        var description: String {
            "\(blockCount) blocks, \(skeletonCount) skeleton\(denseLastRow ? ", dense last rows" : "")"
                + "\(interiorCoupling ? ", interior rows coupled" : "") seed \(seed)"
        }
    }

    init(_ shape: Shape) {
        var g = SplitMix64(seed: shape.seed)
        // Layout: some skeleton unknowns before each block, the rest at the end.
        var sizes = (0..<shape.blockCount).map { _ in Int.random(in: 1...12, using: &g) }
        if shape.blockCount > 0 { sizes[0] = 12 }
        var index = 0
        var skeletonLeft = shape.skeletonCount
        for size in sizes {
            let before = min(skeletonLeft, Int.random(in: 0...2, using: &g))
            for _ in 0..<before { skeleton.append(index); index += 1 }
            skeletonLeft -= before
            blocks.append(index ..< index + size)
            index += size
        }
        for _ in 0..<skeletonLeft { skeleton.append(index); index += 1 }
        dimension = index
        var rows = [[Int: Double]](repeating: [:], count: dimension)
        func random() -> Double { Double.random(in: -1...1, using: &g) }
        // Skeleton: a few random couplings among themselves.
        for s in skeleton {
            for _ in 0..<2 { rows[s][skeleton.randomElement(using: &g)!] = random() }
        }
        for block in blocks {
            let first = block.lowerBound, last = block.upperBound - 1
            for row in block where row < last {
                if row > first { rows[row][row - 1] = random() }
                rows[row][row + 1] = random()
            }
            if shape.denseLastRow {
                for column in block where column < last { rows[last][column] = random() }
            } else if last > first {
                rows[last][last - 1] = random()
            }
            for _ in 0..<Int.random(in: 1...4, using: &g) { rows[last][skeleton.randomElement(using: &g)!] = random() }
            if shape.interiorCoupling && block.count > 2 {
                rows[Int.random(in: first..<last, using: &g)][skeleton.randomElement(using: &g)!] = random()
            }
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let s = skeleton.randomElement(using: &g)!
                let nodes = Bool.random(using: &g) ? Array(block) : Array(max(first, last - 1)...last)
                for column in nodes { rows[s][column] = random() }
            }
        }
        // Diagonally dominant rows (the block rows must be; the skeleton's are for a well-conditioned test).
        for row in 0..<dimension {
            rows[row][row] = 0
            // Summed in column order: the same matrix in every process (dictionary order is not).
            let offDiagonal = rows[row].keys.sorted().reduce(0) { $0 + abs(rows[row][$1]!) }
            let sign: Double = shape.positiveDiagonal || Bool.random(using: &g) ? 1 : -1
            rows[row][row] = (offDiagonal + Double.random(in: 0.1...2, using: &g)) * sign
        }
        for (row, columns) in rows.enumerated() {
            for (column, value) in columns { entries[row * dimension + column] = value }
        }
    }

    var pattern: SparsityPattern {
        SparsityPattern(dimension: dimension, entries: entries.keys.map { (row: $0 / dimension, column: $0 % dimension) })
    }

    /// Values in the pattern's order.
    func values(_ pattern: SparsityPattern) -> [Double] {
        var v = [Double](repeating: 0, count: pattern.nonZeroCount)
        for column in 0..<dimension {
            for k in pattern.columnStarts[column]..<pattern.columnStarts[column + 1] {
                v[k] = entries[pattern.rowIndices[k] * dimension + column]!
            }
        }
        return v
    }
}

extension StructuredMatrix {
    /// A random matrix whose skeleton, once the blocks are condensed, is a bordered band, as a P2D
    /// model's is: `cells` mesh cells, each with `perCell` skeleton unknowns coupled to each other
    /// and to the neighbouring cells' and with `particles` blocks (tridiagonal, last row coupled to
    /// the cell's unknowns and to the first border unknown, the cell's rows reading the block's
    /// last two nodes); a second border unknown couples the first cell to the last (as the current
    /// closes the chain), a third only to the second. Rows are not diagonally dominant in the
    /// skeleton (random diagonals in ±[0.05, 1]), so the band LU has to pivot; the block rows are.
    init(borderedBand cells: Int, perCell: Int, particles: Int, seed: UInt64) {
        var g = SplitMix64(seed: seed)
        var index = 0
        var cellUnknowns: [[Int]] = []
        var cellBlocks: [[Range<Int>]] = []
        for _ in 0..<cells {
            var unknowns: [Int] = []
            var ranges: [Range<Int>] = []
            for _ in 0..<perCell { unknowns.append(index); skeleton.append(index); index += 1 }
            for _ in 0..<particles {
                let size = Int.random(in: 2...9, using: &g)
                ranges.append(index ..< index + size)
                blocks.append(index ..< index + size)
                index += size
            }
            cellUnknowns.append(unknowns)
            cellBlocks.append(ranges)
        }
        let border = [index, index + 1, index + 2]
        skeleton += border
        index += 3
        dimension = index
        var rows = [[Int: Double]](repeating: [:], count: dimension)
        func random() -> Double { Double.random(in: -1...1, using: &g) }
        for (j, unknowns) in cellUnknowns.enumerated() {
            for u in unknowns {
                for v in unknowns where v != u && Bool.random(using: &g) { rows[u][v] = random() }
                if j > 0 { rows[u][cellUnknowns[j - 1].randomElement(using: &g)!] = random() }
                if j + 1 < cells { rows[u][cellUnknowns[j + 1].randomElement(using: &g)!] = random() }
                rows[u][border[0]] = random()
            }
            for block in cellBlocks[j] {
                let first = block.lowerBound, last = block.upperBound - 1
                for row in block where row < last {
                    if row > first { rows[row][row - 1] = random() }
                    rows[row][row + 1] = random()
                }
                rows[last][last - 1] = random()
                for u in unknowns { rows[last][u] = random() }
                rows[last][border[0]] = random()
                for u in unknowns { for column in last - 1 ... last { rows[u][column] = random() } }
                // The block rows diagonally dominant.
                for row in block {
                    let off = rows[row].keys.sorted().reduce(0) { $0 + abs(rows[row][$1]!) }
                    rows[row][row] = (off + Double.random(in: 0.1...2, using: &g)) * (Bool.random(using: &g) ? 1 : -1)
                }
            }
        }
        rows[border[1]][cellUnknowns[0][0]] = random()
        rows[border[1]][cellUnknowns[cells - 1][perCell - 1]] = random()
        rows[cellUnknowns[0][0]][border[1]] = random()
        rows[cellUnknowns[cells - 1][perCell - 1]][border[1]] = random()
        rows[border[2]][border[1]] = random()
        rows[border[0]][border[0]] = 1 + random()
        for u in skeleton { rows[u][u] = Double.random(in: 0.05...1, using: &g) * (Bool.random(using: &g) ? 1 : -1) }
        for (row, columns) in rows.enumerated() {
            for (column, value) in columns { entries[row * dimension + column] = value }
        }
    }
}

/// max |a − b| / max |b|.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    let scale = b.reduce(0) { max($0, abs($1)) }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / max(scale, .leastNormalMagnitude)
}

/// A linear DAE F = D ẏ + B y − sin(t) s = 0 on a structured B (D = I except on two algebraic
/// skeleton unknowns), declaring the matrix's blocks (or any others) as condensable.
struct BlockLinearSystem: DAESystem {
    let stateCount: Int
    let differentialMask: [Bool]
    let jacobianPattern: SparsityPattern
    let values: [Double]
    let source: [Double]
    var condensableBlocks: [Range<Int>]

    init(_ matrix: StructuredMatrix, blocks: [Range<Int>]? = nil) {
        stateCount = matrix.dimension
        var mask = [Bool](repeating: true, count: matrix.dimension)
        for s in matrix.skeleton.prefix(2) { mask[s] = false }
        differentialMask = mask
        jacobianPattern = matrix.pattern
        values = matrix.values(jacobianPattern)
        var g = SplitMix64(seed: 99)
        source = (0..<matrix.dimension).map { _ in Double.random(in: -1...1, using: &g) }
        condensableBlocks = blocks ?? matrix.blocks
    }

    func residual(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  into r: UnsafeMutableBufferPointer<Double>) {
        let forcing = sin(time)
        for i in 0..<stateCount { r[i] = (differentialMask[i] ? yp[i] : 0) - forcing * source[i] }
        for column in 0..<stateCount {
            for k in jacobianPattern.columnStarts[column]..<jacobianPattern.columnStarts[column + 1] {
                r[jacobianPattern.rowIndices[k]] += values[k] * y[column]
            }
        }
    }

    func jacobian(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        for column in 0..<stateCount {
            for k in jacobianPattern.columnStarts[column]..<jacobianPattern.columnStarts[column + 1] {
                let row = jacobianPattern.rowIndices[k]
                v[k] = values[k] + (row == column && differentialMask[row] ? cj : 0)
            }
        }
    }
}

@Suite("Condensed linear solver")
struct CondensedSolverTests {
    static let shapes: [StructuredMatrix.Shape] = {
        var shapes: [StructuredMatrix.Shape] = []
        var seed: UInt64 = 1
        for (blocks, skeleton) in [(1, 1), (3, 2), (8, 6), (30, 12)] {
            for dense in [false, true] {
                for interior in [false, true] {
                    shapes.append(.init(blockCount: blocks, skeletonCount: skeleton, denseLastRow: dense,
                                        interiorCoupling: interior, seed: seed))
                    seed += 1
                }
            }
        }
        return shapes
    }()

    /// The condensed solve of A x = b equals KLU's to 1e-10 relative, on random structured matrices.
    @Test("condensed solve equals KLU", arguments: shapes)
    func equalsKLU(_ shape: StructuredMatrix.Shape) throws {
        let matrix = StructuredMatrix(shape)
        let pattern = matrix.pattern
        let values = matrix.values(pattern)
        var g = SplitMix64(seed: shape.seed &* 7919)
        let b = (0..<matrix.dimension).map { _ in Double.random(in: -1...1, using: &g) }
        let plan = try CondensationPlan(pattern: pattern, blocks: matrix.blocks)
        #expect(plan.blockCount == shape.blockCount && plan.skeletonCount == shape.skeletonCount)
        let klu = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b, kind: .klu))
        let condensed = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b,
                                                           kind: .condensed, blocks: matrix.blocks))
        let difference = relativeDifference(condensed, klu)
        #expect(difference <= 1e-10, "relative difference \(difference)")
        // With KLU on the skeleton instead of the ordering the plan chose.
        let skeletonKLU = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b,
                                                             kind: .condensed, blocks: matrix.blocks, borderedBand: false))
        #expect(relativeDifference(skeletonKLU, klu) <= 1e-10)
        // The residual of the condensed solution, as a check independent of KLU.
        let dense = pattern.dense(values)
        let residual = (0..<matrix.dimension).map { i in zip(dense[i], condensed).reduce(-b[i]) { $0 + $1.0 * $1.1 } }
        #expect(residual.reduce(0) { max($0, abs($1)) } <= 1e-12 * Double(matrix.dimension))
    }

    /// On skeletons of the bordered-band form (with pivoting in the band and the border), the
    /// bordered-band skeleton solver is chosen and equals KLU on the whole matrix and the condensed
    /// solver with KLU on the skeleton to 1e-10 relative.
    @Test("bordered-band skeleton equals KLU", arguments: [(4, 2, 1, 31), (16, 2, 1, 32), (9, 3, 2, 33), (40, 2, 1, 34), (12, 3, 3, 35)] as [(Int, Int, Int, UInt64)])
    func borderedBand(_ shape: (cells: Int, perCell: Int, particles: Int, seed: UInt64)) throws {
        let matrix = StructuredMatrix(borderedBand: shape.cells, perCell: shape.perCell, particles: shape.particles, seed: shape.seed)
        let pattern = matrix.pattern
        let values = matrix.values(pattern)
        var g = SplitMix64(seed: shape.seed &* 7919)
        let b = (0..<matrix.dimension).map { _ in Double.random(in: -1...1, using: &g) }
        let plan = try CondensationPlan(pattern: pattern, blocks: matrix.blocks)
        #expect(plan.skeletonSolver == .borderedBand)
        let ordering = try #require(plan.skeletonOrdering)
        print("\(shape.cells) cells × \(shape.perCell): \(plan.skeletonDescription)")
        // The border: the unknown every cell couples to and the one closing the chain of cells
        // into a ring (on a few cells, more border unknowns may be cheaper).
        if shape.cells >= 8 { #expect(ordering.borderCount <= 3) }
        #expect(ordering.lower <= 2 * shape.perCell && ordering.upper <= 2 * shape.perCell)
        let klu = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b, kind: .klu))
        let band = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b,
                                                      kind: .condensed, blocks: matrix.blocks))
        let skeletonKLU = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b,
                                                             kind: .condensed, blocks: matrix.blocks, borderedBand: false))
        #expect(relativeDifference(band, klu) <= 1e-10, "relative difference \(relativeDifference(band, klu))")
        #expect(relativeDifference(band, skeletonKLU) <= 1e-10, "relative difference \(relativeDifference(band, skeletonKLU))")
        let dense = pattern.dense(values)
        let residual = (0..<matrix.dimension).map { i in zip(dense[i], band).reduce(-b[i]) { $0 + $1.0 * $1.1 } }
        #expect(residual.reduce(0) { max($0, abs($1)) } <= 1e-12 * Double(matrix.dimension))
    }

    /// A skeleton whose band has zero diagonals (a tridiagonal chain with zero diagonal, even
    /// length, bordered by one unknown coupled to all): the band LU must interchange rows at
    /// every step, which widens U to kl + ku; the solve still equals KLU's.
    @Test("the band LU interchanges rows where the diagonal is zero", arguments: [6, 24] as [Int])
    func bandPivoting(chain: Int) throws {
        var g = SplitMix64(seed: UInt64(chain))
        func random() -> Double { Double.random(in: 0.5...1, using: &g) * (Bool.random(using: &g) ? 1 : -1) }
        var m = StructuredMatrix(.init(blockCount: 0, skeletonCount: 0, denseLastRow: false, interiorCoupling: false, seed: 1))
        let border = chain, block = chain + 1 ..< chain + 4
        m.dimension = chain + 4
        m.skeleton = Array(0...chain)
        m.blocks = [block]
        m.entries = [:]
        func set(_ r: Int, _ c: Int, _ v: Double) { m.entries[r * m.dimension + c] = v }
        for i in 0..<chain {
            // Rows 1 and 2 of the chain read the block, which the condensation turns into fill
            // on (1, 1), (1, 2), (2, 1), (2, 2); their diagonals are left out of A.
            if i != 1 && i != 2 { set(i, i, 0) }
            if i > 0 { set(i, i - 1, random()) }
            if i + 1 < chain { set(i, i + 1, random()) }
            set(i, border, random())
            set(border, i, random())
        }
        set(border, border, 4)
        for r in block {
            if r > block.lowerBound { set(r, r - 1, 0.3) }
            if r + 1 < block.upperBound { set(r, r + 1, -0.2) }
            set(r, r, 2)
        }
        set(block.upperBound - 1, 1, 0.5)
        set(block.upperBound - 1, 2, -0.4)
        set(1, block.upperBound - 1, 0.7)
        set(2, block.upperBound - 2, 0.6)
        let pattern = m.pattern
        let values = m.values(pattern)
        let plan = try CondensationPlan(pattern: pattern, blocks: m.blocks)
        print("zero-diagonal chain of \(chain): \(plan.skeletonDescription)")
        #expect(plan.skeletonSolver == .borderedBand)
        let b = (0..<m.dimension).map { _ in random() }
        let klu = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b, kind: .klu))
        let band = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b,
                                                      kind: .condensed, blocks: m.blocks))
        #expect(relativeDifference(band, klu) <= 1e-10, "relative difference \(relativeDifference(band, klu))")
    }

    /// A skeleton with no band structure (many skeleton unknowns coupled at random) keeps KLU on
    /// the skeleton, and still solves as KLU on the whole matrix does.
    @Test("a skeleton without band structure falls back to KLU")
    func skeletonFallback() throws {
        let matrix = StructuredMatrix(.init(blockCount: 30, skeletonCount: 160, denseLastRow: false, interiorCoupling: true, seed: 41))
        let pattern = matrix.pattern
        let values = matrix.values(pattern)
        let plan = try CondensationPlan(pattern: pattern, blocks: matrix.blocks)
        print(plan.skeletonDescription)
        #expect(plan.skeletonSolver == .klu)
        #expect(plan.skeletonOrdering == nil)
        var g = SplitMix64(seed: 4141)
        let b = (0..<matrix.dimension).map { _ in Double.random(in: -1...1, using: &g) }
        let klu = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b, kind: .klu))
        let condensed = try #require(try solveSparseSystem(pattern: pattern, values: values, rightHandSide: b,
                                                           kind: .condensed, blocks: matrix.blocks))
        #expect(relativeDifference(condensed, klu) <= 1e-10)
    }

    /// A singular skeleton (one skeleton row zero, its couplings included) is SUNDIALS' recoverable
    /// SUNLS_LUFACT_FAIL (808) with the bordered band as with KLU on the skeleton.
    @Test("a singular skeleton is a recoverable failure", arguments: [true, false])
    func singularSkeleton(borderedBand: Bool) throws {
        var m = StructuredMatrix(borderedBand: 8, perCell: 2, particles: 1, seed: 51)
        let row = m.skeleton[5]
        for column in 0..<m.dimension where m.entries[row * m.dimension + column] != nil { m.entries[row * m.dimension + column] = 0 }
        let pattern = m.pattern
        #expect(try CondensationPlan(pattern: pattern, blocks: m.blocks, borderedBand: borderedBand).skeletonSolver
                == (borderedBand ? .borderedBand : .klu))
        do {
            _ = try solveSparseSystem(pattern: pattern, values: m.values(pattern), rightHandSide: [Double](repeating: 1, count: m.dimension),
                                      kind: .condensed, blocks: m.blocks, borderedBand: borderedBand)
            Issue.record("a singular skeleton was accepted")
        } catch {
            #expect(error.flag == 808)
        }
    }

    /// Patterns the solver must refuse (and leave to KLU).
    @Test("non-condensable patterns are refused")
    func refusals() throws {
        let matrix = StructuredMatrix(.init(blockCount: 4, skeletonCount: 3, denseLastRow: false, interiorCoupling: false, seed: 5))
        let blocks = matrix.blocks
        func refused(_ entries: [Int: Double], _ blocks: [Range<Int>]) -> String? {
            var m = matrix
            m.entries = entries
            do {
                _ = try CondensationPlan(pattern: m.pattern, blocks: blocks)
                return nil
            } catch {
                return error.description
            }
        }
        let n = matrix.dimension
        #expect(refused(matrix.entries, blocks) == nil)
        // An entry coupling two blocks.
        var coupled = matrix.entries
        coupled[blocks[0].lowerBound * n + blocks[1].lowerBound] = 0.5
        #expect(refused(coupled, blocks)?.contains("couples blocks") == true)
        // An interior row with an entry two columns off the diagonal.
        var wide = matrix.entries
        wide[blocks[0].lowerBound * n + blocks[0].lowerBound + 2] = 0.5
        #expect(refused(wide, blocks)?.contains("neither tridiagonal") == true)
        // A missing diagonal.
        var hole = matrix.entries
        hole[(blocks[0].lowerBound + 1) * n + blocks[0].lowerBound + 1] = nil
        #expect(refused(hole, blocks)?.contains("no diagonal") == true)
        // Overlapping blocks, a block outside the matrix, no blocks, no skeleton left.
        #expect(refused(matrix.entries, [blocks[0], blocks[0].lowerBound + 1 ..< blocks[0].upperBound + 1])?.contains("overlap") == true)
        #expect(refused(matrix.entries, [n - 1 ..< n + 1])?.contains("outside") == true)
        #expect(refused(matrix.entries, []) != nil)
        #expect(refused(matrix.entries, [0 ..< n])?.contains("no skeleton") == true)
        // The one-shot solver returns nil for a refused structure.
        var m = matrix
        m.entries = coupled
        let pattern = m.pattern
        #expect(try solveSparseSystem(pattern: pattern, values: m.values(pattern), rightHandSide: [Double](repeating: 1, count: n),
                                      kind: .condensed, blocks: blocks) == nil)
    }

    /// A zero pivot inside a block is reported as SUNDIALS' recoverable SUNLS_LUFACT_FAIL (808).
    @Test("a zero block pivot is a recoverable failure")
    func zeroPivot() throws {
        let matrix = StructuredMatrix(.init(blockCount: 2, skeletonCount: 2, denseLastRow: false, interiorCoupling: false, seed: 11))
        var m = matrix
        let first = matrix.blocks[0].lowerBound
        m.entries[first * matrix.dimension + first] = 0
        let pattern = m.pattern
        do {
            _ = try solveSparseSystem(pattern: pattern, values: m.values(pattern),
                                      rightHandSide: [Double](repeating: 1, count: m.dimension), kind: .condensed, blocks: m.blocks)
            Issue.record("a zero pivot was accepted")
        } catch {
            #expect(error.flag == 808)
        }
    }

    /// IDA on a linear DAE with blocks: the condensed solver is chosen, gives the KLU answer to
    /// 1e-9 (rounding differences of the solves carried through 10³ steps) with the same step
    /// counts; forcing KLU and declaring non-condensable blocks use KLU.
    @Test("IDA integrates the same with the condensed solver and with KLU", arguments: [false, true])
    func integration(denseLastRow: Bool) throws {
        let matrix = StructuredMatrix(.init(blockCount: 12, skeletonCount: 8, denseLastRow: denseLastRow,
                                            interiorCoupling: true, seed: 21, positiveDiagonal: true))
        let system = BlockLinearSystem(matrix)
        var options = SolverOptions()
        options.relativeTolerance = 1e-8
        options.absoluteTolerance = .scalar(1e-10)
        func run(_ options: SolverOptions, _ system: BlockLinearSystem) throws -> (IDASolver<BlockLinearSystem>, [[Double]]) {
            let zero = [Double](repeating: 0, count: system.stateCount)
            let solver = try IDASolver(system: system, time: 0, state: zero, derivative: zero, options: options)
            try solver.computeConsistentInitialConditions(firstOutputTime: 0.1)
            var states: [[Double]] = []
            for t in stride(from: 0.5, through: 5, by: 0.5) {
                try solver.advance(to: t)
                states.append(solver.state)
            }
            return (solver, states)
        }
        let (condensed, a) = try run(options, system)
        #expect(condensed.linearSolverKind == .condensed)
        #expect(condensed.linearSolverFallbackReason == nil)
        #expect(condensed.condensedSkeletonCount == 8)
        var forced = options
        forced.linearSolver = .klu
        let (klu, b) = try run(forced, system)
        #expect(klu.linearSolverKind == .klu)
        #expect(klu.linearSolverFallbackReason?.contains("requested") == true)
        for (x, y) in zip(a, b) { #expect(relativeDifference(x, y) <= 1e-9) }
        #expect(condensed.cumulativeStatistics.steps == klu.cumulativeStatistics.steps)
        #expect(condensed.cumulativeStatistics.nonlinearIterations == klu.cumulativeStatistics.nonlinearIterations)
        // Declared blocks that break the structure: two blocks that are coupled, merged into one
        // range with a skeleton unknown in between, are not tridiagonal; the solver falls back to KLU.
        let merged = BlockLinearSystem(matrix, blocks: [matrix.blocks[0].lowerBound ..< matrix.blocks[2].upperBound])
        let (fallback, c) = try run(options, merged)
        #expect(fallback.linearSolverKind == .klu)
        #expect(fallback.linearSolverFallbackReason != nil)
        for (x, y) in zip(c, b) { #expect(x == y) }
    }
}
