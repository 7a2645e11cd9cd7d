import CellPhysics
import Foundation

/// Validated, typed parameters of a solid-state half cell: composite positive electrode
/// (active-material particles + solid electrolyte + conductive additive) | solid-electrolyte
/// separator | planar lithium-metal or alloy foil (or plated lithium: ``CellLayout/anodeFree``), or
/// (``CellLayout/symmetricLithium``) foil | separator | foil. Every field is in SI units.
///
/// A symmetric cell has no composite electrode: its positive-electrode fields keep the values
/// they are declared with (zero thickness, no mesh points, no particle classes), which the model
/// never reads for that layout.
public struct CellParameters: Sendable {
    /// Which electrodes the cell has (`"Cell layout"`, default ``CellLayout/compositeSeparatorFoil``).
    public var layout: CellLayout
    /// An anode-free cell's lithium plated at the collector at the start [C m⁻²] (key `"Negative
    /// electrode initial lithium [mA.h.cm-2]"`, default 0; other layouts: 0, unused).
    public var initialPlatedLithium: Double = 0

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
    public var separatorTransport: TransportEfficiency

    // Positive composite electrode
    public var positiveThickness: Double = 0
    /// Volume fraction of solid electrolyte in the composite (PyBaMM's "porosity").
    public var positiveElectrolyteFraction: Double = 0
    public var positiveActiveMaterialFraction: Double = 0
    public var positiveElectrolyteTransport: TransportEfficiency = .bruggeman(exponent: 0)
    public var positiveElectrodeBruggeman: Double = 0
    /// Electronic conductivity of the solid phase [S m⁻¹]; the effective value is σ (1 − ε_e)^b_s
    /// (PyBaMM's transport efficiency of the whole solid phase).
    public var positiveConductivity: Double = 0
    public var positiveParticleRadius: Double = 0
    public var positiveMaximumConcentration: Double = 1
    public var positiveInitialConcentration: Double = 0
    /// Solid diffusivity D(y) at the reference temperature [m² s⁻¹].
    public var positiveDiffusivity: DifferentiableFunction = .constant(0)
    public var positiveDiffusivityActivationEnergy: Double = 0
    /// Open-circuit potential U(y) [V vs Li/Li⁺].
    public var positiveOCP: DifferentiableFunction = .constant(0)
    /// Exchange-current density at y = 0.5 and the reference temperature [A m⁻²].
    public var positiveExchangeCurrentDensity: Double = 0
    public var positiveExchangeCurrentActivationEnergy: Double = 0
    /// Density of the active material [kg m⁻³], to report capacities per gram.
    public var positiveActiveMaterialDensity: Double = 0

    /// Particle populations (one with full contact unless the model file describes a microstructure).
    public var contactClasses: [ContactClass] = []
    /// Contact fraction below which a particle is isolated (by fabrication or by damage).
    public var isolationThreshold: Double = 0
    /// m_d of the contact diffusion penalty D_eff = D (φ0 Π(P) (1 − D_damage))^m_d — key
    /// `"Positive particle contact diffusion exponent"`, 0 (no penalty) when absent.
    public var contactDiffusionExponent: Double = 0
    /// The pressure/contact mechanics, or nil for full contact everywhere (the baseline model).
    public var mechanics: ContactMechanics?
    /// Contact damage and electrolyte oxidation over cycles, or nil for a cell that does not age.
    public var degradation: Degradation? = nil

    // Negative foil
    public var negativeThickness: Double
    public var negativeConductivity: Double
    public var negativeOCP: Double
    public var negativeExchangeCurrentDensity: Double
    public var negativeExchangeCurrentActivationEnergy: Double
    /// The lithium-metal interface's contact under stack pressure, or nil for full contact (``NegativeInterfaceParameters``).
    public var negativeInterface: NegativeInterfaceParameters?

    // Interface double layers (0 = none: the interface has no capacity and no unknowns of its own)
    /// Capacity of the contacted CAM|SE interface per unit of contacted area [F m⁻²]
    /// (PyBaMM's `"Positive electrode double-layer capacity [F.m-2]"`).
    public var positiveDoubleLayerCapacity: Double = 0
    /// Capacity of the foil|SE interface per unit of geometric area [F m⁻²]
    /// (PyBaMM's `"Negative electrode double-layer capacity [F.m-2]"`).
    public var negativeDoubleLayerCapacity: Double

