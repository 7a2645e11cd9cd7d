import Testing
import Protocols
import TestSupport

@Suite("Experiment text: robustness")
struct ExperimentRobustnessTests {
    static let seeds: [String] =
        ExperimentParsingTests.pybammExamples.map(\.text)
        + ExperimentParsingTests.controls.map(\.text)
        + ExperimentParsingTests.limits.map(\.text)
        + ExperimentParseErrorTests.cases.map(\.text)
        + [
            "Discharge at 1C until 2.5 V; Rest for 1 hour\nCharge at C/2 until 4.2 V # comment\nHold at 4.2 V until C/20",
            "Discharge at 1e-3 A for 2.5E+1 s or until .5 V",
        ]

    static let fragments: [String] = [
        "C/", "C", "c /", "until ", " or ", "for ", "at ", "e", "e+", "E-", ".", "..", "-", "+", "0", "1e999", "1e-999",
        "nan", "inf", String(repeating: "9", count: 400), "(", ")", " period", "mA/cm2", "A.m-2", " cm-2", "/g", "mV",
        "µ", "μ", "\u{301}", "\u{20DD}", "👩‍👩‍👧", "\u{0}", "\u{FEFF}", "\u{200B}", "\u{2028}", "\r\n", "\r", ";", "#",
        "\u{A0}", "\u{202E}", "²", "⁻", "Ⅷ", "٣", "１", "İ", "ß", "\u{10FFFF}", "\t", "\"", "\\", "%", "hours",
        "Hold", "Rest", "Charge", "Discharge",
    ]

    /// Any Unicode scalar (surrogate code points skipped).
    static func randomScalar(_ rng: inout SplitMix64) -> Unicode.Scalar {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng))
        case 1: return Unicode.Scalar(UInt8.random(in: 0...0xFF, using: &rng))
        default:
            while true {
                if let scalar = Unicode.Scalar(UInt32.random(in: 0..<0x11_0000, using: &rng)) { return scalar }
            }
        }
    }

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = Int.random(in: 0...scalars.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:  // delete a short range
                let end = min(scalars.count, at + Int.random(in: 1...5, using: &rng))
                scalars.removeSubrange(at..<end)
            case 1:  // insert a random scalar
                scalars.insert(randomScalar(&rng), at: at)
            case 2:  // insert a meaningful or nasty fragment
                scalars.insert(contentsOf: fragments.randomElement(using: &rng)!.unicodeScalars, at: at)
            case 3:  // replace a scalar
                if at < scalars.count { scalars[at] = randomScalar(&rng) }
            case 4:  // duplicate a slice
                let end = min(scalars.count, at + Int.random(in: 1...12, using: &rng))
                scalars.insert(contentsOf: Array(scalars[at..<end]), at: at)
            default:  // flip ASCII case
                if at < scalars.count, scalars[at].isASCII, let flipped = Unicode.Scalar(scalars[at].value ^ 0x20),
                   scalars[at].properties.isAlphabetic {
                    scalars[at] = flipped
                }
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Parses `text` and checks the result's invariants; returns whether it parsed.
    static func check(_ text: String) -> Bool {
        do {
            let experiment = try Experiment(parsing: text)
            #expect(!experiment.steps.isEmpty)
            for step in experiment.steps {
                checkStep(step)
            }
            return true
        } catch {
            #expect(!error.message.isEmpty)
            #expect(error.message.contains("expected") || error.message.contains("needs"), "\(error)")
            #expect(error.description.hasSuffix(error.message))
            if let index = error.stepIndex {
                #expect(index >= 1)
                #expect(!error.stepText.isEmpty)
            } else {
                #expect(error.stepText.isEmpty)
            }
            return false
        }
    }

    static func checkStep(_ step: ExperimentStep) {
        #expect(!step.text.isEmpty)
        #expect(step.text.unicodeScalars.first.map { !$0.properties.isWhitespace } ?? false)
        #expect(step.text.unicodeScalars.last.map { !$0.properties.isWhitespace } ?? false)
        let lower = step.text.lowercased()
        let sign: Double = lower.hasPrefix("charge") ? -1 : 1
        if let duration = step.duration {
            #expect(duration.isFinite && duration > 0)
        }
        for termination in step.terminations {
            switch termination {
            case let .voltage(value), let .current(value), let .cRate(value):
                #expect(value.isFinite && value > 0, "\(step.text)")
            }
        }
        switch step.control {
        case let .current(value), let .cRate(value), let .specificCurrent(value),
             let .currentDensity(value), let .power(value):
            #expect(value.isFinite && value != 0 && (value > 0) == (sign > 0), "\(step.text)")
        case let .voltage(value):
            #expect(value.isFinite && value > 0)
            #expect(step.duration != nil || !step.terminations.isEmpty)
        case .rest:
            #expect(step.duration != nil && step.terminations.isEmpty)
        case .profile(_, let path):
            #expect(!path.isEmpty && step.duration == nil && step.terminations.isEmpty)
        }
    }

    @Test("mutated steps always parse or throw, never trap")
    func mutatedText() {
        var rng = SplitMix64(seed: 0x5EED_CE11)
        var parsed = 0
        var rejected = 0
        for _ in 0..<4000 {
            let text = Self.mutate(Self.seeds.randomElement(using: &rng)!, &rng)
            if Self.check(text) { parsed += 1 } else { rejected += 1 }
        }
        // Both outcomes must be exercised for the test to mean anything.
        #expect(parsed > 100)
        #expect(rejected > 100)
    }

    @Test("random unicode text always parses or throws, never traps")
    func randomText() {
        var rng = SplitMix64(seed: 0xBADC_0FFE)
        for _ in 0..<1000 {
            var view = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...200, using: &rng) {
                view.append(Self.randomScalar(&rng))
            }
            _ = Self.check(String(view))
        }
    }

    @Test("pathological inputs")
    func pathological() {
        let inputs = [
            String(repeating: "9", count: 5000),
            "Discharge at " + String(repeating: "9", count: 980) + " A",
            "Discharge at 0." + String(repeating: "0", count: 980) + "1 A",
            "Discharge at 1e" + String(repeating: "9", count: 900) + " A",
            "Discharge at 1e-" + String(repeating: "9", count: 900) + " A",
            "Discharge at C/" + String(repeating: "0", count: 900) + "1",
            "Discharge at 1\u{301}C",
            "Discharge\u{301} at 1C",
            "1" + String(repeating: "\u{301}", count: 5000),
            String(repeating: ";", count: 10_000),
            String(repeating: "Rest for 1 s\n", count: 2000),
            "Hold at 4.2 V until " + Array(repeating: "C/20", count: 150).joined(separator: " or "),
            "\u{0}Discharge at 1C",
            "Discharge at 1C\u{0}",
            "Discharge at 1C until 2.5 V (",
            "Rest for 1 h (((((",
            "C/", "(", ")", "#", "e", ".", "-", "µ",
        ]
        for input in inputs {
            _ = Self.check(input)
        }
        #expect(Self.check(String(repeating: "Rest for 1 s\n", count: 2000)))
        // 150 conditions exceed the 1000-character step limit; 100 fit.
        #expect(Self.check("Hold at 4.2 V until " + Array(repeating: "C/20", count: 150).joined(separator: " or ")) == false)
        let many = "Hold at 4.2 V until " + Array(repeating: "C/20", count: 100).joined(separator: " or ")
        #expect((try? Experiment(parsing: many))?.steps.first?.terminations.count == 100)
    }
}
