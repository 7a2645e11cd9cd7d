import CellPhysics
import DAESolver
import Parameters

/// Cell-centred finite-volume meshes, uniform within each region (as PyBaMM's default submeshes).
public struct ThroughCellMesh: Sendable {
    /// Cells in the separator and in the positive electrode.
    public let separatorCells: Int
    public let positiveCells: Int
    /// Width of each cell [m], separator cells first.
    public let widths: [Double]
    /// Cell-centre coordinates [m], x = 0 at the negative foil.
    public let centres: [Double]

    public var cellCount: Int { separatorCells + positiveCells }

    public init(separatorThickness: Double, separatorCells: Int, positiveThickness: Double, positiveCells: Int) {
        self.separatorCells = separatorCells
        self.positiveCells = positiveCells
        let hs = separatorThickness / Double(separatorCells)
        let hp = positiveThickness / Double(positiveCells)
        widths = Array(repeating: hs, count: separatorCells) + Array(repeating: hp, count: positiveCells)
        var x = 0.0
        var centres: [Double] = []
        for h in widths {
            centres.append(x + h / 2)
            x += h
        }
        self.centres = centres
    }
}

/// Uniform cell-centred mesh of a sphere of radius R in r: node m at (m + ½)Δr, faces at mΔr.
/// The face areas and cell volumes are computed once (the residual reads them at every node), with
/// the face conductance factors r²/Δr and the reciprocal volumes, so that the diffusion loop
/// multiplies where it would divide.
public struct ParticleMesh: Sendable {
    public let cells: Int
    public let radius: Double
    /// Δr = R / N.
    public let spacing: Double
    private let faceAreas: [Double]
    private let volumes: [Double]
    private let faceConductances: [Double]
    private let inverseVolumes: [Double]

    public init(cells: Int, radius: Double) {
        self.cells = cells
        self.radius = radius
        let spacing = radius / Double(cells)
        self.spacing = spacing
        faceAreas = (0..<cells).map { m in
            let r = Double(m + 1) * spacing
            return r * r
        }
        volumes = (0..<cells).map { m in
            let outer = Double(m + 1) * spacing
            let inner = Double(m) * spacing
            return (outer * outer * outer - inner * inner * inner) / 3
        }
        faceConductances = faceAreas.map { $0 / spacing }
        inverseVolumes = volumes.map { 1 / $0 }
    }

    /// Area factor r² of the outer face of cell m (the 4π cancels).
    @inline(__always)
    public func outerFaceArea(_ m: Int) -> Double { faceAreas[m] }

    /// Volume factor R³/3 of the whole sphere (= Σ_m volume(m)).
    public var totalVolume: Double { radius * radius * radius / 3 }

    /// Volume factor (r_out³ − r_in³)/3 of cell m (the 4π cancels).
    @inline(__always)
    public func volume(_ m: Int) -> Double { volumes[m] }

    /// Runs `body` with the conductance factor r_{m+1}²/Δr of every cell's outer face and the
    /// reciprocal volume 3/(r_out³ − r_in³) of every cell, without bounds checks.
    @inline(__always)
    func withDiffusionGeometry<R>(_ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try faceConductances.withUnsafeBufferPointer { conductances in
            try inverseVolumes.withUnsafeBufferPointer { inverseVolumes in try body(conductances, inverseVolumes) }
        }
    }
}
