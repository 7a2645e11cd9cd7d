import CellPhysics
import DAESolver
import Parameters

/// Building states and reading physical quantities out of them.
extension P2DModel {
    /// A state at rest at the initial concentration: uniform c, potentials at open circuit, zero
    /// current, the set stack pressure. Algebraic components are only a good guess; let the solver
    /// make them consistent.
    public func restingState() -> [Double] {
        restingState(concentration: parameters.positiveInitialConcentration)
    }

    /// A state at rest with every particle at the uniform concentration c [mol m⁻³] (see ``restingState()``);
    /// the interface double layers, if any, hold their open-circuit voltages.
    public func restingState(concentration: Double) -> [Double] {
        var y = [Double](repeating: 0, count: stateCount)
        let p = parameters
        let y0 = concentration / cMax
        let phiE = -p.negativeOCP
        for c in 0..<mesh.cellCount { y[c] = phiE }
        for j in 0..<mesh.positiveCells { y[electrodeStart + j] = phiE + openCircuitPotential(y0).value }
        for index in concentrationStart..<currentIndex { y[index] = concentration }
        y[pressureIndex] = setPressure
        if layout.hasInterfaceUnknowns { setInterfaceVoltagesAtRest(&y) }
        if layout.lithiumContact {
            for k in 0..<layout.contactUnknowns { y[layout.lithiumContactIndex + k] = p.negativeInterface!.initialContact }
        }
        if layout.platedLithium { y[layout.platedLithiumIndex] = p.initialPlatedLithium }
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

    /// Stack pressure [MPa] (0 for a model without mechanics).
    public func stackPressure(_ y: [Double]) -> Double { y[pressureIndex] }

    /// Lithium held in the positive particles [mol]: A ε_s Σ_j h_j Σ_k w_k c̄_jk.
    public func lithiumInParticles(_ y: [Double]) -> Double {
        let p = parameters
        return y.withUnsafeBufferPointer { buffer in
            var total = 0.0
            for j in 0..<mesh.positiveCells {
                var cell = 0.0
                for k in 0..<classCount {
                    cell += p.contactClasses[k].volumeShare * meanConcentration(buffer, cell: j, class: k)
                }
                total += mesh.widths[mesh.separatorCells + j] * cell
            }
            return total * p.positiveActiveMaterialFraction * p.totalArea
        }
    }

    /// Volume-averaged stoichiometry of the positive active material.
    public func averageStoichiometry(_ y: [Double]) -> Double {
        let p = parameters
        let capacityMoles = cMax * p.positiveActiveMaterialFraction * p.positiveThickness * p.totalArea
        return lithiumInParticles(y) / capacityMoles
    }

    /// The particle averages recorded at every sample, in one pass over the particles (each
    /// particle's mean concentration c̄_jk summed once):
    ///
    /// - the volume-averaged stoichiometry, Σ_j h_j Σ_k w_k c̄_jk / (L c_max) (``averageStoichiometry(_:)``);
    /// - the contact fraction averaged over the active material, φ̄ = Σ_j h_j Σ_k w_k φ_jk / L;
    /// - the stoichiometry of each contact class, Σ_j h_j c̄_jk / (L c_max), written into
    ///   `classStoichiometry` (``classCount`` entries).
    public func particleAverages(_ y: UnsafeBufferPointer<Double>, classStoichiometry: UnsafeMutableBufferPointer<Double>)
        -> (stoichiometry: Double, contactFraction: Double) {
        let p = parameters
        let pressure = y[pressureIndex]
        let pressureFactor = self.pressureFactor(pressure)
        var lithium = 0.0, contactSum = 0.0
        for k in 0..<classCount { classStoichiometry[k] = 0 }
        for j in 0..<mesh.positiveCells {
            let width = mesh.widths[mesh.separatorCells + j]
            for k in 0..<classCount {
                let share = width * p.contactClasses[k].volumeShare
                let mean = meanConcentration(y, cell: j, class: k) / cMax
                lithium += share * mean
                classStoichiometry[k] += width * mean
                contactSum += share * contactClasses[k].contactFraction(
                    damage: contactDamage[j * classCount + k], mechanics: mechanics, meanStoichiometry: mean,
                    pressure: pressure, pressureFactor: pressureFactor).value
            }
        }
        for k in 0..<classCount { classStoichiometry[k] /= p.positiveThickness }
        return (lithium / p.positiveThickness, contactSum / p.positiveThickness)
    }

    /// The current of the electrolyte-oxidation side reaction [A],
    /// I_ox = A Σ_j h_j Σ_k a_k φ_jk q̇_jk, read from the rates of the oxidised charges (q̇ = j_ox(y_R)
    /// is their equation, so at a solution this is A Σ h a φ j_ox without evaluating the
    /// open-circuit potentials again); 0 without the side reaction.
    public func sideReactionCurrent(state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>) -> Double {
        guard oxidation != nil else { return 0 }
        let pressureFactor = self.pressureFactor(y[pressureIndex])
        var sideCurrent = 0.0
        for j in 0..<mesh.positiveCells {
            let width = mesh.widths[mesh.separatorCells + j]
            for k in 0..<classCount {
                let phi = contactFraction(y, cell: j, class: k, pressureFactor: pressureFactor).value
                sideCurrent += width * classArea[k] * phi * yp[layout.film(j * classCount + k)]
            }
        }
        return sideCurrent * parameters.totalArea
    }

    /// Interfacial (CAM|SE) resistance of the composite in the limit of fast transport [Ω]: the
    /// linearised Butler–Volmer resistance of every contacted particle surface in series with its
    /// interphase film, all particles in parallel,
    ///
    ///     R_ct = 1 / (A Σ_j h_j Σ_k a_k φ_jk / (1/(f i₀(y_R,jk)) + R_f,jk)).
    public func chargeTransferResistance(_ y: [Double]) -> Double {
        let p = parameters
        return y.withUnsafeBufferPointer { buffer in
            let pressureFactor = self.pressureFactor(buffer[pressureIndex])
            var conductance = 0.0
            for j in 0..<mesh.positiveCells {
                for k in 0..<classCount {
                    let surface = surfaceConcentration(buffer, cell: j, class: k) / cMax
                    let film = oxidation == nil ? 0 : self.film.resistance(charge: buffer[layout.film(j * classCount + k)])
                    conductance += mesh.widths[mesh.separatorCells + j] * classArea[k]
                        * contactFraction(buffer, cell: j, class: k, pressureFactor: pressureFactor).value
                        / (1 / (f * kinetics.exchangeCurrentDensity(surface).value) + film)
                }
            }
            return 1 / (conductance * p.totalArea)
        }
    }

    /// Volumetric strain ε_V(ȳ) of every particle (index j K + k), written into `strain` without
    /// allocating (0 without mechanics).
    public func particleStrain(_ y: [Double], into strain: inout [Double]) {
        guard let mechanics else {
            for index in strain.indices { strain[index] = 0 }
            return
        }
        y.withUnsafeBufferPointer { buffer in
            for j in 0..<mesh.positiveCells {
                for k in 0..<classCount {
                    let mean = meanConcentration(buffer, cell: j, class: k) / cMax
                    strain[j * classCount + k] = mechanics.volumeChange.strain(stoichiometry: mean).value
                }
            }
        }
    }

    /// dε_V/dy · v of every particle's volumetric strain along a direction v of the state (index
    /// j K + k; 0 without mechanics).
    public func particleStrainDerivative(_ y: [Double], along v: [Double], into strain: inout [Double]) {
        guard let mechanics else {
            for index in strain.indices { strain[index] = 0 }
            return
        }
        y.withUnsafeBufferPointer { state in
            v.withUnsafeBufferPointer { direction in
                for j in 0..<mesh.positiveCells {
                    for k in 0..<classCount {
                        let mean = meanConcentration(state, cell: j, class: k) / cMax
                        strain[j * classCount + k] = mechanics.volumeChange.strain(stoichiometry: mean).derivative
                            * meanConcentration(direction, cell: j, class: k) / cMax
                    }
                }
            }
        }
    }

    /// Surface stoichiometry c_R / c_max of every particle, index j K + k.
    public func surfaceStoichiometry(_ y: [Double]) -> [Double] {
        y.withUnsafeBufferPointer { buffer in
            (0..<(mesh.positiveCells * classCount)).map {
                surfaceConcentration(buffer, cell: $0 / classCount, class: $0 % classCount) / cMax
            }
        }
    }

    /// Index of the discharged-capacity counter, to reset it at a new cycle.
    public var dischargedCapacityIndex: Int { capacityIndex }

    /// Typical magnitude of each unknown, to scale absolute tolerances: 1 V for potentials, c_max for
    /// concentrations, 1 A m⁻² for the current density, the nominal capacity for the capacity counter,
    /// the set pressure (at least 1 MPa) for the pressure, 1 C m⁻² for oxidised charges.
    public var toleranceScale: [Double] {
        var scale = [Double](repeating: 1, count: stateCount)
        for index in concentrationStart..<currentIndex { scale[index] = cMax }
        scale[capacityIndex] = parameters.nominalCapacity
        scale[pressureIndex] = max(setPressure, 1)
        return scale
    }
}
