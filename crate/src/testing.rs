//! Seeded random inputs for the unit tests that hold a fast path to a reference: the same
//! cases every run, so that a failure can be run again.

/// A generator of numbers below a bound, from a linear congruential generator seeded with
/// `state`.
pub(crate) fn random_below(mut state: u64) -> impl FnMut(usize) -> usize {
    move |bound| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % bound
    }
}

/// `count` strings of up to `max_pieces - 1` of `pieces`, picked at random from `seed`.
pub(crate) fn random_chunks(
    pieces: &'static [&'static str],
    seed: u64,
    max_pieces: usize,
    count: usize,
) -> impl Iterator<Item = String> {
    let mut next = random_below(seed);
    (0..count).map(move |_| {
        let len = next(max_pieces);
        (0..len).map(|_| pieces[next(pieces.len())]).collect()
    })
}
