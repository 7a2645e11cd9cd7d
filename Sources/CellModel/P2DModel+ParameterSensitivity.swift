import DAESolver
import Parameters

/// ∂F/∂θ of the P2D residual for fitted model keys (θ = ln p for a key fitted in log space, θ = p
/// otherwise), and the other derivatives forward sensitivities need (initial state, terminal
/// voltage, events).
///
/// A key's value reaches the residual through many derived constants (effective conductivities,
/// Arrhenius factors, contact fractions, areas), so ∂F/∂θ is taken as a central difference of the
/// residual itself between two models built with θ ± δ (p e^{±δ} in log space), at the same
/// (t, y, ẏ):
///
///     ∂F/∂θ ≈ [F(t, y, ẏ; θ + δ) − F(t, y, ẏ; θ − δ)] / 2δ
///
/// whose truncation error is O(δ²) (δ = 10⁻⁴ in log space: relative 10⁻⁸) and rounding error
/// O(ε/δ) (10⁻¹²).
/// The state part of the sensitivity equations, F_y s + F_ẏ ṡ, is exact (the analytic Jacobian,
/// in `DAESolver`). The two models follow the reference model's control, events and temperature,
/// so the difference is the parameter's alone. Their contact damage is the reference's D moved by
/// its own sensitivity, D ± δ dD/dθ (``setContactDamage(_:sensitivities:)``; dD/dθ = 0 until
/// damage grows between cycles), so that the difference includes ∂F/∂D · dD/dθ.
///
/// Quantities read from the solution (the quadratures' integrands, a particle's strain) take the
/// same difference at the state for their parameter part, and their exact state part along s.
public final class ParameterPerturbations: @unchecked Sendable {
    /// δ of every parameter: half the distance in its θ between the `plus` and `minus` models
    /// (θ ± δ, or one-sided at a bound of the key's range).
    public let steps: [Double]
    private var plus: [P2DModel]
    private var minus: [P2DModel]
    private var plusResidual: [Double]
    private var minusResidual: [Double]
    private var plusIntegrands: [Double], minusIntegrands: [Double]
    /// The contact damage of every plus and minus model, D ± δᵢ dD/dθᵢ; nil: the reference's.
    private var damage: (plus: [[Double]], minus: [[Double]])?

    /// Models with each key at θ + δ (`plus`) and θ − δ (`minus`); nil when a perturbed model's
    /// unknowns or Jacobian pattern differ from the reference's (a key that changes the
    /// discretisation cannot be differentiated).
    public init?(reference: P2DModel, plus: [CellParameters], minus: [CellParameters], steps: [Double]) {
        self.steps = steps
        self.plus = plus.map(P2DModel.init(parameters:))
        self.minus = minus.map(P2DModel.init(parameters:))
        for model in self.plus + self.minus {
            guard model.stateCount == reference.stateCount, model.jacobianPattern == reference.jacobianPattern else { return nil }
        }
        plusResidual = [Double](repeating: 0, count: reference.stateCount)
        minusResidual = plusResidual
        plusIntegrands = [Double](repeating: 0, count: reference.quadratureCount)
        minusIntegrands = plusIntegrands
    }

    /// Gives the perturbed models the contact damage D ± δᵢ dD/dθᵢ (`sensitivities[i]` = dD/dθᵢ).
    public func setContactDamage(_ reference: [Double], sensitivities: [[Double]]) {
        damage = (plus: steps.indices.map { i in zip(reference, sensitivities[i]).map { $0 + steps[i] * $1 } },
                  minus: steps.indices.map { i in zip(reference, sensitivities[i]).map { $0 - steps[i] * $1 } })
    }

    public var count: Int { plus.count }

    /// ∂y₀/∂θᵢ of an initial state each model builds for itself (by default the resting state at
    /// its own initial concentration), before it is made consistent.
    public func initialSensitivities(_ initialState: (P2DModel) -> [Double] = { $0.restingState() }) -> [[Double]] {
        (0..<count).map { i in
            zip(initialState(plus[i]), initialState(minus[i])).map { ($0 - $1) / (2 * steps[i]) }
        }
    }

    /// The models at θᵢ + δᵢ and θᵢ − δᵢ, brought to the reference model's control, events, damage
    /// and temperature: for derivatives of anything else the model computes (its Jacobian, its
    /// read-outs) by the same central difference as ∂F/∂θᵢ.
    public func models(_ i: Int, following reference: P2DModel) -> (plus: P2DModel, minus: P2DModel) {
        follow(reference, &plus[i], damage?.plus[i])
        follow(reference, &minus[i], damage?.minus[i])
        return (plus[i], minus[i])
    }

    /// ∂f/∂θᵢ at a fixed state of a quantity the model reads from it:
    /// [f(plus model, y) − f(minus model, y)] / 2δ.
    public func parameterDerivative(_ i: Int, state y: [Double], following reference: P2DModel,
                                    of f: (P2DModel, [Double]) -> [Double]) -> [Double] {
        let (up, down) = models(i, following: reference)
        return zip(f(up, y), f(down, y)).map { ($0 - $1) / (2 * steps[i]) }
    }

