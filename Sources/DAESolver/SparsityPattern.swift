/// The structure of a sparse N×N matrix in compressed sparse column (CSC) form:
/// the entries of column j are `rowIndices[columnStarts[j] ..< columnStarts[j+1]]`, rows ascending.
public struct SparsityPattern: Equatable, Sendable {
    public let dimension: Int
    /// N + 1 offsets into ``rowIndices``.
    public let columnStarts: [Int]
    public let rowIndices: [Int]

    public var nonZeroCount: Int { rowIndices.count }

    /// Builds the pattern from (row, column) positions in any order; duplicates are merged.
    /// - Precondition: every index lies in 0..<dimension.
    public init(dimension: Int, entries: [(row: Int, column: Int)]) {
        var columns = [[Int]](repeating: [], count: dimension)
        for (row, column) in entries {
            precondition((0..<dimension).contains(row) && (0..<dimension).contains(column),
                         "sparsity entry (\(row), \(column)) outside a \(dimension)×\(dimension) matrix")
            columns[column].append(row)
        }
        var starts = [0]
        var rows: [Int] = []
        starts.reserveCapacity(dimension + 1)
        for column in columns {
            rows.append(contentsOf: Set(column).sorted())
            starts.append(rows.count)
        }
        self.dimension = dimension
        self.columnStarts = starts
        self.rowIndices = rows
    }

    /// Index into the value array of entry (row, column), or nil if it is structurally zero.
    /// Binary search within the column: O(log nnz(column)). Meant for set-up, not hot loops.
    public func slot(row: Int, column: Int) -> Int? {
        guard (0..<dimension).contains(column) else { return nil }
        var low = columnStarts[column]
        var high = columnStarts[column + 1]
        while low < high {
            let mid = (low + high) / 2
            let r = rowIndices[mid]
            if r == row { return mid }
            if r < row { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// Expands values given in this pattern's order to a dense row-major matrix (for tests and small problems).
    public func dense(_ values: [Double]) -> [[Double]] {
        precondition(values.count == nonZeroCount)
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
        for column in 0..<dimension {
            for k in columnStarts[column]..<columnStarts[column + 1] {
                matrix[rowIndices[k]][column] = values[k]
            }
        }
        return matrix
    }
}
