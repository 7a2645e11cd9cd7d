import Testing
import Protocols

/// A step text and the values it must parse to.
struct ValidCase: Sendable, CustomTestStringConvertible {
    var text: String
    var control: StepControl
    var duration: Double?
    var terminations: [StepTermination]
    var period: Double?

    init(_ text: String, _ control: StepControl, duration: Double? = nil, _ terminations: [StepTermination] = [],
         period: Double? = nil) {
        self.text = text
        self.control = control
        self.duration = duration
        self.terminations = terminations
        self.period = period
    }

    var testDescription: String { text }
}

/// Parses `c.text` as one step and expects its control, duration, end conditions and sampling period.
func expectParses(_ c: ValidCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let step = try parseSingleStep(c.text)
    #expect(step.control == c.control, sourceLocation: sourceLocation)
    #expect(step.duration == c.duration, sourceLocation: sourceLocation)
    #expect(step.terminations == c.terminations, sourceLocation: sourceLocation)
    #expect(step.period == c.period, sourceLocation: sourceLocation)
}

/// Parses `text`, which must hold exactly one step.
func parseSingleStep(_ text: String) throws -> ExperimentStep {
    let experiment = try Experiment(parsing: text)
    try #require(experiment.steps.count == 1)
    return experiment.steps[0]
}

@Suite("Experiment text: accepted forms")
struct ExperimentParsingTests {
    static let pybammExamples: [ValidCase] = [
        ValidCase("Discharge at 0.1C until 2.5 V", .cRate(0.1), [.voltage(volts: 2.5)]),
        ValidCase("Charge at 0.5 mA until 4.3 V", .current(amperes: -5e-4), [.voltage(volts: 4.3)]),
        ValidCase("Hold at 4.3 V until C/20", .voltage(volts: 4.3), [.cRate(0.05)]),
        ValidCase("Rest for 10 minutes", .rest, duration: 600),
        ValidCase("Discharge at C/10 for 10 hours or until 3.3 V", .cRate(0.1), duration: 36_000, [.voltage(volts: 3.3)]),
        ValidCase("Charge at 1 A until 4.1 V", .current(amperes: -1), [.voltage(volts: 4.1)]),
        ValidCase("Hold at 4.1 V until 50 mA", .voltage(volts: 4.1), [.current(amperes: 0.05)]),
        ValidCase("Discharge at 1 W for 1 hour", .power(watts: 1), duration: 3600),
    ]

    static let controls: [ValidCase] = [
        // C-rates
        ValidCase("Discharge at 1C", .cRate(1)),
        ValidCase("Discharge at 1 C", .cRate(1)),
        ValidCase("Charge at C/3", .cRate(-1.0 / 3.0)),
        ValidCase("Charge at C / 3", .cRate(-1.0 / 3.0)),
        ValidCase("Discharge at 0.1C", .cRate(0.1)),
        ValidCase("Charge at 2c", .cRate(-2)),
        // currents
        ValidCase("Discharge at 0.5 mA", .current(amperes: 5e-4)),
        ValidCase("Charge at 2 A", .current(amperes: -2)),
        ValidCase("Discharge at 100 uA", .current(amperes: 1e-4)),
        ValidCase("Discharge at 100 \u{B5}A", .current(amperes: 1e-4)),   // micro sign
        ValidCase("Discharge at 100 \u{3BC}A", .current(amperes: 1e-4)),  // Greek mu
        ValidCase("Charge at 0.1 mA", .current(amperes: -1e-4)),
        ValidCase("Discharge at 0.5mA", .current(amperes: 5e-4)),
        // power
        ValidCase("Discharge at 1 W", .power(watts: 1)),
        ValidCase("Charge at 10 mW", .power(watts: -0.01)),
        // specific current (A/kg == mA/g)
        ValidCase("Discharge at 50 mA/g", .specificCurrent(amperesPerKilogram: 50)),
        ValidCase("Discharge at 50 mA g-1", .specificCurrent(amperesPerKilogram: 50)),
        ValidCase("Discharge at 50 mA.g-1", .specificCurrent(amperesPerKilogram: 50)),
        ValidCase("Charge at 1 A/g", .specificCurrent(amperesPerKilogram: -1000)),
        ValidCase("Charge at 2 A/kg", .specificCurrent(amperesPerKilogram: -2)),
        ValidCase("Discharge at 500 mA/kg", .specificCurrent(amperesPerKilogram: 0.5)),
        // current density
        ValidCase("Charge at 0.5 mA/cm2", .currentDensity(amperesPerSquareMetre: -5)),
        ValidCase("Discharge at 0.5 mA cm-2", .currentDensity(amperesPerSquareMetre: 5)),
        ValidCase("Discharge at 0.5 mA/cm\u{B2}", .currentDensity(amperesPerSquareMetre: 5)),
        ValidCase("Discharge at 0.5 mA cm\u{207B}\u{B2}", .currentDensity(amperesPerSquareMetre: 5)),
        ValidCase("Discharge at 2 A.m-2", .currentDensity(amperesPerSquareMetre: 2)),
        ValidCase("Discharge at 2 A m-2", .currentDensity(amperesPerSquareMetre: 2)),
        ValidCase("Discharge at 2 A/m2", .currentDensity(amperesPerSquareMetre: 2)),
        ValidCase("Discharge at 1 A/cm2", .currentDensity(amperesPerSquareMetre: 10_000)),
        ValidCase("Discharge at 100 uA/cm2", .currentDensity(amperesPerSquareMetre: 1)),
        // voltage holds
        ValidCase("Hold at 4.3 V for 1 hour", .voltage(volts: 4.3), duration: 3600),
        ValidCase("Hold at 4300 mV for 1 h", .voltage(volts: 4.3), duration: 3600),
        ValidCase("Hold at 4.2V until 0.05C", .voltage(volts: 4.2), [.cRate(0.05)]),
    ]

