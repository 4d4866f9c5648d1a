//! The images an item's Markdown shows: each `![alt](dest "title")` with its place in the
//! file, and where a local one lives on disk and on the site.

use crate::content::dialect::Dialect;
use crate::model::Item;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::path::PathBuf;

/// One image in a body.
pub(super) struct ImageRef {
    /// The destination as written.
    pub(super) dest: String,
    /// Its alternative text.
    pub(super) alt: String,
    /// Byte offset of the image (`![`, or a figure's `src=`) in the item's file.
    pub(super) at: usize,
    /// Written as a figure component (`> [!FIGURE src=… alt=…]`) rather than `![alt](src)`.
    pub(super) figure: bool,
    /// A figure marked `decorative=true`: its empty alt text is meant.
    pub(super) decorative: bool,
}

/// The image of a figure component (or a video's poster) whose block quote is `quote`, starting at `at` in the
/// item's file (see [`crate::markdown::component`]).
fn figure_ref(quote: &str, at: usize) -> Option<ImageRef> {
    let (header_at, _, header) = crate::markdown::component::header_of_quote(quote)?;
    let header = header.ok()?;
    let arg = |key: &str| header.args.iter().find(|(k, _, _)| k == key);
    // A video's poster is decorative: the link or player around it carries the title.
    let (key, decorative) = match header.name.as_str() {
        "figure" => (
            "src",
            arg("decorative").is_some_and(|(_, v, _)| v == "true"),
        ),
        "video" => ("poster", true),
        _ => return None,
    };
    let (_, src, src_at) = arg(key)?;
    Some(ImageRef {
        dest: src.clone(),
        alt: arg("alt").map(|(_, v, _)| v.clone()).unwrap_or_default(),
        at: at + header_at + src_at,
        figure: true,
        decorative,
    })
}

/// Every image of `item`'s body, in order.
pub(super) fn image_refs(item: &Item, dialect: Dialect) -> Vec<ImageRef> {
    let body = &item.text[item.body_offset..];
    if !body.contains("![") && !body.contains("[!") {
        return Vec::new();
    }
    let mut refs = Vec::new();
    // The image being read (its alt text is the text inside it) and how deep in images we are.
    let mut open: Option<ImageRef> = None;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(body, dialect.options()).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(None)) => {
                refs.extend(figure_ref(
                    &body[range.clone()],
                    item.body_offset + range.start,
                ));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                depth += 1;
                if depth == 1 {
                    open = Some(ImageRef {
                        dest: dest_url.to_string(),
                        alt: String::new(),
                        at: item.body_offset + range.start,
                        figure: false,
                        decorative: false,
                    });
                }
            }
            Event::End(TagEnd::Image) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    refs.extend(open.take());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(r) = open.as_mut() {
                    r.alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    refs
}

/// The formats the pipeline derives sizes of; anything else (SVG, GIF, WebP, AVIF originals)
/// is shown as written.
const PROCESSED: [&str; 3] = ["jpg", "jpeg", "png"];

/// A local image to process: its file and its site path (`/press/launch/photo.jpg`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Local {
    pub(super) file: PathBuf,
    pub(super) site_path: String,
}

/// Where `dest`, written in `item`, lives: None for remote images, data URLs, and formats
/// shown as written. A relative destination is read beside the item's file in `content/`; a
/// root-relative one in `static/`, else in `content/`. Paths climbing out with `..` are not
/// local images.
pub(super) fn resolve(root: &std::path::Path, item: &Item, dest: &str) -> Option<Local> {
    if dest.contains("://") || dest.starts_with("//") || dest.contains(':') {
        return None;
    }
    let path = dest.split(['?', '#']).next().unwrap_or_default();
    let path = crate::percent::decode(path).lossy();
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    if !PROCESSED.contains(&ext.as_str()) {
        return None;
    }
    let (joined, from_root) = match path.strip_prefix('/') {
        Some(rest) => (rest.to_string(), true),
        None if item.src.dir.is_empty() => (path.clone(), false),
        None => (format!("{}/{path}", item.src.dir), false),
    };
    let site_path = normalize(&joined)?;
    let in_content = root.join("content").join(&site_path[1..]);
    let file = if from_root {
        let in_static = root.join("static").join(&site_path[1..]);
        if in_static.is_file() {
            in_static
        } else {
            in_content
        }
    } else {
        in_content
    };
    Some(Local { file, site_path })
}

/// `a/./b/../c.jpg` → `/a/c.jpg`; None when `..` climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn paths_are_normalized_and_never_climb_out() {
        assert_eq!(normalize("a/./b/../c.jpg").as_deref(), Some("/a/c.jpg"));
        assert_eq!(normalize("../x.jpg"), None);
        assert_eq!(normalize("a/../../x.jpg"), None);
    }
}
