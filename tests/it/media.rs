//! The media library: press kits under `content/media/`, their pages with download links
//! (originals byte for byte, web sizes that exist at their stated size, SHA-256 that match),
//! each kit's ZIP (exactly its originals, identical across builds), the "Media kit" block of
//! items that name a kit, errors at their line, and an embargoed kit that leaves no trace.

use crate::common::*;
use crate::images::jpeg;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

const KIT: &str = "+++
title = \"Q3 2026 results\"
date = 2026-10-01
credit = \"Example Corp\"
licence = \"editorial\"

[[assets]]
file = \"ceo.jpg\"
title = \"Ada Lindqvist, CEO\"
alt = \"Ada Lindqvist at the Skellefteå plant\"
caption = \"The CEO at the plant\"
credit = \"Jo Photographer\"
copyright = \"© 2026 Example Corp\"
licence = \"cc-by-4.0\"

[[assets]]
file = \"logos/mark.svg\"
title = \"Logo\"
alt = \"The Example Corp logo\"
+++
";

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n";

/// A site with one kit `q3-2026` (a 2000 px photo, an SVG logo, a PDF) and a release that
/// names it.
fn site_with_kit() -> SiteTest {
    let site = SiteTest::new();
    site.file("content/media/q3-2026/index.md", KIT)
        .file("content/media/q3-2026/logos/mark.svg", SVG)
        .file("content/media/q3-2026/facts.pdf", "%PDF-1.4 facts\n")
        .file(
            "content/press/results.md",
            &item(
                "Q3 results",
                "2026-10-02",
                "kind = \"release\"\nmedia = [\"q3-2026\"]\n",
                "Numbers.",
            ),
        );
    write_bytes(
        &site,
        "content/media/q3-2026/ceo.jpg",
        &jpeg(2000, 1500, false),
    );
    site
}

fn write_bytes(site: &SiteTest, rel: &str, bytes: &[u8]) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The entries of a ZIP, read from its local headers: (name, bytes, method, mod time, date).
fn zip_entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]);
    let mut entries = Vec::new();
    let mut at = 0;
    while u32_at(at) == 0x0403_4b50 {
        assert_eq!(u16_at(at + 8), 0, "STORED");
        let crc = u32_at(at + 14);
        let size = u32_at(at + 22) as usize;
        let (name_len, extra_len) = (u16_at(at + 26), u16_at(at + 28));
        let name = String::from_utf8(zip[at + 30..at + 30 + name_len].to_vec()).expect("utf-8");
        let start = at + 30 + name_len + extra_len;
        let data = zip[start..start + size].to_vec();
        assert_eq!(crc32(&data), crc, "CRC of {name}");
        entries.push((name, data));
        at = start + size;
    }
    assert_eq!(
        u32_at(at),
        0x0201_4b50,
        "the central directory follows the files"
    );
    let end = zip.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "the end record closes the file");
    assert_eq!(
        u16_at(end + 10),
        entries.len(),
        "the end record counts every entry"
    );
    entries
}

/// CRC-32 (IEEE), bit by bit: independent of the code under test.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn read(out: &Path, url: &str) -> Vec<u8> {
    std::fs::read(out.join(url.trim_start_matches('/'))).unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[test]
fn a_kit_page_offers_each_original_byte_for_byte_and_web_sizes_that_exist() {
    let site = site_with_kit();
    let run = site.build_ok();
    let page = run.html("/media/q3-2026/");
    // The photo: the original link serves the committed bytes, with their size and hash.
    let original = site.root().join("content/media/q3-2026/ceo.jpg");
    let original = std::fs::read(original).expect("original");
    let photo = page
        .select(&sel("#asset-ceo-jpg"))
        .next()
        .expect("the photo's anchor");
    let links: Vec<(String, String)> = photo
        .select(&sel(".media-downloads a"))
        .map(|a| {
            (
                a.value().attr("href").expect("href").to_string(),
                text_of(a),
            )
        })
        .collect();
    let hashes: Vec<String> = photo
        .select(&sel(".media-downloads .sha256"))
        .map(text_of)
        .collect();
    assert_eq!(links[0].0, "/media/q3-2026/ceo.jpg");
    assert_eq!(
        read(&run.out, &links[0].0),
        original,
        "byte-identical original"
    );
    assert!(links[0].1.contains("2000 × 1500 px"), "{:?}", links[0]);
    assert_eq!(hashes[0], sha256(&original));
    // Each web size exists, has the stated pixel size and hash.
    assert!(links.len() >= 3, "web sizes offered: {links:?}");
    for ((url, label), hash) in links.iter().zip(&hashes).skip(1) {
        let bytes = read(&run.out, url);
        let img = image::load_from_memory(&bytes).expect("decodes");
        assert!(
            label.contains(&format!("{} × {} px", img.width(), img.height())),
            "{url}: {label}"
        );
        assert_eq!(hash, &sha256(&bytes), "{url}");
    }
    // Metadata from the kit's entry, the kit's defaults for the others.
    assert_eq!(
        texts(&page, "#asset-ceo-jpg .media-credit"),
        ["Jo Photographer"]
    );
    assert_eq!(texts(&page, "#asset-ceo-jpg .media-licence"), ["CC BY 4.0"]);
    assert_eq!(
        texts(&page, "#asset-logos-mark-svg .media-credit"),
        ["Example Corp"]
    );
    // The SVG logo is served as is; the PDF is listed with its type and size.
    assert_eq!(
        read(&run.out, "/media/q3-2026/logos/mark.svg"),
        SVG.as_bytes()
    );
    let pdf = texts(&page, "#asset-facts-pdf .media-original a");
    assert_eq!(pdf, ["PDF · 15 B"]);
    // Every image has its alt text.
    for img in page.select(&sel("main img")) {
        assert!(img.value().attr("alt").is_some_and(|a| !a.is_empty()));
    }
    // The library page shows the kit with thumbnails.
    let library = run.html("/media/");
    assert_eq!(
        attrs(&library, ".media-kit-card h2 a", "href"),
        ["/media/q3-2026/"]
    );
    assert_eq!(library.select(&sel(".media-kit-card img")).count(), 2);
}