    /// Writes dq/dθᵢ of the quadrature integrands along (sᵢ, ṡᵢ) at (t, y, ẏ) into `out`: the
    /// parameter's part at the state, [q(y; θ + δ) − q(y; θ − δ)] / 2δ, plus the exact state part
    /// q_y sᵢ + q_ẏ ṡᵢ (``P2DModel/quadratureIntegrandDerivatives(state:derivative:along:rate:into:)``).
    /// Allocates nothing (except when the temperature changed, as
    /// ``residualDerivative(_:time:state:derivative:into:following:)``).
    public func quadratureDerivative(_ i: Int, time t: Double, state y: UnsafeBufferPointer<Double>,
                                     derivative yp: UnsafeBufferPointer<Double>, sensitivity s: UnsafeBufferPointer<Double>,
                                     sensitivityDerivative sp: UnsafeBufferPointer<Double>,
                                     into out: UnsafeMutableBufferPointer<Double>, following reference: P2DModel) {
        follow(reference, &plus[i], damage?.plus[i])
        follow(reference, &minus[i], damage?.minus[i])
        plusIntegrands.withUnsafeMutableBufferPointer { plus[i].quadratureIntegrands(time: t, state: y, derivative: yp, into: $0) }
        minusIntegrands.withUnsafeMutableBufferPointer { minus[i].quadratureIntegrands(time: t, state: y, derivative: yp, into: $0) }
        reference.quadratureIntegrandDerivatives(state: y, derivative: yp, along: s, rate: sp, into: out)
        for m in 0..<out.count { out[m] += (plusIntegrands[m] - minusIntegrands[m]) / (2 * steps[i]) }
    }

    /// Writes ∂F/∂θᵢ at (t, y, ẏ) into `out`, the perturbed models first brought to the
    /// reference model's control, events, damage and temperature. Allocates only when the
    /// temperature changed (the models are rebuilt at the new one).
    public func residualDerivative(_ i: Int, time t: Double, state y: UnsafeBufferPointer<Double>,
                                   derivative yp: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                                   following reference: P2DModel) throws {
        follow(reference, &plus[i], damage?.plus[i])
        follow(reference, &minus[i], damage?.minus[i])
        try plusResidual.withUnsafeMutableBufferPointer { try plus[i].residual(time: t, state: y, derivative: yp, into: $0) }
        try minusResidual.withUnsafeMutableBufferPointer { try minus[i].residual(time: t, state: y, derivative: yp, into: $0) }
        let scale = 1 / (2 * steps[i])
        for k in 0..<out.count { out[k] = (plusResidual[k] - minusResidual[k]) * scale }
    }

    private func follow(_ reference: P2DModel, _ model: inout P2DModel, _ ownDamage: [Double]?) {
        if model.parameters.temperature != reference.parameters.temperature {
            var parameters = model.parameters
            parameters.temperature = reference.parameters.temperature
            model = P2DModel(parameters: parameters)
        }
        model.control = reference.control
        model.events = reference.events
        let damage = ownDamage ?? reference.contactDamage
        if model.contactDamage != damage { model.contactDamage = damage }
    }
}

extension P2DModel {
    /// dV/dθ of the terminal voltage along a sensitivity s = ∂y/∂θ (V depends on the state only).
    /// (Not defined for a symmetric cell, whose voltage is not linear in the state: NaN.)
    public func voltageDerivative(along s: UnsafeBufferPointer<Double>) -> Double {
        guard !layout.positiveFoil else { return .nan }
        let last = electrodeStart + mesh.positiveCells - 1
        let (_, dLast, dPrevious) = terminalVoltage(s)
        return dLast * s[last] + dPrevious * s[last - 1]
    }

    public func voltageDerivative(along s: [Double]) -> Double {
        s.withUnsafeBufferPointer { voltageDerivative(along: $0) }
    }

    /// ∂gₖ/∂y · v of event k's root function at state y (events depend on the state only).
    public func eventDerivative(_ k: Int, state y: [Double], along v: [Double]) -> Double {
        switch events[k] {
        case .voltage: return voltageDerivative(along: v)
        case .currentMagnitude: return (y[currentIndex] < 0 ? -1 : 1) * v[currentIndex] * parameters.totalArea
        case .negativeContact:
            // The smaller of the two contacts in a symmetric cell.
            guard let a = lithiumContactIndex else { return 0 }
            let b = positiveLithiumContactIndex.flatMap { y[$0] < y[a] ? $0 : nil }
            return v[b ?? a]
        case .lithiumPenetration(let criterion):
            return y.withUnsafeBufferPointer { penetrationMargin(criterion, $0) }.derivative(along: v)
        case .lithiumExhausted: return v[layout.platedLithiumIndex]
        }
    }
}
