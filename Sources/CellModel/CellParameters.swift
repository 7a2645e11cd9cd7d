import Foundation

/// Validated, typed parameters of a solid-state half cell: composite positive electrode
/// (active-material particles + solid electrolyte + conductive additive) | solid-electrolyte
/// separator | planar lithium-metal or alloy foil. Every field is in SI units.
public struct CellParameters: Sendable {
    // Cell
    /// Geometric area of one electrode pair, width × height [m²].
    public var electrodeArea: Double
    /// Electrode pairs in parallel; the cell current is this many times one pair's.
    public var electrodesInParallel: Double
    /// Capacity that defines the C-rate: I[A] = C · this [A h].
    public var nominalCapacity: Double
    public var lowerVoltageCutoff: Double
    public var upperVoltageCutoff: Double
    public var referenceTemperature: Double
    public var temperature: Double

    // Solid electrolyte
    /// Bulk ionic conductivity of the solid electrolyte at the reference temperature [S m⁻¹].
    public var electrolyteConductivity: Double
    public var electrolyteConductivityActivationEnergy: Double

    // Separator
    public var separatorThickness: Double
    /// Volume fraction of solid electrolyte in the separator.
    public var separatorElectrolyteFraction: Double
    public var separatorBruggeman: Double

    // Positive composite electrode
    public var positiveThickness: Double
    /// Volume fraction of solid electrolyte in the composite (PyBaMM's "porosity").
    public var positiveElectrolyteFraction: Double
    public var positiveActiveMaterialFraction: Double
    public var positiveElectrolyteBruggeman: Double
    public var positiveElectrodeBruggeman: Double
    /// Electronic conductivity of the solid phase [S m⁻¹]; the effective value is σ (1 − ε_e)^b_s
    /// (PyBaMM's transport efficiency of the whole solid phase).
    public var positiveConductivity: Double
    public var positiveParticleRadius: Double
    public var positiveMaximumConcentration: Double
    public var positiveInitialConcentration: Double
    /// Solid diffusivity D(y) at the reference temperature [m² s⁻¹].
    public var positiveDiffusivity: DifferentiableFunction
    public var positiveDiffusivityActivationEnergy: Double
    /// Open-circuit potential U(y) [V vs Li/Li⁺].
    public var positiveOCP: DifferentiableFunction
    /// Exchange-current density at y = 0.5 and the reference temperature [A m⁻²].
    public var positiveExchangeCurrentDensity: Double
    public var positiveExchangeCurrentActivationEnergy: Double
    /// Density of the active material [kg m⁻³], to report capacities per gram.
    public var positiveActiveMaterialDensity: Double

    // Negative foil
    public var negativeThickness: Double
    public var negativeConductivity: Double
    public var negativeOCP: Double
    public var negativeExchangeCurrentDensity: Double
    public var negativeExchangeCurrentActivationEnergy: Double

    // Mesh
    public var separatorMeshPoints: Int
    public var positiveMeshPoints: Int
    public var particleMeshPoints: Int

