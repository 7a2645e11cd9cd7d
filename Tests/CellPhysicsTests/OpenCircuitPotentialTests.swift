import CellPhysics
import Foundation
import Testing

/// The open-circuit potential the model uses: a fit plus PyBaMM's boundary asymptotes.
@Suite("Open-circuit potential with boundary asymptotes")
struct OpenCircuitPotentialTests {
    static let fit = OpenCircuitPotentials.nmcLGM50Chen2020

    @Test("inside the window the asymptotes vanish: U = U_fit; about +1 mV at y = 0.001, +1 V at y = 0, mirrored at 1")
    func asymptotes() {
        for y in [0.1, 0.5, 0.9] {
            #expect(OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: y).value == Self.fit(y).value)
        }
        #expect(abs(OpenCircuitPotentials.boundaryAsymptotes(1e-3).value - 1e-3) < 2e-4)
        #expect(abs(OpenCircuitPotentials.boundaryAsymptotes(0).value - 1) < 0.05)
        #expect(LawChecks.close(OpenCircuitPotentials.boundaryAsymptotes(0.999).value,
                                -OpenCircuitPotentials.boundaryAsymptotes(0.001).value, relative: 1e-12))
        // Beyond the ends the potential keeps rising (falling) steeply: a cut-off is always reached.
        #expect(OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: -1e-3).value
                > OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: 0).value + 1)
        #expect(OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: 1 + 1e-3).value
                < OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: 1).value - 1)
    }

    @Test("dU/dy matches central differences, inside and near the ends; outside the clip only the asymptotes' slope counts")
    func derivative() {
        for y in [5e-4, 2e-3, 0.05, 0.4, 0.93, 0.999] {
            let u = OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: y)
            let fd = LawChecks.centralDifference(at: y, step: 1e-8) {
                OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: $0).value
            }
            #expect(LawChecks.close(u.derivative, fd, relative: 1e-5), "dU/dy at \(y)")
        }
        let outside = OpenCircuitPotentials.withBoundaryAsymptotes(Self.fit, at: -0.01)
        #expect(outside.derivative == OpenCircuitPotentials.boundaryAsymptotes(-0.01).derivative)
    }
}