    // Mesh and discretisation
    /// How the ionic conductivity is carried from cell centres to the face between two cells.
    public var faceConductivityAveraging: FaceAveraging
    public var separatorMeshPoints: Int
    public var positiveMeshPoints: Int = 0
    public var particleMeshPoints: Int = 2

    /// Reads and range-checks every parameter; throws for the first missing, mistyped or
    /// non-physical value, or for a key that this model does not use.
    public init(_ parameters: ParameterSet) throws(ParameterError) {
        var r = ParameterReader(parameters)
        _ = r.has("metadata")
        layout = r.has(CellLayout.key)
            ? CellLayout(rawValue: try r.function(CellLayout.key, choices: CellLayout.allCases.map(\.rawValue)))!
            : .compositeSeparatorFoil
        let width = try r.positive("Electrode width [m]", atMost: 100)
        let height = try r.positive("Electrode height [m]", atMost: 100)
        electrodeArea = width * height
        electrodesInParallel = Double(try r.integer("Number of electrodes connected in parallel to make a cell", in: 1...10_000))
        nominalCapacity = try r.positive("Nominal cell capacity [A.h]", atMost: 1e4)
        // (A symmetric cell's voltage is an overpotential, negative while the x = 0 foil strips.)
        let voltages = layout.hasCompositeElectrode ? 0.0...10 : -10.0...10
        lowerVoltageCutoff = try r.number("Lower voltage cut-off [V]", in: voltages)
        upperVoltageCutoff = try r.number("Upper voltage cut-off [V]", in: voltages)
        guard upperVoltageCutoff > lowerVoltageCutoff else {
            throw ParameterError(key: "Upper voltage cut-off [V]", value: "\(upperVoltageCutoff)",
                                 allowed: "greater than \"Lower voltage cut-off [V]\" (\(lowerVoltageCutoff))")
        }
        referenceTemperature = try r.number("Reference temperature [K]", in: Self.allowedTemperatures)
        temperature = try r.number("Ambient temperature [K]", in: Self.allowedTemperatures)

        electrolyteConductivity = try r.positive("Electrolyte conductivity [S.m-1]", atMost: 1e3)
        electrolyteConductivityActivationEnergy = try r.number("Electrolyte conductivity activation energy [J.mol-1]", in: 0...3e5)

        separatorThickness = try r.positive("Separator thickness [m]", atMost: 1e-2)
        separatorElectrolyteFraction = try r.number("Separator porosity", in: 0...1, excludingLowerBound: true)
        separatorTransport = try TransportEfficiency.read("Separator", &r)

        if layout.hasCompositeElectrode {
            do throws(ParameterError) {
                positiveThickness = try r.positive("Positive electrode thickness [m]", atMost: 1e-2)
                positiveElectrolyteFraction = try r.number("Positive electrode porosity", in: 0...1, excludingLowerBound: true)
                positiveActiveMaterialFraction = try r.number("Positive electrode active material volume fraction", in: 0...1,
                                                              excludingLowerBound: true)
                guard positiveElectrolyteFraction + positiveActiveMaterialFraction <= 1 + 1e-12 else {
                    throw ParameterError(key: "Positive electrode active material volume fraction",
                                         value: "\(positiveActiveMaterialFraction)",
                                         allowed: "at most 1 − \"Positive electrode porosity\" = \(1 - positiveElectrolyteFraction) (volume fractions sum to ≤ 1)")
                }
                positiveElectrolyteTransport = try TransportEfficiency.read("Positive electrode", &r)
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

            } catch { throw Self.requiredByLayout(error) }
        }

        negativeThickness = try r.positive("Negative electrode thickness [m]", atMost: 1e-2)
        negativeConductivity = try r.positive("Negative electrode conductivity [S.m-1]", atMost: 1e9)
        negativeOCP = try r.number("Negative electrode OCP [V]", in: -1...3)
        negativeExchangeCurrentDensity = try r.positive("Exchange-current density for lithium metal electrode [A.m-2]", atMost: 1e7)
        negativeExchangeCurrentActivationEnergy = try r.number("Negative electrode exchange-current density activation energy [J.mol-1]", in: 0...3e5)
        if r.has(Self.initialLithiumKey) {
            guard layout == .anodeFree else {
                throw ParameterError(key: Self.initialLithiumKey, value: r.parameters[Self.initialLithiumKey]!.description,
                                     allowed: "only with \"\(CellLayout.key)\": \"\(CellLayout.anodeFree.rawValue)\" (a foil's lithium is not counted)",
                                     problem: "key of another layout")
            }
            initialPlatedLithium = try r.number(Self.initialLithiumKey, in: 0...1000)
                * NegativeInterfaceParameters.coulombsPerSquareMetrePerMilliampHourPerSquareCentimetre
        }

        if layout.hasCompositeElectrode {
            positiveDoubleLayerCapacity = r.has(Self.positiveDoubleLayerKey) ? try r.number(Self.positiveDoubleLayerKey, in: 0...100) : 0
        }
        // (One foil double layer: a symmetric cell's two foils would need one each, not modelled.)
        negativeDoubleLayerCapacity = layout.hasCompositeElectrode && r.has(Self.negativeDoubleLayerKey)
            ? try r.number(Self.negativeDoubleLayerKey, in: 0...100) : 0

        if layout.hasCompositeElectrode {
            (contactClasses, isolationThreshold) = try Self.readContactClasses(&r, radius: positiveParticleRadius)
            mechanics = try Self.readMechanics(&r)
            contactDiffusionExponent = r.has("Positive particle contact diffusion exponent")
                ? try r.number("Positive particle contact diffusion exponent", in: 0...5) : 0
            degradation = try Degradation.read(&r, hasMechanics: mechanics != nil, referenceTemperature: referenceTemperature)
        } else {
            mechanics = try Self.readFoilMechanics(&r)
        }
        negativeInterface = try NegativeInterfaceParameters.read(&r, hasMechanics: mechanics != nil)

        faceConductivityAveraging = r.has("Face conductivity averaging")
            ? FaceAveraging(rawValue: try r.function("Face conductivity averaging", choices: FaceAveraging.allCases.map(\.rawValue)))!
            : .harmonic
        separatorMeshPoints = try r.integer("Separator mesh points", in: 1...2000)
        if layout.hasCompositeElectrode {
            positiveMeshPoints = try r.integer("Positive electrode mesh points", in: 2...2000)
            particleMeshPoints = try r.integer("Positive particle mesh points", in: 2...2000)
        }
        let films = degradation?.oxidation == nil ? 0 : 1
        let unknowns = separatorMeshPoints + positiveMeshPoints * (2 + contactClasses.count * (particleMeshPoints + films)) + 3
            + (positiveDoubleLayerCapacity > 0 ? positiveMeshPoints : 0) + (negativeDoubleLayerCapacity > 0 ? 1 : 0)
        guard unknowns <= Self.maximumUnknowns else {
            throw ParameterError(key: "Positive particle mesh points", value: "\(particleMeshPoints) (with \(positiveMeshPoints) electrode points and \(contactClasses.count) contact classes: \(unknowns) unknowns)",
                                 allowed: "meshes giving at most \(Self.maximumUnknowns) unknowns", problem: "mesh too large")
        }

        try r.rejectUnknownKeys()
        catalogue = r.catalogue.filter { $0.key != "metadata" }
    }

