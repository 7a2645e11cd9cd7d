// The SolidCell library's one import: every module a user of the package needs, re-exported.
@_exported import CellModel
@_exported import CellPhysics
@_exported import Comparison
@_exported import DAESolver
@_exported import Fitting
@_exported import Impedance
@_exported import Interpolation
@_exported import MeasuredData
@_exported import OutputFiles
@_exported import Parameters
@_exported import Protocols
@_exported import Simulator
@_exported import Sweeps
