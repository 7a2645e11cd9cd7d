import Testing
import Protocols

/// Malformed experiment text, the step the error must name, and hints the message must contain.
struct BadCase: Sendable, CustomTestStringConvertible {
    var text: String
    var index: Int
    var stepText: String
    var hints: [String]

    /// A single-step experiment (`text` is the step).
    init(_ text: String, _ hints: String...) {
        self.text = text
        self.index = 1
        self.stepText = text
        self.hints = hints
    }

    /// A multi-step experiment whose step `index` is `stepText`.
    init(_ text: String, index: Int, step stepText: String, _ hints: String...) {
        self.text = text
        self.index = index
        self.stepText = stepText
        self.hints = hints
    }

    var testDescription: String { text }
}

/// Parses `text`, which must fail, and returns the error.
func parseFailure(_ text: String) -> ExperimentParseError? {
    do {
        let experiment = try Experiment(parsing: text)
        Issue.record("expected a parse error, parsed \(experiment.steps.map(\.text))")
        return nil
    } catch {
        return error
    }
}

@Suite("Experiment text: rejected forms")
struct ExperimentParseErrorTests {
    static let currentHint = #"expected a current such as "1C", "C/10", "0.5 mA", "2 A", "50 mA/g", "0.5 mA/cm2" or "1 W""#
    static let voltageHint = #"expected a voltage such as "4.2 V" or "4200 mV""#
    static let durationHint = #"expected a duration such as "30 s", "10 minutes", "2 hours" or "1 day""#
    static let conditionHint = #"expected an end condition such as "2.5 V", "4200 mV", "50 mA" or "C/20""#

