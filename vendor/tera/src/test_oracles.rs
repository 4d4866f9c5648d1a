//! The code pressroom's patches replaced (PATCHES.md), kept as oracles: each patched function is
//! compared with its old self over many generated inputs, and a random generator for them
//! (no dependency: a fixed-seed xorshift, so a failure repeats).

use std::borrow::Cow;

use serde_json::Value;

use crate::context::{parse_index, unescape_segment, PointerMachina};

/// A small deterministic random generator (xorshift64*).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }

    pub(crate) fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }

    /// Up to `max` pieces picked from `pieces`, joined.
    pub(crate) fn text(&mut self, pieces: &[&str], max: usize) -> String {
        let n = self.below(max + 1);
        (0..n).map(|_| *self.pick(pieces)).collect()
    }
}

/// `dotted_pointer` before the patch that reads plain paths with byte loops.
pub(crate) fn reference_dotted_pointer<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(value);
    }

    let step = |target: &'a Value, token: Cow<'_, str>| match target {
        Value::Object(map) => map.get(token.as_ref()),
        Value::Array(list) => parse_index(&token).and_then(|x| list.get(x)),
        _ => None,
    };
    if !pointer.contains(|c| matches!(c, '"' | '\'' | '\\' | '[' | ']')) {
        return pointer
            .split('.')
            .filter(|s| !s.is_empty())
            .map(unescape_segment)
            .try_fold(value, step);
    }
    PointerMachina::new(pointer).map(unescape_segment).try_fold(value, step)
}

/// `escape_html` before the patch that escapes through a table.
pub(crate) fn reference_escape_html(input: &str) -> String {
    let mut output = String::with_capacity(input.len() * 2);
    for c in input.chars() {
        match c {
            '&' => output.push_str("&amp;"),
            '<' => output.push_str("&lt;"),
            '>' => output.push_str("&gt;"),
            '"' => output.push_str("&quot;"),
            '\'' => output.push_str("&#x27;"),
            '/' => output.push_str("&#x2F;"),
            _ => output.push(c),
        }
    }
    output
}

/// Pieces of variable names and pointers: names, indexes, dots, and every character that
/// changes how a pointer is read.
pub(crate) const NAME_PIECES: &[&str] = &[
    "a", "b", "page", "title", "loop", "p", "0", "1", "01", "+1", ".", ".", "..", "~", "~0", "~1",
    "\"", "'", "[", "]", "\\", "/", " ", "é", "漢",
];

/// A JSON value whose keys are made of `NAME_PIECES` (dots and escapes included), nested
/// `depth` deep, with arrays.
pub(crate) fn random_value(rng: &mut Rng, depth: usize) -> Value {
    if depth == 0 || rng.below(4) == 0 {
        return Value::String(rng.text(NAME_PIECES, 3));
    }
    if rng.below(3) == 0 {
        return Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth - 1)).collect());
    }
    let mut map = serde_json::Map::new();
    for _ in 0..rng.below(6) {
        map.insert(rng.text(NAME_PIECES, 3), random_value(rng, depth - 1));
    }
    Value::Object(map)
}

/// A pointer into `value`: a path of its own keys and indexes joined by dots, now and then
/// with a random piece put in or a segment left out.
pub(crate) fn random_pointer(rng: &mut Rng, value: &Value) -> String {
    let mut segments: Vec<String> = Vec::new();
    let mut at = value;
    loop {
        let next = match at {
            Value::Object(map) if !map.is_empty() && rng.below(5) != 0 => {
                let (key, next) = map.iter().nth(rng.below(map.len())).unwrap();
                segments.push(key.clone());
                next
            }
            Value::Array(list) if !list.is_empty() && rng.below(5) != 0 => {
                let i = rng.below(list.len() + 1);
                segments.push(i.to_string());
                match list.get(i) {
                    Some(next) => next,
                    None => break,
                }
            }
            _ => break,
        };
        at = next;
    }
    match rng.below(4) {
        0 if !segments.is_empty() => {
            let i = rng.below(segments.len());
            segments[i] = rng.text(NAME_PIECES, 2);
        }
        1 => segments.insert(rng.below(segments.len() + 1), rng.text(NAME_PIECES, 2)),
        _ => {}
    }
    segments.join(".")
}

/// `f()`, or None if it panics: the patched lookups must panic exactly where the old ones did
/// (upstream's pointer reader panicked on a quoted key with a multi-byte character before that
/// was fixed in `PointerMachina`, which both share).
pub(crate) fn unless_panics<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// The `truncate` filter before the patch that walks only the graphemes up to the cut.
pub(crate) fn reference_truncate(
    value: &Value,
    args: &std::collections::HashMap<String, Value>,
) -> crate::errors::Result<Value> {
    use serde_json::to_value;
    use unicode_segmentation::UnicodeSegmentation;
    let s = try_get_value!("truncate", "value", String, value);
    let length = match args.get("length") {
        Some(l) => try_get_value!("truncate", "length", usize, l),
        None => 255,
    };
    let end = match args.get("end") {
        Some(l) => try_get_value!("truncate", "end", String, l),
        None => "…".to_string(),
    };
    let graphemes = s.grapheme_indices(true).collect::<Vec<(usize, &str)>>();
    if length >= graphemes.len() {
        return Ok(to_value(&s).unwrap());
    }
    let result = s[..graphemes[length].0].to_string() + &end;
    Ok(to_value(result).unwrap())
}