    /// Every key the model reads, in reading order, with its value, what it allows and whether it
    /// is required, optional or a built-in function: recorded by the readers as they check each
    /// value, so a listing (`solidcell models NAME`) shows the same ranges the checks use.
    public private(set) var catalogue: [ParameterEntry] = []

    /// `"Positive particle contact classes"` (an explicit list), or a Beta distribution from
    /// `"Positive particle contact fraction mean"`, `"… standard deviation"` and
    /// `"Number of particle contact classes"`, or one fully contacted class; with the isolation
    /// threshold `"Isolated particle contact fraction threshold"` (required for a distribution,
    /// optional otherwise, default 0).
    static func readContactClasses(_ r: inout ParameterReader, radius: Double) throws(ParameterError)
        -> (classes: [ContactClass], isolationThreshold: Double) {
        let thresholdKey = "Isolated particle contact fraction threshold"
        let listKey = "Positive particle contact classes"
        let meanKey = "Positive particle contact fraction mean"
        if r.has(listKey) {
            guard case .list(let items)? = r.parameters[listKey], !items.isEmpty, items.count <= 50 else {
                throw ParameterError(key: listKey, value: r.parameters[listKey]!.description,
                                     allowed: "a list of 1 to 50 objects {\"Volume share\": …, \"Contact fraction\": …, \"Radius [m]\": …}")
            }
            var classes: [ContactClass] = []
            for (index, item) in items.enumerated() {
                guard case .table(let entries) = item else {
                    throw ParameterError(key: "\(listKey)[\(index)]", value: item.description, allowed: "an object")
                }
                var sub = ParameterReader(ParameterSet(entries))
                let share = try sub.number("Volume share", in: 0...1, excludingLowerBound: true)
                let contact = try sub.number("Contact fraction", in: 0...1)
                let classRadius = sub.has("Radius [m]") ? try sub.positive("Radius [m]", atMost: 1e-3) : radius
                do { try sub.rejectUnknownKeys() } catch {
                    throw ParameterError(key: "\(listKey)[\(index)].\(error.key)", value: error.value, allowed: error.allowed, problem: error.problem)
                }
                classes.append(ContactClass(volumeShare: share, initialContact: contact, radius: classRadius))
            }
            let total = classes.reduce(0) { $0 + $1.volumeShare }
            guard abs(total - 1) < 1e-6 else {
                throw ParameterError(key: listKey, value: "volume shares summing to \(total)", allowed: "shares that sum to 1")
            }
            return (classes, r.has(thresholdKey) ? try r.number(thresholdKey, in: 0...1) : 0)
        }
        guard r.has(meanKey) else {
            return ([ContactClass(volumeShare: 1, initialContact: 1, radius: radius)],
                    r.has(thresholdKey) ? try r.number(thresholdKey, in: 0...1) : 0)
        }
        let mean = try r.number(meanKey, in: 0...1, excludingLowerBound: true)
        let maximumDeviation = (mean * (1 - mean)).squareRoot()
        let deviation = try r.number("Positive particle contact fraction standard deviation", in: 0...maximumDeviation,
                                     allowed: "a number from 0 to below √(mean (1 − mean)) = \(maximumDeviation)")
        guard deviation < maximumDeviation else {
            throw ParameterError(key: "Positive particle contact fraction standard deviation", value: "\(deviation)",
                                 allowed: "a number from 0 to below √(mean (1 − mean)) = \(maximumDeviation)")
        }
        let count = try r.integer("Number of particle contact classes", in: 1...50)
        let threshold = try r.number(thresholdKey, in: 0...1)
        return (ContactClass.betaDistribution(mean: mean, standardDeviation: deviation, count: count, radius: radius,
                                              isolationThreshold: threshold), threshold)
    }

