import CellPhysics

/// The lithium-metal interface's contact law and its settings (docs/MODEL.md §Lithium interface
/// contact), present when `"Negative electrode interface capacity [mA.h.cm-2]"` is given.
public struct NegativeInterfaceParameters: Sendable, Equatable {
    /// The contact law with its creep rate at the reference temperature.
    public var contact: LithiumInterfaceContact
    /// Q of the creep rate [J mol⁻¹].
    public var creepActivationEnergy: Double
    /// φ_a at the start of the run.
    public var initialContact: Double
    /// A run stops ("contact lost at the negative electrode") when φ_a falls below this (0: never).
    public var contactLossThreshold: Double
    /// The short-circuit criterion, when `"Negative electrode critical plating current density
    /// [A.m-2]"` is given: a run stops ("short circuit") when the plating current density of a
    /// foil's contacted area reaches it (``LithiumPenetrationCriterion``).
    public var penetration: LithiumPenetrationCriterion?

    /// The contact law at the operating temperature T (its creep rate Arrhenius-scaled from T_ref).
    public func contact(temperature: Double, reference: Double) -> LithiumInterfaceContact {
        contact.at(temperature: temperature, reference: reference, activationEnergy: creepActivationEnergy)
    }

    /// The key that switches the law on.
    public static let capacityKey = "Negative electrode interface capacity [mA.h.cm-2]"
    /// 1 mA h cm⁻² in C m⁻².
    public static let coulombsPerSquareMetrePerMilliampHourPerSquareCentimetre = 36.0 * 1000

    static let otherKeys = ["Negative electrode creep rate at 1 MPa [s-1]", "Negative electrode creep stress exponent",
                            "Negative electrode creep activation energy [J.mol-1]", "Negative electrode initial contact fraction",
                            "Negative electrode vacancy resupply current density [A.m-2]",
                            "Negative electrode contact loss threshold", "Negative electrode contact resistance [Ohm.m2]",
                            "Negative electrode contact resistance reference pressure [MPa]",
                            "Negative electrode contact resistance pressure exponent", penetrationKey]

    /// The key of the short-circuit criterion's critical local plating current density i_p.
    public static let penetrationKey = "Negative electrode critical plating current density [A.m-2]"


    /// Reads the block. It needs the mechanics block, whose stack pressure drives the creep.
    static func read(_ r: inout ParameterReader, hasMechanics: Bool) throws(ParameterError) -> NegativeInterfaceParameters? {
        guard r.has(capacityKey) else {
            for key in otherKeys where r.has(key) {
                throw ParameterError(key: key, value: r.parameters[key]!.description,
                                     allowed: "only together with \"\(capacityKey)\", which switches the lithium-interface contact law on",
                                     problem: "missing key")
            }
            return nil
        }
        let capacity = try r.positive(capacityKey, atMost: 1000)
        guard hasMechanics else {
            throw ParameterError(key: capacityKey, value: "\(capacity)",
                                 allowed: "only with the mechanics block (\"Stack pressure [MPa]\" and its laws), whose stack pressure drives the lithium creep",
                                 problem: "missing mechanics")
        }
        let creepRate = try r.number("Negative electrode creep rate at 1 MPa [s-1]", in: 0...1e6)
        let exponent = try r.number("Negative electrode creep stress exponent", in: 1...20)
        let activation = try r.number("Negative electrode creep activation energy [J.mol-1]", in: 0...3e5)
        let vacancy = r.has("Negative electrode vacancy resupply current density [A.m-2]")
            ? try r.number("Negative electrode vacancy resupply current density [A.m-2]", in: 0...1e4) : 0
        let initial = r.has("Negative electrode initial contact fraction")
            ? try r.number("Negative electrode initial contact fraction", in: 0...1, excludingLowerBound: true) : 1
        let threshold = r.has("Negative electrode contact loss threshold")
            ? try r.number("Negative electrode contact loss threshold", in: 0...initial,
                           allowed: "a number from 0 to below the initial contact fraction \(initial)") : 0
        guard threshold < initial else {
            throw ParameterError(key: "Negative electrode contact loss threshold", value: "\(threshold)",
                                 allowed: "a number from 0 to below the initial contact fraction \(initial)")
        }
        let resistance = r.has("Negative electrode contact resistance [Ohm.m2]")
            ? try r.number("Negative electrode contact resistance [Ohm.m2]", in: 0...10) : 0
        let referencePressure = r.has("Negative electrode contact resistance reference pressure [MPa]")
            ? try r.positive("Negative electrode contact resistance reference pressure [MPa]", atMost: 1000) : 1
        let pressureExponent = r.has("Negative electrode contact resistance pressure exponent")
            ? try r.number("Negative electrode contact resistance pressure exponent", in: 0...3) : 0.5
        let law = LithiumInterfaceContact(
            interfaceCapacity: capacity * coulombsPerSquareMetrePerMilliampHourPerSquareCentimetre, creepRate: creepRate,
            stressExponent: exponent, vacancyResupply: vacancy, contactResistance: resistance, resistanceReferencePressure: referencePressure,
            resistancePressureExponent: pressureExponent)
        let penetration = r.has(penetrationKey)
            ? LithiumPenetrationCriterion(criticalLocalCurrent: try r.positive(penetrationKey, atMost: 1e6)) : nil
        return NegativeInterfaceParameters(contact: law, creepActivationEnergy: activation, initialContact: initial,
                                           contactLossThreshold: threshold, penetration: penetration)
    }
}
