import CellPhysics
import DAESolver
import Foundation
import Parameters

/// The reaction terms of every particle (index j K + k): the laws of CellPhysics evaluated at the
/// discretised state, with their derivatives in the state's unknowns.
extension P2DModel {
    /// Open-circuit potential of the positive electrode with PyBaMM's boundary asymptotes, U(y)
    /// and dU/dy (``OpenCircuitPotentials/withBoundaryAsymptotes(_:at:)``).
    @inline(__always)
    func openCircuitPotential(_ y: Double) -> (value: Double, derivative: Double) {
        OpenCircuitPotentials.withBoundaryAsymptotes(parameters.positiveOCP, at: y)
    }

    /// Electrolyte oxidation current density per contacted area j_ox and ∂j_ox/∂c_R, from the
    /// surface OCP U(y) and dU/dy (``ElectrolyteOxidation/rate(currentScale:f:ocp:)``); 0 without oxidation.
    @inline(__always)
    func oxidationCurrent(ocp: (value: Double, derivative: Double)) -> (value: Double, dSurface: Double) {
        guard let oxidation else { return (0, 0) }
        let rate = oxidation.rate(currentScale: oxidationCurrentScale, f: f, ocp: ocp)
        return (rate.value, rate.dStoichiometry / cMax)
    }

    /// The pressure factor Π(P) of the contact law and dΠ/dP (1 and 0 without mechanics): the same
    /// for every particle, so evaluated once per state.
    @inline(__always)
    func pressureFactor(_ pressure: Double) -> (value: Double, derivative: Double) {
        mechanics?.pressureLaw.factor(pressure: pressure) ?? (1, 0)
    }

    /// Contact fraction φ of the particle of class k at composite cell j in the state y, with ∂φ/∂ȳ
    /// and ∂φ/∂P (``ContactClass/contactFraction(damage:mechanics:meanStoichiometry:pressure:pressureFactor:)``),
    /// given Π(P) and dΠ/dP (``pressureFactor(_:)``). The particle's mean stoichiometry is summed
    /// only if the law needs it.
    @inline(__always)
    func contactFraction(_ y: UnsafeBufferPointer<Double>, cell j: Int, class k: Int,
                         pressureFactor: (value: Double, derivative: Double))
        -> (value: Double, dMean: Double, dPressure: Double) {
        contactClasses[k].contactFraction(damage: contactDamage[j * classCount + k], mechanics: mechanics,
                                          meanStoichiometry: meanConcentration(y, cell: j, class: k) / cMax,
                                          pressure: y[pressureIndex], pressureFactor: pressureFactor)
    }

    /// Particle diffusivity at the face between two nodes of particle j K + k, with ∂D_f/∂c₁ and
    /// ∂D_f/∂c₂: the harmonic mean of D(c/c_max) (``Diffusivities/faceValue(_:_:scale:)``) scaled
    /// by the Arrhenius factor and the contact diffusion penalty (``diffusivityScale``).
    @inline(__always)
    func faceDiffusivity(_ c1: Double, _ c2: Double, particle reaction: Int) -> (value: Double, dLeft: Double, dRight: Double) {
        let face = Diffusivities.faceValue(parameters.positiveDiffusivity(c1 / cMax), parameters.positiveDiffusivity(c2 / cMax),
                                           scale: diffusivityScale[reaction])
        return (face.value, face.dLeft / cMax, face.dRight / cMax)
    }

    /// Electrolyte potential at the foil, φ_e(0), and ∂φ_e(0)/∂i (``LithiumFoil``): with a foil
    /// capacity the interface overpotential η_n is an unknown of its own, otherwise it follows the
    /// current through the foil's Butler–Volmer law.
    @inline(__always)
    func foilBoundary(_ y: UnsafeBufferPointer<Double>) -> (value: Double, dCurrent: Double) {
        if layout.lithiumContact {
            let boundary = contactFoilBoundary(y)
            return (boundary.value, boundary.dCurrent)
        }
        let i = y[currentIndex]
        let eta = layout.foilDoubleLayer ? (value: y[layout.foilOverpotentialIndex], dCurrent: 0.0) : foil.overpotential(current: i)
        return foil.electrolytePotential(current: i, overpotential: eta)
    }