#[test]
fn a_kit_zip_holds_exactly_its_originals_and_is_the_same_across_builds() {
    let site = site_with_kit();
    let run = site.build_ok();
    let zip = read(&run.out, "/media/q3-2026.zip");
    let entries = zip_entries(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "q3-2026/ceo.jpg",
            "q3-2026/facts.pdf",
            "q3-2026/logos/mark.svg"
        ]
    );
    for (name, bytes) in &entries {
        let file = site.root().join("content/media").join(name.as_str());
        assert_eq!(bytes, &std::fs::read(file).expect("original"), "{name}");
    }
    // The kit page states the ZIP's size.
    let page = run.html("/media/q3-2026/");
    let label = texts(&page, "header .media-zip .muted").join("");
    assert!(label.contains("3 ·"), "{label}");
    // A second build into another folder, with other file times: the same bytes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.file("content/media/q3-2026/logos/mark.svg", SVG);
    let other = site.tmp().join("again");
    let again = site.build_args(&["--output", other.to_str().expect("utf-8")]);
    again.assert_ok();
    assert_eq!(read(&other, "/media/q3-2026.zip"), zip);
}

#[test]
fn an_item_shows_the_kits_it_names_and_the_home_page_the_latest_kits() {
    let site = site_with_kit();
    let run = site.build_ok();
    let page = run.html("/press/results/");
    assert_eq!(
        attrs(&page, ".media-block h3 a", "href"),
        ["/media/q3-2026/"]
    );
    assert_eq!(page.select(&sel(".media-block img")).count(), 2);
    assert_eq!(
        attrs(&page, ".media-block .media-zip a", "href"),
        ["/media/q3-2026.zip"]
    );
    let home = run.html("/");
    assert_eq!(
        attrs(&home, ".home-kits .media-zip", "href"),
        ["/media/q3-2026.zip"]
    );
    // One file of a kit: the block shows that file only.
    site.file(
        "content/press/results.md",
        &item(
            "Q3 results",
            "2026-10-02",
            "kind = \"release\"\nmedia = [\"q3-2026/logos/mark.svg\"]\n",
            "Numbers.",
        ),
    );
    let run = site.build_ok();
    let page = run.html("/press/results/");
    assert_eq!(
        attrs(&page, ".media-block li a", "href"),
        ["/media/q3-2026/#asset-logos-mark-svg"]
    );
}