    static let limits: [ValidCase] = [
        ValidCase("Discharge at 1C until 2.5 V or 50 mA", .cRate(1), [.voltage(volts: 2.5), .current(amperes: 0.05)]),
        ValidCase(
            "Hold at 4.2 V until 2500 mV or C/20 or 0.05C or 100 uA or 2 A",
            .voltage(volts: 4.2),
            [.voltage(volts: 2.5), .cRate(0.05), .cRate(0.05), .current(amperes: 1e-4), .current(amperes: 2)]
        ),
        ValidCase("Discharge at 1C until 3 V or for 2 hours", .cRate(1), duration: 7200, [.voltage(volts: 3)]),
        ValidCase("Discharge at 1C for 2 hours until 3 V", .cRate(1), duration: 7200, [.voltage(volts: 3)]),
        ValidCase("Hold at 4.2 V for 1 hour or until C/50", .voltage(volts: 4.2), duration: 3600, [.cRate(0.02)]),
        ValidCase("Hold at 4.2 V until C/50 or until 1 mA", .voltage(volts: 4.2), [.cRate(0.02), .current(amperes: 1e-3)]),
        ValidCase("Discharge at 1C for 30 s", .cRate(1), duration: 30),
        ValidCase("Discharge at 1C until 3.0V", .cRate(1), [.voltage(volts: 3)]),
        ValidCase("Discharge at 1 W until 2.5 V", .power(watts: 1), [.voltage(volts: 2.5)]),
        // flexible whitespace and case
        ValidCase("DISCHARGE AT 0.1c UNTIL 2.5v", .cRate(0.1), [.voltage(volts: 2.5)]),
        ValidCase("discharge\tat   0.1 C   until\u{A0}2.5  V", .cRate(0.1), [.voltage(volts: 2.5)]),
        ValidCase("rEsT fOr 1 DaY", .rest, duration: 86_400),
        // PyBaMM period suffix: the output sampling period
        ValidCase("Rest for 10 minutes (1 minute period)", .rest, duration: 600, period: 60),
        ValidCase("Discharge at 1C until 2.5 V (10 second period)", .cRate(1), [.voltage(volts: 2.5)], period: 10),
        ValidCase("Hold at 4.2 V for 1 hour(5 minutes period)", .voltage(volts: 4.2), duration: 3600, period: 300),
    ]

    @Test("PyBaMM's canonical examples", arguments: pybammExamples)
    func pybammExample(_ c: ValidCase) throws {
        let step = try parseSingleStep(c.text)
        #expect(step == ExperimentStep(text: c.text, control: c.control, duration: c.duration, terminations: c.terminations))
    }

    @Test("controls, units and signs", arguments: controls)
    func control(_ c: ValidCase) throws {
        try expectParses(c)
    }

    @Test("durations, end conditions, whitespace, case and period suffix", arguments: limits)
    func limit(_ c: ValidCase) throws {
        try expectParses(c)
    }

    @Test(
        "duration units",
        arguments: [
            ("s", 1.0), ("sec", 1), ("second", 1), ("seconds", 1),
            ("min", 60), ("minute", 60), ("minutes", 60),
            ("h", 3600), ("hr", 3600), ("hour", 3600), ("hours", 3600),
            ("day", 86_400), ("days", 86_400),
        ] as [(String, Double)]
    )
    func durationUnit(unit: String, seconds: Double) throws {
        let step = try parseSingleStep("Rest for 3 \(unit)")
        #expect(step.control == .rest)
        #expect(step.duration == 3 * seconds)
        let compact = try parseSingleStep("Rest for 3\(unit.uppercased())")
        #expect(compact.duration == 3 * seconds)
    }

