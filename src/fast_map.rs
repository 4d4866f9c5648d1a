//! Hash maps and sets with a cheap hasher ([`FastHash`]), for the tables whose keys are
//! paths and words: the search index's own maps, the incremental layer's memo tables and the
//! output's tables of kept files. `std`'s SipHash-1-3 took 3-4% of a nothing-changed 10,000-item
//! rebuild (its ~30 maps keyed by `content/...` and output paths).
//!
//! A leaf module (it uses nothing of the crate) so that every layer can use it without an
//! import cycle. No output may depend on the order of these maps: their entries are sorted or
//! looked up, as they were under `std`'s randomly keyed hasher.
//!
//! # Worst case
//! Keys come from the user's own file names and contents. A hash this cheap is no defence
//! against a set of keys made to collide: those would all land in one probe sequence, so each
//! lookup compares with every key before it and a build does work quadratic in their number.
//! The hasher starts from a random seed taken once per process (from `std`'s
//! [`RandomState`](std::collections::hash_map::RandomState)), so such a set would have to be
//! found against this run's seed, which file names cannot know; and the keys are a local
//! build's own files, which their author can make slow in simpler ways.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

/// A map hashed with [`FastHash`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHash>>;

/// A set hashed with [`FastHash`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHash>>;

/// A word-at-a-time hash (Fx's rotate, xor and multiply over eight bytes at once). Keys are
/// short and SipHash showed up in profiles of a 10,000-item build; FNV's multiply per byte
/// cost each lookup of a word some 25 instructions more (a micro-benchmark over the words of a
/// 1,000-item corpus: 1.174 against 1.149 billion).
#[derive(Clone, Copy)]
pub struct FastHash(u64);

impl Default for FastHash {
    fn default() -> Self {
        FastHash(seed())
    }
}

/// This process's seed (see the module's doc).
fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    })
}

impl FastHash {
    /// Takes in one word of up to eight bytes.
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }
}

impl std::hash::Hasher for FastHash {
    fn finish(&self) -> u64 {
        // The multiply leaves its best bits at the top; the table picks buckets with the
        // bottom ones.
        self.0.rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.wrapping_add(bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            self.add(tail_word(rest));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// The last one to seven bytes of a text as one word, without a loop over them: two
/// overlapping four-byte reads, or the first, middle and last of up to three bytes (which,
/// with the text's length hashed first, still tell every such tail apart). A byte at a time,
/// this was a third of the cost of a short token's lookup.
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    let four = |from: usize| {
        let b = rest.get(from..from + 4).and_then(|b| b.try_into().ok());
        u64::from(u32::from_le_bytes(b.unwrap_or_default()))
    };
    match n {
        0 => 0,
        1..=3 => {
            u64::from(rest[0]) | (u64::from(rest[n / 2]) << 8) | (u64::from(rest[n - 1]) << 16)
        }
        _ => four(0) | (four(n - 4) << 32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hasher};

    fn hash(bytes: &[u8]) -> u64 {
        let mut h = FastHash::default();
        h.write(bytes);
        h.finish()
    }

    #[test]
    fn texts_of_one_length_differing_in_one_byte_never_collide() {
        // Each step is a bijection of the state for a given word, so two texts of one length
        // that differ in one byte part at that word and never meet again: every tail length
        // and every position, including the overlapping reads of a four-to-seven-byte tail.
        for len in 1..=40 {
            let base = vec![b'x'; len];
            for at in 0..len {
                // The base and its variants at one byte: any two differ in that byte alone.
                let mut hashes = HashSet::new();
                hashes.insert(hash(&base));
                for b in [0u8, b'y', 0x7f, 0x80, 0xff] {
                    let mut t = base.clone();
                    t[at] = b;
                    assert!(hashes.insert(hash(&t)), "len {len}, byte {at} = {b}");
                }
            }
        }
    }

    #[test]
    fn paths_spread_over_the_buckets() {
        // 10,000 paths as a site has them: the table's low bits (which pick buckets) are
        // spread as a random hash's would be, whatever the process's seed (fixed ones here,
        // so the test gives the same answer on every run), and hashes are stable.
        let paths: Vec<String> = (0..10_000)
            .map(|n| format!("/press/2026/release-{n}/index.html"))
            .collect();
        let one = |seed: u64, p: &str| {
            let mut h = FastHash(seed);
            std::hash::Hash::hash(p, &mut h);
            h.finish()
        };
        for seed in [0, 1, 0x9e37_79b9_7f4a_7c15, u64::MAX, seed()] {
            let mut buckets = vec![0u32; 1024];
            for p in &paths {
                assert_eq!(one(seed, p), one(seed, p));
                buckets[(one(seed, p) % 1024) as usize] += 1;
            }
            // ~9.8 per bucket. A random hash leaves a bucket empty about one time in
            // seventeen (e^-9.8 x 1024), and three empty almost never; none over four
            // times the mean.
            let empty = buckets.iter().filter(|&&b| b == 0).count();
            let most = buckets.iter().max().copied().unwrap_or(0);
            assert!(empty <= 2 && most < 40, "seed {seed}: {buckets:?}");
        }
        let build = BuildHasherDefault::<FastHash>::default();
        assert_eq!(build.hash_one(&paths[7]), build.hash_one(&paths[7]));
    }

    #[test]
    fn maps_and_sets_work_as_std_ones() {
        let mut map: FastMap<String, usize> = FastMap::default();
        for n in 0..1000 {
            map.insert(format!("content/press/{n}.md"), n);
        }
        assert_eq!(map.len(), 1000);
        assert_eq!(map.get("content/press/517.md"), Some(&517));
        let set: FastSet<&str> = map.keys().map(String::as_str).collect();
        assert!(set.contains("content/press/999.md") && !set.contains("content/press/1000.md"));
    }
}
