//! The first screen of a word's results, carried in a file of its own (`top-N.json`), so a
//! query for a word whose hits scatter over the years fetches one file for its first screen
//! instead of one record file (`docs-N.json`) per result shown.
//!
//! A word's *screen* is, in each filter language (meta.json's `lang` column), the
//! [`TOP_SIZE`] documents that have the word in its best field, newest first: by field (title,
//! tag, summary, body), then document id. For a query of one word the browser's first screen
//! is always among the screens of the words it matched (a document outside a word's screen
//! has [`TOP_SIZE`] documents in its language that score at least as well on that word and
//! are newer), so a one-word query shows its first screen from the top files of its words.
//! `search.js` computes the same screens from the postings it has, so it knows which records
//! a top file holds before fetching it, and fetches record files only for the others.
//!
//! A top file is made for a word whose screen spans two record files or more (otherwise the
//! record files are as few), once for each distinct screen (words in the same few documents
//! share one), words in more documents first, until the top files hold [`TOP_BUDGET`] times
//! as many records as the index has documents: a large vocabulary's rare words go without
//! (their screens cost a request per record file, as before) rather than the index growing
//! without bound.

use super::FastMap;
use super::layout::Entry;

/// Documents of a word's screen in each language: the results a search page shows at first
/// (`PAGE` in search.js, as Pagefind's default UI shows five).
pub const TOP_SIZE: usize = 5;
/// The top files hold at most this many times the index's documents, in records.
const TOP_BUDGET: usize = 1;

/// The screen of a word with postings `list` (`doc << 2 | field`, ascending by document):
/// in each language of `lang_column` (indexed by document; a document past its end has
/// language -1), the first [`TOP_SIZE`] documents by field (best first), then id. Ascending.
pub(crate) fn screen(list: &[u32], lang_column: &[i16]) -> Vec<u32> {
    // Per language, per field (title first), the first TOP_SIZE documents: enough, as
    // documents come in ascending order.
    let mut buckets: FastMap<i16, [Vec<u32>; 4]> = FastMap::default();
    for p in list {
        let doc = p >> 2;
        let lang = lang_column.get(doc as usize).copied().unwrap_or(-1);
        let bucket = &mut buckets.entry(lang).or_default()[3 - (p & 3) as usize];
        if bucket.len() < TOP_SIZE {
            bucket.push(doc);
        }
    }
    let mut out: Vec<u32> = (buckets.values())
        .flat_map(|fields| fields.iter().flatten().take(TOP_SIZE).copied())
        .collect();
    out.sort_unstable();
    out
}

/// Which words carry a top file and what each top file holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Tops<'w> {
    /// A word's top file number.
    pub(crate) of_word: FastMap<&'w str, usize>,
    /// Each top file's documents, ascending.
    pub(crate) files: Vec<Vec<u32>>,
}

/// The top files for `entries` (in any order) over `docs` documents, `chunk_size` records
/// to a record file.
pub(crate) fn plan<'w, 'e>(
    entries: impl Iterator<Item = (&'w str, &'e Entry)>,
    docs: usize,
    chunk_size: usize,
) -> Tops<'w> {
    let spans = |screen: &[u32]| {
        let first = screen.first().map(|d| *d as usize / chunk_size);
        screen
            .iter()
            .any(|d| Some(*d as usize / chunk_size) != first)
    };
    let mut candidates: Vec<(&str, &Entry)> = entries.filter(|(_, e)| spans(&e.screen)).collect();
    // Most documents first; then word order, for a stable plan.
    candidates.sort_unstable_by(|a, b| b.1.docs.cmp(&a.1.docs).then(a.0.cmp(b.0)));
    let mut tops = Tops::default();
    let mut numbers: FastMap<&[u32], usize> = FastMap::default();
    let mut records = 0;
    for (word, entry) in candidates {
        let screen = entry.screen.as_slice();
        let n = match numbers.get(screen) {
            Some(&n) => n,
            None if records + screen.len() > docs * TOP_BUDGET => continue,
            None => {
                records += screen.len();
                tops.files.push(screen.to_vec());
                numbers.insert(screen, tops.files.len() - 1);
                tops.files.len() - 1
            }
        };
        tops.of_word.insert(word, n);
    }
    tops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::{DocLangs, encode};

    fn post(docs: &[(u32, u32)]) -> Vec<u32> {
        docs.iter().map(|&(d, f)| d << 2 | f).collect()
    }

    #[test]
    fn a_screen_is_each_languages_best_fields_then_newest() {
        // Documents 0..12 in English (0), 12.. in French (1).
        let lang: Vec<i16> = (0..20).map(|d| if d < 12 { 0 } else { 1 }).collect();
        // English: title hits at 9 and 11, body elsewhere; French: bodies only.
        let list = post(&[
            (1, 0),
            (2, 0),
            (3, 1),
            (4, 0),
            (5, 0),
            (6, 0),
            (9, 3),
            (11, 3),
            (12, 0),
            (13, 0),
            (30, 0),
        ]);
        // English: titles 9, 11, the summary 3, bodies 1, 2. French: 12, 13 and 30 (past the
        // column: language -1).
        assert_eq!(screen(&list, &lang), [1, 2, 3, 9, 11, 12, 13, 30]);
        assert_eq!(screen(&[], &lang), Vec::<u32>::new());
    }

    #[test]
    fn top_files_for_scattered_screens_shared_and_within_budget() {
        let docs = DocLangs::default();
        let scattered = encode("alpha", &post(&[(0, 0), (40, 0), (80, 0)]), &docs);
        let same = encode("beta", &post(&[(0, 0), (40, 0), (80, 0)]), &docs);
        let together = encode("gamma", &post(&[(0, 0), (1, 0), (2, 0)]), &docs);
        let alone = encode("delta", &post(&[(7, 0)]), &docs);
        let entries = [
            ("alpha", &scattered),
            ("beta", &same),
            ("delta", &alone),
            ("gamma", &together),
        ];
        let tops = plan(entries.into_iter(), 100, 4);
        // One file for the two words of the same three documents; none for a screen in one
        // record file.
        assert_eq!(tops.files, [vec![0, 40, 80]]);
        assert_eq!(tops.of_word.get("alpha"), Some(&0));
        assert_eq!(tops.of_word.get("beta"), Some(&0));
        assert_eq!(tops.of_word.get("gamma"), None);
        assert_eq!(tops.of_word.get("delta"), None);
        // The budget: records at most the documents' count; the word in more documents wins.
        let wide = encode("wide", &post(&[(0, 0), (10, 0), (20, 0), (30, 0)]), &docs);
        let entries = [("alpha", &scattered), ("wide", &wide)];
        let tops = plan(entries.into_iter(), 5, 4);
        assert_eq!(tops.files, [vec![0, 10, 20, 30]]);
        assert_eq!(tops.of_word.get("alpha"), None);
    }
}