    @Test(
        "number forms",
        arguments: [
            ("1", 1.0), ("0.1", 0.1), (".5", 0.5), ("1e-3", 1e-3), ("2.5E+1", 25),
            ("2.5e1", 25), ("007", 7), ("1E3", 1000), ("12.50", 12.5),
        ] as [(String, Double)]
    )
    func numberForm(text: String, value: Double) throws {
        #expect(try parseSingleStep("Discharge at \(text) A").control == .current(amperes: value))
        #expect(try parseSingleStep("Charge at \(text)C").control == .cRate(-value))
        #expect(try parseSingleStep("Rest for \(text) s").duration == value)
    }

    @Test("a Discharge/Charge step may have neither duration nor end condition")
    func openEnded() throws {
        let step = try parseSingleStep("Charge at C/2")
        #expect(step.duration == nil)
        #expect(step.terminations.isEmpty)
    }

    @Test("the step text is kept, trimmed, and is the description")
    func textIsTrimmed() throws {
        let step = try parseSingleStep("  \t Discharge  at 1C until 2.5 V \t ")
        #expect(step.text == "Discharge  at 1C until 2.5 V")
        #expect(step.description == step.text)
        #expect("\(step)" == "Discharge  at 1C until 2.5 V")
    }

    @Test("steps are separated by ';' and new lines (LF, CRLF, CR)")
    func separators() throws {
        let text = "Discharge at 1C until 2.5 V; Rest for 1 hour\nCharge at 1C until 4.2 V\r\nHold at 4.2 V until C/20\rRest for 1 s"
        let experiment = try Experiment(parsing: text)
        #expect(experiment.steps.map(\.text) == [
            "Discharge at 1C until 2.5 V", "Rest for 1 hour", "Charge at 1C until 4.2 V",
            "Hold at 4.2 V until C/20", "Rest for 1 s",
        ])
        #expect(experiment.steps.map(\.control) == [
            .cRate(1), .rest, .cRate(-1), .voltage(volts: 4.2), .rest,
        ])
    }

    @Test("blank steps and '#' comments are ignored")
    func comments() throws {
        let text = """
            # formation protocol
            Discharge at 1C   # fast; this ';' is inside the comment

              ;;  ;
            Rest for 1 hour#no space before the comment
            #Charge at 1C
            """
        let experiment = try Experiment(parsing: text)
        #expect(experiment.steps.map(\.text) == ["Discharge at 1C", "Rest for 1 hour"])
        #expect(experiment.steps[1].duration == 3600)
    }

    @Test("the README's example steps parse")
    func readmeSteps() throws {
        let experiment = try Experiment(parsing: """
            Discharge at 0.1C until 2.5 V
            Charge at 0.5 mA until 4.3 V
            Hold at 4.3 V until C/20
            Rest for 10 minutes
            """)
        #expect(experiment == Experiment(steps: [
            ExperimentStep(text: "Discharge at 0.1C until 2.5 V", control: .cRate(0.1), terminations: [.voltage(volts: 2.5)]),
            ExperimentStep(text: "Charge at 0.5 mA until 4.3 V", control: .current(amperes: -5e-4), terminations: [.voltage(volts: 4.3)]),
            ExperimentStep(text: "Hold at 4.3 V until C/20", control: .voltage(volts: 4.3), terminations: [.cRate(0.05)]),
            ExperimentStep(text: "Rest for 10 minutes", control: .rest, duration: 600),
        ]))
    }

    @Test("Experiment(steps:) keeps the steps as given")
    func fromSteps() {
        let steps = [ExperimentStep(text: "rest", control: .rest, duration: 5)]
        let experiment = Experiment(steps: steps)
        #expect(experiment.steps == steps)
        #expect(experiment.steps[0].terminations.isEmpty)
    }

    @Test("a step of exactly the maximum length is accepted")
    func maximumLength() throws {
        let base = "Discharge at 1C"
        let padding = String(repeating: " ", count: Experiment.maximumStepLength - base.count - "until 2.5 V".count)
        let text = base + padding + "until 2.5 V"
        #expect(text.unicodeScalars.count == Experiment.maximumStepLength)
        #expect(try parseSingleStep(text).terminations == [.voltage(volts: 2.5)])
    }
}
