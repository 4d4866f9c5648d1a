//! Stable content fingerprints: the keys of every memo of the incremental layer
//! ([`crate::incremental`]).
//!
//! A fingerprint is XXH3-128 (a published, fixed algorithm) over a canonical encoding of a
//! value ([`Fingerprinter::value`]: the module `encode` says how; struct fields in declaration
//! order, maps in their own order: every map the model holds is ordered). Unlike `std`'s
//! `DefaultHasher`, whose algorithm may change between Rust releases, or a hash of `Debug`
//! output, the same value gives the same fingerprint in every process and every release built
//! from the same [`VERSION`] and [`VALUES`], so fingerprints can be kept on disk between
//! builds. Bump [`VERSION`] whenever what a fingerprint covers changes meaning (a field of a
//! key moves, a key's parts change): every kept fingerprint then differs and nothing stale is
//! reused. Bumping it also renames every derived photo (`src/images/cache.rs` keys them
//! through a [`Fingerprinter`]), so a change to how values are encoded bumps [`VALUES`]
//! instead, which only the values' fingerprints read.

mod encode;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// The version of what fingerprints cover; part of every fingerprint.
pub const VERSION: u32 = 1;

/// The version of the encoding [`Fingerprinter::value`] hashes (2: `encode`'s, in place of
/// `serde_json` text); part of every value's fingerprint, and of the build state's name of
/// the pressroom that wrote it (`incremental::persist`).
pub const VALUES: u32 = 2;

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

    /// Adds a value's canonical encoding (see the module's doc).
    ///
    /// A value whose `Serialize` fails (a path that is not UTF-8) leaves a marker where it
    /// failed, and a number drawn for this call: what follows the failure is lost (serde stops
    /// there), so two such values must not be taken for equal. Its fingerprint matches no
    /// other, not even its own in another call: whatever it keys is made again every time.
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        let mut enc = encode::Encoder::new(&mut self.0);
        enc.put(&VALUES.to_le_bytes());
        if value.serialize(&mut enc).is_err() {
            enc.put(&[encode::UNSERIALIZABLE]);
            enc.put(&unique().to_le_bytes());
        }
        enc.flush();
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

