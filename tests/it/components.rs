//! In-body components (#20 point 1): `> [!NAME key=value]` block quotes rendered through
//! `templates/components/NAME.html`, their arguments checked against the schema; parsed back
//! from the built pages with scraper.

use crate::common;
use common::{SiteTest, attrs, sel, text_of, texts};
use scraper::Html;
use sha2::{Digest, Sha256};

fn post(body: &str) -> String {
    format!("+++\ntitle = \"Components\"\ndate = 2026-11-19T10:00:00Z\n+++\n\n{body}")
}

/// A site with a contact and a source for quotes to name.
fn site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "data/contacts.toml",
        "[maria]\nname = \"Maria Lindqvist\"\nrole = \"Chief Executive\"\nemail = \"m@acme.example\"\n",
    )
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"q3\"\ntitle = \"Q3 report\"\nurl = \"https://example.org/q3\"\n",
    );
    site
}

fn content(html: &Html) -> String {
    html.select(&sel(".content"))
        .next()
        .map(|c| c.inner_html())
        .expect("a .content")
}

#[test]
fn a_quote_renders_its_words_speaker_role_date_and_citation() {
    let site = site();
    site.file(
        "content/blog/q.md",
        &post("Lead.\n\n> [!QUOTE speaker=maria date=2026-10-23 source=q3]\n> We will not ship *until* it meets the spec.\n\n> [!QUOTE name=\"Ann Example\" role=\"Plant manager\"]\n>\n> Second.\n"),
    );
    site.build().assert_ok();
    let page = site.html("blog/q/index.html");
    let quotes: Vec<_> = page
        .select(&sel(".content figure.component-quote"))
        .collect();
    assert_eq!(quotes.len(), 2, "{}", content(&page));
    let first = quotes[0];
    let words: Vec<String> = first.select(&sel("blockquote p")).map(text_of).collect();
    assert_eq!(words, ["We will not ship until it meets the spec."]);
    assert_eq!(
        first.select(&sel("blockquote em")).count(),
        1,
        "the body is Markdown"
    );
    assert_eq!(
        first
            .select(&sel(".quote-speaker"))
            .map(text_of)
            .collect::<Vec<_>>(),
        ["Maria Lindqvist"]
    );
    assert_eq!(
        first
            .select(&sel(".quote-role"))
            .map(text_of)
            .collect::<Vec<_>>(),
        ["Chief Executive"]
    );
    let time: Vec<_> = first.select(&sel("time")).collect();
    assert_eq!(time[0].value().attr("datetime"), Some("2026-10-23"));
    assert_eq!(text_of(time[0]), "23 October 2026");
    let cite: Vec<_> = first.select(&sel("sup.citation a")).collect();
    assert_eq!(cite[0].value().attr("href"), Some("#source-q3"));
    assert_eq!(text_of(cite[0]), "[1]");
    // The cited source is listed with the page's sources.
    assert_eq!(page.select(&sel("#source-q3")).count(), 1);
    let second = quotes[1];
    assert_eq!(
        second
            .select(&sel(".quote-speaker, .quote-role"))
            .map(text_of)
            .collect::<Vec<_>>(),
        ["Ann Example", "Plant manager"]
    );
    assert_eq!(
        second
            .select(&sel("blockquote p"))
            .map(text_of)
            .collect::<Vec<_>>(),
        ["Second."]
    );
    let all = content(&page);
    assert!(!all.contains("[!QUOTE"), "the header is gone: {all}");
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_download_shows_type_size_and_checksum_of_a_bundle_or_static_file() {
    let site = site();
    let pdf = vec![7u8; 1_234_567];
    let csv = b"a,b\n1,2\n";
    std::fs::create_dir_all(site.root().join("content/blog/report")).expect("bundle");
    std::fs::write(site.root().join("content/blog/report/q3-2026.pdf"), &pdf).expect("pdf");
    site.file(
        "static/files/data.csv",
        std::str::from_utf8(csv).expect("utf8"),
    );
    site.file(
        "content/blog/report/index.md",
        &post("> [!DOWNLOAD file=q3-2026.pdf]\n> Interim report *January–September*\n\n> [!DOWNLOAD file=/files/data.csv]\n"),
    );
    site.build().assert_ok();
    let page = site.html("blog/report/index.html");
    let boxes: Vec<_> = page.select(&sel(".content .component-download")).collect();
    assert_eq!(boxes.len(), 2, "{}", content(&page));
    let parts =
        |i: usize, s: &str| -> Vec<String> { boxes[i].select(&sel(s)).map(text_of).collect() };
    assert_eq!(
        parts(0, ".download-link"),
        ["Interim report January–September"]
    );
    let href = |i: usize| {
        boxes[i]
            .select(&sel("a.download-link"))
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(String::from)
    };
    assert_eq!(href(0).as_deref(), Some("q3-2026.pdf"));
    assert_eq!(parts(0, ".download-type"), ["PDF"]);
    assert_eq!(parts(0, ".download-size"), ["1.2 MB"]);
    assert_eq!(parts(0, ".download-sha256"), [sha256(&pdf)]);
    assert!(
        site.out().join("blog/report/q3-2026.pdf").is_file(),
        "the file is published"
    );
    assert_eq!(
        parts(1, ".download-link"),
        ["data.csv"],
        "no body: the file's name"
    );
    assert_eq!(href(1).as_deref(), Some("/files/data.csv"));
    assert_eq!(parts(1, ".download-type"), ["CSV"]);
    assert_eq!(parts(1, ".download-size"), ["8 bytes"]);
    assert_eq!(parts(1, ".download-sha256"), [sha256(csv)]);
}

/// Builds a post with `body` (which must fail) and returns its errors with their help lines.
fn errors(body: &str) -> (Vec<(usize, usize, String)>, String) {
    let site = site();
    site.file("content/blog/e.md", &post(body));
    let run = site.build();
    run.assert_code(1);
    let errs = run
        .errors_in("content/blog/e.md")
        .into_iter()
        .map(|d| (d.line, d.col, d.message))
        .collect();
    (errs, run.stderr)
}

#[test]
fn each_error_class_is_at_its_place_with_a_suggestion() {
    // The body starts on line 6 of the file.
    let (errs, stderr) = errors("> [!QOUTE name=Ann]\n> Hi.\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (6, 5), "{stderr}");
    assert!(errs[0].2.contains("unknown component `qoute`"), "{stderr}");
    assert!(stderr.contains("did you mean `QUOTE`?"), "{stderr}");

    let (errs, stderr) = errors("Text.\n\n> [!QUOTE speeker=maria]\n> Hi.\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (8, 11), "{stderr}");
    assert!(errs[0].2.contains("no argument `speeker`"), "{stderr}");
    assert!(stderr.contains("did you mean `speaker`?"), "{stderr}");

    let (errs, stderr) = errors("> [!QUOTE speaker=mario]\n> Hi.\n");
    assert_eq!((errs[0].0, errs[0].1), (6, 11), "{stderr}");
    assert!(stderr.contains("did you mean `maria`?"), "{stderr}");

    let (errs, stderr) = errors("> [!QUOTE name=Ann date=yesterday]\n> Hi.\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (6, 20), "{stderr}");
    assert!(errs[0].2.contains("not a date"), "{stderr}");

    let (errs, stderr) = errors("> [!DOWNLOAD]\n> The report\n");
    assert_eq!((errs[0].0, errs[0].1), (6, 5), "{stderr}");
    assert!(errs[0].2.contains("needs the argument `file`"), "{stderr}");

    let (errs, stderr) = errors("- item\n\n  > [!DOWNLOAD file=missing.pdf]\n");
    assert_eq!((errs[0].0, errs[0].1), (8, 16), "{stderr}");
    assert!(
        errs[0].2.contains("`missing.pdf` does not exist"),
        "{stderr}"
    );

    let (errs, stderr) = errors("> [!QUOTE name=\"Ann]\n> Hi.\n");
    assert_eq!((errs[0].0, errs[0].1), (6, 16), "{stderr}");
    assert!(errs[0].2.contains("never closed"), "{stderr}");
}

#[test]
fn lists_and_links_around_a_component_render_as_without_it() {
    let around = |component: &str| {
        format!(
            "- one with [a link](https://example.org/a)\n- two\n\n{component}See [the report](https://example.org/r) and <https://example.org/auto>.\n\n1. first\n2. second\n"
        )
    };
    let site = site();
    site.file(
        "content/blog/with.md",
        &post(&around(
            "> [!QUOTE name=Ann]\n> Inside, [a link](https://example.org/in).\n\n",
        )),
    )
    .file("content/blog/without.md", &post(&around("")));
    site.build().assert_ok();
    let with = site.html("blog/with/index.html");
    let without = site.html("blog/without/index.html");
    let outside = |page: &Html| -> Vec<String> {
        page.select(&sel(".content > ul, .content > ol, .content > p"))
            .map(|e| e.html())
            .collect()
    };
    assert_eq!(outside(&with), outside(&without));
    assert_eq!(with.select(&sel(".content > ul > li")).count(), 2);
    assert_eq!(
        texts(&with, ".component-quote blockquote a"),
        ["a link"],
        "{}",
        content(&with)
    );
}

#[test]
fn a_component_in_code_stays_literal() {
    let site = site();
    site.file(
        "content/blog/code.md",
        &post(
            "```markdown\n> [!QUOTE name=Ann]\n> Hi.\n```\n\nInline `> [!QUOTE name=Ann]` too.\n",
        ),
    );
    site.build().assert_ok();
    let page = site.html("blog/code/index.html");
    assert_eq!(page.select(&sel(".component-quote")).count(), 0);
    let code: Vec<String> = texts(&page, ".content pre");
    // (text_of joins lines with spaces)
    assert_eq!(code, ["> [!QUOTE name=Ann] > Hi."]);
    assert_eq!(texts(&page, ".content p code"), ["> [!QUOTE name=Ann]"]);
}

#[test]
fn the_wire_text_shows_each_component_as_its_text_fallback() {
    let site = site();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    )
    .file("static/files/q3.pdf", "%PDF-1.4 tiny");
    site.file(
        "content/press/q3.md",
        "+++\ntitle = \"Q3 results\"\ndate = 2026-11-19T10:00:00Z\ndateline = \"Lyon\"\n+++\n\nAcme reports.\n\n> [!QUOTE speaker=maria date=2026-10-23 source=q3]\n> We delivered.\n\n> [!DOWNLOAD file=/files/q3.pdf]\n> Interim report\n",
    );
    site.build().assert_ok();
    let text = std::fs::read_to_string(site.out().join("press/q3/index.txt")).expect("index.txt");
    assert!(!text.contains("[!"), "no component header:\n{text}");
    assert!(!text.contains("speaker="), "no arguments:\n{text}");
    assert!(text.contains("We delivered."), "{text}");
    assert!(
        text.contains("— Maria Lindqvist, Chief Executive, 23 October 2026 [1]"),
        "the quote's attribution, citing its source:\n{text}"
    );
    assert!(text.contains("Interim report"), "{text}");
    assert!(text.contains("Download: q3.pdf (PDF) [2]"), "{text}");
    assert!(
        text.contains("[2] https://example.com/files/q3.pdf"),
        "{text}"
    );
}

/// Search indexes a component's words, not its header: `speaker`, `source` and the ids in
/// `[!QUOTE speaker=maria source=q3]` are not words of the page.
#[test]
fn search_indexes_the_quote_not_its_header() {
    let site = site();
    site.file(
        "content/blog/q.md",
        &post("Lead.\n\n> [!QUOTE speaker=maria date=2026-10-23 source=q3]\n> We will not ship until it meets the zorblax spec.\n"),
    );
    site.build().assert_ok();
    let out = site.out();
    let mut all = String::new();
    for rel in common::list_files(&out.join("search")) {
        all.push_str(&std::fs::read_to_string(out.join("search").join(rel)).unwrap());
    }
    assert!(all.contains("zorblax"), "the quote's words are indexed");
    for header_word in ["speaker", "\"quote\""] {
        assert!(
            !all.contains(header_word),
            "`{header_word}` is in the search index"
        );
    }
}

#[test]
fn a_factbox_is_a_definition_list_with_its_date_and_numbered_citations() {
    let site = site();
    site.file(
        "content/blog/f.md",
        &format!(
            "+++\ntitle = \"Facts\"\ndate = 2026-11-19T10:00:00Z\n[[sources]]\nid = \"census\"\ntitle = \"Workforce census\"\nurl = \"https://example.org/census\"\n+++\n\n{}",
            "Lead cites [^q3].\n\n> [!FACTBOX title=\"Q3 at a glance\" as_of=2026-09-30]\n> - Revenue: SEK *4.2* billion[^q3]\n> - Employees: 4,200[^census]\n> - Plants: 3\n\nAfter.\n\n> [!FACTBOX]\n> - Sites: 2\n"
        ),
    );
    site.build().assert_ok();
    let page = site.html("blog/f/index.html");
    let boxes: Vec<_> = page
        .select(&sel(".content aside.component-factbox"))
        .collect();
    assert_eq!(boxes.len(), 2, "{}", content(&page));
    let first = boxes[0];
    assert_eq!(first.value().attr("aria-label"), Some("Q3 at a glance"));
    let terms: Vec<String> = first.select(&sel("dl > div > dt")).map(text_of).collect();
    assert_eq!(terms, ["Revenue", "Employees", "Plants"]);
    let values: Vec<String> = first.select(&sel("dl > div > dd")).map(text_of).collect();
    assert_eq!(values, ["SEK 4.2 billion[1]", "4,200[2]", "3"]);
    // The values' citations run on from the text's: q3 is [1] in the lead and in the box.
    let cites: Vec<(String, String)> = first
        .select(&sel("dd sup.citation a"))
        .map(|a| (a.value().attr("href").unwrap_or("").to_string(), text_of(a)))
        .collect();
    assert_eq!(
        cites,
        [
            ("#source-q3".to_string(), "[1]".to_string()),
            ("#source-census".to_string(), "[2]".to_string())
        ]
    );
    assert_eq!(
        first.select(&sel("dd em")).count(),
        1,
        "values are Markdown"
    );
    let as_of: Vec<_> = first.select(&sel(".factbox-as-of time")).collect();
    assert_eq!(as_of[0].value().attr("datetime"), Some("2026-09-30"));
    assert_eq!(
        texts(&page, ".component-factbox .factbox-as-of"),
        ["As of 30 September 2026"]
    );
    // Without a title, the heading says what it is; without a date, no date line.
    let second = boxes[1];
    assert_eq!(second.value().attr("aria-label"), Some("Key facts"));
    assert_eq!(second.select(&sel(".factbox-as-of")).count(), 0);
    assert_eq!(texts(&page, ".content > p"), ["Lead cites [1].", "After."]);
}

#[test]
fn a_factbox_whose_body_is_not_rows_is_an_error_at_its_header() {
    let (errs, stderr) = errors("Intro.\n\n> [!FACTBOX as_of=2026-09-30]\n> Revenue was up.\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (8, 3), "{stderr}");
    assert!(
        errs[0].2.contains("not a list of `Label: value` rows"),
        "{stderr}"
    );
    assert!(stderr.contains("> - Revenue: SEK 4.2 billion"), "{stderr}");
    let (errs, stderr) = errors("> [!FACTBOX as_of=end-of-Q3]\n> - A: 1\n");
    assert_eq!((errs[0].0, errs[0].1), (6, 13), "{stderr}");
    assert!(errs[0].2.contains("not a date"), "{stderr}");
}

#[test]
fn a_factbox_reads_as_titled_rows_in_the_wire_text() {
    let site = site();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    );
    site.file(
        "content/press/q3.md",
        "+++\ntitle = \"Q3 results\"\ndate = 2026-11-19T10:00:00Z\ndateline = \"Lyon\"\n+++\n\nAcme reports.\n\n> [!FACTBOX title=\"Q3 at a glance\" as_of=2026-09-30]\n> - Revenue: SEK 4.2 billion[^q3]\n> - Plants: 3\n",
    );
    site.build().assert_ok();
    let text = std::fs::read_to_string(site.out().join("press/q3/index.txt")).expect("index.txt");
    assert!(!text.contains("[!"), "no component header:\n{text}");
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` missing:\n{text}"))
    };
    assert!(
        at("Q3 at a glance") < at("Revenue: SEK 4.2 billion [1]"),
        "{text}"
    );
    assert!(at("Plants: 3") < at("As of 30 September 2026"), "{text}");
}

#[test]
fn a_contact_card_is_in_the_page_language_and_an_unknown_id_names_the_nearest() {
    let site = site();
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\n[languages.ko]\n",
    )
    .file(
        "data/contacts.toml",
        "[maria]\nname = \"Maria Lindqvist\"\nrole = \"Chief Executive\"\nemail = \"m@acme.example\"\nphone = \"+46 8 123 45\"\n[minji]\nname = \"Lee Min-ji\"\nrole = \"Press officer\"\n[minji.languages.ko]\nname = \"이민지\"\nrole = \"홍보 담당\"\n",
    )
    .file(
        "content/blog/c.md",
        &post("Intro.\n\n> [!CONTACT id=maria]\n> For *investor* questions.\n\n> [!CONTACT id=minji]\n"),
    )
    .file(
        "content/blog/c.ko.md",
        &post("소개.\n\n> [!CONTACT id=minji]\n"),
    );
    site.build().assert_ok();
    let page = site.html("blog/c/index.html");
    let cards: Vec<_> = page.select(&sel(".content .component-contact")).collect();
    assert_eq!(cards.len(), 2, "{}", content(&page));
    let part =
        |i: usize, s: &str| -> Vec<String> { cards[i].select(&sel(s)).map(text_of).collect() };
    assert_eq!(part(0, ".contact-name"), ["Maria Lindqvist"]);
    assert_eq!(part(0, ".contact-role"), ["Chief Executive"]);
    assert_eq!(part(0, ".contact-note"), ["For investor questions."]);
    let links: Vec<&str> = cards[0]
        .select(&sel("address a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(links, ["mailto:m@acme.example", "tel:+46812345"]);
    assert_eq!(part(1, ".contact-name"), ["Lee Min-ji"]);
    assert_eq!(cards[1].select(&sel("address, .contact-note")).count(), 0);
    let ko = site.html("ko/blog/c/index.html");
    assert_eq!(texts(&ko, ".component-contact .contact-name"), ["이민지"]);
    assert_eq!(
        texts(&ko, ".component-contact .contact-role"),
        ["홍보 담당"]
    );

    let (errs, stderr) = errors("> [!CONTACT id=mario]\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (6, 13), "{stderr}");
    assert!(
        errs[0].2.contains("`mario` is not a contact id"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `maria`?"), "{stderr}");
}

#[test]
fn a_contact_reads_as_its_card_in_the_wire_text() {
    let site = site();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/q3.md",
        "+++\ntitle = \"Q3 results\"\ndate = 2026-11-19T10:00:00Z\ndateline = \"Lyon\"\n+++\n\nAcme reports.\n\n> [!CONTACT id=maria]\n> For investor questions.\n",
    );
    site.build().assert_ok();
    let text = std::fs::read_to_string(site.out().join("press/q3/index.txt")).expect("index.txt");
    assert!(!text.contains("[!"), "no component header:\n{text}");
    let note = text.find("For investor questions.").expect(&text);
    let card = text
        .find("> Maria Lindqvist, Chief Executive\n> Email: m@acme.example\n")
        .expect(&text);
    assert!(note < card, "{text}");
}

fn write_bytes(site: &SiteTest, rel: &str, bytes: &[u8]) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn a_figure_is_a_sized_lazy_picture_with_its_caption_and_credit() {
    let site = site();
    write_bytes(
        &site,
        "content/blog/plant/plant.jpg",
        &crate::images::jpeg(1600, 900, false),
    );
    write_bytes(
        &site,
        "static/photos/yard.png",
        &crate::images::png(400, 200),
    );
    site.file(
        "static/art/rule.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.file(
        "content/blog/plant/index.md",
        &post("Intro.\n\n> [!FIGURE src=plant.jpg alt=\"The Lyon plant at dusk\" caption=\"The new plant.\" credit=\"Jane Doe/Acme\"]\n\n> [!FIGURE src=/photos/yard.png alt=\"The storage yard\"]\n> The yard, *seen* from the north.\n\n> [!FIGURE src=/art/rule.svg decorative=true]\n"),
    );
    let run = site.build_ok();
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let page = site.html("blog/plant/index.html");
    let figures: Vec<_> = page
        .select(&sel(".content figure.component-figure"))
        .collect();
    assert_eq!(figures.len(), 3, "{}", content(&page));
    let img = |i: usize| figures[i].select(&sel("img")).next().expect("an img");
    let first = img(0).value();
    assert_eq!(first.attr("alt"), Some("The Lyon plant at dusk"));
    assert_eq!(first.attr("loading"), Some("lazy"));
    assert_eq!(
        (first.attr("width"), first.attr("height")),
        (Some("1600"), Some("900"))
    );
    assert!(
        first.attr("srcset").is_some_and(|s| s.contains(" 480w")),
        "{first:?}"
    );
    let webp = figures[0]
        .select(&sel("picture source[type='image/webp']"))
        .count();
    assert_eq!(webp, 1, "a WebP source");
    // Every size it offers is written.
    for candidate in first.attr("srcset").unwrap_or("").split(", ") {
        let url = candidate.rsplit_once(' ').expect("url and width").0;
        assert!(
            site.out().join(url.trim_start_matches('/')).is_file(),
            "{url}"
        );
    }
    assert_eq!(
        texts(&page, ".component-figure figcaption"),
        [
            "The new plant. Jane Doe/Acme",
            "The yard, seen from the north."
        ]
    );
    assert_eq!(texts(&page, ".component-figure .credit"), ["Jane Doe/Acme"]);
    assert_eq!(
        figures[1].select(&sel("figcaption em")).count(),
        1,
        "the body is Markdown"
    );
    assert_eq!(img(1).value().attr("width"), Some("400"));
    // An SVG is shown as written; a decorative image has an empty alt.
    assert_eq!(img(2).value().attr("src"), Some("/art/rule.svg"));
    assert_eq!(img(2).value().attr("alt"), Some(""));
    assert_eq!(figures[2].select(&sel("figcaption")).count(), 0);
}

#[test]
fn a_figure_without_alt_warns_like_an_image_and_a_bad_file_is_an_error_at_its_line() {
    let site = site();
    write_bytes(
        &site,
        "content/blog/plant/plant.jpg",
        &crate::images::jpeg(300, 200, false),
    );
    let body = "Intro.\n\n> [!FIGURE src=plant.jpg caption=\"The plant\"]\n";
    site.file("content/blog/plant/index.md", &post(body));
    let run = site.build_ok();
    let warnings = run.diagnostics();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert_eq!(warnings[0].severity, "warning");
    assert_eq!((warnings[0].line, warnings[0].col), (8, 12), "{warnings:?}");
    assert!(warnings[0].message.contains("no alt text"), "{warnings:?}");
    assert!(run.stderr.contains("decorative=true"), "{}", run.stderr);

    // On a release it is an error.
    site.file(
        "content/blog/plant/index.md",
        &format!(
            "+++\ntitle = \"R\"\nkind = \"release\"\ndate = 2026-11-19T10:00:00Z\n+++\n\n{body}"
        ),
    );
    let run = site.build();
    run.assert_code(1);
    let found = run.errors_in("content/blog/plant/index.md");
    assert_eq!(found.len(), 1, "{}", run.stderr);
    assert_eq!((found[0].line, found[0].col), (9, 12), "{found:?}");

    // A missing file: one error at its `src`, with a fix.
    let (errs, stderr) = errors("Intro.\n\n> [!FIGURE src=gone.jpg alt=\"A plant\"]\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (8, 12), "{stderr}");
    assert!(errs[0].2.contains("gone.jpg"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
    // A missing SVG too (the image stage does not read those).
    let (errs, stderr) = errors("> [!FIGURE src=/gone.svg alt=\"A plant\"]\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (6, 12), "{stderr}");
    assert!(errs[0].2.contains("does not exist"), "{stderr}");

    // A corrupt file: an error at its line.
    let whole = crate::images::jpeg(800, 600, false);
    write_bytes(
        &site,
        "content/blog/plant/plant.jpg",
        &whole[..whole.len() / 3],
    );
    site.file(
        "content/blog/plant/index.md",
        &post("> [!FIGURE src=plant.jpg alt=\"The plant\"]\n"),
    );
    let run = site.build();
    run.assert_code(1);
    let found = run.errors_in("content/blog/plant/index.md");
    assert_eq!(found.len(), 1, "{}", run.stderr);
    assert_eq!((found[0].line, found[0].col), (6, 12), "{found:?}");
}

#[test]
fn a_figure_reads_as_its_caption_credit_and_link_in_the_wire_text() {
    let site = site();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    );
    write_bytes(
        &site,
        "static/photos/plant.jpg",
        &crate::images::jpeg(300, 200, false),
    );
    site.file(
        "content/press/q3.md",
        "+++\ntitle = \"Q3 results\"\ndate = 2026-11-19T10:00:00Z\ndateline = \"Lyon\"\n+++\n\nAcme reports.\n\n> [!FIGURE src=/photos/plant.jpg alt=\"The plant\" caption=\"The Lyon plant\" credit=\"Jane Doe\"]\n",
    );
    site.build().assert_ok();
    let text = std::fs::read_to_string(site.out().join("press/q3/index.txt")).expect("index.txt");
    assert!(!text.contains("[!"), "no component header:\n{text}");
    assert!(
        text.contains("Image: The Lyon plant (Jane Doe) [1]"),
        "{text}"
    );
    assert!(
        text.contains("[1] https://example.com/photos/plant.jpg"),
        "{text}"
    );
}

/// Every URL the page would load by itself (not links): `src`, `srcset`, `poster`, `data`.
fn loaded_urls(page: &Html) -> Vec<String> {
    let mut urls = Vec::new();
    for el in page.select(&sel("[src], [srcset], [poster], object[data]")) {
        for attr in ["src", "srcset", "poster", "data"] {
            urls.extend(el.value().attr(attr).map(String::from));
        }
    }
    urls
}

#[test]
fn a_provider_video_is_a_plain_link_that_loads_nothing_from_the_provider() {
    let site = site();
    write_bytes(
        &site,
        "content/blog/launch/poster.jpg",
        &crate::images::jpeg(1280, 720, false),
    );
    site.file("content/blog/launch/transcript.html", "<p>Words.</p>");
    site.file(
        "content/blog/launch/index.md",
        &post("Intro.\n\n> [!VIDEO src=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" title=\"The launch event\" transcript=transcript.html]\n> Our CEO opens the plant.\n\n> [!VIDEO src=\"https://vimeo.com/76979871\" poster=poster.jpg]\n"),
    );
    let run = site.build_ok();
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let page = site.html("blog/launch/index.html");
    let videos: Vec<_> = page
        .select(&sel(".content figure.component-video"))
        .collect();
    assert_eq!(videos.len(), 2, "{}", content(&page));
    // Without JavaScript: a link to the video's page, its title the link's text.
    let link = |i: usize| {
        videos[i]
            .select(&sel("a.video-link"))
            .next()
            .expect("a link")
    };
    assert_eq!(
        link(0).value().attr("href"),
        Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    );
    assert_eq!(
        texts(&page, ".video-link .video-title"),
        ["The launch event", "Video"]
    );
    assert_eq!(
        videos[0].value().attr("data-video-embed"),
        Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1")
    );
    assert_eq!(
        videos[1].value().attr("data-video-embed"),
        Some("https://player.vimeo.com/video/76979871?dnt=1&autoplay=1")
    );
    // No poster: a styled placeholder, not the provider's thumbnail.
    assert_eq!(videos[0].select(&sel(".video-placeholder")).count(), 1);
    // A local poster goes through the image pipeline, sized and lazy.
    let poster = videos[1]
        .select(&sel(".video-poster img"))
        .next()
        .expect("poster");
    assert_eq!(poster.value().attr("width"), Some("1280"));
    assert_eq!(poster.value().attr("loading"), Some("lazy"));
    assert_eq!(
        poster.value().attr("alt"),
        Some(""),
        "the link's title names it"
    );
    // Nothing on the page loads from a third party before a click.
    for url in loaded_urls(&page) {
        assert!(
            !url.contains("youtube") && !url.contains("ytimg") && !url.contains("vimeo"),
            "{url}"
        );
    }
    assert_eq!(page.select(&sel("iframe")).count(), 0);
    // The transcript and the description.
    assert_eq!(
        texts(&page, ".component-video .video-transcript"),
        ["Transcript"]
    );
    assert_eq!(
        attrs(&page, ".component-video .video-transcript", "href"),
        ["transcript.html"]
    );
    assert_eq!(
        texts(&page, ".component-video figcaption p"),
        ["Our CEO opens the plant."]
    );
    // The player loader is the theme's own file, loaded only where a video needs it.
    let scripts = attrs(&page, "script[src]", "src");
    assert!(
        scripts.iter().any(|s| s.ends_with("/video.js")),
        "{scripts:?}"
    );
    let js = std::fs::read_to_string(site.out().join("video.js")).expect("video.js");
    assert!(
        js.contains("youtube-nocookie.com") && js.contains("data-video-embed"),
        "{js}"
    );
    let home = attrs(&site.html("index.html"), "script[src]", "src");
    assert!(!home.iter().any(|s| s.ends_with("/video.js")), "{home:?}");
}

#[test]
fn a_local_video_is_a_video_element_that_loads_nothing_until_played() {
    let site = site();
    site.file("static/media/launch.mp4", "not really a video");
    write_bytes(
        &site,
        "static/media/poster.jpg",
        &crate::images::jpeg(640, 360, false),
    );
    site.file(
        "content/blog/v.md",
        &post("> [!VIDEO src=/media/launch.mp4 poster=/media/poster.jpg title=\"Launch\" transcript=\"https://example.org/t\"]\n"),
    );
    let run = site.build_ok();
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let page = site.html("blog/v/index.html");
    let video = page
        .select(&sel(".component-video video"))
        .next()
        .expect("a video");
    assert_eq!(video.value().attr("preload"), Some("none"));
    assert!(video.value().attr("controls").is_some());
    let poster = video.value().attr("poster").expect("a poster");
    assert!(
        poster.ends_with(".jpg") && !poster.contains("://"),
        "{poster}"
    );
    assert!(
        site.out().join(poster.trim_start_matches('/')).is_file(),
        "{poster}"
    );
    assert_eq!(
        attrs(&page, ".component-video source", "src"),
        ["/media/launch.mp4"]
    );
    assert_eq!(
        attrs(&page, ".component-video source", "type"),
        ["video/mp4"]
    );
    assert_eq!(
        texts(&page, ".component-video figcaption .video-title"),
        ["Launch"]
    );
    assert_eq!(
        attrs(&page, ".video-transcript", "href"),
        ["https://example.org/t"]
    );
    // No provider: no player loader.
    let scripts = attrs(&page, "script[src]", "src");
    assert!(
        !scripts.iter().any(|s| s.ends_with("/video.js")),
        "{scripts:?}"
    );
}

#[test]
fn a_video_that_is_neither_a_provider_url_nor_a_file_is_an_error_at_its_argument() {
    let (errs, stderr) = errors("> [!VIDEO src=\"https://example.com/clip\"]\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert_eq!((errs[0].0, errs[0].1), (6, 11), "{stderr}");
    assert!(
        errs[0].2.contains("not a YouTube or Vimeo video URL"),
        "{stderr}"
    );
    assert!(
        stderr.contains("https://www.youtube.com/watch?v=ID"),
        "{stderr}"
    );
    let (errs, stderr) = errors("> [!VIDEO src=gone.mp4]\n");
    assert!(errs[0].2.contains("`gone.mp4` does not exist"), "{stderr}");
    let (errs, stderr) =
        errors("> [!VIDEO src=\"https://youtu.be/dQw4w9WgXcQ\" transcript=gone.txt]\n");
    assert_eq!(errs.len(), 1, "{stderr}");
    assert!(errs[0].2.contains("`gone.txt` does not exist"), "{stderr}");
}

#[test]
fn a_video_reads_as_its_title_and_links_in_the_wire_text() {
    let site = site();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    );
    site.file(
        "content/press/q3.md",
        "+++\ntitle = \"Q3 results\"\ndate = 2026-11-19T10:00:00Z\ndateline = \"Lyon\"\n+++\n\nAcme reports.\n\n> [!VIDEO src=\"https://youtu.be/dQw4w9WgXcQ\" title=\"The earnings call\" transcript=\"/calls/q3.html\"]\n",
    );
    site.build().assert_ok();
    let text = std::fs::read_to_string(site.out().join("press/q3/index.txt")).expect("index.txt");
    assert!(!text.contains("[!"), "no component header:\n{text}");
    assert!(
        text.contains("Video: The earnings call [1]\n> Transcript [2]"),
        "{text}"
    );
    assert!(
        text.contains("[1] https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        "{text}"
    );
    assert!(
        text.contains("[2] https://example.com/calls/q3.html"),
        "{text}"
    );
}

/// A theme's or site's own component template is checked in every build, though the
/// components' templates are parsed only when a body shows one: broken, it fails the build at
/// its file, also a rebuild into the last output in which no body changed; fixed, the build
/// renders with it.
#[test]
fn a_broken_component_template_of_the_site_fails_every_build_until_fixed() {
    let site = site();
    site.file(
        "content/blog/q.md",
        &post("Lead.\n\n> [!QUOTE speaker=maria]\n> Words.\n"),
    );
    site.build().assert_ok();
    let quote = "templates/components/quote.html";
    site.file(quote, "<figure>{{ args.speaker.name </figure>\n");
    for _ in 0..2 {
        let b = site.build();
        b.assert_code(1);
        let errs = b.errors_in(quote);
        assert!(
            (errs.iter()).any(|e| e.message.contains("component template does not parse")),
            "{}",
            b.stderr
        );
    }
    site.file(
        quote,
        "<figure class=\"mine\"><b>{{ args.speaker.name }}</b></figure>\n",
    );
    site.build().assert_ok();
    let page = site.html("blog/q/index.html");
    assert_eq!(texts(&page, ".content figure.mine b"), ["Maria Lindqvist"]);
}