    /// Change of the stack's thickness from its initial state [m] (docs/MODEL.md §Stack and
    /// fixture): the composite expands with its active material (uniaxially,
    /// ΔL_p = Σ_j h_j ε_s Σ_k w_k Δε_V,k) and the foil grows by the lithium the particles give up
    /// (ΔL_n = −ε_s V̄_Li Σ_j h_j Σ_k w_k Δc̄_k).
    func thicknessChange(_ y: UnsafeBufferPointer<Double>) -> Double {
        guard let mechanics else { return 0 }
        let p = parameters
        let c0 = p.positiveInitialConcentration
        var change = 0.0
        for j in 0..<mesh.positiveCells {
            var cell = 0.0
            for k in 0..<classCount {
                let mean = meanConcentration(y, cell: j, class: k)
                let strain = mechanics.volumeChange.strain(stoichiometry: mean / cMax).value - initialStrain
                cell += p.contactClasses[k].volumeShare * (strain - mechanics.negativeLithiumMolarVolume * (mean - c0))
            }
            change += mesh.widths[mesh.separatorCells + j] * p.positiveActiveMaterialFraction * cell
        }
        return change
    }

    /// Evaluates the reaction terms of every particle at the state y into ``scratch``: the
    /// effective reaction current density φ j [A m⁻² of particle surface] and its derivatives; the
    /// contact fraction φ and its derivatives; with oxidation, the side current φ j_ox, its
    /// derivatives, and j_ox per contacted area (the film growth rate) with its derivative in the
    /// surface concentration. Throws ``NonPhysicalStateError`` for a trial state the laws cannot
    /// evaluate.
    func updateReactions(_ y: UnsafeBufferPointer<Double>) throws {
        if layout.lithiumContact { try checkLithiumContact(y) }
        let ns = mesh.separatorCells
        let pressureFactor = self.pressureFactor(y[pressureIndex])
        for j in 0..<mesh.positiveCells {
            for k in 0..<classCount {
                let r = j * classCount + k
                let surface = surfaceConcentration(y, cell: j, class: k) / cMax
                // A wildly unphysical trial state (a Newton overshoot): let IDA retry with a smaller step.
                guard surface > -0.5 && surface < 1.5 else {
                    throw NonPhysicalStateError(what: "positive particle surface stoichiometry", value: surface)
                }
                let ocp = openCircuitPotential(surface)
                // The film resistance of a grown film (zero derivative for a slightly negative trial charge).
                let charge = oxidation == nil ? 0 : y[layout.film(r)]
                let potentialDifference = y[electrodeStart + j] - y[ns + j]
                guard let (rate, dPotential, dStoichiometry, dFilm) = kinetics.current(
                    potentialDifference: potentialDifference, stoichiometry: surface, ocp: ocp,
                    filmResistance: film.resistance(charge: charge)) else {
                    throw NonPhysicalStateError(what: "overpotential behind the interphase film (no convergence) at drive",
                                                value: potentialDifference - ocp.value)
                }
                let dSurface = dStoichiometry / cMax
                let contact = contactFraction(y, cell: j, class: k, pressureFactor: pressureFactor)
                let perNodeMean = cMax * particles[k].totalVolume  // ∂ȳ = ∂(c_m V_m) / this
                flux[r] = contact.value * rate
                fluxDPhiS[r] = contact.value * dPotential
                fluxDSurface[r] = contact.value * dSurface
                fluxDMean[r] = rate * contact.dMean / perNodeMean
                fluxDPressure[r] = rate * contact.dPressure
                contactValue[r] = contact.value
                contactDMean[r] = contact.dMean / (cMax * particles[k].totalVolume)
                contactDPressure[r] = contact.dPressure
                guard oxidation != nil else { continue }
                fluxDFilm[r] = charge > 0 ? contact.value * dFilm * film.resistancePerCharge : 0
                let (side, dSide) = oxidationCurrent(ocp: ocp)
                oxidationRate[r] = contact.value > 0 ? side : 0
                oxidationRateDSurface[r] = contact.value > 0 ? dSide : 0
                sideFlux[r] = contact.value * side
                sideFluxDSurface[r] = contact.value * dSide
                sideFluxDMean[r] = side * contact.dMean / perNodeMean
                sideFluxDPressure[r] = side * contact.dPressure
            }
        }
    }

