import CellModel
import CellPhysics
import Foundation
import Parameters
import TestSupport
import Testing

// Fixtures of the CellModel verification tests: the model files they run on, mesh keys and the
// state-vector layout. Model loading and the solver driver are TestSupport's.

/// The two bundled model files the verification tests run on.
enum ModelName: String, CaseIterable, CustomStringConvertible, Sendable {
    case xu2019 = "xu2019-nmc532-half-cell-t1"
    case chen2020 = "chen2020-nmc811-li-half-cell-t1"
    var description: String { rawValue }
}

/// Mesh-size keys.
enum MeshKey {
    static let separator = "Separator mesh points"
    static let positive = "Positive electrode mesh points"
    static let particle = "Positive particle mesh points"
}

/// Model of a file with the given mesh (separator, positive electrode, particle) and other changes.
func makeParameters(_ name: ModelName, mesh: (Int, Int, Int), changes: [String: Double] = [:]) throws -> CellParameters {
    var all = changes
    all[MeshKey.separator] = Double(mesh.0)
    all[MeshKey.positive] = Double(mesh.1)
    all[MeshKey.particle] = Double(mesh.2)
    return try loadModel(name.rawValue, all)
}

/// Where each unknown sits in the state vector, as P2DModel's documentation lays it out: φ_e
/// (separator then composite cells), φ_s (composite cells), c (composite cell, then particle class,
/// then radial node), then the current density i and the other scalar unknowns. `init` checks this
/// against what the model exposes (tolerance scales, the surface stoichiometry and the terminal
/// voltage it reads out of a state), so a change of layout fails here, loudly, not as a wrong test.
struct StateLayout {
    let ns, np, nr, classes: Int
    var nx: Int { ns + np }
    var electrodeStart: Int { nx }
    var concentrationStart: Int { nx + np }
    var concentrationEnd: Int { concentrationStart + np * classes * nr }

    init(_ model: P2DModel) throws {
        ns = model.mesh.separatorCells
        np = model.mesh.positiveCells
        nr = model.parameters.particleMeshPoints
        classes = model.classCount
        try #require(model.currentIndex == concentrationEnd, "state layout: current index")
        let cMax = model.parameters.positiveMaximumConcentration
        let scale = model.toleranceScale
        try #require((0..<concentrationStart).allSatisfy { scale[$0] == 1 }, "state layout: potentials first")
        try #require((concentrationStart..<concentrationEnd).allSatisfy { scale[$0] == cMax }, "state layout: concentrations")
        // Distinct values everywhere: the model's surface read-out must be 1.5 c_{N−1} − 0.5 c_{N−2} of
        // the nodes this layout names, and V = 1.5 φ_s,last − 0.5 φ_s,previous.
        var y = model.restingState()
        for index in 0..<concentrationEnd { y[index] = Double(index % 97) + 0.25 * Double(index / 97) }
        let surfaces = model.surfaceStoichiometry(y)
        try #require(surfaces.count == np * classes)
        for j in 0..<np {
            for k in 0..<classes {
                let expected = 1.5 * y[concentration(j, k, nr - 1)] - 0.5 * y[concentration(j, k, nr - 2)]
                try #require(abs(surfaces[j * classes + k] * cMax - expected) <= 1e-12 * cMax, "state layout: particle (\(j), \(k))")
            }
        }
        try #require(abs(model.voltage(y) - (1.5 * y[electrode(np - 1)] - 0.5 * y[electrode(np - 2)])) < 1e-12,
                     "state layout: terminal voltage")
    }

    func electrolyte(_ k: Int) -> Int { k }
    func electrode(_ j: Int) -> Int { electrodeStart + j }
    func concentration(_ j: Int, _ k: Int = 0, _ m: Int) -> Int { concentrationStart + (j * classes + k) * nr + m }
}

/// Reference (1C) current density of a parameter set [A m⁻²].
func oneCCurrentDensity(_ p: CellParameters) -> Double { p.nominalCapacity / p.totalArea }

/// Effective ionic conductivities of separator and composite, and the composite's effective
/// electronic conductivity [S m⁻¹], at the reference temperature (the tests run there), from the
/// model file's Bruggeman coefficients: κ ε^b and σ (1 − ε)^b_s.
func effectiveConductivities(_ set: ParameterSet) -> (separator: Double, positive: Double, electronic: Double) {
    let kappa = set.number("Electrolyte conductivity [S.m-1]")
    let separator = kappa * pow(set.number("Separator porosity"), set.number("Separator Bruggeman coefficient (electrolyte)"))
    let porosity = set.number("Positive electrode porosity")
    let positive = kappa * pow(porosity, set.number("Positive electrode Bruggeman coefficient (electrolyte)"))
    let electronic = set.number("Positive electrode conductivity [S.m-1]")
        * pow(1 - porosity, set.number("Positive electrode Bruggeman coefficient (electrode)"))
    return (separator, positive, electronic)
}
