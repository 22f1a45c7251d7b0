//! BM25's constants and length normalisation, shared by the index's scores and the bounds
//! its blocks keep.

/// BM25's term-frequency saturation.
pub(crate) const K1: f32 = 1.2;
/// BM25's length normalisation.
const B: f32 = 0.75;

/// BM25's length normalisation of a brief `length` long, at `average` length.
pub(crate) fn norm(length: f32, average: f32) -> f32 {
    K1 * (1.0 - B + B * length / average)
}
