import CellModel

extension Runner {
    /// Records the foil|SE contact fraction and interface resistance of a sample (lithium contact law
    /// only), and a symmetric cell's x = L foil's.
    func recordNegativeInterface(_ model: P2DModel, _ y: [Double]) {
        y.withUnsafeBufferPointer { buffer in
            cycleData.series.negativeContactFraction.append(model.negativeContactFraction(buffer))
            cycleData.series.negativeInterfaceResistance.append(model.negativeInterfaceResistance(buffer))
            cycleData.series.negativeInterfaceOverpotential.append(model.negativeInterfaceOverpotential(buffer))
            if model.isSymmetricCell {
                cycleData.series.positiveContactFraction.append(model.positiveContactFraction(buffer))
                cycleData.series.positiveInterfaceResistance.append(model.positiveInterfaceResistance(buffer))
            }
        }
    }
}
