import CellPhysics

extension Degradation {
    /// Reads the optional damage block (present when `"Contact damage law"` is given) and the
    /// optional oxidation block (present when `"Solid electrolyte oxidation potential [V]"` is).
    static func read(_ r: inout ParameterReader, hasMechanics: Bool, referenceTemperature: Double = 298.15)
        throws(ParameterError) -> Degradation? {
        var degradation = Degradation()
        if r.has("Contact damage law") {
            _ = try r.function("Contact damage law", choices: ["strain cycle"])
            guard hasMechanics else {
                throw ParameterError(key: "Contact damage law", value: "\"strain cycle\"",
                                     allowed: "only with the mechanics block (\"Stack pressure [MPa]\" and its laws), which supplies the strain and pressure that drive the damage",
                                     problem: "missing mechanics")
            }
            degradation.contactDamage = StrainCycleDamage(
                ratePerCycle: try r.number("Contact damage rate per cycle", in: 0...1),
                referenceStrain: try r.positive("Contact damage reference strain", atMost: 1),
                strainExponent: try r.number("Contact damage strain exponent", in: 0...10),
                pressureScale: try r.positive("Contact damage pressure scale [MPa]", atMost: 1e4),
                pressureExponent: try r.number("Contact damage pressure exponent", in: 0...10),
                referencePressureSwing: r.has("Contact damage reference pressure swing")
                    ? try r.positive("Contact damage reference pressure swing", atMost: 10) : nil,
                crowding: try readCrowding(&r),
                activationEnergy: r.has("Contact damage activation energy [J.mol-1]")
                    ? try r.number("Contact damage activation energy [J.mol-1]", in: 0...3e5) : 0,
                referenceTemperature: referenceTemperature)
        }
        if r.has("Solid electrolyte oxidation potential [V]") {
            degradation.oxidation = ElectrolyteOxidation(
                onsetPotential: try r.number("Solid electrolyte oxidation potential [V]", in: 0...10),
                currentDensity: try r.number("Solid electrolyte oxidation current density [A.m-2]", in: 0...1e3),
                transferCoefficient: try r.number("Solid electrolyte oxidation transfer coefficient", in: 0...1,
                                                  excludingLowerBound: true),
                activationEnergy: try r.number("Solid electrolyte oxidation activation energy [J.mol-1]", in: 0...3e5),
                interphaseMolarVolume: try r.number("Interphase molar volume [m3.mol-1]", in: 0...1e-2),
                interphaseConductivity: try r.positive("Interphase ionic conductivity [S.m-1]", atMost: 1))
        }
        return degradation.contactDamage == nil && degradation.oxidation == nil ? nil : degradation
    }

    /// The current-crowding factor's keys, both or neither: `"Contact damage reference current
    /// crowding"` (r_ref) and `"Contact damage current crowding exponent"` (p).
    private static func readCrowding(_ r: inout ParameterReader) throws(ParameterError)
        -> (reference: Double, exponent: Double)? {
        let keys = ("Contact damage reference current crowding", "Contact damage current crowding exponent")
        guard r.has(keys.0) || r.has(keys.1) else { return nil }
        guard r.has(keys.0) && r.has(keys.1) else {
            let missing = r.has(keys.0) ? keys.1 : keys.0
            throw ParameterError(key: missing, value: "missing",
                                 allowed: "both \"\(keys.0)\" and \"\(keys.1)\" (the current-crowding factor 1 + (r/r_ref)^p), or neither",
                                 problem: "missing key")
        }
        return (try r.positive(keys.0, atMost: 1e3), try r.number(keys.1, in: 0...10))
    }
}