    /// The mechanics block, present when `"Stack pressure [MPa]"` is given.
    static func readMechanics(_ r: inout ParameterReader) throws(ParameterError) -> ContactMechanics? {
        guard r.has("Stack pressure [MPa]") else { return nil }
        let pressure = try r.number("Stack pressure [MPa]", in: 0...1000)
        let fixture: StackFixture
        switch try r.function("Stack fixture", choices: ["constant pressure", "constant gap"]) {
        case "constant gap": fixture = .constantGap(stiffness: try r.number("Stack stiffness [MPa.m-1]", in: 0...1e9))
        default: fixture = .constantPressure
        }
        _ = try r.function("Contact pressure law", choices: ["power law"])
        let pressureLaw = PowerLawPressureContact(
            referencePressure: try r.positive("Contact reference pressure [MPa]", atMost: 1000),
            residualPressure: try r.number("Contact residual pressure [MPa]", in: 0...1000),
            exponent: try r.number("Contact pressure exponent", in: 0...3))
        let volumeChange: any VolumeChangeLaw
        switch try r.function("Positive electrode volume change law", choices: ["NCM811", "linear"]) {
        case "NCM811": volumeChange = NCM811VolumeChange()
        default: volumeChange = LinearVolumeChange(
            strainAtFullDelithiation: try r.number("Positive electrode volume change at full delithiation", in: -0.5...0.5))
        }
        _ = try r.function("Contact gap law", choices: ["roughness"])
        let gapLaw = RoughnessGapLaw(roughness: try r.positive("Contact roughness length [m]", atMost: 1e-4),
                                     hardness: try r.positive("Solid electrolyte hardness [MPa]", atMost: 1e6))
        let molarVolume = try r.number("Negative electrode lithium partial molar volume [m3.mol-1]", in: 0...1e-3)
        return ContactMechanics(stackPressure: pressure, fixture: fixture, pressureLaw: pressureLaw,
                                volumeChange: volumeChange, gapLaw: gapLaw, negativeLithiumMolarVolume: molarVolume)
    }

