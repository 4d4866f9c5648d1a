//! Stable content fingerprints: the keys of every memo of the incremental layer
//! ([`crate::incremental`]).
//!
//! A fingerprint is XXH3-128 (a published, fixed algorithm) over a canonical serialization of
//! a value: its JSON as `serde_json` writes it (struct fields in declaration order, maps in
//! their own order: every map the model holds is ordered). Unlike `std`'s `DefaultHasher`,
//! whose algorithm may change between Rust releases, or a hash of `Debug` output, the same
//! value gives the same fingerprint in every process and every release built from the same
//! [`VERSION`], so fingerprints can be kept on disk between builds. Bump [`VERSION`] whenever
//! what a fingerprint covers changes meaning (a field of a key moves, a key's parts change):
//! every kept fingerprint then differs and nothing stale is reused.

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// The version of what fingerprints cover; part of every fingerprint.
pub const VERSION: u32 = 1;

/// A stable 128-bit fingerprint.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, serde::Deserialize,
)]
pub struct Fingerprint(pub u128);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// Builds one fingerprint from several parts, each framed so that `("ab", "c")` and
/// `("a", "bc")` differ.
pub struct Fingerprinter(Xxh3);

impl Default for Fingerprinter {
    fn default() -> Self {
        let mut h = Xxh3::new();
        h.update(&VERSION.to_le_bytes());
        Fingerprinter(h)
    }
}

impl Fingerprinter {
    /// Adds a string.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Adds bytes.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    /// Adds a number.
    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// Adds another fingerprint.
    pub fn fingerprint(&mut self, f: Fingerprint) -> &mut Self {
        self.0.update(&f.0.to_le_bytes());
        self
    }

    /// Adds a value's canonical serialization (see the module's doc).
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        let mut framed = Framed(&mut self.0);
        // Writing into a hasher cannot fail; a value that cannot serialize (a map with
        // non-string keys) leaves a marker, so it never matches a value that can.
        if serde_json::to_writer(&mut framed, value).is_err() {
            self.0.update(b"\0unserializable");
        }
        self.0.update(b"\0");
        self
    }

    /// Adds a JSON value by walking it: the same canonical content as [`Fingerprinter::value`]
    /// gives a JSON value (maps in their order, every part framed), without formatting it as
    /// text first. Page contexts are fingerprinted this way: they are JSON values already.
    pub fn json(&mut self, value: &serde_json::Value) -> &mut Self {
        use serde_json::Value;
        match value {
            Value::Null => self.0.update(b"n"),
            Value::Bool(b) => self.0.update(if *b { b"t" } else { b"f" }),
            Value::Number(n) => {
                self.0.update(b"#");
                match (n.as_i64(), n.as_u64(), n.as_f64()) {
                    (Some(i), _, _) => self.0.update(&i.to_le_bytes()),
                    (None, Some(u), _) => self.0.update(&u.to_le_bytes()),
                    (None, None, f) => self
                        .0
                        .update(&f.unwrap_or(f64::NAN).to_bits().to_le_bytes()),
                }
            }
            Value::String(s) => {
                self.0.update(b"s");
                self.str(s);
            }
            Value::Array(items) => {
                self.0.update(b"[");
                self.u64(items.len() as u64);
                for item in items {
                    self.json(item);
                }
            }
            Value::Object(map) => {
                self.0.update(b"{");
                self.u64(map.len() as u64);
                for (key, item) in map {
                    self.str(key);
                    self.json(item);
                }
            }
        }
        self
    }

    /// The fingerprint of everything added.
    pub fn finish(&self) -> Fingerprint {
        Fingerprint(self.0.digest128())
    }
}

/// The fingerprint of one value.
pub fn of<T: Serialize + ?Sized>(value: &T) -> Fingerprint {
    Fingerprinter::default().value(value).finish()
}

