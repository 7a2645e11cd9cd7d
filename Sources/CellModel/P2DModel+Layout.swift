import DAESolver

/// Sizes and offsets of the state vector.
struct Layout: Sendable {
    let nx, ns, np, nr, classes: Int
    /// Whether every particle carries an oxidised-charge (interphase film) unknown.
    let films: Bool
    /// Double-layer unknowns, appended after the films (see P2DModel+DoubleLayer.swift).
    var positiveDoubleLayer = false, foilDoubleLayer = false
    /// The foil|SE contact fraction φ_a, last of all (see P2DModel+NegativeInterface.swift); in a
    /// symmetric cell followed by the x = L foil's.
    var lithiumContact = false
    /// A second lithium foil at x = L in place of the composite (symmetric cell, np = 0; see
    /// P2DModel+SymmetricCell.swift).
    var positiveFoil = false
    /// The lithium plated at an anode-free cell's collector, q_Li [C m⁻²], last of all (see
    /// P2DModel+AnodeFree.swift).
    var platedLithium = false
    var electrodeStart: Int { nx }
    var concentrationStart: Int { nx + np }
    var currentIndex: Int { concentrationStart + np * classes * nr }
    var capacityIndex: Int { currentIndex + 1 }
    var pressureIndex: Int { currentIndex + 2 }
    var filmStart: Int { currentIndex + 3 }
    var stateCount: Int { filmStart + (films ? np * classes : 0) + interfaceUnknowns + contactUnknowns + (platedLithium ? 1 : 0) }
    /// Number of contact fractions: one per lithium foil with the contact law, else none.
    var contactUnknowns: Int { lithiumContact ? (positiveFoil ? 2 : 1) : 0 }
    /// The oxidised charge of the particle with reaction index j K + k.
    @inline(__always) func film(_ reaction: Int) -> Int { filmStart + reaction }
    /// Node m of the particle of class k at composite cell j.
    @inline(__always) func concentration(_ j: Int, _ k: Int, _ m: Int) -> Int {
        concentrationStart + (j * classes + k) * nr + m
    }
}

/// Positions in the Jacobian value array of every entry the assembly writes, computed once.
/// Arrays indexed by reaction (j K + k) or by particle node ((j K + k) Nr + m); −1 where the
/// entry is structurally absent (a node that only the mean stoichiometry would couple).
struct Slots: Sendable {
    var electrolyteWest: [Int] = [], electrolyteCentre: [Int] = [], electrolyteEast: [Int] = []
    var electrolyteElectrode: [Int] = [], electrolytePressure: [Int] = [], electrolyteParticle: [Int] = []
    var electrolyteCurrent = 0
    var electrodeWest: [Int] = [], electrodeCentre: [Int] = [], electrodeEast: [Int] = []
    var electrodeElectrolyte: [Int] = [], electrodePressure: [Int] = [], electrodeParticle: [Int] = []
    var electrodeCurrent = 0
    var surfaceElectrode: [Int] = [], surfaceElectrolyte: [Int] = [], surfacePressure: [Int] = [], surfaceParticle: [Int] = []
    var particleWest: [Int] = [], particleCentre: [Int] = [], particleEast: [Int] = []
    var controlCurrent = 0, controlElectrode = 0, controlElectrodePrevious = 0
    var capacityCapacity = 0, capacityCurrent = 0
    var pressurePressure = 0, pressureParticle: [Int] = []
    var electrolyteFilm: [Int] = [], electrodeFilm: [Int] = [], surfaceFilm: [Int] = []
    var filmFilm: [Int] = [], filmSurfaceLast: [Int] = [], filmSurfacePrevious: [Int] = []

