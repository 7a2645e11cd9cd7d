// The seedable generator of every random test input is the library's own (Fitting's Latin-hypercube
// starts use it), so a test's inputs are reproducible from its seed.
@_exported import struct Fitting.SplitMix64
