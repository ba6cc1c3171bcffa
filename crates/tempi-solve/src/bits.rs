//! A fixed-length bitset over the time grid, with the word-wise operations the solver needs.

/// Bits `0..len`; bit `i` is slot `i` of the grid. Bits past `len` are always zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    pub(crate) fn zeros(len: usize) -> Bits {
        Bits { words: vec![0; len.div_ceil(64)], len }
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        i < self.len && self.words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// Sets or clears bits `from..to` (clipped to the length), a word at a time.
    pub(crate) fn fill(&mut self, from: usize, to: usize, value: bool) {
        let to = to.min(self.len);
        if from >= to {
            return;
        }
        let (first, last) = (from / 64, (to - 1) / 64);
        for w in first..=last {
            let lo = if w == first { from % 64 } else { 0 };
            let hi = if w == last { (to - 1) % 64 + 1 } else { 64 };
            let mask = if hi - lo == 64 { u64::MAX } else { ((1u64 << (hi - lo)) - 1) << lo };
            if let Some(word) = self.words.get_mut(w) {
                if value {
                    *word |= mask;
                } else {
                    *word &= !mask;
                }
            }
        }
    }

    /// The words: bit `i` is bit `i % 64` of word `i / 64`.
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    /// Bits `0..len` from words as [`Bits::words`] gives them; bits past `len` are cleared.
    pub(crate) fn from_words(mut words: Vec<u64>, len: usize) -> Bits {
        words.resize(len.div_ceil(64), 0);
        if let Some(last) = words.last_mut().filter(|_| !len.is_multiple_of(64)) {
            *last &= (1u64 << (len % 64)) - 1;
        }
        Bits { words, len }
    }

    pub(crate) fn and_with(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= *b;
        }
    }

    pub(crate) fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// Bit `i` of the result is set when bits `i..i + run` are all set here: the slots where a
    /// meeting `run` slots long can start. `O(words · log run)` by doubling.
    pub(crate) fn runs(&self, run: usize) -> Bits {
        let mut out = self.clone();
        let mut have = 1usize;
        while have < run {
            let step = have.min(run - have);
            out.and_shifted_down(step);
            have += step;
        }
        out
    }

    /// ANDs bit `i + by` into bit `i`, in place: word `i` reads words `i + by / 64` and the
    /// next, which ascending order has not yet changed.
    fn and_shifted_down(&mut self, by: usize) {
        let (words, bits) = (by / 64, by % 64);
        for i in 0..self.words.len() {
            let shifted = self.word_shifted(i, words, bits);
            if let Some(word) = self.words.get_mut(i) {
                *word &= shifted;
            }
        }
    }

    /// Bits `from..from + len` as a bitset of its own (bit `i` is bit `from + i` here; zero
    /// past this one's length).
    pub(crate) fn window(&self, from: usize, len: usize) -> Bits {
        let (words, bits) = (from / 64, from % 64);
        let mut out: Vec<u64> =
            (0..len.div_ceil(64)).map(|i| self.word_shifted(i, words, bits)).collect();
        if let Some(last) = out.last_mut()
            && !len.is_multiple_of(64)
        {
            *last &= (1u64 << (len % 64)) - 1;
        }
        Bits { words: out, len }
    }

    /// Word `i` of these bits moved down by `words` words and `bits` bits (zeros past the end).
    fn word_shifted(&self, i: usize, words: usize, bits: usize) -> u64 {
        let lo = self.words.get(i + words).copied().unwrap_or(0);
        let hi = self.words.get(i + words + 1).copied().unwrap_or(0);
        if bits == 0 { lo } else { (lo >> bits) | (hi << (64 - bits)) }
    }

    /// The indices of the set bits, ascending.
    pub(crate) fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, word)| {
            let mut rest = *word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(w * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn windows_read_the_same_bits() {
        let mut bits = Bits::zeros(300);
        bits.fill(3, 10, true);
        bits.fill(60, 200, true);
        bits.fill(250, 300, true);
        for (from, len) in [(0, 300), (0, 64), (1, 63), (5, 128), (63, 200), (64, 100), (100, 250)]
        {
            let window = bits.window(from, len);
            assert_eq!(window.count_ones(), (0..len).filter(|i| bits.get(from + i)).count());
            for i in 0..len + 70 {
                // Past the window's own length nothing is set, whatever lies beyond it here.
                assert_eq!(
                    window.get(i),
                    i < len && bits.get(from + i),
                    "window {from}+{len} bit {i}"
                );
            }
        }
    }

    #[test]
    fn runs_match_a_scan() {
        let mut bits = Bits::zeros(300);
        bits.fill(3, 10, true);
        bits.fill(60, 200, true);
        bits.fill(130, 131, false);
        // Past 128 a doubling step shifts by more than a word.
        for run in (1..80).chain([130, 150, 200, 299]) {
            let runs = bits.runs(run);
            for i in 0..300 {
                let expected = i + run <= 300 && (i..i + run).all(|j| bits.get(j));
                assert_eq!(runs.get(i), expected, "run {run} at {i}");
            }
        }
    }
}