    /// Whether no particle of the composite electrode has contact left (every one isolated,
    /// φ0 (1 − D) = 0), so that the cell can carry no current; false without a composite electrode.
    public var everyParticleIsolated: Bool {
        guard !contactDamage.isEmpty else { return false }
        for r in contactDamage.indices where contactClasses[r % classCount].intactContact(damage: contactDamage[r]) > 0 {
            return false
        }
        return true
    }

    /// |j| of every particle (index j K + k), the charge-transfer current density per contacted
    /// area [A m⁻²] at the state y, written into `current` without allocating: the current crowding
    /// at the particle's contact spots that drives the current-crowding factor of the contact-damage
    /// law (``StrainCycleDamage``). The same kinetics as the residual (``updateReactions(_:)``), but
    /// outside it and without touching its scratch values; 0 where the overpotential behind the
    /// film does not converge and for an isolated particle.
    public func interfacialCurrentDensity(_ y: UnsafeBufferPointer<Double>, into current: UnsafeMutableBufferPointer<Double>) {
        for r in 0..<contactDamage.count { current[r] = abs(contactedRate(y, particle: r)?.rate.j ?? 0) }
    }

    /// The charge-transfer current density per contacted area of particle r (index j K + k) at
    /// the state y and its derivatives (``ButlerVolmerKinetics/current(potentialDifference:stoichiometry:ocp:filmResistance:)``),
    /// with its surface stoichiometry clamped to [0, 1] (`clamped`: it was outside); nil for an
    /// isolated particle, or where the overpotential behind the film does not converge. The
    /// residual's kinetics, evaluated outside it and without touching its scratch values.
    func contactedRate(_ y: UnsafeBufferPointer<Double>, particle r: Int)
        -> (rate: (j: Double, dPotential: Double, dStoichiometry: Double, dFilm: Double), clamped: Bool)? {
        let j = r / classCount, k = r % classCount
        guard contactClasses[k].intactContact(damage: contactDamage[r]) > 0 else { return nil }
        let surface = surfaceConcentration(y, cell: j, class: k) / cMax
        let clamped = min(max(surface, 0), 1)
        let charge = oxidation == nil ? 0 : y[layout.film(r)]
        guard let rate = kinetics.current(potentialDifference: y[electrodeStart + j] - y[mesh.separatorCells + j],
                                          stoichiometry: clamped, ocp: openCircuitPotential(clamped),
                                          filmResistance: film.resistance(charge: charge)) else { return nil }
        return (rate, clamped != surface)
    }

    public func interfacialCurrentDensity(_ y: [Double], into current: inout [Double]) {
        y.withUnsafeBufferPointer { buffer in
            current.withUnsafeMutableBufferPointer { interfacialCurrentDensity(buffer, into: $0) }
        }
    }

    /// The electrode's mean current density per particle surface [A m⁻²], |i| / Σ_j h_j Σ_k a_k
    /// (i the cell's current density, a_k the active surface per volume of class k): what every
    /// particle would carry if the current were spread uniformly over all the active surface. The
    /// reference against which ``interfacialCurrentDensity(_:into:)`` measures current crowding.
    public func meanParticleCurrentDensity(_ y: UnsafeBufferPointer<Double>) -> Double {
        activeSurfacePerElectrodeArea > 0 ? abs(y[currentIndex]) / activeSurfacePerElectrodeArea : 0
    }

