import Foundation
import Interpolation

/// Open-circuit potentials known only as point tables, interpolated by
/// ``MonotoneCubicInterpolation`` (PCHIP: through every point, C¹, monotone between points, exact
/// derivative; linear continuation with the end slope outside the table). The model adds PyBaMM's
/// boundary asymptotes on top, as for every positive-electrode OCP.
extension OpenCircuitPotentials {
    /// Li2TiS3 (cation-disordered rock-salt sulfide), U vs Li/Li⁺ [V] against y = x/3 in Li_xTiS3
    /// (c_max = 50 500 mol m⁻³ for x = 3; the as-assembled Li2TiS3 is y = 2/3). The PyBaMM-style
    /// name refers to the cell it was built for: Z. Lu et al., EES Batteries (2026),
    /// doi 10.1039/d6eb00013d (Li2TiS3 | Li5.5PS4.5Cl0.8Br0.7 | Li–In, 0.9–2.4 V vs Li–In).
    ///
    ///     y       0.00 0.03 0.08 0.15 0.25 0.35 0.45 0.55 0.65 0.667 0.75 0.82 0.88 0.93 0.97 1.00
    ///     U [V]   3.10 2.95 2.80 2.66 2.55 2.47 2.40 2.33 2.25 2.23  2.15 2.05 1.93 1.80 1.65 1.45
    ///
    /// Source: the constructed table of `validation/literature/parameters.md` §5.2. **Low
    /// reliability**: no measured OCV or GITT curve was available. The table is a
    /// hysteresis-averaged estimate placed between Lu's dQ/dV oxidation (1.8–2.4 V vs Li–In) and
    /// reduction (1.4–1.8 V) peak ranges, converted with the Li–In plateau (+0.62 V), and spread so
    /// that the 0.9–2.4 V vs Li–In window (1.52–3.02 V vs Li) holds y ≈ 0.015–0.99, i.e. the ≈2.9 Li
    /// behind Lu's 483 mA h g⁻¹ at 0.1C and the x = 0.4–3 range of Sakuda et al. (Sci. Rep. 4, 4883,
    /// 2014). The mean level (±0.1 V) and the window are anchored; the local shape may be off by
    /// ±0.15 V. Replace the table when Lu's Fig. 3b or Sakuda's curves are digitised.
    public static let li2tis3Lu2026Table = table("li2tis3_ocp_Lu2026",
        y: [0.00, 0.03, 0.08, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.667, 0.75, 0.82, 0.88, 0.93, 0.97, 1.00],
        u: [3.10, 2.95, 2.80, 2.66, 2.55, 2.47, 2.40, 2.33, 2.25, 2.23, 2.15, 2.05, 1.93, 1.80, 1.65, 1.45])
    /// The Li2TiS3 table's interpolant, the built-in `"li2tis3_ocp_Lu2026"`.
    public static let li2tis3Lu2026 = li2tis3Lu2026Table.function

    /// Li8/7Ti2/7V4/7O2 (LTVO, near-zero-strain Li-rich disordered rock salt), U vs Li/Li⁺ [V]
    /// against y = Li/(8/7) (c_max = 54 510 mol m⁻³; the as-synthesised, fully lithiated oxide is
    /// y ≈ 1). Built for T. Ohno, Y. Ugata, N. Yabuuchi, J. Mater. Chem. A 14, 385 (2026),
    /// doi 10.1039/d5ta07405c.
    ///
    ///     y       0.10 0.15 0.22 0.30 0.40 0.50 0.60 0.70 0.80 0.90 0.95 0.98 1.00
    ///     U [V]   4.40 4.05 3.70 3.38 3.12 2.92 2.75 2.58 2.40 2.15 1.95 1.75 1.50
    ///
    /// Source: the constructed table of `validation/literature/parameters.md` §5.3. **Low
    /// reliability**: only the assumed window (1.5–4.4 V vs Li; Ohno's main text does not state
    /// it), the V³⁺/V⁵⁺ capacity scale (370 mA h g⁻¹ theoretical, ≈250–300 reversible) and a sloping
    /// disordered-rock-salt profile of mean ≈2.7 V are encoded; the shape is not measured. Below
    /// y = 0.10 the curve continues with its end slope (only reached beyond 4.4 V). Check against
    /// Konuma et al., Nat. Mater. 22, 225 (2023) before relying on the shape.
    public static let ltvoOhno2026Table = table("ltvo_ocp_Ohno2026",
        y: [0.10, 0.15, 0.22, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95, 0.98, 1.00],
        u: [4.40, 4.05, 3.70, 3.38, 3.12, 2.92, 2.75, 2.58, 2.40, 2.15, 1.95, 1.75, 1.50])
    /// The LTVO table's interpolant, the built-in `"ltvo_ocp_Ohno2026"`.
    public static let ltvoOhno2026 = ltvoOhno2026Table.function

    /// The interpolant of a constant table (a malformed table is a programming error).
    static func table(_ name: String, y: [Double], u: [Double]) -> MonotoneCubicInterpolation {
        do {
            return try MonotoneCubicInterpolation(nodes: y, values: u, name: name)
        } catch {
            preconditionFailure("\(error)")
        }
    }
}

extension MonotoneCubicInterpolation {
    /// The interpolant as a built-in function under the table's name.
    public var function: DifferentiableFunction {
        let table = self
        return DifferentiableFunction(name: name) { table($0) }
    }
}
