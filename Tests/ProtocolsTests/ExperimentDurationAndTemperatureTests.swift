import Testing
@testable import Protocols

/// Durations in days and weeks; PyBaMM's step temperatures (the ambient temperature of that step).
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

    @Test("a PyBaMM step temperature sets the step's ambient temperature; the rest of the step parses as usual", arguments: [
        ("Rest for 1 hour at 45oC", 318.15, "Rest for 1 hour"), ("Discharge at 1C until 2.5 V at 0oC", 273.15, "Discharge at 1C until 2.5 V"),
        ("Charge at 0.5C until 4.2 V at 25 °C", 298.15, "Charge at 0.5C until 4.2 V"),
        ("Rest for 10 minutes at 318.15 K", 318.15, "Rest for 10 minutes"),
        ("Rest for 1 hour at -10oC (1 minute period)", 263.15, "Rest for 1 hour (1 minute period)"),
    ])
    func temperatureParsed(text: String, kelvin: Double, plain: String) throws {
        let step = try #require(try Experiment(parsing: "Rest for 1 minute; " + text).steps.last)
        let reference = try #require(try Experiment(parsing: plain).steps.first)
        #expect(abs(try #require(step.temperature) - kelvin) < 1e-12)
        #expect(step.text == text)
        #expect(step.control == reference.control && step.duration == reference.duration)
        #expect(step.terminations == reference.terminations && step.period == reference.period)
        #expect(reference.temperature == nil)
    }

    @Test("C-rates, voltages and currents after \"at\" are not temperatures", arguments: [
        "Discharge at 1C until 3 V", "Hold at 4.2 V until C/20", "Charge at 5 mA until 4.2 V", "Discharge at 1 W for 1 hour",
    ])
    func notTemperatures(text: String) throws {
        #expect(Experiment.temperatureClause(in: text) == nil)
        #expect(try Experiment(parsing: text).steps[0].temperature == nil)
    }
}