    public func meanParticleCurrentDensity(_ y: [Double]) -> Double {
        y.withUnsafeBufferPointer { meanParticleCurrentDensity($0) }
    }

    // Scratch values, index j K + k (see ``ReactionScratch``).
    var flux: UnsafeMutableBufferPointer<Double> { scratch.flux }
    var fluxDPhiS: UnsafeMutableBufferPointer<Double> { scratch.fluxDPhiS }
    var fluxDSurface: UnsafeMutableBufferPointer<Double> { scratch.fluxDSurface }
    var fluxDMean: UnsafeMutableBufferPointer<Double> { scratch.fluxDMean }
    var fluxDPressure: UnsafeMutableBufferPointer<Double> { scratch.fluxDPressure }
    var fluxDFilm: UnsafeMutableBufferPointer<Double> { scratch.fluxDFilm }
    // The contact fraction φ and its derivatives (∂φ/∂ȳ per unit c_m V_m, as fluxDMean; ∂φ/∂P).
    var contactValue: UnsafeMutableBufferPointer<Double> { scratch.contactValue }
    var contactDMean: UnsafeMutableBufferPointer<Double> { scratch.contactDMean }
    var contactDPressure: UnsafeMutableBufferPointer<Double> { scratch.contactDPressure }
    var sideFlux: UnsafeMutableBufferPointer<Double> { scratch.sideFlux }
    var sideFluxDSurface: UnsafeMutableBufferPointer<Double> { scratch.sideFluxDSurface }
    var sideFluxDMean: UnsafeMutableBufferPointer<Double> { scratch.sideFluxDMean }
    var sideFluxDPressure: UnsafeMutableBufferPointer<Double> { scratch.sideFluxDPressure }
    var oxidationRate: UnsafeMutableBufferPointer<Double> { scratch.oxidationRate }
    var oxidationRateDSurface: UnsafeMutableBufferPointer<Double> { scratch.oxidationRateDSurface }
}

/// Per-reaction scratch values of ``P2DModel`` (index j K + k), zero until first written.
final class ReactionScratch {
    let count: Int
    private let storage: UnsafeMutableBufferPointer<Double>
    let flux, fluxDPhiS, fluxDSurface, fluxDMean, fluxDPressure, fluxDFilm: UnsafeMutableBufferPointer<Double>
    let contactValue, contactDMean, contactDPressure: UnsafeMutableBufferPointer<Double>
    let sideFlux, sideFluxDSurface, sideFluxDMean, sideFluxDPressure: UnsafeMutableBufferPointer<Double>
    let oxidationRate, oxidationRateDSurface: UnsafeMutableBufferPointer<Double>

    init(count: Int) {
        self.count = count
        let storage = UnsafeMutableBufferPointer<Double>.allocate(capacity: 15 * count)
        storage.initialize(repeating: 0)
        self.storage = storage
        func part(_ index: Int) -> UnsafeMutableBufferPointer<Double> {
            UnsafeMutableBufferPointer(rebasing: storage[(index * count)..<((index + 1) * count)])
        }
        (flux, fluxDPhiS, fluxDSurface, fluxDMean, fluxDPressure, fluxDFilm) = (part(0), part(1), part(2), part(3), part(4), part(5))
        (sideFlux, sideFluxDSurface, sideFluxDMean, sideFluxDPressure) = (part(6), part(7), part(8), part(9))
        (oxidationRate, oxidationRateDSurface) = (part(10), part(11))
        (contactValue, contactDMean, contactDPressure) = (part(12), part(13), part(14))
    }

    func copy() -> ReactionScratch {
        let copy = ReactionScratch(count: count)
        _ = copy.storage.update(fromContentsOf: storage)
        return copy
    }

    deinit { storage.deallocate() }
}
