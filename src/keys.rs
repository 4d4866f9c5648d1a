//! The keys of the TOML and YAML that writers type (`site.toml`, front matter, `data/*.toml`):
//! which keys a block may have, read from the struct that deserializes it; where a key is set
//! in the text; and what to say about a key or value that is wrong. Shared by `config` and
//! `content`, which is why it lives in neither.

use crate::diag::did_you_mean;
use serde::Deserialize;
use serde::de::{self, Visitor};
use std::fmt;

/// The keys a struct deserializes from (its fields, renamed as serde reads them), in the order
/// they are declared: the list of known keys for unknown-key messages, kept in step with the
/// struct by construction. `T` must derive `Deserialize` as a struct (no `flatten`).
pub fn field_names<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    match T::deserialize(FieldRecorder) {
        Err(Recorded(fields)) => fields,
        // FieldRecorder produces no value; a type that is not a struct has no fields.
        Ok(_) => &[],
    }
}

/// A deserializer that produces nothing: asked for a struct, it stops with the struct's field
/// names (serde's derive passes them to `deserialize_struct`).
struct FieldRecorder;

/// The "error" that carries the recorded names out.
#[derive(Debug)]
struct Recorded(&'static [&'static str]);

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fields: {:?}", self.0)
    }
}

impl std::error::Error for Recorded {}

impl de::Error for Recorded {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Recorded(&[])
    }
}

impl<'de> de::Deserializer<'de> for FieldRecorder {
    type Error = Recorded;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Recorded> {
        Err(Recorded(fields))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Recorded> {
        Err(Recorded(&[]))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Byte offset of the line that sets `key` (dotted for tables: `languages.fr`), or 0.
pub fn find_key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_key = trimmed.strip_prefix(key).is_some_and(|rest| {
            rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':')
        });
        // `[key]`, `[[key]]`, `[ key ]`. (Slicing the untrimmed line at `key.len()` panicked
        // when wide spaces such as U+3000 stood before the key: a byte inside a character.)
        let is_table = trimmed.starts_with('[')
            && trimmed
                .trim_start_matches('[')
                .trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(']'));
        if is_key || is_table {
            return offset + indent;
        }
        offset += line.len();
    }
    0
}

/// An unknown key in `place`, with the nearest of the `known` keys (or the list of them).
pub fn unknown_key(key: &str, known: &[&str], place: &str) -> String {
    match did_you_mean(key, known) {
        Some(k) => format!("unknown key `{key}` in {place}; did you mean `{k}`?"),
        None if place == "front matter" => format!(
            "unknown key `{key}` in {place}; put free-form data under `[extra]` (known keys: {})",
            known.join(", ")
        ),
        None => format!(
            "unknown key `{key}` in {place} (known keys: {})",
            known.join(", ")
        ),
    }
}

/// What serde's derived code complained about. The TOML and YAML parsers own the error type and
/// keep only its text, so this is read back from the message, here and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Complaint<'a> {
    /// `unknown field `x`, expected one of `a`, `b`` (or `there are no fields`).
    UnknownField {
        /// The key written.
        key: &'a str,
        /// The keys serde expected (empty when it listed none).
        expected: Vec<&'a str>,
    },
    /// `unknown variant `x`, expected one of `a`, `b``.
    UnknownVariant {
        /// The value written.
        value: &'a str,
        /// serde's list of the allowed values, as it wrote it.
        expected: &'a str,
    },
    /// `missing field `x``.
    MissingField(&'a str),
    /// Anything else (type errors, syntax), kept as serde wrote it.
    Other(&'a str),
}

impl<'a> Complaint<'a> {
    /// Reads serde's message.
    pub fn read(message: &'a str) -> Self {
        let message = message.trim();
        if let Some(rest) = message.strip_prefix("unknown field `") {
            let key = rest.split('`').next().unwrap_or("");
            let expected = rest
                .split("expected one of ")
                .nth(1)
                .map(|l| l.split(", ").map(|k| k.trim_matches('`')).collect())
                .unwrap_or_default();
            return Complaint::UnknownField { key, expected };
        }
        if let Some(rest) = message.strip_prefix("unknown variant `") {
            let value = rest.split('`').next().unwrap_or("");
            let expected = rest
                .split("expected one of ")
                .nth(1)
                .or_else(|| rest.split("expected ").nth(1))
                .unwrap_or("");
            return Complaint::UnknownVariant { value, expected };
        }
        if let Some(field) = message.strip_prefix("missing field `") {
            return Complaint::MissingField(field.trim_end_matches('`'));
        }
        Complaint::Other(message)
    }

    /// In pressroom's voice. `known` are the keys of `place`, for an unknown key serde did not
    /// list the keys of (serde's own list is preferred: it is the right one for nested tables).
    pub fn explain(&self, known: &[&str], place: &str) -> String {
        match self {
            Complaint::UnknownField { key, expected } if expected.is_empty() => {
                unknown_key(key, known, place)
            }
            Complaint::UnknownField { key, expected } => unknown_key(key, expected, place),
            Complaint::UnknownVariant { value, expected } => {
                format!("`{value}` is not allowed here; expected one of {expected}")
            }
            Complaint::MissingField(key) => format!("missing key `{key}`"),
            Complaint::Other(message) => message.replace("invalid type: ", "wrong type: "),
        }
    }
}

/// serde's message about `known`'s block in `place`, in pressroom's voice.
pub fn humanize(message: &str, known: &[&str], place: &str) -> String {
    Complaint::read(message).explain(known, place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Block {
        title: String,
        #[serde(rename = "sort-by")]
        sort_by: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
    }

    /// The same struct with a field added, as a developer would add one: the key list follows.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct BlockWithANewField {
        title: String,
        #[serde(rename = "sort-by")]
        sort_by: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
        weight: Option<i64>,
    }

    #[test]
    fn field_names_follow_the_struct() {
        assert_eq!(field_names::<Block>(), ["title", "sort-by", "tags"]);
        assert_eq!(
            field_names::<BlockWithANewField>(),
            ["title", "sort-by", "tags", "weight"]
        );
    }

    #[test]
    fn serde_complaints_are_read_once_and_explained() {
        let c = Complaint::read("unknown field `tittle`, expected one of `title`, `date`");
        assert_eq!(
            c,
            Complaint::UnknownField {
                key: "tittle",
                expected: vec!["title", "date"]
            }
        );
        assert_eq!(
            c.explain(&[], "front matter"),
            "unknown key `tittle` in front matter; did you mean `title`?"
        );
        assert_eq!(
            humanize(
                "unknown variant `relase`, expected one of `post`, `release`",
                &[],
                "x"
            ),
            "`relase` is not allowed here; expected one of `post`, `release`"
        );
        assert_eq!(humanize("missing field `id`", &[], "x"), "missing key `id`");
        assert_eq!(
            humanize("invalid type: string \"yes\", expected a boolean", &[], "x"),
            "wrong type: string \"yes\", expected a boolean"
        );
    }
}
