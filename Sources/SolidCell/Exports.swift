// The SolidCell library is the one import users need: it re-exports the model and protocol types
// that appear in its API (CellParameters, ParameterSet, Experiment, ...).
@_exported import CellModel
@_exported import Protocols
@_exported import struct DAESolver.Complex