    /// Reads and range-checks every parameter; throws for the first missing, mistyped or
    /// non-physical value, or for a key that this model does not use.
    public init(_ parameters: ParameterSet) throws(ParameterError) {
        var r = ParameterReader(parameters)
        _ = r.has("metadata")
        let width = try r.positive("Electrode width [m]", atMost: 100)
        let height = try r.positive("Electrode height [m]", atMost: 100)
        electrodeArea = width * height
        electrodesInParallel = Double(try r.integer("Number of electrodes connected in parallel to make a cell", in: 1...10_000))
        nominalCapacity = try r.positive("Nominal cell capacity [A.h]", atMost: 1e4)
        lowerVoltageCutoff = try r.number("Lower voltage cut-off [V]", in: 0...10)
        upperVoltageCutoff = try r.number("Upper voltage cut-off [V]", in: 0...10)
        guard upperVoltageCutoff > lowerVoltageCutoff else {
            throw ParameterError(key: "Upper voltage cut-off [V]", value: "\(upperVoltageCutoff)",
                                 allowed: "greater than \"Lower voltage cut-off [V]\" (\(lowerVoltageCutoff))")
        }
        referenceTemperature = try r.number("Reference temperature [K]", in: 150...600)
        temperature = try r.number("Ambient temperature [K]", in: 150...600)

        electrolyteConductivity = try r.positive("Electrolyte conductivity [S.m-1]", atMost: 1e3)
        electrolyteConductivityActivationEnergy = try r.number("Electrolyte conductivity activation energy [J.mol-1]", in: 0...3e5)

        separatorThickness = try r.positive("Separator thickness [m]", atMost: 1e-2)
        separatorElectrolyteFraction = try r.number("Separator porosity", in: 0...1, excludingLowerBound: true)
        separatorBruggeman = try r.number("Separator Bruggeman coefficient (electrolyte)", in: 0...10)

        positiveThickness = try r.positive("Positive electrode thickness [m]", atMost: 1e-2)
        positiveElectrolyteFraction = try r.number("Positive electrode porosity", in: 0...1, excludingLowerBound: true)
        positiveActiveMaterialFraction = try r.number("Positive electrode active material volume fraction", in: 0...1,
                                                      excludingLowerBound: true)
        guard positiveElectrolyteFraction + positiveActiveMaterialFraction <= 1 + 1e-12 else {
            throw ParameterError(key: "Positive electrode active material volume fraction",
                                 value: "\(positiveActiveMaterialFraction)",
                                 allowed: "at most 1 − \"Positive electrode porosity\" = \(1 - positiveElectrolyteFraction) (volume fractions sum to ≤ 1)")
        }
        positiveElectrolyteBruggeman = try r.number("Positive electrode Bruggeman coefficient (electrolyte)", in: 0...10)
        positiveElectrodeBruggeman = try r.number("Positive electrode Bruggeman coefficient (electrode)", in: 0...10)
        positiveConductivity = try r.positive("Positive electrode conductivity [S.m-1]", atMost: 1e8)
        positiveParticleRadius = try r.positive("Positive particle radius [m]", atMost: 1e-3)
        positiveMaximumConcentration = try r.positive("Maximum concentration in positive electrode [mol.m-3]", atMost: 1e6)
        positiveInitialConcentration = try r.number("Initial concentration in positive electrode [mol.m-3]",
                                                    in: 0...positiveMaximumConcentration,
                                                    allowed: "a number > 0 and < the maximum concentration \(positiveMaximumConcentration)",
                                                    excludingLowerBound: true)
        guard positiveInitialConcentration < positiveMaximumConcentration else {
            throw ParameterError(key: "Initial concentration in positive electrode [mol.m-3]",
                                 value: "\(positiveInitialConcentration)",
                                 allowed: "a number > 0 and < the maximum concentration \(positiveMaximumConcentration)")
        }
        switch try r.numberOrFunction("Positive particle diffusivity [m2.s-1]", in: 0...1e-6,
                                      functions: Diffusivities.all.keys.sorted()) {
        case .number(let d): positiveDiffusivity = .constant(d)
        case .function(let name): positiveDiffusivity = Diffusivities.all[name]!
        }
        positiveDiffusivityActivationEnergy = try r.number("Positive particle diffusivity activation energy [J.mol-1]", in: 0...3e5)
        positiveOCP = OpenCircuitPotentials.all[try r.function("Positive electrode OCP [V]",
                                                               choices: OpenCircuitPotentials.all.keys.sorted())]!
        positiveExchangeCurrentDensity = try r.positive("Positive electrode exchange-current density [A.m-2]", atMost: 1e5)
        positiveExchangeCurrentActivationEnergy = try r.number("Positive electrode exchange-current density activation energy [J.mol-1]", in: 0...3e5)
        positiveActiveMaterialDensity = try r.positive("Positive electrode active material density [kg.m-3]", atMost: 3e4)

        negativeThickness = try r.positive("Negative electrode thickness [m]", atMost: 1e-2)
        negativeConductivity = try r.positive("Negative electrode conductivity [S.m-1]", atMost: 1e9)
        negativeOCP = try r.number("Negative electrode OCP [V]", in: -1...3)
        negativeExchangeCurrentDensity = try r.positive("Exchange-current density for lithium metal electrode [A.m-2]", atMost: 1e7)
        negativeExchangeCurrentActivationEnergy = try r.number("Negative electrode exchange-current density activation energy [J.mol-1]", in: 0...3e5)

        separatorMeshPoints = try r.integer("Separator mesh points", in: 1...2000)
        positiveMeshPoints = try r.integer("Positive electrode mesh points", in: 2...2000)
        particleMeshPoints = try r.integer("Positive particle mesh points", in: 2...2000)

        try r.rejectUnknownKeys()
    }

    // Derived quantities

    /// Total geometric area carrying current: area × electrode pairs [m²].
    public var totalArea: Double { electrodeArea * electrodesInParallel }

    /// Mass of positive active material in the cell [kg].
    public var positiveActiveMaterialMass: Double {
        positiveActiveMaterialFraction * positiveThickness * totalArea * positiveActiveMaterialDensity
    }
}
