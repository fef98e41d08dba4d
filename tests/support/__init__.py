"""Test helpers shared by the suite and the benchmarks: the SDK-framing test client, the child-hub
starter, package makers, raw-socket replay, the namespace checker, backend fixtures, sample paths.
bench/ imports from here, never the other way round."""