/// A number no other call in any process gives (in all likelihood): a random key drawn per
/// process with a count of the calls.
fn unique() -> u128 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    static KEY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let key = *KEY.get_or_init(|| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(std::time::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_nanos()));
        h.write_u32(std::process::id());
        h.finish()
    });
    (u128::from(key) << 64) | u128::from(CALLS.fetch_add(1, Ordering::Relaxed))
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

    #[test]
    fn values_have_pinned_fingerprints() {
        // Pinned: a change of the values' encoding (or of VALUES) shows here, on purpose.
        #[derive(Serialize)]
        struct Doc<'a> {
            title: &'a str,
            tags: Vec<&'a str>,
            weight: Option<i64>,
        }
        let doc = Doc {
            title: "Plant",
            tags: vec!["energy", "grid"],
            weight: Some(-3),
        };
        assert_eq!(of(&doc).to_string(), PINNED_DOC);
        assert_eq!(of(&("ab", 1u8, 2.5f64)).to_string(), PINNED_TUPLE);
    }

    const PINNED_DOC: &str = "513f2cb2abf9fcbe64e22ca15433b975";
    const PINNED_TUPLE: &str = "75c64b559415437d1dcf6bbe470ea3df";

    #[test]
    fn framings_and_tags_tell_values_apart() {
        assert_ne!(of(&("ab", "c")), of(&("a", "bc")));
        // A string holding a tag's byte does not read as the start of the next.
        assert_ne!(of(&("as", "c")), of(&("a", "sc")));
        assert_ne!(of(&vec![vec![1u8], vec![2]]), of(&vec![vec![1u8, 2]]));
        assert_ne!(of(&vec![vec![1u8], vec![]]), of(&vec![vec![], vec![1u8]]));
        let (none, one_empty): (Vec<Vec<u8>>, Vec<Vec<u8>>) = (vec![], vec![vec![]]);
        assert_ne!(of(&(&one_empty, &none)), of(&(&none, &one_empty)));
        assert_ne!(of(&None::<()>), of(&Some(())));
        assert_ne!(of(&Some(None::<u8>)), of(&None::<Option<u8>>));
        assert_ne!(of(&""), of(&()));
        assert_ne!(of(&0u64), of(&false));
        assert_ne!(of(&0.0f64), of(&-0.0f64));
        // A field left out when empty leaves no gap its neighbour could fill.
        #[derive(Serialize)]
        struct Two {
            #[serde(skip_serializing_if = "Option::is_none")]
            a: Option<u8>,
            #[serde(skip_serializing_if = "Option::is_none")]
            b: Option<u8>,
        }
        assert_ne!(
            of(&Two {
                a: Some(1),
                b: None
            }),
            of(&Two {
                a: None,
                b: Some(1)
            })
        );
        // Texts written through `Display`, and sequences and maps whose length is not told
        // ahead, are closed.
        let shown = |w: &[&str]| w.iter().map(|w| Shown(w.to_string())).collect::<Vec<_>>();
        assert_ne!(of(&shown(&["ad", "c"])), of(&shown(&["a", "dc"])));
        let open = |w: &[&str], rest: &[(&str, &str)]| Open {
            words: Words(w.iter().map(|w| w.to_string()).collect()),
            rest: (rest.iter().map(|(k, v)| (k.to_string(), v.to_string()))).collect(),
        };
        let (three, one) = (["x", "a", "b"], ["x"]);
        assert_ne!(of(&open(&three, &[])), of(&open(&one, &[("a", "b")])));
        // Parts added one after another stay framed too.
        let parts = |a: &str, b: &str| Fingerprinter::default().value(a).value(b).finish();
        assert_ne!(parts("ab", "c"), parts("a", "bc"));
    }

    #[test]
    fn maps_are_taken_in_their_order() {
        let forth: indexmap::IndexMap<&str, u8> = [("a", 1), ("b", 2)].into_iter().collect();
        let back: indexmap::IndexMap<&str, u8> = [("b", 2), ("a", 1)].into_iter().collect();
        assert_ne!(of(&forth), of(&back));
        let sorted: std::collections::BTreeMap<&str, u8> = back.into_iter().collect();
        assert_eq!(of(&sorted), of(&forth));
    }

    #[cfg(unix)]
    #[test]
    fn an_unserializable_value_matches_nothing_not_even_itself() {
        use std::os::unix::ffi::OsStrExt;
        let bad = std::path::Path::new(std::ffi::OsStr::from_bytes(b"/site/\xff/a.md"));
        let other = std::path::Path::new(std::ffi::OsStr::from_bytes(b"/site/\xfe/b.md"));
        // What follows the path is lost when it fails: the two would look alike.
        assert_ne!(of(&(bad, "x")), of(&(other, "x")));
        assert_ne!(of(&(bad, "x")), of(&(bad, "x")));
        assert_ne!(of(&bad), of(&"/site/a.md"));
    }

    /// A sequence and a map whose lengths are not told ahead (as `serde`'s `collect_seq`
    /// gives an iterator without an exact length, and `#[serde(flatten)]` a struct).
    #[derive(Clone, Debug, Serialize)]
    struct Open {
        words: Words,
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, String>,
    }

    #[derive(Clone, Debug)]
    struct Words(Vec<String>);

    impl Serialize for Words {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().filter(|_| true))
        }
    }

    /// A text written through `Display` (`collect_str`), as dates are.
    #[derive(Clone, Debug)]
    struct Shown(String);

    impl Serialize for Shown {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&self.0)
        }
    }

    #[derive(Clone, Debug, Serialize)]
    enum Kind {
        Plain,
        Other,
        Wrapped(String),
        Boxed(String),
        Pair(u8, String),
        Couple(u8, String),
        Named { a: Option<u8>, b: Vec<String> },
        Called { a: Option<u8>, b: Vec<String> },
    }

    #[derive(Clone, Debug, Serialize)]
    struct Skips {
        #[serde(skip_serializing_if = "Option::is_none")]
        first: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        second: Option<String>,
        rest: Vec<String>,
    }

    mod strategies {
        use super::*;
        use proptest::prelude::*;

        /// Short texts of letters that are also tags and ends of the encoding.
        pub(super) fn word() -> impl Strategy<Value = String> {
            "[as.!d]{0,2}"
        }

        pub(super) fn words() -> impl Strategy<Value = Vec<String>> {
            proptest::collection::vec(word(), 0..3)
        }

        pub(super) fn kind() -> impl Strategy<Value = Kind> {
            let named = || (proptest::option::of(0u8..2), words());
            prop_oneof![
                Just(Kind::Plain),
                Just(Kind::Other),
                word().prop_map(Kind::Wrapped),
                word().prop_map(Kind::Boxed),
                (0u8..2, word()).prop_map(|(n, w)| Kind::Pair(n, w)),
                (0u8..2, word()).prop_map(|(n, w)| Kind::Couple(n, w)),
                named().prop_map(|(a, b)| Kind::Named { a, b }),
                named().prop_map(|(a, b)| Kind::Called { a, b }),
            ]
        }

        pub(super) fn skips() -> impl Strategy<Value = Skips> {
            (
                proptest::option::of(word()),
                proptest::option::of(word()),
                words(),
            )
                .prop_map(|(first, second, rest)| Skips {
                    first,
                    second,
                    rest,
                })
        }

        pub(super) fn open() -> impl Strategy<Value = Open> {
            let rest = proptest::collection::btree_map(word(), word(), 0..3);
            (words(), rest).prop_map(|(w, rest)| Open {
                words: Words(w),
                rest,
            })
        }

        /// Times as `Display` writes them (`collect_str`), numbers of each kind and width.
        pub(super) fn scalars()
        -> impl Strategy<Value = (Option<jiff::Timestamp>, i64, u128, f64, char)> {
            let time = prop_oneof![
                Just(jiff::Timestamp::UNIX_EPOCH),
                Just(jiff::Timestamp::from_second(86_400).unwrap()),
            ];
            let float = prop_oneof![Just(0.0), Just(-0.0), Just(1.5), Just(15.0)];
            (
                proptest::option::of(time),
                -1i64..2,
                0u128..2,
                float,
                prop_oneof![Just('a'), Just('b')],
            )
        }
    }

    /// Whether two values' fingerprints agree as their JSON texts do: the encoding this
    /// module hashed before `encode` (`serde_json` text), kept as the oracle. Finite numbers
    /// only: JSON wrote every NaN and infinity as `null`, the encoding tells them apart.
    fn agrees_with_json<T: Serialize>(a: &T, b: &T) -> Result<(), String> {
        let json = |v: &T| serde_json::to_string(v).expect("serializes");
        let (same_json, same_key) = (json(a) == json(b), of(a) == of(b));
        match same_json == same_key {
            true => Ok(()),
            false => Err(format!(
                "JSON {} and {}, fingerprints {}",
                json(a),
                json(b),
                if same_key { "equal" } else { "differ" }
            )),
        }
    }

    proptest::proptest! {
        #[test]
        fn fingerprints_agree_with_the_json_they_replaced(
            (a, b) in (strategies::words(), strategies::words()),
            (k, l) in (strategies::kind(), strategies::kind()),
            (s, t) in (strategies::skips(), strategies::skips()),
            (o, p) in (strategies::open(), strategies::open()),
            (x, y) in (strategies::scalars(), strategies::scalars()),
            (d, e) in (strategies::words(), strategies::words()),
        ) {
            let shown = |w: &[String]| w.iter().cloned().map(Shown).collect::<Vec<_>>();
            let check = |r: Result<(), String>| r.map_err(proptest::test_runner::TestCaseError::fail);
            check(agrees_with_json(&a, &b))?;
            check(agrees_with_json(&k, &l))?;
            check(agrees_with_json(&s, &t))?;
            check(agrees_with_json(&o, &p))?;
            check(agrees_with_json(&x, &y))?;
            check(agrees_with_json(&(&a, &k, &s), &(&b, &l, &t)))?;
            check(agrees_with_json(&(&a, &k, &s), &(&a, &k, &s.clone())))?;
            check(agrees_with_json(&shown(&d), &shown(&e)))?;
            check(agrees_with_json(&(shown(&d), &a), &(shown(&e), &b)))?;
        }
    }
}