#[test]
fn kit_mistakes_are_errors_at_their_line() {
    let site = site_with_kit();
    site.file(
        "content/media/q3-2026/index.md",
        &KIT.replace("file = \"ceo.jpg\"", "file = \"ceo.jpeg\"")
            .replace("alt = \"The Example Corp logo\"\n", "licence = \"cc-by\"\n"),
    )
    .file(
        "content/press/results.md",
        &item(
            "Q3 results",
            "2026-10-02",
            "kind = \"release\"\nmedia = [\"q3-2062\"]\n",
            "Numbers.",
        ),
    );
    let run = site.build();
    run.assert_code(1);
    let kit = run.errors_in("content/media/q3-2026/index.md");
    let at = |needle: &str| {
        kit.iter()
            .find(|d| d.message.contains(needle))
            .map(|d| (d.line, d.col))
            .unwrap_or_else(|| panic!("no error about {needle}: {}", run.stderr))
    };
    assert_eq!(at("no file `ceo.jpeg`"), (8, 1));
    assert!(
        run.stderr.contains("did you mean `ceo.jpg`?"),
        "{}",
        run.stderr
    );
    assert_eq!(at("unknown licence `cc-by`"), (19, 1));
    // The photo that lost its entry has no alt text; the logo that lost its alt neither.
    assert_eq!(at("`ceo.jpg` has no alt text"), (1, 1));
    assert_eq!(at("`logos/mark.svg` has no alt text"), (16, 1));
    let release = run.errors_in("content/press/results.md");
    assert_eq!(release.len(), 1, "{}", run.stderr);
    assert!(release[0].message.contains("unknown press kit `q3-2062`"));
    assert_eq!((release[0].line, release[0].col), (5, 11));
    assert!(
        run.stderr.contains("did you mean `q3-2026`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_embargoed_kit_leaves_no_trace_until_its_time() {
    let site = site_with_kit();
    site.file(
        "content/media/q3-2026/index.md",
        &KIT.replace(
            "date = 2026-10-01\n",
            "date = 2026-10-01\nembargo = 2026-12-01T08:00:00Z\n",
        ),
    );
    let before = site.build_args(&["--now", "2026-11-30T08:00:00Z"]);
    before.assert_ok();
    assert_absent_everywhere(
        &before.out,
        &["q3-2026", "Q3 2026 results", "Ada Lindqvist", "ceo."],
    );
    assert!(
        !before.exists("/media/"),
        "no library page with nothing in it"
    );
    assert!(
        before
            .stderr
            .contains("press kit `q3-2026` is under embargo"),
        "{}",
        before.stderr
    );
    // `check`'s embargo audit knows the kit, and the build reports when it lifts.
    site.check_args(&["--now", "2026-11-30T08:00:00Z"])
        .assert_ok();
    let json = site.build_args(&["--now", "2026-11-30T08:00:00Z", "--message-format", "json"]);
    assert_eq!(
        json.json_summary()["next_embargo_lift"],
        "2026-12-01T08:00:00Z"
    );
    let after = site.build_args(&["--now", "2026-12-01T08:00:00Z"]);
    after.assert_ok();
    assert!(after.exists("/media/q3-2026/"));
    assert!(after.exists("/media/q3-2026.zip"));
    assert!(after.exists("/media/q3-2026/ceo.jpg"));
    let page = after.html("/press/results/");
    assert_eq!(
        attrs(&page, ".media-block h3 a", "href"),
        ["/media/q3-2026/"]
    );
}

#[test]
fn kits_are_in_the_image_sitemap_and_their_files_in_json_ld() {
    let site = site_with_kit();
    let run = site.build_ok();
    let xml = String::from_utf8(read(&run.out, "/sitemap.xml")).expect("utf-8");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap parses");
    const IMAGE: &str = "http://www.google.com/schemas/sitemap-image/1.1";
    let kit_url = doc
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .find(|u| {
            u.children().any(|c| {
                c.has_tag_name("loc") && c.text() == Some("https://example.com/media/q3-2026/")
            })
        })
        .expect("the kit's page is in the sitemap");
    let images: Vec<&str> = kit_url
        .descendants()
        .filter(|n| n.has_tag_name((IMAGE, "loc")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        images,
        [
            "https://example.com/media/q3-2026/ceo.jpg",
            "https://example.com/media/q3-2026/logos/mark.svg"
        ]
    );
    let page = run.html("/media/q3-2026/");
    let ld: serde_json::Value =
        serde_json::from_str(&texts(&page, "script[type='application/ld+json']").join(""))
            .expect("JSON-LD parses");
    let photo = &ld["hasPart"][0];
    assert_eq!(photo["@type"], "ImageObject");
    assert_eq!(
        photo["contentUrl"],
        "https://example.com/media/q3-2026/ceo.jpg"
    );
    assert_eq!(photo["creditText"], "Jo Photographer");
    assert_eq!(photo["copyrightNotice"], "© 2026 Example Corp");
    assert_eq!(
        photo["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(
        photo["acquireLicensePage"],
        "https://example.com/media/q3-2026/"
    );
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(2000), Some(1500))
    );
    // The press office's own terms are stated on the kit's page.
    let logo = &ld["hasPart"][1];
    assert_eq!(
        logo["license"],
        "https://example.com/media/q3-2026/#licence"
    );
    assert_eq!(page.select(&sel("#licence")).count(), 1);
}

#[test]
fn kit_files_are_in_the_search_index_at_their_anchor() {
    let site = site_with_kit();
    let run = site.build_ok();
    let json = |url: &str| -> serde_json::Value {
        serde_json::from_slice(&read(&run.out, url)).expect("JSON")
    };
    let meta = json("/search/meta.json");
    assert!(
        meta["kinds"]
            .as_array()
            .expect("kinds")
            .contains(&"media".into()),
        "{meta}"
    );
    let docs = meta["docs"].as_u64().expect("docs") as usize;
    let chunk_size = meta["chunk_size"].as_u64().expect("chunk size") as usize;
    let records: Vec<serde_json::Value> = (0..docs.div_ceil(chunk_size))
        .flat_map(|n| {
            json(&format!("/search/docs-{n}.json"))
                .as_array()
                .cloned()
                .expect("records")
        })
        .collect();
    let photo = records
        .iter()
        .position(|r| r["url"] == "/media/q3-2026/#asset-ceo-jpg")
        .expect("the photo is a search document");
    assert_eq!(records[photo]["title"], "Ada Lindqvist, CEO");
    assert_eq!(records[photo]["kind"], "media");
    assert_eq!(records[photo]["summary"], "The CEO at the plant");
    // Its words are indexed: search.js finds the photo by its credit.
    if let Some(urls) = crate::search::found(&run.out, "lindqvist") {
        assert!(
            urls.iter().any(|u| u == "/media/q3-2026/#asset-ceo-jpg"),
            "{urls:?}"
        );
    }
}

#[test]
fn drafts_stray_files_and_unknown_kit_files() {
    let site = site_with_kit();
    site.file(
        "content/media/old/index.md",
        "+++\ntitle = \"Old kit\"\ndraft = true\n+++\n",
    )
    .file("content/media/old/old-logo.svg", SVG)
    .file("content/media/loose.pdf", "%PDF-1.4 loose\n");
    let run = site.build_ok();
    assert!(!run.exists("/media/old/"), "a draft kit is not published");
    assert!(!run.exists("/media/old.zip"));
    assert!(
        !run.exists("/media/loose.pdf"),
        "a file outside any kit is not published"
    );
    assert!(
        run.stderr
            .contains("content/media/loose.pdf:1:1: warning: not in a press kit"),
        "{}",
        run.stderr
    );
    // A file of a kit that is not there: an error at the reference, with the nearest file.
    site.file(
        "content/press/results.md",
        &item(
            "Q3 results",
            "2026-10-02",
            "kind = \"release\"\nmedia = [\"q3-2026/ceo.png\"]\n",
            "Numbers.",
        ),
    )
    .file("content/media/stray.md", "+++\ntitle = \"Stray\"\n+++\n");
    let run = site.build();
    run.assert_code(1);
    let errors = run.errors_in("content/press/results.md");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0]
            .message
            .contains("kit `q3-2026` has no file `ceo.png`")
    );
    assert!(
        run.stderr.contains("did you mean `ceo.jpg`?"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.errors_in("content/media/stray.md").len(),
        1,
        "{}",
        run.stderr
    );
}

/// `site_with_kit` in English and French, with the kit translated: `index.fr.md` gives the
/// French words and leaves credits, licences and the logo's entry to `index.md`.
fn bilingual_kit() -> SiteTest {
    let site = site_with_kit();
    site.file(
        "site.toml",
        "title = \"Test Newsroom\"\nbase_url = \"https://example.com\"\n[languages.fr]\n",
    )
    .file(
        "content/media/q3-2026/index.fr.md",
        "+++\ntitle = \"Résultats T3 2026\"\n\n[[assets]]\nfile = \"ceo.jpg\"\ntitle = \"Ada Lindqvist, PDG\"\nalt = \"Ada Lindqvist à l'usine de Skellefteå\"\n+++\n",
    )
    .file(
        "content/press/results.fr.md",
        &item(
            "Résultats T3",
            "2026-10-02",
            "kind = \"release\"\nmedia = [\"q3-2026\"]\n",
            "Chiffres.",
        ),
    );
    site
}

#[test]
fn a_translated_kit_gets_its_own_page_linked_by_hreflang_and_shares_one_zip() {
    let site = bilingual_kit();
    let run = site.build_ok();
    let en = run.html("/media/q3-2026/");
    let fr = run.html("/fr/media/q3-2026/");
    assert_eq!(html_lang(&fr).as_deref(), Some("fr"));
    assert!(
        h1s(&fr).iter().any(|h| h == "Résultats T3 2026"),
        "{:?}",
        h1s(&fr)
    );
    assert!(
        h1s(&en).iter().any(|h| h == "Q3 2026 results"),
        "{:?}",
        h1s(&en)
    );
    // Each version names the other as its alternate.
    let alternates = |html: &scraper::Html| -> Vec<(String, String)> {
        html.select(&sel("link[rel=alternate][hreflang]"))
            .map(|l| {
                let v = l.value();
                (
                    v.attr("hreflang").unwrap().into(),
                    v.attr("href").unwrap().into(),
                )
            })
            .collect()
    };
    assert!(
        alternates(&en).contains(&("fr".into(), "https://example.com/fr/media/q3-2026/".into())),
        "{:?}",
        alternates(&en)
    );
    assert!(
        alternates(&fr).contains(&("en".into(), "https://example.com/media/q3-2026/".into())),
        "{:?}",
        alternates(&fr)
    );
    // The French words, with what the translation left out taken from index.md.
    let text = fr.root_element().text().collect::<String>();
    for said in ["Ada Lindqvist, PDG", "Jo Photographer", "Logo", "CC BY 4.0"] {
        assert!(text.contains(said), "{said} on the French kit page");
    }
    let alts = attrs(&fr, "img", "alt");
    assert!(
        alts.iter()
            .any(|a| a == "Ada Lindqvist à l'usine de Skellefteå"),
        "{alts:?}"
    );
    assert!(
        alts.iter().any(|a| a == "The Example Corp logo"),
        "{alts:?}"
    );
    // One ZIP of the originals for both languages, linked from both pages.
    let zips: Vec<String> = run
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".zip"))
        .collect();
    assert_eq!(zips, ["media/q3-2026.zip"], "{zips:?}");
    for html in [&en, &fr] {
        assert!(main_links(html).iter().any(|l| l == "/media/q3-2026.zip"));
    }
    // A library page per language, each listing the kit in its language.
    let library = run.html("/fr/media/");
    assert!(
        main_links(&library)
            .iter()
            .any(|l| l == "/fr/media/q3-2026/")
    );
    assert!(
        !main_links(&run.html("/media/"))
            .iter()
            .any(|l| l.starts_with("/fr/"))
    );
    // The French release shows the French kit.
    let release = run.html("/fr/press/results/");
    assert!(
        main_links(&release)
            .iter()
            .any(|l| l == "/fr/media/q3-2026/"),
        "{:?}",
        main_links(&release)
    );
    // Both kit pages and both libraries are in the sitemap; each kit page names both
    // versions as hreflang alternates, as an item's translations do.
    let sitemap = String::from_utf8(read(&site.out(), "/sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap parses");
    let entries: BTreeMap<String, Vec<(String, String)>> = doc
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|url| {
            let loc = url.children().find(|c| c.has_tag_name("loc"));
            let loc = loc.and_then(|l| l.text()).unwrap_or_default().to_string();
            let alternates = (url.children())
                .filter(|c| c.has_tag_name("link"))
                .map(|l| {
                    let attr = |k: &str| l.attribute(k).unwrap_or_default().to_string();
                    (attr("hreflang"), attr("href"))
                })
                .collect();
            (loc, alternates)
        })
        .collect();
    let both = vec![
        (
            "en".to_string(),
            "https://example.com/media/q3-2026/".to_string(),
        ),
        (
            "fr".to_string(),
            "https://example.com/fr/media/q3-2026/".to_string(),
        ),
    ];
    for url in ["/media/", "/fr/media/"] {
        assert!(
            entries.contains_key(&format!("https://example.com{url}")),
            "{url}"
        );
    }
    for url in ["/media/q3-2026/", "/fr/media/q3-2026/"] {
        assert_eq!(entries[&format!("https://example.com{url}")], both, "{url}");
    }
}