    static let cases: [BadCase] = [
        // verb and "at"
        BadCase("Dischrge at 1C", #"expected a step starting with "Discharge", "Charge", "Hold", "Rest" or "Run … profile""#, #"found "Dischrge""#),
        BadCase("Run US06 for 10 minutes", #"expected "current profile", "power profile" or "voltage profile" and a file after "Run""#, #"found "US06"#),
        BadCase("Discharging at 1C", #"found "Discharging""#),
        BadCase("Discharge 1C until 2.5 V", #"expected "at" after "Discharge""#, #"found "1C until 2.5 V""#),
        BadCase("Hold 4.2 V until C/20", #"expected "at" after "Hold""#),
        // missing or malformed values
        BadCase("Discharge at fast", currentHint + #" after "Discharge at", found "fast""#),
        BadCase("Discharge at", currentHint, "found the end of the step"),
        BadCase("Discharge at until 2.5 V", currentHint, #"found "until""#),
        BadCase("Discharge at 1", currentHint, #"found "1" without a unit"#),
        BadCase("Discharge at 1 until 2.5 V", currentHint, #"found "1" without a unit"#),
        BadCase("Discharge at 1 parsec", currentHint, #"found "1 parsec""#),
        BadCase("Discharge at 1 mAh", currentHint, #"found "1 mAh""#),
        BadCase("Discharge at 1,5 mA", currentHint, #"found "1,5""#, #"use "." as the decimal separator"#),
        BadCase("Discharge at C/", currentHint, #"found "C/""#),
        BadCase("Discharge at C/x", currentHint, #"found "C/x""#),
        BadCase("Discharge at C/10x", currentHint, #"found "C/10x""#),
        BadCase("Discharge at 1 C/10", currentHint, #"found "1 C/10""#),
        BadCase("Discharge at 1 V", currentHint, #"found "1 V""#, #"use "Hold at <voltage>""#),
        BadCase("Discharge at 1 minute", currentHint, #"found "1 minute""#),
        // zero, negative, non-finite
        BadCase("Discharge at 0C", #"expected a current greater than zero after "Discharge at", found "0C""#),
        BadCase("Charge at 0.000 mA", "expected a current greater than zero", #"found "0.000 mA""#),
        BadCase("Discharge at C/0", currentHint, #"found "C/0", which divides by zero"#),
        BadCase("Discharge at -1C", currentHint, #"found "-1C""#, "without a sign"),
        BadCase("Charge at +2 A", currentHint, #"found "+2 A""#, "without a sign"),
        BadCase("Hold at -4.2 V until C/20", voltageHint, #"found "-4.2 V""#, "positive value without a sign"),
        BadCase("Discharge at -0.5 mA/cm2 until 2 V", currentHint, #"found "-0.5 mA/cm2""#, "without a sign"),
        BadCase("Discharge at nan C", currentHint, #"found "nan", which is not a finite number"#),
        BadCase("Discharge at NaN A", currentHint, #"found "NaN", which is not a finite number"#),
        BadCase("Discharge at inf A", currentHint, #"found "inf", which is not a finite number"#),
        BadCase("Discharge at infinity C", #"found "infinity", which is not a finite number"#),
        BadCase("Discharge at 1e999 A", "expected a current of finite size", #"found "1e999 A", which is too large"#),
        BadCase("Discharge at 1e99999999999999999999999999 A", "of finite size", "which is too large"),
        BadCase("Discharge at 1e-400 A", "expected a current greater than zero", "which is too small"),
        BadCase("Discharge at C/1e-400", "of finite size", "which is too large"),
        BadCase("Rest for 1e305 days", "expected a duration of finite size", "which is too large"),
        BadCase("Rest for 0 s", #"expected a duration greater than zero after "Rest for", found "0 s""#),
        BadCase("Hold at 0 V for 1 h", "expected a voltage greater than zero", #"found "0 V""#),
        BadCase("Discharge at 1C until 0 V", "expected an end condition greater than zero", #"found "0 V""#),
        // holds
        BadCase("Hold at 1C", voltageHint + #" after "Hold at", found "1C""#, "a hold keeps the voltage constant"),
        BadCase("Hold at 5 mA until 4 V", voltageHint, #"found "5 mA""#, "a hold keeps the voltage constant"),
        BadCase("Hold at 4.2 V", "a hold needs a duration or an end condition", #"after "Hold at 4.2 V""#, "found the end of the step"),
        BadCase("Hold at 4.2 V (1 minute period)", "a hold needs a duration or an end condition", #"found "(1 minute period)""#),
        // rests
        BadCase("Rest", #"expected "for" and a duration such as "10 minutes" after "Rest", found the end of the step"#),
        BadCase("Rest until 3 V", #"expected "for" and a duration"#, #"found "until 3 V""#, "cannot end on a condition"),
        BadCase("Rest for 10 minutes until 3 V", #"expected the end of the step after "Rest for 10 minutes""#, #"found "until 3 V""#, "cannot end on a condition"),
        BadCase("Rest for 10 minutes or until 3 V", #"found "or until 3 V""#, "cannot end on a condition"),
        BadCase("Rest at 0 A", #"expected "for" and a duration"#, #"found "at 0 A""#),
        BadCase("Rest for 10 furlongs", durationHint + #" after "Rest for", found "10 furlongs""#),
        BadCase("Rest for 10", durationHint, #"found "10" without a unit"#),
        BadCase("Rest for ten minutes", durationHint, #"found "ten""#),
        // durations and end conditions
        BadCase("Discharge at 1C for 1 hour for 2 hours", "at most one duration", #"found a second one after "Discharge at 1C for 1 hour": "for 2 hours""#),
        BadCase("Discharge at 1C for 1 hour until 3 V or for 2 hours", "at most one duration"),
        BadCase("Discharge at 1C until 10 minutes", conditionHint, #"found "10 minutes""#, #"use "for <duration>""#),
        BadCase("Discharge at 1 A until 1 W", conditionHint, #"found "1 W""#),
        BadCase("Discharge at 1C until", conditionHint + #" after "Discharge at 1C until", found the end of the step"#),
        BadCase("Discharge at 1C until 2.5 V or", conditionHint, #"after "Discharge at 1C until 2.5 V or""#),
        BadCase("Discharge at 1C until 2.5 V or banana", conditionHint, #"found "banana""#),
        BadCase("Discharge at 1C for", durationHint, "found the end of the step"),
        BadCase("Discharge at 1C for 1 hour or", #"expected "for" and a duration or "until" and an end condition after "Discharge at 1C for 1 hour or""#),
        BadCase("Discharge at 1C for 1 hour or 2.5 V", #"expected "for" and a duration or "until""#, #"found "2.5 V""#),
        // trailing garbage
        BadCase("Discharge at 1C foo", #"expected "for" and a duration, "until" and an end condition, or the end of the step after "Discharge at 1C", found "foo""#),
        BadCase("Discharge at 1C until 2.5 V foo bar", #"expected "or", "for", "until" or the end of the step after "Discharge at 1C until 2.5 V", found "foo bar""#),
        BadCase("Discharge at 1C until 2.5 V.", conditionHint, #"found "2.5 V.""#),
        BadCase("Discharge at 1C until 2.5 V)", #"or the end of the step after "Discharge at 1C until 2.5 V""#, #"found ")""#),
        BadCase("Charge at 1C until 4.2 V, then rest", conditionHint, #"found "4.2 V,""#),
        BadCase("Discharge at 1Cuntil 2.5 V", currentHint, #"found "1Cuntil""#),
        // period suffix
        BadCase("Rest for 1 hour (1 minute)", #"expected "period" to complete a period suffix such as "(1 minute period)""#, #"found ")""#),
        BadCase("Rest for 1 hour (1 minute period", #"expected ")" after "Rest for 1 hour (1 minute period", found the end of the step"#),
        BadCase("Rest for 1 hour (1 minute period) extra", #"expected the end of the step"#, #"found "extra""#),
        BadCase("Rest for 1 hour (fast period)", durationHint, #"found "fast""#),
        BadCase("Rest for 1 hour (0 s period)", "expected a duration greater than zero"),
        // the failing step is named by its index among non-blank steps
        BadCase("Discharge at 1C\nDischrge at 1C", index: 2, step: "Dischrge at 1C", #"found "Dischrge""#),
        BadCase("# comment\n\nRest for 1 h;  ; Hold at 4.2 V  \n", index: 2, step: "Hold at 4.2 V", "a hold needs a duration"),
        BadCase("Rest for 1 h; Rest for 1 h; Rest for 1 h; Charge at 2 Amps", index: 4, step: "Charge at 2 Amps", #"found "2 Amps""#),
    ]

    @Test("malformed steps name the step and say what was found and expected", arguments: cases)
    func malformed(_ c: BadCase) throws {
        let error = try #require(parseFailure(c.text))
        #expect(error.stepIndex == c.index)
        #expect(error.stepText == c.stepText)
        #expect(error.description.hasPrefix("experiment step \(c.index) \"\(c.stepText)\": "))
        #expect(error.description.hasSuffix(error.message))
        #expect(error.message.contains("expected") || error.message.contains("needs"))
        #expect(error.message.contains("found"))
        for hint in c.hints {
            #expect(error.message.contains(hint), "message: \(error.message)")
        }
    }

    @Test("an empty experiment is a whole-text error", arguments: ["", "   ", "\n\n", " ; ;\n", "# only a comment\n  # another"])
    func empty(_ text: String) throws {
        let error = try #require(parseFailure(text))
        #expect(error.stepIndex == nil)
        #expect(error.stepText == "")
        #expect(error.message.contains("no steps"))
        #expect(error.message.contains("expected at least one step"))
        #expect(error.description == "experiment: " + error.message)
    }

    @Test("a step over 1000 characters is rejected, and quoted shortened")
    func tooLong() throws {
        let text = "Discharge at 1C" + String(repeating: " ", count: 1000) + "until 2.5 V"
        let error = try #require(parseFailure("Rest for 1 h\n" + text))
        #expect(error.stepIndex == 2)
        #expect(error.stepText == text)
        #expect(error.message.contains("the step is 1026 characters long; expected at most 1000"))
        #expect(error.description.hasPrefix("experiment step 2 \"Discharge at 1C"))
        #expect(error.description.contains("…\": the step is"))
        #expect(error.description.count < 300)
    }

    @Test("very long numbers are reported, shortened, without trapping")
    func longNumbers() throws {
        let digits = String(repeating: "9", count: 900)
        let error = try #require(parseFailure("Discharge at \(digits) A"))
        #expect(error.message.contains("which is too large"))
        #expect(error.message.contains("…"))
        #expect(error.message.count < 300)

        let tiny = try #require(parseFailure("Discharge at 0.\(String(repeating: "0", count: 900))1 A"))
        #expect(tiny.message.contains("which is too small"))

        // Many digits that still give a finite value are fine.
        let step = try parseSingleStep("Discharge at 1.\(String(repeating: "0", count: 900)) A")
        #expect(step.control == .current(amperes: 1))
    }

    @Test("the first malformed step is reported")
    func firstErrorWins() throws {
        let error = try #require(parseFailure("Discharge at 1C\nRest\nHold at 1C"))
        #expect(error.stepIndex == 2)
        #expect(error.stepText == "Rest")
    }

    @Test("errors are values: equal when their fields are equal")
    func errorEquality() {
        let a = ExperimentParseError(stepIndex: 2, stepText: "x", message: "m")
        #expect(a == ExperimentParseError(stepIndex: 2, stepText: "x", message: "m"))
        #expect(a != ExperimentParseError(stepIndex: 3, stepText: "x", message: "m"))
        #expect(a.description == #"experiment step 2 "x": m"#)
    }
}
