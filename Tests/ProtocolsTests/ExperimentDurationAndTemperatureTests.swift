import Testing
@testable import Protocols

/// Issue #18 item 9: durations in days and weeks; PyBaMM's step temperatures recognised and refused
/// (the model is isothermal) rather than misread or ignored.
@Suite("Experiment text: days, weeks and step temperatures")
struct ExperimentDurationAndTemperatureTests {
    @Test("durations in days and weeks", arguments: [
        ("Rest for 2 days", 172_800.0), ("Rest for 1 day", 86_400), ("Rest for 1 week", 604_800), ("Rest for 0.5 weeks", 302_400),
        ("Discharge at C/50 for 1 week", 604_800),
    ])
    func daysAndWeeks(text: String, seconds: Double) throws {
        let step = try #require(try Experiment(parsing: text).steps.first)
        #expect(step.duration == seconds)
    }

    @Test("a PyBaMM step temperature is refused with a message naming it", arguments: [
        ("Rest for 1 hour at 45oC", "at 45oC"), ("Discharge at 1C until 2.5 V at 0oC", "at 0oC"),
        ("Charge at 0.5C until 4.2 V at 25 °C", "at 25 °C"), ("Rest for 10 minutes at 318.15 K", "at 318.15 K"),
        ("Rest for 1 hour at -10oC (1 minute period)", "at -10oC"),
    ])
    func temperatureRefused(text: String, clause: String) {
        #expect(throws: ExperimentParseError.self) { try Experiment(parsing: text) }
        do {
            _ = try Experiment(parsing: "Rest for 1 minute; " + text)
        } catch {
            #expect(error.stepIndex == 2)
            #expect(error.description.contains("a step temperature (\"\(clause)\") is not supported"), "\(error)")
            #expect(error.description.contains("Ambient temperature [K]"))
        } 
    }

    @Test("C-rates, voltages and currents after \"at\" are not temperatures", arguments: [
        "Discharge at 1C until 3 V", "Hold at 4.2 V until C/20", "Charge at 5 mA until 4.2 V", "Discharge at 1 W for 1 hour",
    ])
    func notTemperatures(text: String) throws {
        #expect(Experiment.temperatureClause(in: text) == nil)
        _ = try Experiment(parsing: text)
    }
}