#[test]
fn a_translation_keeps_the_kits_embargo_and_two_versions_in_one_language_are_an_error() {
    let site = bilingual_kit();
    let kit = KIT.replace(
        "date = 2026-10-01\n",
        "date = 2026-10-01\nembargo = 2099-01-01T00:00:00Z\n",
    );
    site.file("content/media/q3-2026/index.md", &kit);
    let run = site.build_ok();
    assert!(
        !run.exists("/fr/media/q3-2026/"),
        "the translation waits for the kit's embargo"
    );
    assert!(
        !run.files().iter().any(|f| f.contains("q3-2026")),
        "{:?}",
        run.files()
    );

    site.file("content/media/q3-2026/index.md", KIT)
        .file("content/media/q3-2026/index.en.md", KIT);
    let run = site.build();
    run.assert_code(1);
    let errors = run.errors_in("content/media/q3-2026/index.en.md");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(errors[0].message.contains("two versions"), "{errors:?}");
}

/// Builds `site` into its output and returns the build's peak resident memory in bytes.
fn build_peak_rss(site: &SiteTest) -> u64 {
    let out = site.out();
    peak_rss(site, &["build", "--output", out.to_str().unwrap()])
}

/// Runs pressroom's `args` on `site` and returns its peak resident memory in bytes, as Linux
/// reports it (`VmHWM`, read while it runs: `wait4`'s figure would include this test
/// process's own memory, which the child had until its `exec`).
fn peak_rss(site: &SiteTest, args: &[&str]) -> u64 {
    let root = site.root();
    let mut child = std::process::Command::new(bin())
        .args(args)
        .args(["--root", root.to_str().unwrap()])
        .args(["--now", "2026-11-23T08:00:00Z", "--quiet"])
        .spawn()
        .expect("pressroom runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak_kib = peak_kib.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    assert!(status.success(), "pressroom {args:?} failed");
    peak_kib * 1024
}

/// A release under embargo until 2099, "Secret Merger of the Year", so that `check`'s embargo
/// audit searches every output, the kits' ZIPs included.
fn with_embargoed_release(site: &SiteTest) {
    site.file(
        "content/press/secret.md",
        &item(
            "Secret Merger of the Year",
            "2026-11-01",
            "kind = \"release\"\nembargo = 2099-01-01T08:00:00Z\n",
            "Hidden.",
        ),
    );
}

/// `check` of a kit with 256 MiB of b-roll (a sparse file) searches the kit's ZIP for embargo
/// traces as the ZIP writer writes it, in blocks, and keeps none of it: its memory stays far
/// below the video's size. Before, it made the ZIP in memory and searched a folded copy.
#[cfg(target_os = "linux")]
#[test]
fn check_audits_a_kit_zip_without_holding_it_in_memory() {
    const SIZE: u64 = 256 << 20;
    let site = site_with_kit();
    with_embargoed_release(&site);
    let video = site.root().join("content/media/q3-2026/b-roll.mp4");
    let file = std::fs::File::create(&video).expect("create");
    file.set_len(SIZE).expect("sparse file");
    let peak = peak_rss(&site, &["check"]);
    // Holding the ZIP takes its 256 MiB, and its folded copies as much again; the photo work
    // alone peaks at 80-100 MiB in a debug build.
    assert!(
        peak < SIZE / 2,
        "check peaked at {} MiB auditing a kit of {} MiB",
        peak >> 20,
        SIZE >> 20
    );
}

/// The ZIP `check` no longer keeps is still audited: an embargoed release's title inside a
/// public kit's text file (which no page shows: only the ZIP carries it), or as a kit file's
/// name, is an embargo leak of the ZIP, at the release.
#[test]
fn check_finds_an_embargoed_title_inside_a_public_kits_zip() {
    let site = site_with_kit();
    with_embargoed_release(&site);
    site.check_args(&[]).assert_ok();
    // Past the first blocks of the ZIP's stream, after a photo's bytes.
    let notes = format!(
        "{}Next: the SECRET MERGER of the year.\n",
        "Quarterly notes, nothing to see.\n".repeat(5000)
    );
    site.file("content/media/q3-2026/zz-notes.txt", &notes);
    let leaks = |run: &Run| -> Vec<String> {
        let errors = run.errors_in("content/press/secret.md");
        errors.iter().map(|d| d.message.clone()).collect()
    };
    let run = site.check_args(&[]);
    run.assert_code(1);
    // The original, published for download beside the ZIP, is a leak too (its words are read
    // as a copied text file's).
    assert_eq!(
        leaks(&run),
        [
            "embargo leak: `/media/q3-2026.zip` contains `secret merger of the year` from an item embargoed until 2099-01-01T08:00:00Z",
            "embargo leak: `/media/q3-2026/zz-notes.txt` contains `secret merger of the year` from an item embargoed until 2099-01-01T08:00:00Z"
        ]
    );
    site.remove("content/media/q3-2026/zz-notes.txt");
    write_bytes(
        &site,
        "content/media/q3-2026/Secret Merger of the Year.pdf",
        b"%PDF-1.4",
    );
    let run = site.check_args(&[]);
    run.assert_code(1);
    let zip_leak = "embargo leak: `/media/q3-2026.zip` contains `secret merger of the year` from an item embargoed until 2099-01-01T08:00:00Z";
    assert!(leaks(&run).iter().any(|l| l == zip_leak), "{}", run.stderr);
}

/// A build with the audits (the library's `audit` option) writes each kit's ZIP into its
/// output as the audit searches it, byte for byte the plain build's, and keeps it out of
/// the outputs it holds; a leak in the ZIP fails it.
#[test]
fn an_audited_build_writes_the_kit_zip_it_searches() {
    let site = site_with_kit();
    with_embargoed_release(&site);
    let plain = read(&site.build_ok().out, "/media/q3-2026.zip");
    let audited = site.tmp().join("audited");
    let mut opts = pressroom::BuildOptions::new(site.root(), NOW.parse().expect("time"));
    opts.output = audited.clone();
    opts.audit = true;
    let built = pressroom::build(&opts).expect("the audited build");
    assert!(
        read(&audited, "/media/q3-2026.zip") == plain,
        "the ZIP differs"
    );
    assert!(
        read_html(&audited, "/media/q3-2026/")
            .select(&sel("h1"))
            .next()
            .is_some()
    );
    assert!(built.outputs.is_empty(), "the build kept its files");
    site.file(
        "content/media/q3-2026/notes.txt",
        "Next: the Secret Merger of the Year.\n",
    );
    let failed = pressroom::build(&opts).expect_err("a leak fails the audited build");
    let leaks: Vec<&str> = (failed.diagnostics.iter())
        .filter(|d| d.path == "content/press/secret.md")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        leaks,
        [
            "embargo leak: `/media/q3-2026.zip` contains `secret merger of the year` from an item embargoed until 2099-01-01T08:00:00Z",
            "embargo leak: `/media/q3-2026/notes.txt` contains `secret merger of the year` from an item embargoed until 2099-01-01T08:00:00Z"
        ]
    );
}

