/// Building states and reading physical quantities out of them.
extension P2DModel {
    /// A state at rest at the initial concentration: uniform c, potentials at open circuit, zero current.
    /// Algebraic components are only a good guess; let the solver make them consistent.
    public func restingState() -> [Double] {
        var y = [Double](repeating: 0, count: stateCount)
        let p = parameters
        let y0 = p.positiveInitialConcentration / cMax
        let phiE = -p.negativeOCP
        for k in 0..<mesh.cellCount { y[electrolyteStart + k] = phiE }
        for k in 0..<mesh.positiveCells { y[electrodeStart + k] = phiE + openCircuitPotential(y0).value }
        for k in 0..<(mesh.positiveCells * particle.cells) { y[concentrationStart + k] = p.positiveInitialConcentration }
        return y
    }

    /// Terminal voltage [V].
    public func voltage(_ y: [Double]) -> Double {
        y.withUnsafeBufferPointer { terminalVoltage($0).value }
    }

    /// Cell current [A], positive on discharge.
    public func current(_ y: [Double]) -> Double { y[currentIndex] * parameters.totalArea }

    /// Charge passed in the discharge direction since the counter was last set [A h].
    public func dischargedCapacity(_ y: [Double]) -> Double { y[capacityIndex] }

    /// Lithium held in the positive particles [mol]: Σ_cells A h ε_s Σ_m c_m V_m / (R³/3).
    public func lithiumInParticles(_ y: [Double]) -> Double {
        let p = parameters
        let sphere = particle.radius * particle.radius * particle.radius / 3
        var total = 0.0
        for j in 0..<mesh.positiveCells {
            var moles = 0.0
            for m in 0..<particle.cells { moles += y[concentrationIndex(cell: j, node: m)] * particle.volume(m) }
            total += mesh.widths[mesh.separatorCells + j] * moles / sphere
        }
        return total * p.positiveActiveMaterialFraction * p.totalArea
    }

    /// Volume-averaged stoichiometry of the positive active material.
    public func averageStoichiometry(_ y: [Double]) -> Double {
        let p = parameters
        let capacityMoles = cMax * p.positiveActiveMaterialFraction * p.positiveThickness * p.totalArea
        return lithiumInParticles(y) / capacityMoles
    }

    /// Surface stoichiometry c_R / c_max at each composite cell.
    public func surfaceStoichiometry(_ y: [Double]) -> [Double] {
        y.withUnsafeBufferPointer { buffer in
            (0..<mesh.positiveCells).map { surfaceConcentration(buffer, cell: $0) / cMax }
        }
    }

    /// Index of the discharged-capacity counter, to reset it at a new cycle.
    public var dischargedCapacityIndex: Int { capacityIndex }
}

extension P2DModel {
    /// Typical magnitude of each unknown, to scale absolute tolerances: 1 V for potentials, c_max for
    /// concentrations, 1 A m⁻² for the current density, the nominal capacity for the capacity counter.
    public var toleranceScale: [Double] {
        var scale = [Double](repeating: 1, count: stateCount)
        for k in concentrationStart..<currentIndex { scale[k] = cMax }
        scale[capacityIndex] = parameters.nominalCapacity
        return scale
    }
}
