import Foundation
import TestSupport
import Testing
@testable import Parameters
@testable import Validation

/// Contracts of the Lu 2026 and Ohno 2026 model files and their validation cases.
@Suite("Lu 2026 and Ohno 2026 model files")
struct Lu2026Ohno2026ModelTests {
    static let models = ["lu2026-li2tis3-lpscb-liin", "lu2026-li2tis3-lpscb-liin-14mg", "ohno2026-ltvo-lpscl-liin"]

    static func metadata(_ set: ParameterSet, _ key: String) throws -> [String: ParameterValue] {
        guard case .table(let metadata)? = set["metadata"], case .table(let entries)? = metadata[key] else {
            Issue.record("metadata.\(key) missing")
            return [:]
        }
        return entries
    }

    @Test("the files load, with the tabulated OCPs and the Li–In plateau as the negative OCP", arguments: models)
    func loads(name: String) throws {
        let parameters = try CellParameters(try loadParameterSet(name))
        #expect(parameters.negativeOCP == 0.62)
        #expect(parameters.positiveOCP.name == (name.hasPrefix("lu") ? "li2tis3_ocp_Lu2026" : "ltvo_ocp_Ohno2026"))
        #expect(BundledModels.names().contains(name))
    }

    @Test("every key has a source in metadata, and every fitted key is a key of the file", arguments: models)
    func everyValueHasASource(name: String) throws {
        let set = try loadParameterSet(name)
        let sources = try Self.metadata(set, "parameter sources")
        for key in set.values.keys where key != "metadata" {
            guard case .text(let text)? = sources[key] else {
                Issue.record("\(name): no source for \"\(key)\"")
                continue
            }
            #expect(!text.isEmpty)
        }
        #expect(Set(sources.keys).isSubset(of: set.values.keys), "sources for keys the file does not have")
        let fitted = try Self.metadata(set, "fitted").keys.filter { $0 != "note" }
        #expect(!fitted.isEmpty)
        for key in fitted { #expect(set[key] != nil, "fitted key \"\(key)\" is not in the file") }
    }

    @Test("the 14 mg/cm² file differs from the 7.6 mg/cm² file only in the loading-derived keys")
    func loadingVariant() throws {
        let base = try loadParameterSet("lu2026-li2tis3-lpscb-liin"), high = try loadParameterSet("lu2026-li2tis3-lpscb-liin-14mg")
        #expect(Set(base.values.keys) == Set(high.values.keys))
        let differing = Set(base.values.keys.filter { $0 != "metadata" && base[$0] != high[$0] })
        #expect(differing == ["Positive electrode thickness [m]", "Nominal cell capacity [A.h]"])
        // Both nominal capacities are 339.4 mA/g (1C = 2 Li per Li2TiS3) of the file's own active mass.
        for set in [base, high] {
            let parameters = try CellParameters(set)
            #expect(abs(parameters.nominalCapacity / parameters.positiveActiveMaterialMass - 339.4) < 0.5)
        }
    }

    @Test("the near-zero-strain LTVO cell keeps its contact and its stack pressure through a cycle")
    func ltvoContactConstant() throws {
        let parameters = try CellParameters(try loadParameterSet("ohno2026-ltvo-lpscl-liin"))
        let result = try run(parameters, "Charge at 100 mA/g until 3.78 V; Discharge at 100 mA/g until 0.88 V")
        let contact = result.timeSeries.meanContactFraction
        #expect(contact.max()! - contact.min()! < 1e-12)
        #expect(result.timeSeries.stackPressure.allSatisfy { abs($0 - 0.5) < 1e-12 })
    }

    @Test("the rate-capability rows carry the published numbers with ±10 % tolerance")
    func validationRows() {
        let rows = PublishedData.cases().filter { $0.group.hasPrefix("Lu 2026") || $0.group.hasPrefix("Ohno 2026") }
        let rates = rows.filter { $0.unit == "mA.h/g" }
        #expect(rates.map(\.published) == [483.1, 412.7, 263.6, 451.2, 220, 150])
        for row in rates {
            guard case .relative(let fraction) = row.tolerance else { Issue.record("\(row.quantity): not relative"); continue }
            #expect(fraction == 0.1)
        }
        // Pressure rise (Lu), then retention after cycling (Lu 14 mg at 200 / 400, Lu 7.6 mg at 200, Ohno at 270).
        #expect(rows.filter { $0.unit == "%" }.map(\.published) == [2.1, 3.6, 90.3, 67.2, 96.22, 90])
    }
}
