//! One content file of another generator as pressroom front matter: known keys mapped to
//! pressroom's, dates normalized with their zones, drafts, summaries, aliases, authors as ids,
//! and everything else under `[extra]`.

use toml::{Table, Value};

/// A converted file: its front matter, the author names it credits, and its body.
pub(super) struct Converted {
    pub(super) front: Table,
    pub(super) authors: Vec<String>,
}

/// Reads front matter text of either syntax as a TOML table (YAML nulls dropped).
pub(super) fn parse(front: &str, yaml: bool) -> Result<Table, String> {
    if !yaml {
        return front.parse::<Table>().map_err(|e| e.message().to_string());
    }
    let value: serde_json::Value = serde_yaml_ng::from_str(front).map_err(|e| e.to_string())?;
    match json_to_toml(value) {
        Some(Value::Table(t)) => Ok(t),
        None => Ok(Table::new()),
        Some(_) => Err("the front matter is not a mapping of keys".into()),
    }
}

fn json_to_toml(value: serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match value {
        J::Null => return None,
        J::Bool(b) => Value::Boolean(b),
        J::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .or_else(|| n.as_f64().map(Value::Float))?,
        J::String(s) => Value::String(s),
        J::Array(a) => Value::Array(a.into_iter().filter_map(json_to_toml).collect()),
        J::Object(o) => Value::Table(
            o.into_iter()
                .filter_map(|(k, v)| Some((k, json_to_toml(v)?)))
                .collect(),
        ),
    })
}