#[test]
fn a_kit_zip_is_streamed_from_the_originals_not_held_in_memory() {
    const BIG: usize = 128 << 20;
    let site = site_with_kit();
    // B-roll of 128 MiB (not all zeros, so nothing can take a shortcut).
    let video: Vec<u8> = (0..BIG as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    write_bytes(&site, "content/media/q3-2026/b-roll.mp4", &video);
    let peak = build_peak_rss(&site);
    // A ZIP made in memory holds the video whole: 389 MiB at its peak, against 82 streamed.
    assert!(peak < BIG as u64, "peak RSS {} MiB", peak >> 20);
    let zip = read(&site.out(), "/media/q3-2026.zip");
    let entries = zip_entries(&zip);
    let broll = entries
        .iter()
        .find(|(n, _)| n == "q3-2026/b-roll.mp4")
        .expect("in the ZIP");
    assert!(broll.1 == video, "the video's bytes, whole");
    assert_eq!(entries.len(), 4);
    // Into the same output again (updated in place): the same bytes, still streamed.
    let peak = build_peak_rss(&site);
    assert!(peak < BIG as u64, "peak RSS {} MiB", peak >> 20);
    assert!(
        read(&site.out(), "/media/q3-2026.zip") == zip,
        "identical across builds"
    );
}

/// A kit file's size and SHA-256 are kept by its stamp (`.pressroom/cache/sums.json`), so a
/// rebuild reads no unchanged kit file; a file changed in place, even with its modification
/// time set back, shows its new hash and goes into the ZIP with its new CRC.
#[test]
fn a_kit_files_sums_are_kept_by_stamp_and_read_again_after_any_change() {
    let site = site_with_kit();
    site.build_ok();
    let index = site.root().join(".pressroom/cache/sums.json");
    let recorded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&index).expect("the sums are kept")).expect("json");
    let files = recorded["files"].as_object().expect("files");
    assert!(
        files.contains_key("content/media/q3-2026/facts.pdf"),
        "{files:?}"
    );
    // The index is what the next build trusts: a sum planted in it for an unchanged file is
    // shown (this is what proves the file was not read again)...
    let pdf = site.root().join("content/media/q3-2026/facts.pdf");
    let mut planted = recorded.clone();
    planted["files"]["content/media/q3-2026/facts.pdf"]["sums"]["sha256"] = "ab".repeat(32).into();
    std::fs::write(&index, serde_json::to_vec(&planted).expect("json")).expect("plant");
    let hash = |run: &Run| texts(&run.html("/media/q3-2026/"), "#asset-facts-pdf .sha256");
    assert_eq!(hash(&site.build_ok()), ["ab".repeat(32)]);
    // ...and the file changed in place, same length, its time put back, is read again.
    let mtime = std::fs::metadata(&pdf)
        .expect("meta")
        .modified()
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&pdf, "%PDF-1.4 FACTS\n").expect("edit");
    std::fs::File::options()
        .write(true)
        .open(&pdf)
        .expect("open")
        .set_modified(mtime)
        .expect("set time back");
    let run = site.build_ok();
    assert_eq!(hash(&run), [sha256(b"%PDF-1.4 FACTS\n")]);
    let zip = read(&run.out, "/media/q3-2026.zip");
    let entries = zip_entries(&zip);
    let (_, bytes) = (entries.iter())
        .find(|(n, _)| n == "q3-2026/facts.pdf")
        .expect("in the ZIP");
    assert_eq!(bytes, b"%PDF-1.4 FACTS\n", "the ZIP's CRC is checked too");
}

