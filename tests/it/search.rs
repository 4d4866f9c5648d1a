//! The static search index (/search/): its files parse, a lookup done here from meta.json and
//! the shards (the procedure search.js follows) finds French queries with and without accents,
//! Korean and Japanese queries; drafts, unlisted, standby and embargoed items are never indexed;
//! the search page is an accessible GET form; search.js tokenizes like the Rust side; and
//! search.js itself, run by node on the generated index, matches prefixes, stems and one typo,
//! prefers whole words, and offers other languages' results when the page's has none; and a
//! query fetches only the word lists and packs of postings it needs.

use crate::common;

use common::*;
use pressroom::render::search;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn read_json(out: &Path, rel: &str) -> Value {
    let path = out.join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{rel}` is not JSON: {e}"))
}

/// FNV-1a 32 over UTF-8, written again here so the test checks the documented format rather
/// than calling the code under test.
fn fnv1a32(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Standard base64, decoded (written again here, like [`fnv1a32`]).
fn unbase64(s: &str) -> Vec<u8> {
    const A: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextets: Vec<u32> = (s.bytes().filter(|&b| b != b'='))
        .map(|b| A.find(b as char).expect("base64") as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in sextets.chunks(4) {
        let n = chunk.iter().fold(0u32, |n, x| n << 6 | x) << (6 * (4 - chunk.len()));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter().copied());
    }
    out
}

/// The index of one output folder, read as search.js reads it.
struct Index<'a> {
    out: &'a Path,
    meta: Value,
    docs: Value,
}

impl<'a> Index<'a> {
    fn open(out: &'a Path) -> Self {
        let meta = read_json(out, "search/meta.json");
        Index {
            out,
            meta: meta.clone(),
            docs: meta["columns"].clone(),
        }
    }

    /// The shard holding a token: chosen by its first `shard_key_chars` characters.
    fn shard(&self, token: &str) -> Value {
        let shards = self.meta["shards"].as_u64().expect("shards") as u32;
        let key_chars = self.meta["shard_key_chars"].as_u64().expect("key chars") as usize;
        let key: String = token.chars().take(key_chars).collect();
        let name = self.meta["files"]["shard"]
            .as_str()
            .expect("shard file pattern")
            .replace("{n}", &(fnv1a32(&key) % shards).to_string());
        read_json(self.out, &format!("search/{name}"))
    }

    /// The stems an entry lists before its postings.
    fn stems(&self, token: &str) -> Vec<String> {
        let shard = self.shard(token);
        let entry = shard[token].as_array().cloned().unwrap_or_default();
        entry
            .iter()
            .map_while(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// The postings of a token: document id → field code. They are in its word list's entry
    /// (an array after the stems) or in the pack whose number follows the stems.
    fn postings(&self, token: &str) -> BTreeMap<u64, u64> {
        let shard = self.shard(token);
        let at = (shard[token].as_array().into_iter().flatten())
            .find(|v| !v.is_string())
            .cloned()
            .unwrap_or_default();
        let list = match at {
            Value::Number(n) => {
                let name = self.meta["files"]["pack"]
                    .as_str()
                    .expect("pack file pattern")
                    .replace("{n}", &n.to_string());
                read_json(self.out, &format!("search/{name}"))[token].clone()
            }
            other => other,
        };
        let mut map = BTreeMap::new();
        if let Some(text) = list.as_str() {
            // Two base64 bitmaps: presence (bit d % 8 of byte d / 8), fields (2 bits each).
            let (presence, fields) = text.split_once(' ').expect("two bitmaps");
            let (presence, fields) = (unbase64(presence), unbase64(fields));
            for d in 0..presence.len() * 8 {
                if presence[d / 8] >> (d % 8) & 1 == 1 {
                    map.insert(d as u64, u64::from(fields[d / 4] >> (2 * (d % 4)) & 3));
                }
            }
            return map;
        }
        let mut doc = 0;
        for v in list.as_array().cloned().unwrap_or_default() {
            let v = v.as_u64().expect("posting is a number");
            doc += v >> 2;
            map.insert(doc, v & 3);
        }
        map
    }

    /// The record of a document.
    fn record(&self, doc: u64) -> Value {
        let size = self.meta["chunk_size"].as_u64().expect("chunk_size");
        let name = self.meta["files"]["chunk"]
            .as_str()
            .expect("chunk pattern")
            .replace("{n}", &(doc / size).to_string());
        read_json(self.out, &format!("search/{name}"))[(doc % size) as usize].clone()
    }

    /// The URLs matching `q` (optionally in one language), best first.
    fn search(&self, q: &str, lang: Option<&str>) -> Vec<String> {
        let query = search::query(q);
        assert!(!query.required.is_empty(), "query `{q}` has no tokens");
        let weights = [1u64, 2, 4, 8];
        let required: Vec<_> = query.required.iter().map(|t| self.postings(t)).collect();
        let optional: Vec<_> = query.optional.iter().map(|t| self.postings(t)).collect();
        let lang_index = lang.map(|l| {
            self.meta["languages"]
                .as_array()
                .expect("languages")
                .iter()
                .position(|x| x["code"] == l)
                .expect("a known language") as i64
        });
        let mut hits: Vec<(u64, u64)> = required[0]
            .keys()
            .filter(|d| required.iter().all(|m| m.contains_key(d)))
            .filter(|&&d| lang_index.is_none_or(|l| self.docs["lang"][d as usize] == l))
            .map(|&d| {
                let score = required
                    .iter()
                    .chain(&optional)
                    .filter_map(|m| m.get(&d))
                    .map(|&f| weights[f as usize])
                    .sum();
                (d, score)
            })
            .collect();
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.into_iter()
            .map(|(d, _)| self.record(d)["url"].as_str().expect("url").to_string())
            .collect()
    }
}

fn multilingual_site() -> SiteTest {
    let site = SiteTest::empty();
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"{BASE_URL}\"\n\n[languages.fr]\nname = \"Français\"\ntitle = \"Salle de presse\"\n\n[languages.ko]\nname = \"한국어\"\ntitle = \"뉴스룸\"\n\n[languages.ja]\nname = \"日本語\"\ntitle = \"ニュースルーム\"\n"
        ),
    );
    site.file("content/_index.md", "+++\ntitle = \"T\"\n+++\n");
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    );
    site.file(
        "content/press/2026-11-10-ecology.fr.md",
        &item(
            "Une nouvelle usine à Lyon",
            "2026-11-10",
            "tags = [\"Industrie\"]\n",
            "Notre engagement pour l'écologie industrielle se renforce avec 4\u{202f}200 emplois.",
        ),
    );
    site.file(
        "content/press/2026-11-09-ecology-title.fr.md",
        &item(
            "Écologie : notre rapport annuel",
            "2026-11-09",
            "",
            "Le rapport présente nos résultats.",
        ),
    );
    site.file(
        "content/press/2026-11-12-plant.md",
        &item(
            "A new plant in Lyon",
            "2026-11-12",
            "",
            "Our commitment to industrial ecology grows, with 4,200 jobs.",
        ),
    );
    site.file(
        "content/press/2026-10-02-busan.ko.md",
        &item(
            "부산 연구소 개소",
            "2026-10-02",
            "",
            "새 연구소는 차세대 배터리를 개발합니다. 부산에서 200명이 일합니다.",
        ),
    );
    site.file(
        "content/press/2026-10-03-osaka.ja.md",
        &item(
            "大阪に研究所を開設",
            "2026-10-03",
            "",
            "新しい研究所では次世代電池を開発します。",
        ),
    );
    site
}

#[test]
fn the_index_files_exist_and_parse() {
    let site = multilingual_site();
    site.build_ok();
    let out = site.out();
    let files: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("search/") && f.ends_with(".json"))
        .collect();
    for f in &files {
        read_json(&out, f);
    }
    let meta = read_json(&out, "search/meta.json");
    assert_eq!(meta["version"], 5, "{meta}");
    assert_eq!(meta["docs"], 5, "{meta}");
    assert_eq!(meta["shard_hash"], "fnv1a32");
    assert_eq!(meta["shard_key_chars"], 3);
    let shards = meta["shards"].as_u64().expect("shards");
    assert!(shards >= 1);
    for n in 0..shards {
        assert!(
            files.contains(&format!("search/index-{n}.json")),
            "{files:?}"
        );
    }
    // A small site's records are one file: a first screen is one request whatever its
    // results (a larger site's are four to a file, see below).
    assert_eq!(meta["chunk_size"], 5, "{meta}");
    assert_eq!(meta["chunks"], 1, "{meta}");
    let records = read_json(&out, "search/docs-0.json");
    assert_eq!(records.as_array().map(Vec::len), Some(5));
    let codes: Vec<&str> = meta["languages"]
        .as_array()
        .expect("languages")
        .iter()
        .map(|l| l["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["en", "fr", "ko", "ja"]);
    assert_eq!(meta["kinds"], serde_json::json!(["release"]));
    assert_eq!(meta["years"], serde_json::json!([2026]));
    // The filter columns are in meta.json: a first query fetches no file for them.
    assert!(
        !files.contains(&"search/docs.json".to_string()),
        "{files:?}"
    );
    let docs = &meta["columns"];
    for col in ["kind", "lang", "year"] {
        assert_eq!(docs[col].as_array().map(Vec::len), Some(5), "{col}: {docs}");
    }
    // Records: newest first, with every field.
    let index = Index::open(&out);
    let first = index.record(0);
    assert_eq!(first["url"], "/press/plant/", "{first}");
    assert_eq!(first["date"], "2026-11-12");
    assert_eq!(first["kind"], "release");
    assert_eq!(first["lang"], "en");
    assert!(
        first["summary"]
            .as_str()
            .is_some_and(|s| s.contains("4,200")),
        "{first}"
    );
    assert!(first["title"].is_string());
    // A result shows no tags and its year is in the columns: records carry neither.
    assert!(
        first.get("tags").is_none() && first.get("year").is_none(),
        "{first}"
    );
    assert_eq!(index.record(4)["lang"], "ko");

    // Two builds are byte-identical.
    let again = site.build_args(&[
        "--output",
        site.tmp().join("again").to_str().expect("utf-8"),
    ]);
    again.assert_ok();
    let a: BTreeMap<_, _> = site
        .build_ok()
        .hashes()
        .into_iter()
        .filter(|(k, _)| k.starts_with("search/"))
        .collect();
    let b: BTreeMap<_, _> = again
        .hashes()
        .into_iter()
        .filter(|(k, _)| k.starts_with("search/"))
        .collect();
    assert_same_tree(&a, &b, "search index of two builds");
}

#[test]
fn french_korean_and_japanese_queries_find_their_documents() {
    let site = multilingual_site();
    site.build_ok();
    let out = site.out();
    let index = Index::open(&out);
    let fr_title = "/fr/press/ecology-title/";
    let fr_body = "/fr/press/ecology/";
    for q in ["écologie", "ecologie", "ÉCOLOGIE", "l'Écologie"] {
        // The title match ranks first although the other item is newer.
        assert_eq!(index.search(q, None), [fr_title, fr_body], "query {q}");
        assert_eq!(
            index.search(q, Some("fr")),
            [fr_title, fr_body],
            "query {q}"
        );
        assert!(index.search(q, Some("en")).is_empty(), "query {q}");
    }
    assert_eq!(index.search("ecology", None), ["/press/plant/"]);
    // Figures written with a thousands separator match in either form.
    assert_eq!(index.search("4200", None).len(), 2);
    assert_eq!(index.search("4,200 emplois", None), [fr_body]);
    assert_eq!(index.search("연구소", None), ["/ko/press/busan/"]);
    assert_eq!(
        index.search("부산 연구소", Some("ko")),
        ["/ko/press/busan/"]
    );
    assert_eq!(index.search("研究所", None), ["/ja/press/osaka/"]);
    assert_eq!(index.search("次世代電池", None), ["/ja/press/osaka/"]);
    assert!(index.search("lyon bateau", None).is_empty());
}

const SECRET_TITLE: &str = "Zorblaxian Frobnication";
const SECRET_WORD: &str = "glimmerquonk";

/// Asserts that none of `words` occurs in any file under `out/search/`, in any case.
fn assert_not_in_search(out: &Path, words: &[&str]) {
    let files = list_files(&out.join("search"));
    assert!(files.len() >= 4, "{files:?}");
    for rel in files {
        let text = std::fs::read_to_string(out.join("search").join(&rel))
            .expect("read")
            .to_lowercase();
        for w in words {
            assert!(
                !text.contains(&w.to_lowercase()),
                "search/{rel} contains `{w}`"
            );
        }
    }
}

fn embargo_site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "content/press/2026-11-01-public.md",
        &item("Public news", "2026-11-01", "", "Nothing secret here."),
    );
    site.file(
        "content/press/2028-01-15-secret.md",
        &item(
            SECRET_TITLE,
            "2028-01-15T08:00:00Z",
            "embargo = 2028-01-15T07:00:00Z\n",
            &format!("The {SECRET_WORD} ships in January."),
        ),
    );
    site
}

#[test]
fn an_embargoed_item_is_indexed_only_from_its_time() {
    let site = embargo_site();
    site.build_ok();
    assert_not_in_search(
        &site.out(),
        &[SECRET_TITLE, SECRET_WORD, "zorblaxian", "/press/secret/"],
    );
    assert!(Index::open(&site.out()).search("public", None).len() == 1);

    // A preview shows the embargoed page with its banner, but never indexes it.
    let preview = site.build_args(&["--drafts"]);
    preview.assert_ok();
    assert!(preview.exists("/press/secret/"), "preview renders it");
    assert_not_in_search(&site.out(), &[SECRET_TITLE, SECRET_WORD, "zorblaxian"]);

    let after = site.build_args(&["--now", "2028-01-15T07:00:00Z"]);
    after.assert_ok();
    let out = site.out();
    let index = Index::open(&out);
    assert_eq!(index.search(SECRET_WORD, None), ["/press/secret/"]);
    assert_eq!(index.search("zorblaxian", None), ["/press/secret/"]);
}

#[test]
fn drafts_unlisted_and_standby_items_are_never_indexed() {
    let site = SiteTest::new();
    site.file(
        "content/press/2026-11-01-public.md",
        &item("Public news", "2026-11-01", "", "Nothing secret here."),
    );
    site.file(
        "content/press/2026-11-02-draft.md",
        &item(
            "Draftwordalpha",
            "2026-11-02",
            "draft = true\n",
            "bodydraftzeta",
        ),
    );
    site.file(
        "content/press/2026-11-03-unlisted.md",
        &item(
            "Unlistedwordbeta",
            "2026-11-03",
            "status = \"unlisted\"\n",
            "bodyunlistedeta",
        ),
    );
    site.file(
        "content/statements/2026-11-04-standby.md",
        &item(
            "Standbywordgamma",
            "2026-11-04",
            "status = \"standby\"\nkind = \"statement\"\n",
            "bodystandbytheta",
        ),
    );
    let words = [
        "draftwordalpha",
        "bodydraftzeta",
        "unlistedwordbeta",
        "bodyunlistedeta",
        "standbywordgamma",
        "bodystandbytheta",
    ];
    let build = site.build_ok();
    assert!(build.exists("/press/unlisted/"), "unlisted pages are built");
    assert_not_in_search(&site.out(), &words);
    assert_eq!(read_json(&site.out(), "search/meta.json")["docs"], 1);

    let preview = site.build_args(&["--drafts"]);
    preview.assert_ok();
    assert!(preview.exists("/press/draft/"), "drafts are previewed");
    assert_not_in_search(&site.out(), &words);
    assert_eq!(read_json(&site.out(), "search/meta.json")["docs"], 1);
}

#[test]
fn the_search_page_is_an_accessible_get_form_in_every_language() {
    let site = multilingual_site();
    let run = site.build_ok();
    assert!(run.exists("/search.js"), "the theme ships search.js");
    for (url, lang) in [
        ("/search/", "en"),
        ("/fr/search/", "fr"),
        ("/ko/search/", "ko"),
    ] {
        let html = run.html(url);
        let form = "form[role=search][method=get]";
        assert_eq!(attrs(&html, form, "action"), [url.to_string()], "{url}");
        for (id, name) in [
            ("search-input", "q"),
            ("search-kind", "kind"),
            ("search-lang", "lang"),
            ("search-year", "year"),
        ] {
            assert_eq!(
                attrs(&html, &format!("{form} #{id}"), "name"),
                [name],
                "{url}"
            );
            assert_eq!(
                texts(&html, &format!("label[for={id}]")).len(),
                1,
                "{url}: #{id} has a label"
            );
        }
        // The language filter defaults to the page's language, with an "all" option.
        assert_eq!(
            attrs(&html, "#search-lang option[selected]", "value"),
            [lang]
        );
        assert_eq!(attrs(&html, "#search-lang option", "value")[0], "");
        assert_eq!(attrs(&html, "#search-status", "aria-live"), ["polite"]);
        assert_eq!(html.select(&sel("ol#search-results")).count(), 1);
        assert_eq!(html.select(&sel("noscript")).count(), 1, "{url}");
        assert_eq!(attrs(&html, "script[src]", "src"), ["/search.js"]);
        assert_eq!(attrs(&html, "#search", "data-index"), ["/search/"]);
    }
    let fr = run.html("/fr/search/");
    assert_eq!(texts(&fr, "label[for=search-lang]"), ["Langue"]);
}

#[test]
fn search_js_tokenizes_like_the_rust_side() {
    let Ok(version) = std::process::Command::new("node").arg("--version").output() else {
        eprintln!("node is not installed: skipping the search.js tokenizer comparison");
        return;
    };
    assert!(version.status.success());
    let samples = [
        "L'ÉCOLOGIE industrielle, Förändring på Åland, Straße, Œuvre",
        "e\u{301}cologie et ＡＢＣ１２３",
        "4,200 jobs; 3.5 %; 4\u{202f}200; 4 200; COVID-19",
        "研究所を開設 株 AI研究 東京2026年",
        "부산 연구소는 차세대 배터리를 개발합니다 연구소",
        "Σίσυφος ΣΑΣ Привет мир שלום עולם مرحبا",
        "x",
        "",
    ];
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    let script = format!(
        "const s = require({js:?}); const samples = {samples}; \
         console.log(JSON.stringify(samples.map(x => [s.tokens(x), s.query(x), s.fnv1a32(x)])));",
        js = js.to_str().expect("utf-8 path"),
        samples = serde_json::to_string(&samples).expect("json"),
    );
    let out = std::process::Command::new("node")
        .args(["-e", &script])
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).expect("node printed JSON");
    for (sample, js) in samples.iter().zip(&got) {
        let q = search::query(sample);
        let expected = serde_json::json!([
            search::tokens(sample),
            {"required": q.required, "optional": q.optional},
            search::fnv1a32(sample),
        ]);
        assert_eq!(js, &expected, "sample `{sample}`");
    }
}

/// The multilingual site with English items for prefixes, stems and typos.
fn matching_site() -> SiteTest {
    let site = multilingual_site();
    for (file, title, date, body) in [
        (
            "2026-09-01-battery.md",
            "A battery plant for Lyon",
            "2026-09-01",
            "The batteries come from recycled cells.",
        ),
        (
            "2026-09-02-launched.md",
            "Rover launched",
            "2026-09-02",
            "The rover was launched today from the coast.",
        ),
        (
            "2026-09-03-launch.md",
            "We launch a satellite",
            "2026-09-03",
            "A new satellite for the coast.",
        ),
        (
            "2026-09-04-launchpad.md",
            "Launchpad for startups",
            "2026-09-04",
            "A programme for young companies.",
        ),
        (
            "2026-09-05-batch.md",
            "Batch of results",
            "2026-09-05",
            "Quarterly numbers for the cells division.",
        ),
    ] {
        site.file(
            &format!("content/press/{file}"),
            &item(title, date, "", body),
        );
    }
    site
}

/// What search.js's `Searcher` finds for each `(query, language filter)` on the index in
/// `out`, run by node: the URLs in the filter's language and those in other languages. `None`
/// when node is not installed.
fn js_search(out: &Path, queries: &[(&str, &str)]) -> Option<Vec<(Vec<String>, Vec<String>)>> {
    let script = format!(
        "const s = require({{js}}); const fs = require('fs'); \
         const load = n => Promise.resolve(JSON.parse(fs.readFileSync({{dir}} + n, 'utf8'))); \
         const sr = new s.Searcher(load); \
         const urls = l => Promise.all(l.map(h => sr.record(h.doc).then(r => r.url))); \
         sr.ready.then(async () => {{ const out = []; \
           for (const [q, lang] of {queries}) {{ \
             const r = await sr.search(q, {{lang}}); \
             out.push([await urls(r.hits), await urls(r.others)]); }} \
           console.log(JSON.stringify(out)); }});",
        queries = serde_json::to_string(queries).expect("json"),
    );
    run_node(out, "search.js matching", &script)
}

/// The URLs search.js finds for `q` in any language.
pub(crate) fn found(out: &Path, q: &str) -> Option<Vec<String>> {
    js_search(out, &[(q, "")]).map(|mut r| r.remove(0).0)
}

#[test]
fn a_typed_prefix_finds_whole_words_first() {
    let site = matching_site();
    site.build_ok();
    let out = site.out();
    let Some(batt) = found(&out, "batt") else {
        return;
    };
    assert_eq!(
        batt,
        ["/press/battery/"],
        "`batt` is a prefix of battery(ies)"
    );
    // Three characters are enough; `bat` also begins `batch`.
    let bat = found(&out, "Bat").expect("node");
    assert_eq!(bat.len(), 2, "{bat:?}");
    // The whole word `launch` in a title outranks the prefix of `launchpad` in a newer
    // item's title; `launched` shares its stem.
    let launch = found(&out, "launch").expect("node");
    assert_eq!(
        launch,
        ["/press/launch/", "/press/launched/", "/press/launchpad/"],
    );
    // Two words, the second still being typed.
    assert_eq!(
        found(&out, "rover coa").expect("node"),
        ["/press/launched/"]
    );
    // CJK and Hangul keep their bigrams.
    assert_eq!(found(&out, "研究所").expect("node"), ["/ja/press/osaka/"]);
    assert_eq!(found(&out, "연구소").expect("node"), ["/ko/press/busan/"]);
    // French and English stems meet: `ecologie` and `ecology` are both `ecolog`, after the
    // whole-word matches.
    assert_eq!(
        found(&out, "écologie").expect("node"),
        [
            "/fr/press/ecology-title/",
            "/fr/press/ecology/",
            "/press/plant/"
        ]
    );
}

#[test]
fn stems_fold_inflections_from_the_index() {
    let site = matching_site();
    site.build_ok();
    let out = site.out();
    let index = Index::open(&out);
    // The index lists English stems beside the words of English documents.
    assert_eq!(index.stems("launched"), ["launch"]);
    assert_eq!(index.stems("batteries"), ["batteri"]);
    assert!(
        index.stems("launch").is_empty(),
        "a stem equal to its word is left out"
    );
    let Some(launches) = found(&out, "launches") else {
        return;
    };
    // `launches` is in no document: its ending is dropped onto an indexed stem.
    assert_eq!(launches, ["/press/launch/", "/press/launched/"]);
    assert_eq!(
        found(&out, "launched").expect("node"),
        ["/press/launched/", "/press/launch/"]
    );
    assert_eq!(
        found(&out, "battery").expect("node"),
        ["/press/battery/"],
        "battery and batteries share the stem batteri"
    );
}

#[test]
fn an_adverb_folds_onto_its_stem_but_a_short_one_does_not() {
    let site = matching_site();
    site.file(
        "content/press/2026-09-06-quarter.md",
        &item(
            "Third quarter results",
            "2026-09-06",
            "",
            "An app for growers, and the figures of the week.",
        ),
    );
    site.build_ok();
    let out = site.out();
    // `weekly` is in no document: it is Snowball's `week` + `ly`, and finds the item that
    // says `week` (as `quarterly` finds `quarter` on a site without the adverb).
    let Some(weekly) = found(&out, "weekly") else {
        return;
    };
    assert_eq!(weekly, ["/press/quarter/"]);
    // Where the adverb is indexed, its stem comes from the index: the batch item says
    // `quarterly`; the quarter item, whose title also has `results`, ranks first.
    assert_eq!(
        found(&out, "quarterly results").expect("node"),
        ["/press/quarter/", "/press/batch/"]
    );
    // `apply` is in no document, and `app` + `ly` is not how English makes it: no result.
    assert!(found(&out, "apply").expect("node").is_empty());
}

#[test]
fn one_typo_finds_the_word_and_nonsense_finds_nothing() {
    let site = matching_site();
    site.build_ok();
    let out = site.out();
    let Some(batery) = found(&out, "batery") else {
        return;
    };
    assert_eq!(batery, ["/press/battery/"]);
    assert_eq!(found(&out, "satelite").expect("node"), ["/press/launch/"]);
    for nonsense in ["batzzqy", "xqzvwyk", "batterxyz"] {
        assert!(
            found(&out, nonsense).expect("node").is_empty(),
            "`{nonsense}` finds nothing"
        );
    }
    // Short words get no typo tolerance: `rovr` is not `rover`.
    assert!(found(&out, "rovr").expect("node").is_empty());
}

#[test]
fn other_languages_results_are_offered_when_the_page_language_has_none() {
    let site = matching_site();
    site.build_ok();
    let Some(results) = js_search(
        &site.out(),
        &[("usine", "en"), ("usine", "fr"), ("rover", "fr")],
    ) else {
        return;
    };
    let (hits, others) = &results[0];
    assert!(hits.is_empty(), "{hits:?}");
    assert_eq!(others, &["/fr/press/ecology/"]);
    assert_eq!(results[1], (vec!["/fr/press/ecology/".to_string()], vec![]));
    assert_eq!(results[2], (vec![], vec!["/press/launched/".to_string()]));
    // The page carries the line that counts them, in its language.
    let run = site.build_ok();
    for (url, text) in [
        ("/search/", "{n} results in other languages:"),
        ("/fr/search/", "{n} résultats dans d’autres langues :"),
        ("/ko/search/", "다른 언어로 된 결과 {n}건:"),
    ] {
        let html = run.html(url);
        assert_eq!(
            attrs(&html, "#search", "data-others-other"),
            [text],
            "{url}"
        );
        assert_eq!(attrs(&html, "#search", "data-others-one").len(), 1, "{url}");
    }
}

/// A shard holds several prefixes (by hash): a typo match keeps the typed word's first three
/// characters, so which words share a shard never changes what a typo finds.
#[test]
fn a_typo_never_crosses_into_another_prefix_of_the_shard() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("node is not installed: skipping search.js expand");
        return;
    }
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    let script = format!(
        "const s = require({js:?}); \
         const shard = {{battery: [4], xatery: [8], bqttery: [12], 'batteri': [16]}}; \
         console.log(JSON.stringify([...s.expand('batery', shard).keys()].sort()));",
        js = js.to_str().expect("utf-8 path"),
    );
    let run = std::process::Command::new("node")
        .args(["-e", &script])
        .output()
        .expect("node runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let words: Vec<String> = serde_json::from_slice(&run.stdout).expect("JSON");
    assert_eq!(words, ["battery"]);
}

/// The text Pagefind would index from a page: inside `[data-pagefind-body]`, leaving out
/// `[data-pagefind-ignore]` subtrees and the elements Pagefind skips by default (`footer`,
/// `nav`, `script`, `form`), so tags inside a `<footer>` would be lost here as they are there.
fn pagefind_text(html: &scraper::Html) -> String {
    fn walk(el: scraper::ElementRef<'_>, out: &mut String) {
        let e = el.value();
        if matches!(e.name(), "footer" | "nav" | "script" | "form")
            || e.attr("data-pagefind-ignore").is_some()
        {
            return;
        }
        for child in el.children() {
            if let Some(t) = child.value().as_text() {
                out.push_str(t);
                out.push(' ');
            } else if let Some(c) = scraper::ElementRef::wrap(child) {
                walk(c, out);
            }
        }
    }
    let mut out = String::new();
    for body in html.select(&sel("[data-pagefind-body]")) {
        walk(body, &mut out);
    }
    out
}

#[test]
fn item_pages_carry_pagefind_markup() {
    let t = SiteTest::new();
    t.file(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://example.com\"\nboilerplate = \"Boilerplatewords about the company.\"\n",
    )
    .file(
        "data/contacts.toml",
        "[press]\nname = \"Contactperson Office\"\nemail = \"press@example.com\"\n",
    );
    for (slug, title) in [("plant", "Plant opens"), ("other", "Other plant news")] {
        t.file(
            &format!("content/press/2026-11-01-{slug}.md"),
            &format!(
                "+++\ntitle = \"{title}\"\ndate = 2026-11-01T09:00:00Z\nkind = \"release\"\ncontacts = [\"press\"]\ntags = [\"uniquetag\"]\n+++\n\nThe bodyword plant employs 400 people.\n"
            ),
        );
    }
    let run = t.build_ok();
    let page = run.html("/press/plant/");

    let bodies: Vec<_> = page.select(&sel("[data-pagefind-body]")).collect();
    assert_eq!(bodies.len(), 1, "one data-pagefind-body per item page");
    assert_eq!(bodies[0].value().name(), "article");
    let text = pagefind_text(&page);
    assert!(text.contains("Plant opens"), "the title is indexed: {text}");
    assert!(text.contains("bodyword"), "the body is indexed: {text}");
    assert!(
        text.contains("uniquetag"),
        "tags are indexed (outside <footer>): {text}"
    );
    for boilerplate in [
        "Boilerplatewords",
        "Contactperson",
        "Other plant news",
        "Test Newsroom",
    ] {
        assert!(
            !text.contains(boilerplate),
            "`{boilerplate}` is not indexed: {text}"
        );
    }
    // Each boilerplate block says so itself, for themes that move the body attribute.
    for block in [
        ".boilerplate",
        ".contacts",
        ".site-header",
        ".site-footer",
        ".item-footer",
        "aside.related",
    ] {
        let found: Vec<_> = page.select(&sel(block)).collect();
        assert!(!found.is_empty(), "{block} is on the page");
        assert!(
            found
                .iter()
                .all(|e| e.value().attr("data-pagefind-ignore").is_some()),
            "{block} has data-pagefind-ignore"
        );
    }
    assert_eq!(
        attrs(&page, "[data-pagefind-filter]", "data-pagefind-filter"),
        ["kind:release", "year:2026"]
    );
    assert_eq!(
        attrs(&page, "[data-pagefind-meta]", "data-pagefind-meta"),
        ["date:2026-11-01"]
    );
    // List pages are not items: Pagefind skips pages without a body once any page has one.
    assert_eq!(
        run.html("/").select(&sel("[data-pagefind-body]")).count(),
        0
    );
}

/// A generated newsroom of `n` items: every item has the common words `customer`, `results`,
/// `quarterly`, `product`, `support`, `form` and `formula`; item `i` also has the rare word
/// `rare{letters of i}` (in one item only) and `medium{i % 4}` (in a quarter of the items).
fn generated_site(n: usize) -> SiteTest {
    let site = SiteTest::empty();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n"),
    );
    site.file("content/_index.md", "+++\ntitle = \"T\"\n+++\n");
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    );
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2020 + i / (28 * 12);
        site.file(
            &format!("content/press/item-{i}.md"),
            &item(
                &format!("Update number {i}"),
                &format!("{year}-{month:02}-{day:02}"),
                "",
                &format!(
                    "Our customer results this quarterly period: product support. \
                     Word zq{} and medium{}. A form and its formula.",
                    rare_word(i),
                    i % 4
                ),
            ),
        );
    }
    site
}

/// A letters-only word for `i` (numbers would not be words to stem or prefix).
fn rare_word(i: usize) -> String {
    let mut s = String::new();
    let mut i = i;
    loop {
        s.push((b'a' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return s;
        }
    }
}

/// What one query fetched: the files, their bytes, its hits and the index words it matched.
type Fetched = (Vec<String>, u64, usize, Vec<String>);

/// Runs each query through search.js's `Searcher` on `out`'s index, each after the previous
/// (the files of earlier queries cached, as on one page), and gives for each: the files it
/// fetched, their total bytes, its hits and the index words it matched. `None` when node is
/// not installed.
fn js_fetches(out: &Path, queries: &[&str]) -> Option<Vec<Fetched>> {
    let script = format!(
        "const s = require({{js}}); const fs = require('fs'); \
         const cache = {{}}; let got = []; \
         const load = n => {{ if (!cache[n]) {{ const b = fs.readFileSync({{dir}} + n); \
           got.push([n, b.length]); cache[n] = Promise.resolve(JSON.parse(b.toString())); }} \
           return cache[n]; }}; \
         const sr = new s.Searcher(load); \
         sr.ready.then(async () => {{ const out = []; \
           for (const q of {queries}) {{ \
             const r = await sr.search(q, {{}}); \
             await sr.records(r.hits.slice(0, s.PAGE).map(h => h.doc), r.tops); \
             out.push([got.map(f => f[0]), got.reduce((a, f) => a + f[1], 0), r.hits.length, r.words]); \
             got = []; }} \
           console.log(JSON.stringify(out)); }});",
        queries = serde_json::to_string(queries).expect("json"),
    );
    run_node(out, "search.js fetches", &script)
}

/// Runs `script` (which prints one JSON value) in node with search.js at `{js}` and the index
/// folder at `{dir}` substituted; None (with a note) when node is not installed.
fn run_node<T: serde::de::DeserializeOwned>(out: &Path, what: &str, script: &str) -> Option<T> {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("node is not installed: skipping {what}");
        return None;
    }
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    let script = script
        .replace("{js}", &format!("{:?}", js.to_str().expect("utf-8 path")))
        .replace(
            "{dir}",
            &format!("{:?}", format!("{}/search/", out.display())),
        );
    let run = std::process::Command::new("node")
        .args(["-e", &script])
        .output()
        .expect("node runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    Some(serde_json::from_slice(&run.stdout).expect("node printed JSON"))
}

/// meta.json's common words match, in search.js, exactly the words their word lists match
/// (finished or being typed), and a query of common words fetches no word list.
#[test]
fn common_words_need_no_word_list() {
    let site = generated_site(200);
    site.build_ok();
    let out = site.out();
    let index = Index::open(&out);
    let common = index.meta["common"].as_object().expect("common").clone();
    let complete: Vec<(u64, String)> = (common.iter())
        .flat_map(|(n, c)| {
            let n: u64 = n.parse().expect("a word list number");
            (c["complete"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter())
            .map(move |w| (n, w.as_str().expect("a word").to_string()))
        })
        .collect();
    for word in [
        "customer",
        "results",
        "quarterly",
        "product",
        "support",
        "form",
    ] {
        assert!(
            complete.iter().any(|(_, w)| w == word),
            "{word}: {complete:?}"
        );
    }
    let script = format!(
        "const s = require({{js}}); const fs = require('fs'); \
         const meta = JSON.parse(fs.readFileSync({{dir}} + 'meta.json', 'utf8')); \
         const same = {complete}.every(([n, w]) => {{ \
           const list = JSON.parse(fs.readFileSync({{dir}} + 'index-' + n + '.json', 'utf8')); \
           const found = l => [true, false].map(p => [...s.expand(w, l, p)].sort()); \
           return JSON.stringify(found(list)) === JSON.stringify(found(meta.common[n].words)); }}); \
         console.log(JSON.stringify(same));",
        complete = serde_json::to_string(&complete).expect("json"),
    );
    let Some(same) = run_node::<bool>(&out, "common words", &script) else {
        return;
    };
    assert!(
        same,
        "a common word matches other words from meta.json than from its list"
    );
    let runs = js_fetches(&out, &["customer results", "quarterly form"]).expect("node");
    for (files, _, hits, _) in &runs {
        assert_eq!(*hits, 200);
        assert!(files.iter().all(|f| !f.starts_with("index-")), "{files:?}");
    }
}

/// Two levels: a query fetches its tokens' word lists, then only the packs holding the
/// postings of the words it matched; a rare word's postings come with its word list. So a
/// query for a rare word downloads a small part of an index whose common words' postings are
/// large, and a second query fetches only what the first did not.
#[test]
fn a_query_fetches_only_the_word_lists_and_packs_it_needs() {
    let n = 400;
    let site = generated_site(n);
    site.build_ok();
    let out = site.out();
    let index = Index::open(&out);
    assert_eq!(index.meta["version"], 5);
    // Four records to a file: scattered hits without a top file fetch one each.
    assert_eq!(index.meta["chunk_size"], 4);
    let files = site.files();
    let size = |f: &str| std::fs::metadata(out.join(f)).map_or(0, |m| m.len());
    let postings_bytes: u64 = files
        .iter()
        .filter(|f| f.starts_with("search/post-"))
        .map(|f| size(f))
        .sum();
    // Each common word's postings (one per item) have a pack of their own.
    for word in ["customer", "results", "quarterly", "product", "support"] {
        assert_eq!(index.postings(word).len(), n, "{word}");
    }
    assert!(postings_bytes > n as u64, "{postings_bytes}");
    let Some(runs) = js_fetches(
        &out,
        &[
            "zqbc",
            "customer",
            "customer results",
            "medium2",
            "zqbd",
            "cust",
            "form support",
            "support form",
        ],
    ) else {
        return;
    };
    let kinds = |files: &[String], prefix: &str| -> Vec<String> {
        files
            .iter()
            .filter(|f| f.starts_with(prefix))
            .cloned()
            .collect()
    };
    // A rare word: meta (with the filters), its word list (with its postings), its record;
    // three requests, no pack.
    let (rare, _, hits, _) = &runs[0];
    assert_eq!(*hits, 1, "{rare:?}");
    assert_eq!(kinds(rare, "index-").len(), 1, "{rare:?}");
    assert!(kinds(rare, "post-").is_empty(), "{rare:?}");
    let (list, record) = (kinds(rare, "index-"), kinds(rare, "docs-"));
    assert_eq!(
        rare,
        &["meta.json", list[0].as_str(), record[0].as_str()],
        "{rare:?}"
    );
    let index_bytes: u64 = kinds(rare, "index-")
        .iter()
        .map(|f| size(&format!("search/{f}")))
        .sum();
    assert!(
        index_bytes < postings_bytes,
        "a rare word fetched {index_bytes} bytes of index; the postings are {postings_bytes}"
    );
    // A common word: the pack holding its postings, and that pack alone.
    let (common, _, hits, _) = &runs[1];
    assert_eq!(*hits, n);
    let packs = kinds(common, "post-");
    assert_eq!(packs.len(), 1, "{common:?}");
    let pack = read_json(&out, &format!("search/{}", packs[0]));
    assert!(pack.get("customer").is_some(), "{pack}");
    // Each pack a query fetches holds a word it matched.
    let holds = |files: &[String], word: &str| {
        kinds(files, "post-")
            .iter()
            .all(|f| read_json(&out, &format!("search/{f}")).get(word).is_some())
    };
    // The second word of a query: at most its own word list and pack are new (the records of
    // the first screen were fetched by the previous query).
    let (second, _, hits, _) = &runs[2];
    assert_eq!(*hits, n);
    assert!(kinds(second, "docs").is_empty(), "{second:?}");
    assert!(kinds(second, "index-").len() <= 1, "{second:?}");
    assert!(kinds(second, "post-").len() <= 1, "{second:?}");
    assert!(holds(second, "results"), "{second:?}");
    // A word in a quarter of the items: its pack if not yet fetched (packs hold neighbours).
    let (medium, _, hits, _) = &runs[3];
    assert_eq!(*hits, n / 4);
    assert!(kinds(medium, "post-").len() <= 1, "{medium:?}");
    assert!(holds(medium, "medium2"), "{medium:?}");
    // Another rare word of the same word list: its record file only.
    let (again, _, hits, _) = &runs[4];
    assert_eq!(*hits, 1);
    assert!(again.iter().all(|f| f.starts_with("docs-")), "{again:?}");
    // A typed prefix fetches the packs of the words it begins, and no other.
    let (prefix, _, hits, _) = &runs[5];
    assert_eq!(*hits, n);
    assert!(kinds(prefix, "post-").is_empty(), "cached: {prefix:?}");
    // Only the word being typed (the last) takes prefixes: a finished `form` is not
    // `formula`, so a long query does not fetch the postings of every longer word.
    let (finished, _, _, words) = &runs[6];
    assert!(words.contains(&"form".to_string()), "{words:?}");
    assert!(
        !words.contains(&"formula".to_string()),
        "{finished:?} {words:?}"
    );
    let (_, _, _, words) = &runs[7];
    assert!(words.contains(&"formula".to_string()), "{words:?}");
    // Every pack any query fetched holds a word that query matched.
    for (files, _, _, words) in &runs {
        for pack in kinds(files, "post-") {
            let pack = read_json(&out, &format!("search/{pack}"));
            assert!(
                words.iter().any(|w| pack.get(w).is_some()),
                "a pack of none of {words:?}: {files:?}"
            );
        }
    }
}

/// The generated site with the word `fjord` in twelve items spread over its months (one in
/// every record file or so): a word with scattered hits, its postings in its word list.
fn scattered_site(n: usize) -> SiteTest {
    let site = generated_site(n);
    for i in 0..12 {
        let (month, day) = ([1, 3, 4, 5, 6, 7][i / 2], 29 + i % 2);
        site.file(
            &format!("content/press/fjord-{i}.md"),
            &item(
                &format!("Harbour note {i}"),
                &format!("2020-{month:02}-{day:02}"),
                "",
                "A walk along the fjord.",
            ),
        );
    }
    site
}

/// A first screen of scattered results costs one request for its records: the top file of
/// the word, not one record file per result (which made a one-word query cost as many
/// requests as Pagefind's one fragment per result). Rare words (inline postings), words with
/// a pack and common words alike: meta.json, the word's list or pack, one top file.
#[test]
fn scattered_results_come_from_one_top_file() {
    let site = scattered_site(200);
    site.build_ok();
    let out = site.out();
    let index = Index::open(&out);
    assert_eq!(index.postings("fjord").len(), 12);
    assert_eq!(index.postings("medium2").len(), 50);
    for q in ["fjord", "medium2", "customer", "fjor"] {
        let Some(runs) = js_fetches(&out, &[q]) else {
            return;
        };
        let (files, _, hits, _) = &runs[0];
        assert!(*hits >= 12, "{q}: {hits}");
        let tops = files.iter().filter(|f| f.starts_with("top-")).count();
        let records = files.iter().filter(|f| f.starts_with("docs-")).count();
        assert_eq!((tops, records), (1, 0), "{q}: {files:?}");
        assert!(files.len() <= 3, "{q}: {files:?}");
    }
    // The next screen, and a query whose results are in no word's screen, read record
    // files: the same records either way (below).
    let script = "const s = require({js}); const fs = require('fs'); \
         const load = n => Promise.resolve(JSON.parse(fs.readFileSync({dir} + n, 'utf8'))); \
         const sr = new s.Searcher(load); \
         sr.ready.then(async () => { const out = []; \
           for (const q of ['fjord', 'medium2', 'customer', 'fjord walk', 'medium1 zqb']) { \
             const r = await sr.search(q, {}); \
             for (const at of [0, s.PAGE]) { \
               const docs = r.hits.slice(at, at + s.PAGE).map(h => h.doc); \
               const a = (await sr.records(docs, r.tops)).map(x => x.url); \
               const b = await Promise.all(docs.map(d => sr.record(d).then(x => x.url))); \
               out.push([q, a, b]); } } \
           console.log(JSON.stringify(out)); });";
    let Some(runs) = run_node::<Vec<(String, Vec<String>, Vec<String>)>>(&out, "records", script)
    else {
        return;
    };
    for (q, from_tops, from_records) in runs {
        assert_eq!(from_tops, from_records, "{q}");
        assert!(!from_tops.is_empty() || q == "medium1 zqb", "{q}");
    }
}

/// search.js computes a word's screen from its postings exactly as the build did: for every
/// word with a top file, the documents search.js expects there are the file's.
#[test]
fn search_js_knows_what_each_top_file_holds() {
    let site = multilingual_site();
    // Enough items for records four to a file (a small site's are one file, with no tops).
    for i in 0..120 {
        let (lang, suffix) = if i % 3 == 0 {
            ("fr", ".fr")
        } else {
            ("en", "")
        };
        site.file(
            &format!(
                "content/press/2026-0{}-{:02}-note-{i}{suffix}.md",
                1 + i % 6,
                1 + i
            ),
            // `station` in some titles: a screen takes them before the newer bodies.
            &item(
                &if i % 5 == 0 {
                    format!("Station {i}")
                } else {
                    format!("Note {i}")
                },
                &format!("2026-0{}-{:02}", 1 + i % 6, 1 + i % 28),
                &format!("lang = \"{lang}\"\n"),
                "A station. Its summary runs to the length of a snippet, so the records of \
                 these items are too many bytes for one record file: four to a file.",
            ),
        );
    }
    site.build_ok();
    let out = site.out();
    let meta = read_json(&out, "search/meta.json");
    assert!(meta["tops"].as_u64().is_some_and(|n| n > 0), "{meta}");
    let script = "const s = require({js}); const fs = require('fs'); \
         const read = n => JSON.parse(fs.readFileSync({dir} + n, 'utf8')); \
         const meta = read('meta.json'); const bad = []; let checked = 0; \
         for (let n = 0; n < meta.shards; n++) { \
           const list = read('index-' + n + '.json'); \
           for (const [w, e] of Object.entries(list)) { \
             const i = e.findIndex(x => typeof x !== 'string'); \
             if (e.length <= i + 1) continue; \
             const p = typeof e[i] === 'number' ? read('post-' + e[i] + '.json')[w] : e[i]; \
             const want = s.screen(s.decode(p), meta.columns.lang, meta.top_size).sort((a, b) => a - b); \
             const got = Object.keys(read('top-' + e[i + 1] + '.json')).map(Number).sort((a, b) => a - b); \
             checked++; \
             if (JSON.stringify(want) !== JSON.stringify(got)) bad.push([w, want, got]); } } \
         console.log(JSON.stringify([checked, bad]));";
    let Some((checked, bad)) = run_node::<(usize, Vec<Value>)>(&out, "screens", script) else {
        return;
    };
    assert!(checked > 0);
    assert!(bad.is_empty(), "{bad:?}");
}

/// An index kept up to date edit by edit, which lays out again only the word lists and packs
/// an edit touches and hands over only the files that changed, gives the bytes of a full
/// build after each edit: on a generated site of several word lists, packs, top files and
/// record files, through body edits of new, rare and common words, summaries (records in
/// record and top files), titles, dates (documents in a new order) and words taken out.
#[test]
fn an_index_updated_edit_by_edit_gives_the_files_of_a_full_build() {
    let n = 160;
    let site = generated_site(n);
    let root = site.root();
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let opts = pressroom::BuildOptions::new(&root, now);
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    cache.rebuild(&opts).expect("first build");
    shared.rebuild(&opts).expect("first build");
    let full = pressroom::render_in_memory(&opts).expect("a full build");
    let files = |prefix: &str| {
        (full.outputs.iter())
            .filter(|o| o.path.starts_with(prefix))
            .count()
    };
    assert!(files("/search/index-") > 1, "one word list");
    assert!(files("/search/post-") > 1, "no packs");
    assert!(files("/search/top-") > 1, "no top files");
    let words = [
        "customer",
        "support",
        "zqnew",
        "fjord",
        "quarterly",
        "medium2",
        "zqb",
        "formulas",
    ];
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % m as u64) as usize
    };
    for step in 0..24 {
        // The newest items (in every word's first screen) more often than the others; the
        // oldest now and then (a year earlier by a day, it keeps its place: meta.json's
        // columns change, not the documents' order).
        let i = match step % 6 {
            5 => 0,
            s if s % 2 == 0 => n - 1 - next(8),
            _ => next(n),
        };
        let file = root.join(format!("content/press/item-{i}.md"));
        let text = std::fs::read_to_string(&file).expect("read");
        let word = words[next(words.len())];
        let (edited, what) = match if i == 0 { 6 } else { next(6) } {
            0 | 1 => (format!("{text}\nAnd {word} {step}.\n"), "body word"),
            2 => (
                text.replacen(
                    "+++\n\n",
                    &format!("summary = \"On {word}, {step}.\"\n+++\n\n"),
                    1,
                ),
                "summary",
            ),
            3 => (
                text.replacen("title = \"", &format!("title = \"{word} "), 1),
                "title",
            ),
            4 => (text.replacen("date = 20", "date = 19", 1), "date"),
            5 => (
                text.replace("customer", "").replace("medium", "m"),
                "words taken out",
            ),
            _ => (
                text.replace("date = 2020-01-01", "date = 2019-12-31"),
                "year",
            ),
        };
        std::fs::write(&file, edited).expect("write");
        cache.invalidate([file.as_path()]);
        shared.changed([file.as_path()]);
        let what = format!("edit {step}: {what} of item {i}");
        crate::serve::compare_builds(&opts, &mut cache, &mut shared, &what);
    }
}