/// A date as pressroom reads it: TOML dates kept; strings in Jekyll's and Hugo's forms
/// (`2020-01-02`, `2020-01-02 10:00:00 +0100`, RFC 3339) as RFC 3339 with their offset, or
/// without one when none was written (read in the site's zone, as the old site did).
pub(super) fn date(value: &Value) -> Option<Value> {
    let text = match value {
        Value::Datetime(_) => return Some(value.clone()),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    let (Some(day), Some(rest)) = (text.get(..10), text.get(10..)) else {
        return None;
    };
    if !is_day(day) {
        return None;
    }
    let rest = rest.trim_start_matches(['T', ' ']);
    if rest.is_empty() {
        return Some(Value::String(day.to_string()));
    }
    let (time, zone) = rest
        .split_once([' ', '+', '-', 'Z'])
        .map_or((rest, ""), |(t, _)| (t, rest[t.len()..].trim()));
    let time = if time.len() == 5 {
        format!("{time}:00")
    } else {
        time.to_string()
    };
    let zone = match zone {
        "" => String::new(),
        "Z" | "UTC" | "+0000" => "Z".into(),
        z if z.len() == 5 && z.is_ascii() && !z.contains(':') => {
            format!("{}:{}", &z[..3], &z[3..])
        }
        z => z.to_string(),
    };
    Some(Value::String(format!("{day}T{time}{zone}")))
}

/// `YYYY-MM-DD` in ASCII digits.
pub(super) fn is_day(day: &str) -> bool {
    day.len() == 10
        && day.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A string or a list of strings (Jekyll writes `tags: a b` and `tags: [a, b]`).
fn strings(value: &Value, split_words: bool) -> Vec<String> {
    match value {
        Value::String(s) if split_words => s.split_whitespace().map(String::from).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(|v| strings(v, false)).collect(),
        _ => Vec::new(),
    }
}

fn list(items: Vec<String>) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

/// Maps one file's front matter to pressroom's keys; what has no pressroom key goes under
/// `[extra]` (the old generator's own `extra` merged in).
pub(super) fn convert(old: Table) -> Converted {
    let mut front = Table::new();
    let mut extra = Table::new();
    let mut authors = Vec::new();
    let mut tags = Vec::new();
    let mut categories = Vec::new();
    let mut aliases = Vec::new();
    for (key, value) in old {
        match key.as_str() {
            "title" | "slug" | "weight" | "image" => {
                front.insert(key, value);
            }
            "date" | "updated" | "lastmod" | "last_modified_at" => {
                let to = if key == "date" { "date" } else { "updated" };
                match date(&value) {
                    Some(d) => front.insert(to.into(), d),
                    None => extra.insert(key, value),
                };
            }
            "draft" => {
                front.insert(key, value);
            }
            "published" if value.as_bool() == Some(false) => {
                front.insert("draft".into(), Value::Boolean(true));
            }
            "description" | "summary" | "excerpt" => {
                front.insert("summary".into(), value);
            }
            "aliases" | "redirect_from" => aliases.extend(strings(&value, false)),
            "tags" => tags.extend(strings(&value, true)),
            "categories" | "category" => categories.extend(strings(&value, true)),
            "author" | "authors" => authors.extend(strings(&value, false)),
            "taxonomies" => {
                let Value::Table(t) = value else { continue };
                for (name, terms) in t {
                    match name.as_str() {
                        "tags" => tags.extend(strings(&terms, false)),
                        "categories" => categories.extend(strings(&terms, false)),
                        "authors" => authors.extend(strings(&terms, false)),
                        _ => {
                            extra.insert(name, terms);
                        }
                    }
                }
            }
            "extra" | "params" => {
                if let Value::Table(t) = value {
                    extra.extend(t);
                }
            }
            _ => {
                extra.insert(key, value);
            }
        }
    }
    for (key, values) in [
        ("tags", tags),
        ("categories", categories),
        ("aliases", aliases),
    ] {
        if !values.is_empty() {
            front.insert(key.into(), list(values));
        }
    }
    if !authors.is_empty() {
        let ids = authors.iter().map(|a| crate::slug::slugify(a)).collect();
        front.insert("authors".into(), list(ids));
    }
    if !extra.is_empty() {
        front.insert("extra".into(), Value::Table(extra));
    }
    Converted { front, authors }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_their_zones() {
        let s = |t: &str| date(&Value::String(t.into())).and_then(|v| v.as_str().map(String::from));
        assert_eq!(s("2020-01-02").as_deref(), Some("2020-01-02"));
        assert_eq!(
            s("2020-01-02 10:30:00 +0100").as_deref(),
            Some("2020-01-02T10:30:00+01:00")
        );
        assert_eq!(
            s("2020-01-02 10:30 -0500").as_deref(),
            Some("2020-01-02T10:30:00-05:00")
        );
        assert_eq!(
            s("2020-01-02T10:30:00Z").as_deref(),
            Some("2020-01-02T10:30:00Z")
        );
        assert_eq!(
            s("2020-01-02T10:30:00+09:00").as_deref(),
            Some("2020-01-02T10:30:00+09:00")
        );
        assert_eq!(
            s("2020-01-02 10:30:00").as_deref(),
            Some("2020-01-02T10:30:00")
        );
        assert_eq!(s("yesterday"), None);
        // Never a panic on what a writer typed, whatever its bytes.
        assert_eq!(s("2020年01月02日"), None);
        assert_eq!(
            s("2020-01-02 10:00 +1é2"),
            Some("2020-01-02T10:00:00+1é2".into())
        );
        assert_eq!(s("2020-01-0é"), None);
    }

    #[test]
    fn keys_are_mapped_and_the_rest_kept_under_extra() {
        let old = parse(
            "title: Hi\ndate: 2020-01-02 10:00:00 +0100\npublished: false\ntags: a b\ncategory: news\nauthor: Ada Lovelace\nredirect_from: /old/\nlayout: post\ncomments: true\n",
            true,
        )
        .unwrap();
        let c = convert(old);
        let f = &c.front;
        assert_eq!(f["title"].as_str(), Some("Hi"));
        assert_eq!(f["date"].as_str(), Some("2020-01-02T10:00:00+01:00"));
        assert_eq!(f["draft"].as_bool(), Some(true));
        assert_eq!(f["tags"], list(vec!["a".into(), "b".into()]));
        assert_eq!(f["categories"], list(vec!["news".into()]));
        assert_eq!(f["authors"], list(vec!["ada-lovelace".into()]));
        assert_eq!(f["aliases"], list(vec!["/old/".into()]));
        assert_eq!(f["extra"]["layout"].as_str(), Some("post"));
        assert_eq!(f["extra"]["comments"].as_bool(), Some(true));
        assert_eq!(c.authors, ["Ada Lovelace"]);
    }
}
