import CellPhysics
import DAESolver
import Foundation
import Parameters

/// The exact (analytic) Jacobian J = ∂F/∂y + c_j ∂F/∂ẏ of the residual, assembled into the fixed
/// sparsity pattern through the precomputed ``Slots``.
extension P2DModel {
    public mutating func jacobian(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>, cj: Double,
                                  into values: UnsafeMutableBufferPointer<Double>) throws {
        makeScratchUnique()
        try evaluateJacobian(time: time, state: y, derivative: yp, cj: cj, into: values)
    }

    func evaluateJacobian(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>, cj: Double,
                                  into values: UnsafeMutableBufferPointer<Double>) throws {
        try updateReactions(y)
        for index in values.indices { values[index] = 0 }
        let nx = mesh.cellCount, ns = mesh.separatorCells, np = mesh.positiveCells, nr = layout.nr, K = classCount
        let s = slots
        let i = y[currentIndex]
        let area = parameters.totalArea

        // Ionic rows: flux terms.
        let boundary = foilBoundary(y)
        for c in 0..<nx {
            let w = mesh.widths[c]
            let gw = faceKappa[c] / faceDistance[c] / w
            values[s.electrolyteCentre[c]] -= gw
            if c == 0 {
                values[s.electrolyteCurrent] += gw * boundary.dCurrent
            } else {
                values[s.electrolyteWest[c]] += gw
            }
            if c + 1 < nx {
                let ge = faceKappa[c + 1] / faceDistance[c + 1] / w
                values[s.electrolyteEast[c]] += ge
                values[s.electrolyteCentre[c]] -= ge
            } else if layout.positiveFoil {
                values[positiveFoilSlots.electrolyteCurrent] -= 1 / w  // (east flux −i)
            }
        }

        // Electronic rows: flux terms.
        let h = mesh.widths[nx - 1]
        let g = sigmaEff / (h * h)
        for j in 0..<np {
            if j > 0 {
                values[s.electrodeWest[j]] += g
                values[s.electrodeCentre[j]] -= g
            }
            if j + 1 < np {
                values[s.electrodeEast[j]] += g
                values[s.electrodeCentre[j]] -= g
            } else {
                values[s.electrodeCurrent] -= 1 / h
            }
        }

        // Reaction terms: +a φj in the ionic row, −a φj in the electronic row, and the surface
        // flux A_R φj/(F V_R) in the particle's surface row; each depends on φ_s, φ_e, the particle's
        // nodes (surface extrapolation, and the mean stoichiometry through φ) and the pressure.
        for k in 0..<K {
            let particle = particles[k]
            let surfaceScale = particle.outerFaceArea(nr - 1) / (faradayConstant * particle.volume(nr - 1))
            let a = classArea[k]
            for j in 0..<np {
                let ionic = ns + j
                let reaction = j * K + k
                // The charge balances see the main and the side current, the particle only the main one.
                let dPhiS = fluxDPhiS[reaction], dSurface = fluxDSurface[reaction]
                let dMean = fluxDMean[reaction], dPressure = fluxDPressure[reaction]
                let dSurfaceTotal = dSurface + sideFluxDSurface[reaction], dMeanTotal = dMean + sideFluxDMean[reaction]
                let dPressureTotal = dPressure + sideFluxDPressure[reaction]
                values[s.electrolyteCentre[ionic]] -= a * dPhiS
                values[s.electrolyteElectrode[j]] += a * dPhiS
                values[s.electrodeCentre[j]] -= a * dPhiS
                values[s.electrodeElectrolyte[j]] += a * dPhiS
                values[s.surfaceElectrode[reaction]] += surfaceScale * dPhiS
                values[s.surfaceElectrolyte[reaction]] -= surfaceScale * dPhiS
                values[s.electrolytePressure[j]] += a * dPressureTotal
                values[s.electrodePressure[j]] -= a * dPressureTotal
                if s.surfacePressure[reaction] >= 0 { values[s.surfacePressure[reaction]] += surfaceScale * dPressure }
                let base = reaction * nr
                for m in 0..<nr {
                    var dNode = dMean * particle.volume(m), dNodeTotal = dMeanTotal * particle.volume(m)
                    if m == nr - 1 {
                        dNode += dSurface * Self.surfaceWeightLast
                        dNodeTotal += dSurfaceTotal * Self.surfaceWeightLast
                    }
                    if m == nr - 2 {
                        dNode += dSurface * Self.surfaceWeightPrevious
                        dNodeTotal += dSurfaceTotal * Self.surfaceWeightPrevious
                    }
                    guard s.electrolyteParticle[base + m] >= 0 else { continue }  // node not coupled
                    values[s.electrolyteParticle[base + m]] += a * dNodeTotal
                    values[s.electrodeParticle[base + m]] -= a * dNodeTotal
                    values[s.surfaceParticle[base + m]] += surfaceScale * dNode
                }
                guard oxidation != nil else { continue }
                // Film resistance in the main reaction, and the film's own row q̇ − j_ox(c_R).
                let dFilm = fluxDFilm[reaction]
                values[s.electrolyteFilm[reaction]] += a * dFilm
                values[s.electrodeFilm[reaction]] -= a * dFilm
                values[s.surfaceFilm[reaction]] += surfaceScale * dFilm
                values[s.filmFilm[reaction]] += cj
                values[s.filmSurfaceLast[reaction]] -= oxidationRateDSurface[reaction] * Self.surfaceWeightLast
                values[s.filmSurfacePrevious[reaction]] -= oxidationRateDSurface[reaction] * Self.surfaceWeightPrevious
            }
        }

        // Particle rows: time derivative and diffusion (classes outermost, as in the residual).
        for k in 0..<K {
            let particle = particles[k]
            particle.withDiffusionGeometry { conductances, inverseVolumes in
                for j in 0..<np {
                    let base = (j * K + k) * nr
                    for m in 0..<nr { values[s.particleCentre[base + m]] += cj }
                    for m in 0..<(nr - 1) {
                        let index = layout.concentration(j, k, m)
                        let (d, dLeft, dRight) = faceDiffusivity(y[index], y[index + 1], particle: j * K + k)
                        let difference = y[index + 1] - y[index]
                        // Face flux A N = (A/Δr) D_f (c_{m+1} − c_m) and its derivatives in c_m and c_{m+1}.
                        let dFluxLeft = conductances[m] * (-d + dLeft * difference)
                        let dFluxRight = conductances[m] * (d + dRight * difference)
                        // Row m: −(A N)/V_m; row m+1: +(A N)/V_{m+1}.
                        let vm = inverseVolumes[m], vn = inverseVolumes[m + 1]
                        values[s.particleCentre[base + m]] -= dFluxLeft * vm
                        values[s.particleEast[base + m]] -= dFluxRight * vm
                        values[s.particleWest[base + m + 1]] += dFluxLeft * vn
                        values[s.particleCentre[base + m + 1]] += dFluxRight * vn
                    }
                }
            }
        }

        // Control row.
        if layout.positiveFoil {
            addFoilControlJacobian(y, control: control.instantaneous(at: time), into: values)
        } else {
            let v = terminalVoltage(y)
            switch control.instantaneous(at: time) {  // (a profile's target depends on time, not on the state)
            case .current:
                values[s.controlCurrent] += area
            case .voltage:
                values[s.controlElectrode] += v.dLast
                values[s.controlElectrodePrevious] += v.dPrevious
            case .power:
                values[s.controlElectrode] += i * area * v.dLast
                values[s.controlElectrodePrevious] += i * area * v.dPrevious
                values[s.controlCurrent] += area * v.value
            case .profile: break  // (instantaneous(at:) is never a profile)
            }
        }
        values[s.capacityCapacity] += cj
        values[s.capacityCurrent] -= area / 3600

        // Pressure row: P − P_set − k ΔL(c).
        values[s.pressurePressure] += 1
        let stiffness = stackStiffness
        if stiffness != 0, let mechanics {
            let p = parameters
            for j in 0..<np {
                let h = mesh.widths[ns + j] * p.positiveActiveMaterialFraction
                for k in 0..<K {
                    let particle = particles[k]
                    let mean = meanConcentration(y, cell: j, class: k)
                    let dStrain = mechanics.volumeChange.strain(stoichiometry: mean / cMax).derivative / cMax
                    let dMean = p.contactClasses[k].volumeShare * (dStrain - mechanics.negativeLithiumMolarVolume)
                    let base = (j * K + k) * nr
                    for m in 0..<nr {
                        values[s.pressureParticle[base + m]] -= stiffness * h * dMean * particle.volume(m) / particle.totalVolume
                    }
                }
            }
        }
        if layout.hasInterfaceUnknowns { addInterfaceJacobian(y, yp, cj: cj, into: values) }
        if layout.lithiumContact { addNegativeInterfaceJacobian(y, yp, cj: cj, into: values) }
        if layout.platedLithium {
            values[platedLithiumSlots.lithiumLithium] += cj
            values[platedLithiumSlots.lithiumCurrent] += 1
        }
    }
}