    static func build(_ l: Layout, denseParticleCoupling: Bool, pressureFollowsState: Bool,
                      extraEntries: [(row: Int, column: Int)] = []) -> (SparsityPattern, Slots) {
        var entries: [(row: Int, column: Int)] = []
        let electrodeLast = l.electrodeStart + l.np - 1
        /// Nodes of a particle that its reaction depends on.
        func coupled(_ m: Int) -> Bool { denseParticleCoupling || m >= l.nr - 2 }
        for c in 0..<l.nx {
            entries.append((c, c))
            if c > 0 { entries.append((c, c - 1)) }
            if c + 1 < l.nx { entries.append((c, c + 1)) }
        }
        entries.append((0, l.currentIndex))
        for j in 0..<l.np {
            let e = l.electrodeStart + j, ionic = l.ns + j
            entries += [(e, e), (e, ionic), (ionic, e), (ionic, l.pressureIndex), (e, l.pressureIndex)]
            if j > 0 { entries.append((e, e - 1)) }
            if j + 1 < l.np { entries.append((e, e + 1)) }
            for k in 0..<l.classes {
                let surface = l.concentration(j, k, l.nr - 1)
                entries += [(surface, e), (surface, ionic), (surface, l.pressureIndex)]
                if l.films {
                    let film = l.film(j * l.classes + k)
                    entries += [(ionic, film), (e, film), (surface, film), (film, film), (film, surface), (film, surface - 1)]
                }
                for m in 0..<l.nr {
                    let c = l.concentration(j, k, m)
                    entries.append((c, c))
                    if m > 0 { entries.append((c, c - 1)) }
                    if m + 1 < l.nr { entries.append((c, c + 1)) }
                    if coupled(m) { entries += [(ionic, c), (e, c), (surface, c)] }
                    if pressureFollowsState { entries.append((l.pressureIndex, c)) }
                }
            }
        }
        if !l.positiveFoil {  // (a symmetric cell's terminal entries are PositiveFoilSlots')
            entries += [(electrodeLast, l.currentIndex), (l.currentIndex, electrodeLast), (l.currentIndex, electrodeLast - 1)]
        }
        entries += [(l.currentIndex, l.currentIndex),
                    (l.capacityIndex, l.capacityIndex), (l.capacityIndex, l.currentIndex),
                    (l.pressureIndex, l.pressureIndex)]
        entries += extraEntries
        let pattern = SparsityPattern(dimension: l.stateCount, entries: entries)
        func slot(_ row: Int, _ column: Int) -> Int { pattern.slot(row: row, column: column) ?? -1 }

        var s = Slots()
        s.electrolyteWest = (0..<l.nx).map { slot($0, $0 - 1) }
        s.electrolyteCentre = (0..<l.nx).map { slot($0, $0) }
        s.electrolyteEast = (0..<l.nx).map { slot($0, $0 + 1) }
        s.electrolyteElectrode = (0..<l.np).map { slot(l.ns + $0, l.electrodeStart + $0) }
        s.electrolytePressure = (0..<l.np).map { slot(l.ns + $0, l.pressureIndex) }
        s.electrolyteCurrent = slot(0, l.currentIndex)
        s.electrodeWest = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0 - 1) }
        s.electrodeCentre = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0) }
        s.electrodeEast = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0 + 1) }
        s.electrodeElectrolyte = (0..<l.np).map { slot(l.electrodeStart + $0, l.ns + $0) }
        s.electrodePressure = (0..<l.np).map { slot(l.electrodeStart + $0, l.pressureIndex) }
        s.electrodeCurrent = slot(electrodeLast, l.currentIndex)
        for j in 0..<l.np {
            for k in 0..<l.classes {
                let surface = l.concentration(j, k, l.nr - 1)
                s.surfaceElectrode.append(slot(surface, l.electrodeStart + j))
                s.surfaceElectrolyte.append(slot(surface, l.ns + j))
                s.surfacePressure.append(slot(surface, l.pressureIndex))
                let film = l.film(j * l.classes + k)
                s.electrolyteFilm.append(slot(l.ns + j, film))
                s.electrodeFilm.append(slot(l.electrodeStart + j, film))
                s.surfaceFilm.append(slot(surface, film))
                s.filmFilm.append(slot(film, film))
                s.filmSurfaceLast.append(slot(film, surface))
                s.filmSurfacePrevious.append(slot(film, surface - 1))
                for m in 0..<l.nr {
                    let c = l.concentration(j, k, m)
                    s.particleWest.append(slot(c, c - 1))
                    s.particleCentre.append(slot(c, c))
                    s.particleEast.append(slot(c, c + 1))
                    s.electrolyteParticle.append(slot(l.ns + j, c))
                    s.electrodeParticle.append(slot(l.electrodeStart + j, c))
                    s.surfaceParticle.append(slot(surface, c))
                    s.pressureParticle.append(slot(l.pressureIndex, c))
                }
            }
        }
        s.controlCurrent = slot(l.currentIndex, l.currentIndex)
        s.controlElectrode = slot(l.currentIndex, electrodeLast)
        s.controlElectrodePrevious = slot(l.currentIndex, electrodeLast - 1)
        s.capacityCapacity = slot(l.capacityIndex, l.capacityIndex)
        s.capacityCurrent = slot(l.capacityIndex, l.currentIndex)
        s.pressurePressure = slot(l.pressureIndex, l.pressureIndex)
        return (pattern, s)
    }
}

/// Boundary and mean values of the discretised state.
extension P2DModel {
    /// Surface concentration by linear extrapolation of the last two nodes to r = R:
    /// c_R = c_{N−1} + ½(c_{N−1} − c_{N−2}).
    static let surfaceWeightLast = 1.5
    static let surfaceWeightPrevious = -0.5

    @inline(__always) func surfaceConcentration(_ y: UnsafeBufferPointer<Double>, cell j: Int, class k: Int) -> Double {
        let last = layout.concentration(j, k, layout.nr - 1)
        return Self.surfaceWeightLast * y[last] + Self.surfaceWeightPrevious * y[last - 1]
    }

    /// Volume-averaged concentration of one particle, c̄ = Σ_m c_m V_m / (R³/3).
    @inline(__always) func meanConcentration(_ y: UnsafeBufferPointer<Double>, cell j: Int, class k: Int) -> Double {
        let particle = particles[k]
        let first = layout.concentration(j, k, 0)
        var sum = 0.0
        for m in 0..<layout.nr { sum += y[first + m] * particle.volume(m) }
        return sum / particle.totalVolume
    }

    /// Terminal voltage V = φ_s(L), extrapolated linearly from the last two nodes:
    /// V = 1.5 φ_s,N−1 − 0.5 φ_s,N−2 (∂V/∂ of those two nodes returned).
    /// (A symmetric cell's voltage, ``foilTerminalVoltage(_:)``, is not linear in two nodes: its
    /// value is returned with both weights 0, and its Jacobian is assembled from its own derivatives.)
    @inline(__always)
    func terminalVoltage(_ y: UnsafeBufferPointer<Double>) -> (value: Double, dLast: Double, dPrevious: Double) {
        if layout.positiveFoil { return (foilTerminalVoltage(y).value, 0, 0) }
        let last = electrodeStart + mesh.positiveCells - 1
        return (1.5 * y[last] - 0.5 * y[last - 1], 1.5, -0.5)
    }
}
