//! Byte classes of eight bytes at once, in a `u64` (SWAR: SIMD within a register), for the
//! text passes that run over every item's whole body on every build (the ledger's body hash,
//! the word count). Portable: no target features, no `unsafe`.
//!
//! A mask has the high bit (`0x80`) of a byte set where that byte is in the class, and
//! nothing else set. Bytes are little-endian: the first byte of the text is the lowest byte
//! of the word, so a mask's `trailing_zeros() / 8` is the offset of the first byte in it.
//! Every mask here is exact (no carry from one byte reaches the next).

/// `0x01` in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight bytes as a word (`eight` has eight: a chunk of `chunks_exact(8)`). A conversion to
/// a fixed-size array, which compiles to one load: `copy_from_slice` of a slice of unknown
/// length was a call to `memcpy` wherever this was not inlined (one per word of a search
/// token: 26 million instructions of a 1,000-item build).
#[inline(always)]
pub fn word(eight: &[u8]) -> u64 {
    <[u8; 8]>::try_from(eight).map_or(0, u64::from_le_bytes)
}

/// `byte`'s class as the top byte of a mask: for the byte that follows a word, where a class
/// depends on the next byte.
pub fn top(in_class: bool) -> u64 {
    u64::from(in_class) << 63
}

/// Bytes equal to `byte`.
#[inline]
pub fn equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    // A byte of `x` is zero exactly when adding 0x7f to its low seven bits leaves the high
    // bit clear and its own high bit is clear; the low bits never carry out of their byte.
    !(((x & !HIGH) + !HIGH) | x) & HIGH
}

/// ASCII bytes (below `0x80`) that are at least `low` (`low <= 0x80`).
#[inline]
pub fn ascii_at_least(word: u64, low: u8) -> u64 {
    // Seven bits plus at most 0x80 stay within the byte.
    ((word & !HIGH) + ONES * u64::from(0x80 - low)) & !word & HIGH
}

/// ASCII bytes in `low..=high` (`low <= high < 0x80`).
pub fn ascii_in(word: u64, low: u8, high: u8) -> u64 {
    ascii_at_least(word, low) & !ascii_at_least(word, high + 1)
}

/// ASCII letters and digits (`u8::is_ascii_alphanumeric`).
pub fn ascii_alphanumeric(word: u64) -> u64 {
    // Setting bit 5 maps `A..=Z` onto `a..=z` and nothing else into it.
    ascii_in(word, b'0', b'9') | ascii_in(word | (ONES * 0x20), b'a', b'z')
}

/// How many bytes of a mask are set.
pub fn count(mask: u64) -> usize {
    // One bit per byte: the multiplication sums the eight bytes into the top one (at most 8).
    ((mask >> 7).wrapping_mul(ONES) >> 56) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask of `word` where `class` holds for a byte, byte by byte.
    fn reference(word: u64, class: impl Fn(u8) -> bool) -> u64 {
        (word.to_le_bytes().iter().enumerate())
            .filter(|(_, b)| class(**b))
            .fold(0, |mask, (i, _)| mask | 0x80 << (8 * i))
    }

    /// Words made of the bytes around every boundary the masks have, in every position.
    fn words() -> impl Iterator<Item = u64> {
        (0..=255u8).flat_map(|b| {
            let fill = [
                0u8,
                0x20,
                0x7f,
                0x80,
                0xff,
                b.wrapping_add(1),
                b.wrapping_sub(1),
            ];
            fill.into_iter().flat_map(move |f| {
                (0..8).map(move |i| {
                    let mut bytes = [f; 8];
                    bytes[i] = b;
                    u64::from_le_bytes(bytes)
                })
            })
        })
    }

    #[test]
    fn masks_are_exact_for_every_byte_in_every_position() {
        for w in words() {
            assert_eq!(equal(w, b' '), reference(w, |b| b == b' '), "{w:#x}");
            assert_eq!(equal(w, 0), reference(w, |b| b == 0), "{w:#x}");
            assert_eq!(equal(w, 0xff), reference(w, |b| b == 0xff), "{w:#x}");
            for low in [0, 9, 0x21, 0x7f, 0x80] {
                assert_eq!(
                    ascii_at_least(w, low),
                    reference(w, |b| b < 0x80 && b >= low),
                    "{w:#x} {low}"
                );
            }
            assert_eq!(
                ascii_in(w, b'\t', b'\r'),
                reference(w, |b| (b'\t'..=b'\r').contains(&b))
            );
            assert_eq!(
                ascii_alphanumeric(w),
                reference(w, |b| b.is_ascii_alphanumeric()),
                "{w:#x}"
            );
            assert_eq!(count(w & HIGH), (w & HIGH).count_ones() as usize);
        }
    }

    proptest::proptest! {
        #[test]
        fn masks_are_exact_for_any_word(w: u64, byte: u8) {
            proptest::prop_assert_eq!(equal(w, byte), reference(w, |b| b == byte));
            proptest::prop_assert_eq!(
                ascii_alphanumeric(w),
                reference(w, |b| b.is_ascii_alphanumeric())
            );
        }
    }

    #[test]
    fn words_are_little_endian() {
        assert_eq!(word(b"abcdefgh"), u64::from_le_bytes(*b"abcdefgh"));
        assert_eq!(top(true), 0x80 << 56);
        assert_eq!(top(false), 0);
    }
}