/// The fingerprint of a collection whose order means nothing (a hash map's entries): each
/// entry is fingerprinted on its own, on every core, and the entries' fingerprints are added
/// up with their count. Equal to the fingerprint of the same entries in any order, and far
/// cheaper than sorting ~10,000 entries to fingerprint them in one stream. Entries must be
/// distinct (a map's are): two equal entries would add the same term twice.
pub fn of_unordered<I, T>(entries: I) -> Fingerprint
where
    I: rayon::iter::IntoParallelIterator<Item = T>,
    T: Serialize,
{
    use rayon::iter::ParallelIterator;
    let (count, sum) = entries
        .into_par_iter()
        .map(|entry| (1u64, of(&entry).0))
        .reduce(|| (0, 0), |(n, a), (m, b)| (n + m, a.wrapping_add(b)));
    Fingerprinter::default()
        .u64(count)
        .fingerprint(Fingerprint(sum))
        .finish()
}

/// The fingerprint of bytes.
pub fn of_bytes(bytes: &[u8]) -> Fingerprint {
    Fingerprinter::default().bytes(bytes).finish()
}

/// The fingerprint of a text.
pub fn of_text(text: &str) -> Fingerprint {
    Fingerprinter::default().str(text).finish()
}

/// Streams serialized bytes into the hasher without building the text.
struct Framed<'h>(&'h mut Xxh3);

impl std::io::Write for Framed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_fixed_values_not_per_process() {
        // Pinned: a change of algorithm, framing or VERSION shows here, on purpose (kept
        // fingerprints would stop matching).
        assert_eq!(
            of_text("pressroom").to_string(),
            "d4174eacd03940d0f5dad3ce29389461"
        );
    }

    #[test]
    fn an_unordered_fingerprint_sees_every_entry_but_not_their_order() {
        let map: std::collections::HashMap<String, u32> =
            (0..500).map(|n| (format!("/page/{n}/"), n)).collect();
        let mut entries: Vec<(&String, &u32)> = map.iter().collect();
        let whole = of_unordered(entries.clone());
        entries.reverse();
        assert_eq!(of_unordered(entries.clone()), whole);
        // One value changed, one entry gone, one moved to another key: each is seen.
        let mut changed = map.clone();
        changed.insert("/page/7/".into(), 8);
        assert_ne!(of_unordered(changed.iter().collect::<Vec<_>>()), whole);
        let mut fewer = map.clone();
        fewer.remove("/page/7/");
        assert_ne!(of_unordered(fewer.iter().collect::<Vec<_>>()), whole);
        let mut moved = fewer;
        moved.insert("/page/7b/".into(), 7);
        assert_ne!(of_unordered(moved.iter().collect::<Vec<_>>()), whole);
        assert_ne!(of_unordered(Vec::<u8>::new()), of(&Vec::<u8>::new()));
    }

    #[test]
    fn parts_are_framed() {
        let ab_c = Fingerprinter::default().str("ab").str("c").finish();
        let a_bc = Fingerprinter::default().str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
    }

    #[test]
    fn json_values_are_framed_and_typed() {
        use serde_json::json;
        let of_json = |v: serde_json::Value| Fingerprinter::default().json(&v).finish();
        assert_eq!(
            of_json(json!({"a": [1, "x"]})),
            of_json(json!({"a": [1, "x"]}))
        );
        assert_ne!(
            of_json(json!({"a": [1, "x"]})),
            of_json(json!({"a": ["1", "x"]}))
        );
        assert_ne!(of_json(json!(["ab", "c"])), of_json(json!(["a", "bc"])));
        assert_ne!(of_json(json!([[1], 2])), of_json(json!([1, [2]])));
        assert_ne!(of_json(json!({"a": null})), of_json(json!({"a": false})));
        assert_ne!(of_json(json!(1.5)), of_json(json!(2.5)));
    }

    #[test]
    fn values_differ_by_content_and_order() {
        #[derive(Serialize)]
        struct Doc<'a> {
            title: &'a str,
            tags: Vec<&'a str>,
        }
        let a = of(&Doc {
            title: "Plant",
            tags: vec!["energy", "grid"],
        });
        let b = of(&Doc {
            title: "Plant",
            tags: vec!["grid", "energy"],
        });
        assert_ne!(a, b);
        assert_eq!(
            a,
            of(&Doc {
                title: "Plant",
                tags: vec!["energy", "grid"]
            })
        );
    }
}
