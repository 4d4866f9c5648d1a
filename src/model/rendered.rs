//! What the Markdown stage adds to an item: its HTML, plain text measures, table of contents,
//! cited sources and the links and anchors `check` audits. The model owns these types so that
//! data flows one way: the model is assembled, [`crate::markdown`] fills [`Rendered`] in, and
//! rendering reads it; the model never calls into the Markdown stage.

/// One entry of a table of contents.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct TocEntry {
    /// Heading level (2 for `##`).
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry>,
}

/// A source as cited on one page: its number and the anchors of its citations.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CitedSource {
    /// The source's id.
    pub id: String,
    /// 1-based number shown in the text, by order of first citation.
    pub number: usize,
    /// Ids of the citation anchors in the text (`cite-id-1`, ...).
    pub backrefs: Vec<String>,
    /// Whether it is a site-wide source (from `data/sources.toml`).
    pub site_wide: bool,
}

/// Everything the Markdown pass produces for one item.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// Body HTML.
    pub html: String,
    /// Summary HTML.
    pub summary_html: String,
    /// Summary as plain text (meta descriptions).
    pub summary_text: String,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Word count of the body.
    pub words: usize,
    /// Minutes to read.
    pub reading_time: usize,
    /// Sources in citation order (cited first, then uncited page sources).
    pub sources: Vec<CitedSource>,
    /// Fact-sheet rows: label and value HTML.
    pub facts: Vec<(String, String)>,
    /// HTML of each notice's note, parallel to `Item::notices`.
    pub notices: Vec<String>,
    /// HTML of each update's body, parallel to `Item::updates`.
    pub updates: Vec<String>,
    /// HTML of the withdrawal reason.
    pub withdrawn: Option<String>,
    /// HTML of the boilerplate.
    pub boilerplate: Option<String>,
    /// Link destinations found in the Markdown (for `check`).
    pub links: Vec<Link>,
    /// Plain texts of the item's notes and updates as written, for JSON-LD.
    pub plain: PlainTexts,
    /// Heading and footnote ids on the page (for `check`'s fragment test).
    pub anchors: Vec<String>,
    /// The front-matter `image`, when it is a local photo, as a `<picture>` loaded at once
    /// (the lead image is the first thing a reader sees: never lazy).
    pub lead_image: Option<String>,
}

impl Rendered {
    /// Gives back the room its texts and lists were built with beyond what they hold. Every
    /// item's `Rendered` lives until the last page is written, and a body's HTML is built in a
    /// buffer sized for the worst case (half as long again as the Markdown) or doubled as it
    /// grew: about a third of it was spare, 0.3 GB at 100,000 items.
    pub fn shrink(&mut self) {
        tight(&mut self.html);
        tight(&mut self.summary_html);
        tight(&mut self.summary_text);
        shrink_toc(&mut self.toc);
        self.sources.shrink_to_fit();
        self.facts.iter_mut().for_each(|(_, value)| tight(value));
        self.facts.shrink_to_fit();
        self.notices.iter_mut().for_each(tight);
        self.updates.iter_mut().for_each(tight);
        self.withdrawn.iter_mut().for_each(tight);
        self.boilerplate.iter_mut().for_each(tight);
        self.links.shrink_to_fit();
        self.plain.notices.iter_mut().for_each(tight);
        self.plain.updates.iter_mut().for_each(tight);
        self.anchors.shrink_to_fit();
        self.lead_image.iter_mut().for_each(tight);
    }
}

/// Moves `s` into a buffer of its length. Not `shrink_to_fit`: the allocator may keep a block
/// that is less than half spare where it is, and that is the common case here.
fn tight(s: &mut String) {
    if s.capacity() > s.len() {
        *s = s.as_str().to_owned();
    }
}

fn shrink_toc(toc: &mut Vec<TocEntry>) {
    toc.shrink_to_fit();
    toc.iter_mut().for_each(|e| shrink_toc(&mut e.children));
}

/// A link destination as written in an item's Markdown.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The destination, as written.
    pub url: String,
    /// Byte offset in the item's file where the destination is written (for a link that a
    /// transform wrote, where the transform's source starts); None for links in front matter.
    pub at: Option<usize>,
}

/// An item's notes and updates as plain text, read without smart punctuation (JSON-LD quotes
/// what the writer typed). The search index's text is not kept here: it would hold a copy of
/// every body for the whole build; search asks [`crate::markdown`] for it item by item.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlainTexts {
    /// Each notice's note on one line, code kept; parallel to `Item::notices`.
    pub notices: Vec<String>,
    /// Each update's body on one line, code kept; parallel to `Item::updates`.
    pub updates: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `s` in a buffer with `spare` bytes of room beyond it, as a text built by pushes is.
    fn roomy(s: &str, spare: usize) -> String {
        let mut out = String::with_capacity(s.len() + spare);
        out.push_str(s);
        out
    }

    fn rendered(texts: &[String], spare: usize) -> Rendered {
        let t = |i: usize| roomy(&texts[i % texts.len()], spare);
        Rendered {
            html: t(0),
            summary_html: t(1),
            summary_text: t(2),
            toc: vec![TocEntry {
                level: 2,
                id: t(3),
                title: t(4),
                children: vec![TocEntry {
                    level: 3,
                    id: t(5),
                    title: t(0),
                    children: Vec::with_capacity(4),
                }],
            }],
            words: texts.len(),
            reading_time: 1,
            sources: Vec::with_capacity(8),
            facts: vec![(t(1), t(2))],
            notices: vec![t(3), t(4)],
            updates: vec![t(5)],
            withdrawn: Some(t(0)),
            boilerplate: Some(t(1)),
            links: vec![Link {
                url: t(2),
                at: Some(3),
            }],
            plain: PlainTexts {
                notices: vec![t(3), t(4)],
                updates: vec![t(5)],
            },
            anchors: vec![t(3)],
            lead_image: Some(t(4)),
        }
    }

    proptest::proptest! {
        /// Shrinking keeps every text as it was and leaves the big ones without spare room.
        #[test]
        fn shrink_keeps_the_texts_and_gives_back_the_room(
            texts in proptest::collection::vec(".{0,40}", 1..7),
            spare in 1usize..200,
        ) {
            let before = rendered(&texts, spare);
            let mut after = rendered(&texts, spare);
            after.shrink();
            proptest::prop_assert_eq!(
                serde_json::to_value(&before).unwrap(),
                serde_json::to_value(&after).unwrap()
            );
            let kept: Vec<&String> = [&after.html, &after.summary_html, &after.summary_text]
                .into_iter()
                .chain(&after.notices)
                .chain(&after.updates)
                .chain(after.facts.iter().map(|(_, v)| v))
                .chain(&after.withdrawn)
                .chain(&after.boilerplate)
                .chain(&after.plain.notices)
                .chain(&after.plain.updates)
                .chain(&after.lead_image)
                .collect();
            for s in kept {
                proptest::prop_assert_eq!(s.capacity(), s.len(), "{:?}", s);
            }
        }
    }
}