/// `check` writes nothing, not even the kit files' sums: only a build keeps them.
#[test]
fn check_keeps_no_sums_and_a_build_does() {
    let site = site_with_kit();
    let root_files = || {
        walkdir::WalkDir::new(site.root())
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.path().to_path_buf())
            .collect::<Vec<_>>()
    };
    let before = root_files();
    site.check_args(&[]).assert_code(0);
    assert_eq!(root_files(), before, "check wrote into the site");
    site.build_ok();
    assert!(site.root().join(".pressroom/cache/sums.json").is_file());
}

/// `pressroom serve` of a site, run as its binary on a free port; killed when dropped.
struct Serve {
    child: std::process::Child,
    addr: String,
}

impl Serve {
    fn start(root: &Path, extra: &[&str]) -> Serve {
        use std::io::BufRead;
        let mut child = std::process::Command::new(bin())
            .args(["serve", "--port", "0", "--now", NOW, "--root"])
            .arg(root)
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("pressroom serve runs");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let url = (lines.by_ref())
            .find_map(|l| {
                let l = l.expect("stdout line");
                (l.split_whitespace())
                    .find(|w| w.starts_with("http://"))
                    .map(str::to_string)
            })
            .expect("the server says where it is");
        // Read on, so the server's later lines never meet a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let addr = url.trim_start_matches("http://").trim_end_matches('/');
        Serve {
            child,
            addr: addr.to_string(),
        }
    }