    /// A missing positive-electrode key of a composite cell, its message naming the layout that needs it.
    static func requiredByLayout(_ error: ParameterError) -> ParameterError {
        guard error.value == "nothing" else { return error }
        var error = error
        error.allowed += " (the layout \"\(CellLayout.compositeSeparatorFoil.rawValue)\", the default of \"\(CellLayout.key)\", needs the composite electrode's keys; a symmetric cell gives \"\(CellLayout.key)\": \"\(CellLayout.symmetricLithium.rawValue)\")"
        return error
    }

    /// The mechanics of a cell without a composite electrode: only the stack pressure and the
    /// fixture (both foils change thickness by opposite amounts, so the stack's thickness does not
    /// change and a constant gap holds the set pressure). The particle contact laws, which such a
    /// cell does not have, are left neutral.
    static func readFoilMechanics(_ r: inout ParameterReader) throws(ParameterError) -> ContactMechanics? {
        guard r.has("Stack pressure [MPa]") else { return nil }
        let pressure = try r.number("Stack pressure [MPa]", in: 0...1000)
        _ = try r.function("Stack fixture", choices: ["constant pressure"])
        return ContactMechanics(stackPressure: pressure, fixture: .constantPressure,
                                pressureLaw: PowerLawPressureContact(referencePressure: 1, residualPressure: 0, exponent: 0),
                                volumeChange: LinearVolumeChange(strainAtFullDelithiation: 0),
                                gapLaw: RoughnessGapLaw(roughness: 1e-6, hardness: 1), negativeLithiumMolarVolume: 0)
    }

    /// The anode-free cell's initial plated lithium [mA h cm⁻²].
    public static let initialLithiumKey = "Negative electrode initial lithium [mA.h.cm-2]"

    /// Optional keys of the interface capacities (PyBaMM's names); absent means 0.
    public static let positiveDoubleLayerKey = "Positive electrode double-layer capacity [F.m-2]"
    public static let negativeDoubleLayerKey = "Negative electrode double-layer capacity [F.m-2]"

    /// Largest model accepted (about 1 GB of solver memory).
    public static let maximumUnknowns = 1_000_000
    /// The ambient (and reference) temperatures a model may have [K], also those an experiment's
    /// step may ask for.
    public static let allowedTemperatures = 150.0...600.0

    // Derived quantities

    /// Total geometric area carrying current: area × electrode pairs [m²].
    public var totalArea: Double { electrodeArea * electrodesInParallel }

    /// Mass of positive active material in the cell [kg].
    public var positiveActiveMaterialMass: Double {
        positiveActiveMaterialFraction * positiveThickness * totalArea * positiveActiveMaterialDensity
    }
}

extension TransportEfficiency {
    /// Reads exactly one of the two keys of a domain ("Separator", "Positive electrode").
    static func read(_ domain: String, _ r: inout ParameterReader) throws(ParameterError) -> TransportEfficiency {
        let bruggemanKey = "\(domain) Bruggeman coefficient (electrolyte)"
        let tortuosityKey = "\(domain) tortuosity factor (electrolyte)"
        switch (r.has(bruggemanKey), r.has(tortuosityKey)) {
        case (true, false): return .bruggeman(exponent: try r.number(bruggemanKey, in: 0...10))
        case (false, true): return .tortuosityFactor(try r.number(tortuosityKey, in: 1...1e4))
        case (true, true):
            throw ParameterError(key: tortuosityKey, value: "given together with \"\(bruggemanKey)\"",
                                 allowed: "either a Bruggeman coefficient or a tortuosity factor, not both",
                                 problem: "conflicting keys")
        case (false, false):
            throw ParameterError(key: bruggemanKey, value: "nothing",
                                 allowed: "a Bruggeman coefficient, or \"\(tortuosityKey)\" instead", problem: "missing key")
        }
    }
}