    /// Sends `method path` and copies the body into `body`; returns the response's head.
    fn fetch_into(&self, method: &str, path: &str, body: &mut dyn std::io::Write) -> String {
        use std::io::{BufRead, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .expect("timeout");
        write!(s, "{method} {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).expect("send");
        let mut reader = std::io::BufReader::new(s);
        let mut head = String::new();
        while reader.read_line(&mut head).expect("head") > 2 {}
        std::io::copy(&mut reader, body).expect("body");
        head
    }

    /// [`Serve::fetch_into`] a buffer: the head and the body.
    fn fetch(&self, method: &str, path: &str) -> (String, Vec<u8>) {
        let mut body = Vec::new();
        let head = self.fetch_into(method, path, &mut body);
        (head, body)
    }

    /// The server's peak resident memory in bytes (`VmHWM`).
    #[cfg(target_os = "linux")]
    fn peak_rss(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("status");
        let kib: u64 = (status.lines())
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        kib * 1024
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A header's value in a response head.
fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    (head.lines()).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The preview serves a kit's ZIP with the bytes `build` writes (`HEAD` announcing its length),
/// as `application/zip`; an embargoed kit is previewed by default, its ZIP absent from a
/// preview without drafts, as from the build.
#[test]
fn serve_sends_the_kit_zip_build_writes_and_no_embargoed_one() {
    let site = site_with_kit();
    let built = read(&site.build_ok().out, "/media/q3-2026.zip");
    let server = Serve::start(&site.root(), &[]);
    let (head, served) = server.fetch("GET", "/media/q3-2026.zip");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(header(&head, "Content-Type"), Some("application/zip"));
    let length = built.len().to_string();
    assert_eq!(header(&head, "Content-Length"), Some(length.as_str()));
    assert!(served == built, "the served ZIP is not the built one");
    assert_eq!(zip_entries(&served).len(), 3);
    let (head, body) = server.fetch("HEAD", "/media/q3-2026.zip");
    assert_eq!(header(&head, "Content-Length"), Some(length.as_str()));
    assert!(body.is_empty(), "HEAD sent {} bytes", body.len());
    drop(server);
    site.file(
        "content/media/q3-2026/index.md",
        &KIT.replace(
            "date = 2026-10-01\n",
            "date = 2026-10-01\nembargo = 2099-01-01T08:00:00Z\n",
        ),
    );
    // A preview shows the embargoed kit, as it shows embargoed items...
    let server = Serve::start(&site.root(), &[]);
    let (head, served) = server.fetch("GET", "/media/q3-2026.zip");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(served == built, "the preview's ZIP is not the built one");
    let (head, page) = server.fetch("GET", "/media/q3-2026/");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let page = scraper::Html::parse_document(&String::from_utf8(page).expect("utf-8"));
    assert_eq!(texts(&page, "h1"), ["Q3 2026 results"]);
    drop(server);
    // ...but not without drafts.
    let server = Serve::start(&site.root(), &["--no-drafts"]);
    let (head, _) = server.fetch("GET", "/media/q3-2026.zip");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
}

/// A kit with 400 MB of b-roll (a sparse file): the preview writes its ZIP into the
/// connection as it reads the video, so the server's memory stays far below the video's
/// size. Before, every rebuild made each kit's ZIP in memory and kept it there.
#[cfg(target_os = "linux")]
#[test]
fn serve_streams_a_kit_zip_without_holding_it_in_memory() {
    const SIZE: u64 = 400 << 20;
    let site = site_with_kit();
    let video = site.root().join("content/media/q3-2026/b-roll.mp4");
    let file = std::fs::File::create(&video).expect("create");
    file.set_len(SIZE).expect("sparse file");
    let server = Serve::start(&site.root(), &[]);
    let mut tail = Tail::default();
    let head = server.fetch_into("GET", "/media/q3-2026.zip", &mut tail);
    let peak = server.peak_rss();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length: u64 = (header(&head, "Content-Length"))
        .and_then(|v| v.parse().ok())
        .expect("a length");
    assert_eq!(tail.len, length, "the whole ZIP");
    assert!(length > SIZE, "{length}");
    // The end of the ZIP: its directory lists the four files, the video at its full size.
    let entries = central_directory(&tail.bytes, tail.len);
    assert_eq!(
        entries,
        [
            ("q3-2026/b-roll.mp4".to_string(), SIZE),
            ("q3-2026/ceo.jpg".to_string(), entries[1].1),
            ("q3-2026/facts.pdf".to_string(), 15),
            ("q3-2026/logos/mark.svg".to_string(), SVG.len() as u64),
        ]
    );
    let (head, body) = server.fetch("HEAD", "/media/q3-2026.zip");
    assert_eq!(
        header(&head, "Content-Length"),
        Some(length.to_string().as_str())
    );
    assert!(body.is_empty());
    // Holding the ZIP takes at least its 400 MiB (875 MiB before the change); the first
    // build's photo work alone peaks at 80–100 MiB in a debug build, more when other tests
    // share the machine.
    assert!(
        peak < SIZE / 2,
        "the server peaked at {} MiB serving a ZIP of {} MiB",
        peak >> 20,
        length >> 20
    );
}

/// A writer that counts what it is given and keeps the last 64 KiB.
#[derive(Default)]
struct Tail {
    len: u64,
    bytes: Vec<u8>,
}

impl std::io::Write for Tail {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        const KEEP: usize = 64 << 10;
        self.len += buf.len() as u64;
        self.bytes.extend_from_slice(buf);
        let drop = self.bytes.len().saturating_sub(KEEP);
        self.bytes.drain(..drop);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The (name, size) of each entry in a classic ZIP's central directory, read from `tail`,
/// the last bytes of a ZIP of `len` bytes.
fn central_directory(tail: &[u8], len: u64) -> Vec<(String, u64)> {
    let u16_at = |i: usize| u16::from_le_bytes([tail[i], tail[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([tail[i], tail[i + 1], tail[i + 2], tail[i + 3]]);
    let end = tail.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "the end record closes the file");
    let (count, size, offset) = (u16_at(end + 10), u32_at(end + 12), u32_at(end + 16));
    assert_eq!(
        u64::from(offset) + u64::from(size),
        len - 22,
        "the directory ends where the end record begins"
    );
    let mut at = end - size as usize;
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50, "a directory entry");
        let name_len = u16_at(at + 28);
        let extra = u16_at(at + 30) + u16_at(at + 32);
        let name = String::from_utf8(tail[at + 46..at + 46 + name_len].to_vec()).expect("utf-8");
        entries.push((name, u64::from(u32_at(at + 24))));
        at += 46 + name_len + extra;
    }
    entries
}
