//! What a successful build writes: item pages, lists and pagination, taxonomies, authors,
//! aliases, languages, drafts, unlisted and embargoed items, determinism, and the example site.

use crate::common;

use common::*;
use std::collections::BTreeSet;

fn set(urls: &[&str]) -> BTreeSet<String> {
    urls.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_minimal_site_has_its_fixed_pages() {
    let site = SiteTest::new();
    let b = site.build_ok();
    for rel in [
        "index.html",
        "404.html",
        "corrections/index.html",
        "search/index.html",
        "sources/index.html",
        "highlight.css",
    ] {
        assert!(b.exists(rel), "{rel} missing; files: {:?}", b.files());
    }
    let home = b.html("/");
    assert_eq!(html_lang(&home).as_deref(), Some("en"));
    assert_eq!(h1s(&home).len(), 1, "home has one <h1>");
}

#[test]
fn every_item_page_exists_with_its_title() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/2026-11-18-big-launch.md",
        &item("Big Launch", "2026-11-18T10:00:00+01:00", "", "Body."),
    )
    .file(
        "content/blog/2026-11-19-hello-world.md",
        &item("Hello, World & Friends", "2026-11-19", "", "Hi."),
    )
    .file(
        "content/blog/2026-11-20-custom.md",
        &item("Custom slug", "2026-11-20", "slug = \"my-own-slug\"\n", "x"),
    )
    .file(
        "content/facts/company.md",
        "+++\ntitle = \"Company facts\"\nkind = \"factsheet\"\n+++\nFacts.\n",
    )
    .file(
        "content/about.md",
        "+++\ntitle = \"About us\"\nkind = \"page\"\n+++\nAbout.\n",
    );
    let b = site.build_ok();
    assert_item_page(&b, "/press/big-launch/", "Big Launch");
    assert_item_page(&b, "/blog/hello-world/", "Hello, World & Friends");
    assert_item_page(&b, "/blog/my-own-slug/", "Custom slug");
    assert_item_page(&b, "/facts/company/", "Company facts");
    assert_item_page(&b, "/about/", "About us");
    // The date prefix never leaks into a URL.
    assert!(
        !b.files().iter().any(|f| f.contains("2026-11-")),
        "a date prefix is in an output path: {:?}",
        b.files()
    );
}

/// An explicit `slug` is the URL segment as written (capitals and dots kept, as a Jekyll or
/// Zola blog's `Rust-1.0` was); only what a URL cannot hold is replaced, with a warning at the
/// slug's line naming the segment. A name-made slug is still normalized.
#[test]
fn an_explicit_slug_is_the_url_as_written() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2015-05-15-rust.md",
        &item(
            "Announcing Rust 1.0",
            "2015-05-15",
            "slug = \"Rust-1.0\"\n",
            "x",
        ),
    )
    .file(
        "content/blog/2026-11-20-custom.md",
        &item(
            "Custom slug",
            "2026-11-20",
            "slug = \"My Own Slug?\"\n",
            "x",
        ),
    )
    .file(
        "content/blog/2026-11-21-Big.News.md",
        &item("From the file name", "2026-11-21", "", "x"),
    );
    let b = site.build_ok();
    assert_item_page(&b, "/blog/Rust-1.0/", "Announcing Rust 1.0");
    assert_item_page(&b, "/blog/My-Own-Slug/", "Custom slug");
    assert_item_page(&b, "/blog/big-news/", "From the file name");
    let diags = b.diagnostics();
    let warned: Vec<_> = diags
        .iter()
        .map(|d| (d.path.as_str(), d.line, d.col, d.severity.as_str()))
        .collect();
    assert_eq!(
        warned,
        [("content/blog/2026-11-20-custom.md", 4, 1, "warning")],
        "one warning, at the line of the slug that was changed: {}",
        b.stderr
    );
    assert!(diags[0].message.contains("`My-Own-Slug`"), "{}", b.stderr);
}

/// Two slugs that differ only in case are one folder on macOS and Windows: an error, not one
/// page silently overwriting the other.
#[test]
fn slugs_differing_only_in_case_collide() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-20-a.md",
        &item("A", "2026-11-20", "slug = \"Rust-1.0\"\n", "x"),
    )
    .file(
        "content/blog/2026-11-21-b.md",
        &item("B", "2026-11-21", "slug = \"rust-1.0\"\n", "x"),
    );
    let b = site.build();
    b.assert_code(1);
    let errors: Vec<_> = b
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].message.contains("/blog/rust-1.0/")
            || errors[0].message.contains("/blog/Rust-1.0/"),
        "{}",
        b.stderr
    );
}

/// A page moved by the explicit-slug rule (`q3-results` → `Q3-Results`) cannot keep its old
/// URL as an alias: on macOS and Windows the redirect would overwrite the page. The error is
/// at the alias and says which slug keeps the old URL.
#[test]
fn an_alias_differing_from_its_page_only_in_case_is_an_error() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-20-a.md",
        &item(
            "A",
            "2026-11-20",
            "slug = \"Q3-Results\"\naliases = [\"/blog/q3-results/\"]\n",
            "x",
        ),
    );
    let b = site.build();
    b.assert_code(1);
    let errors = b.diagnostics();
    let at: Vec<_> = errors.iter().map(|d| (d.path.as_str(), d.line)).collect();
    assert_eq!(at, [("content/blog/2026-11-20-a.md", 5)], "{}", b.stderr);
    assert!(
        errors[0].message.contains("/blog/Q3-Results/")
            && b.stderr.contains("slug = \"q3-results\""),
        "{}",
        b.stderr
    );
}

#[test]
fn pagination_pages_link_to_each_other() {
    let site = SiteTest::new();
    let mut all = BTreeSet::new();
    for i in 1..=25 {
        site.file(
            &format!("content/blog/2026-10-{i:02}-post-{i:02}.md"),
            &item(&format!("Post {i:02}"), &format!("2026-10-{i:02}"), "", "x"),
        );
        all.insert(format!("/blog/post-{i:02}/"));
    }
    let b = site.build_ok();
    let pages = ["/blog/", "/blog/page/2/", "/blog/page/3/"];
    for p in pages {
        assert!(b.exists(p), "{p} missing");
    }
    assert!(!b.exists("/blog/page/4/"), "a fourth page was written");
    assert!(
        !b.exists("/blog/page/1/"),
        "page 1 must live at the section URL only"
    );

    // next / prev chains, each target an existing file.
    let next: Vec<Option<String>> = pages.iter().map(|p| rel_link(&b.html(p), "next")).collect();
    let prev: Vec<Option<String>> = pages.iter().map(|p| rel_link(&b.html(p), "prev")).collect();
    assert_eq!(
        next,
        vec![
            Some("/blog/page/2/".to_string()),
            Some("/blog/page/3/".to_string()),
            None
        ]
    );
    assert_eq!(
        prev,
        vec![
            None,
            Some("/blog/".to_string()),
            Some("/blog/page/2/".to_string())
        ]
    );
    for target in next.iter().chain(&prev).flatten() {
        assert!(b.exists(target), "pagination link {target} goes nowhere");
    }
    // Every page links to every other page.
    for p in pages {
        let links: BTreeSet<String> = main_links(&b.html(p)).into_iter().collect();
        for q in pages.iter().filter(|q| **q != p) {
            assert!(links.contains(*q), "{p} does not link to {q}");
        }
    }
    // 10 + 10 + 5 items, newest first, each exactly once.
    let per_page: Vec<Vec<String>> = pages.iter().map(|p| item_links(&b.html(p), &all)).collect();
    assert_eq!(
        per_page.iter().map(Vec::len).collect::<Vec<_>>(),
        [10, 10, 5]
    );
    let flat: Vec<String> = per_page.concat();
    let expected: Vec<String> = (1..=25)
        .rev()
        .map(|i| format!("/blog/post-{i:02}/"))
        .collect();
    assert_eq!(flat, expected);
}

#[test]
fn long_lists_show_a_window_of_page_numbers() {
    // 12 pages of one item: each page shows 1, the pages within two of it, the last, and a
    // gap mark for each run of pages left out.
    let site = SiteTest::new();
    site.file(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\npaginate_by = 1\n+++\n",
    );
    for i in 1..=12 {
        site.file(
            &format!("content/blog/2026-10-{i:02}-post-{i:02}.md"),
            &item(&format!("Post {i:02}"), &format!("2026-10-{i:02}"), "", "x"),
        );
    }
    let b = site.build_ok();
    let shown = |page: usize| -> Vec<String> {
        let url = if page == 1 {
            "/blog/".to_string()
        } else {
            format!("/blog/page/{page}/")
        };
        let html = b.html(&url);
        let items: Vec<String> = html
            .select(&sel("nav.pagination li"))
            .map(|li| {
                let text = text_of(li);
                let current = li.select(&sel("a[aria-current=page]")).next().is_some();
                if current { format!("[{text}]") } else { text }
            })
            .collect();
        for href in attrs(&html, "nav.pagination li a", "href") {
            assert!(b.exists(&href), "{url}: page link {href} goes nowhere");
        }
        items
    };
    let strip = |v: Vec<String>| -> String {
        v.into_iter()
            .filter(|t| !t.contains('←') && !t.contains('→'))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(strip(shown(1)), "[1] 2 3 … 12");
    assert_eq!(strip(shown(4)), "1 2 3 [4] 5 6 … 12");
    assert_eq!(strip(shown(6)), "1 … 4 5 [6] 7 8 … 12");
    assert_eq!(strip(shown(9)), "1 … 7 8 [9] 10 11 12");
    assert_eq!(strip(shown(12)), "1 … 10 11 [12]");
}

#[test]
fn paginate_by_in_the_section_index_wins() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\npaginate_by = 10\n"),
    )
    .file(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\npaginate_by = 4\n+++\n",
    );
    let mut all = BTreeSet::new();
    for i in 1..=9 {
        site.file(
            &format!("content/blog/p{i}.md"),
            &item(&format!("P{i}"), &format!("2026-10-0{i}"), "", "x"),
        );
        all.insert(format!("/blog/p{i}/"));
    }
    let b = site.build_ok();
    assert!(b.exists("/blog/page/3/"));
    assert!(!b.exists("/blog/page/4/"));
    let links = paginated_item_links(&b, "/blog/", &all);
    assert_eq!(links.len(), 9);
    assert_eq!(links.iter().cloned().collect::<BTreeSet<_>>(), all);
}

/// A blog of 12 posts: odd ones tagged `Odd`, even ones `Even`, every third by `ann`, the rest
/// by `bob`; plus one unlisted post tagged `Odd`.
fn tagged_site() -> (SiteTest, BTreeSet<String>) {
    let site = SiteTest::new();
    site.file(
        "data/authors.toml",
        "[ann]\nname = \"Ann Andersson\"\n\n[bob]\nname = \"Bob Berg\"\n\n[cy]\nname = \"Cy Nobody\"\n",
    );
    let mut all = BTreeSet::new();
    for i in 1..=12 {
        let tag = if i % 2 == 1 { "Odd" } else { "Even" };
        let author = if i % 3 == 0 { "ann" } else { "bob" };
        site.file(
            &format!("content/blog/2026-10-{i:02}-post-{i:02}.md"),
            &item(
                &format!("Post {i:02}"),
                &format!("2026-10-{i:02}"),
                &format!("tags = [\"{tag}\", \"All Posts\"]\nauthors = [\"{author}\"]\n"),
                "x",
            ),
        );
        all.insert(format!("/blog/post-{i:02}/"));
    }
    site.file(
        "content/blog/hidden.md",
        &item(
            "Hidden Unlisted Post",
            "2026-10-30",
            "status = \"unlisted\"\ntags = [\"Odd\", \"Only Unlisted\"]\nauthors = [\"ann\"]\n",
            "x",
        ),
    );
    all.insert("/blog/hidden/".to_string());
    (site, all)
}

#[test]
fn tag_pages_list_exactly_the_right_items() {
    let (site, all) = tagged_site();
    let b = site.build_ok();
    let odd: BTreeSet<String> = (1..=12)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("/blog/post-{i:02}/"))
        .collect();
    let even: BTreeSet<String> = (1..=12)
        .filter(|i| i % 2 == 0)
        .map(|i| format!("/blog/post-{i:02}/"))
        .collect();
    let listed: BTreeSet<String> = odd.union(&even).cloned().collect();
    for (url, want) in [
        ("/tags/odd/", &odd),
        ("/tags/even/", &even),
        ("/tags/all-posts/", &listed),
    ] {
        let links = paginated_item_links(&b, url, &all);
        assert_eq!(
            links.len(),
            want.len(),
            "{url} lists an item twice: {links:?}"
        );
        assert_eq!(&links.into_iter().collect::<BTreeSet<_>>(), want, "{url}");
        assert_eq!(h1s(&b.html(url)).len(), 1, "{url} has one <h1>");
    }
    // The tag list links every term page.
    let tags = main_links(&b.html("/tags/"));
    for t in ["/tags/odd/", "/tags/even/", "/tags/all-posts/"] {
        assert!(tags.contains(&t.to_string()), "/tags/ does not link {t}");
    }
    // A term used only by an unlisted item has no page and is not listed.
    assert!(!b.exists("/tags/only-unlisted/"));
    assert!(!tags.iter().any(|t| t.contains("only-unlisted")));
}

#[test]
fn author_pages_list_exactly_the_right_items() {
    let (site, all) = tagged_site();
    let b = site.build_ok();
    let ann: BTreeSet<String> = (1..=12)
        .filter(|i| i % 3 == 0)
        .map(|i| format!("/blog/post-{i:02}/"))
        .collect();
    let bob: BTreeSet<String> = (1..=12)
        .filter(|i| i % 3 != 0)
        .map(|i| format!("/blog/post-{i:02}/"))
        .collect();
    for (url, name, want) in [
        ("/authors/ann/", "Ann Andersson", &ann),
        ("/authors/bob/", "Bob Berg", &bob),
    ] {
        let links = paginated_item_links(&b, url, &all);
        assert_eq!(links.len(), want.len(), "{url}: {links:?}");
        assert_eq!(&links.into_iter().collect::<BTreeSet<_>>(), want, "{url}");
        assert_eq!(h1s(&b.html(url)), vec![name.to_string()], "{url}");
    }
    let authors = main_links(&b.html("/authors/"));
    for a in ["/authors/ann/", "/authors/bob/"] {
        assert!(authors.contains(&a.to_string()), "/authors/ misses {a}");
    }
    // An author no item of the build names has no page and no place in the list: their
    // existence can be the news of a release still under embargo (see tests/it/embargo.rs).
    assert!(!b.exists("/authors/cy/"));
    assert!(!authors.contains(&"/authors/cy/".to_string()));
    // The byline links the author page.
    let post = b.html("/blog/post-03/");
    assert!(main_links(&post).contains(&"/authors/ann/".to_string()));
}

#[test]
fn unlisted_items_are_built_but_in_no_list() {
    let (site, all) = tagged_site();
    let b = site.build_ok();
    assert_item_page(&b, "/blog/hidden/", "Hidden Unlisted Post");
    let hidden = "/blog/hidden/".to_string();
    for list in ["/blog/", "/tags/odd/", "/authors/ann/"] {
        let links = paginated_item_links(&b, list, &all);
        assert!(!links.contains(&hidden), "{list} lists the unlisted item");
    }
    assert!(!item_links(&b.html("/"), &all).contains(&hidden));
    assert!(!main_links(&b.html("/")).contains(&hidden));
}

#[test]
fn an_alias_redirects_to_the_permalink() {
    let site = SiteTest::new();
    site.file(
        "content/press/2026-11-18-launch.md",
        &item(
            "Launch",
            "2026-11-18",
            "aliases = [\"/old/launch-page/\", \"legacy/launch.html\"]\n",
            "x",
        ),
    );
    let b = site.build_ok();
    let permalink = format!("{BASE_URL}/press/launch/");
    for alias in ["/old/launch-page/", "/legacy/launch.html"] {
        assert!(
            b.exists(alias),
            "no redirect page at {alias}: {:?}",
            b.files()
        );
        let html = b.html(alias);
        let refresh = attrs(&html, "meta[http-equiv=\"refresh\" i]", "content");
        assert_eq!(refresh.len(), 1, "{alias}: one meta refresh");
        let target = refresh[0]
            .split_once(';')
            .map(|(_, t)| t.trim())
            .and_then(|t| t.strip_prefix("url=").or_else(|| t.strip_prefix("URL=")))
            .unwrap_or_else(|| panic!("refresh content `{}` has no url", refresh[0]));
        assert_eq!(target, permalink, "{alias}: refresh target");
        assert_eq!(
            attrs(&html, "link[rel=\"canonical\"]", "href"),
            vec![permalink.clone()],
            "{alias}: canonical"
        );
        assert!(b.exists(target), "the target page exists");
    }
}

/// An old deep link keeps its `#fragment`: the redirect page's script (the same text on every
/// page, so one CSP hash allows it) reads the canonical link, which must come before it in the
/// head, and goes there with the fragment; the meta refresh (no script) goes to the bare URL.
#[test]
fn an_alias_redirect_keeps_the_fragment() {
    let site = SiteTest::new();
    site.file(
        "content/press/2026-11-18-launch.md",
        &item(
            "Launch",
            "2026-11-18",
            "aliases = [\"/old/launch/\"]\n",
            "x",
        ),
    );
    let b = site.build_ok();
    let permalink = format!("{BASE_URL}/press/launch/");
    let html = b.html("/old/launch/");
    let scripts: Vec<_> = html.select(&sel("head script")).collect();
    assert_eq!(scripts.len(), 1, "one script in the redirect page's head");
    let script = text_of(scripts[0]);
    assert_eq!(
        script,
        pressroom::render::REDIRECT_SCRIPT,
        "the script whose CSP hash is documented"
    );
    assert_eq!(html.select(&sel("script")).count(), 1, "no other script");
    // The element the script reads is there before it runs (parsing stops at the script).
    let canonical_selector = "link[rel=canonical]";
    let head: Vec<_> = html
        .select(&sel("head > *"))
        .map(|e| e.value().name().to_string())
        .collect();
    let link_at = head
        .iter()
        .position(|n| n == "link")
        .expect("a link in head");
    let script_at = head
        .iter()
        .position(|n| n == "script")
        .expect("a script in head");
    assert!(
        link_at < script_at,
        "canonical link before the script: {head:?}"
    );
    assert_eq!(
        attrs(&html, canonical_selector, "href"),
        vec![permalink.clone()]
    );
    // Without script: the refresh and the plain link go to the page itself.
    let refresh = attrs(&html, "meta[http-equiv=\"refresh\" i]", "content");
    assert_eq!(refresh, vec![format!("0; url={permalink}")]);
    assert_eq!(attrs(&html, "body a", "href"), vec![permalink.clone()]);
    // Run the script against a stand-in document answering that selector, when node is here.
    let program = format!(
        "let went = null;\n\
         const location = {{ hash: '#q-and-a', replace(u) {{ went = u; }} }};\n\
         const document = {{ querySelector(s) {{ return s === {canonical_selector:?} ? {{ href: {permalink:?} }} : null; }} }};\n\
         {script};\nprocess.stdout.write(String(went));\n"
    );
    match std::process::Command::new("node")
        .args(["-e", &program])
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                format!("{permalink}#q-and-a")
            );
        }
        Err(e) => eprintln!("node not found ({e}): the script's behaviour is not run here"),
    }
}

#[test]
fn an_alias_cannot_replace_a_generated_page() {
    let site = SiteTest::new();
    site.file(
        "content/blog/a.md",
        &item(
            "A",
            "2026-11-18",
            "aliases = [\"/blog/\", \"/tags/\"]\n",
            "x",
        ),
    );
    let b = site.build();
    assert_eq!(b.code, 1, "expected a content error; stderr:\n{}", b.stderr);
    assert!(
        !b.errors_in("content/blog/a.md").is_empty(),
        "the error names the file: {}",
        b.stderr
    );
}

#[test]
fn an_alias_to_the_home_page_is_an_error() {
    let site = SiteTest::new();
    site.file(
        "content/blog/a.md",
        &item("A", "2026-11-18", "aliases = [\"/\"]\n", "x"),
    );
    let b = site.build();
    assert_eq!(b.code, 1, "expected a content error; stderr:\n{}", b.stderr);
    assert!(!b.errors_in("content/blog/a.md").is_empty(), "{}", b.stderr);
}

#[test]
fn an_alias_leaving_the_site_is_a_content_error() {
    let site = SiteTest::new();
    site.file(
        "content/blog/a.md",
        &item("A", "2026-11-18", "aliases = [\"../../escape\"]\n", "x"),
    );
    let b = site.build();
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let errs = b.errors_in("content/blog/a.md");
    assert_eq!(errs.first().map(|d| d.line), Some(4), "{}", b.stderr);
    assert!(!site.tmp().join("escape").exists());
}

#[test]
fn a_korean_file_name_gives_a_readable_slug() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/서울-공장.md",
        &item("서울 공장 착공", "2026-11-18", "", "본문입니다."),
    )
    .file(
        "content/press/2026-11-17-부산 연구소.md",
        &item("부산 연구소 개소", "2026-11-17", "", "본문."),
    );
    let b = site.build_ok();
    assert!(b.out.join("press/서울-공장/index.html").is_file());
    assert_item_page(&b, "/press/서울-공장/", "서울 공장 착공");
    assert_item_page(&b, "/press/부산-연구소/", "부산 연구소 개소");
    let list = main_links(&b.html("/press/"));
    assert!(list.contains(&"/press/서울-공장/".to_string()), "{list:?}");
}

#[test]
fn a_korean_title_gives_the_slug_when_the_file_name_has_no_letters() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/2026-11-21-!!.md",
        &item("광주 공장 가동", "2026-11-21", "", "본문."),
    );
    let b = site.build_ok();
    assert_item_page(&b, "/press/광주-공장-가동/", "광주 공장 가동");
}

#[test]
fn a_date_only_file_name_takes_its_slug_from_the_title() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/2026-11-19.md",
        &item("부산 연구소", "2026-11-19", "", "본문."),
    );
    let b = site.build_ok();
    assert_item_page(&b, "/press/부산-연구소/", "부산 연구소");
}

/// The `<article>` of a page, as HTML.
fn article_html(run: &Run, url: &str) -> String {
    let html = run.html(url);
    let articles: Vec<String> = html.select(&sel("article")).map(|a| a.html()).collect();
    assert!(!articles.is_empty(), "{url} has no <article>");
    articles.join("\n")
}

/// `<!--more-->` as Hugo and Jekyll blogs write it (and any other spacing) ends the summary,
/// as `<!-- more -->` does: the feed's summary is the text before it, not a cut of the body.
#[test]
fn the_more_marker_cuts_the_summary_in_any_spacing() {
    for marker in ["<!-- more -->", "<!--more-->", "<!--   more\t-->"] {
        let site = SiteTest::new();
        site.file(
            "content/blog/2026-11-01-a.md",
            &format!(
                "+++\ntitle = \"A\"\ndate = 2026-11-01\n+++\n\nThe lead.\n\nMore lead.\n\n{marker}\n\nThe rest.\n"
            ),
        );
        let b = site.build_ok();
        let feed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(b.out.join("feed.json")).unwrap())
                .unwrap();
        assert_eq!(
            feed["items"][0]["summary"], "The lead. More lead.",
            "{marker:?}: {feed}"
        );
    }
}

/// `smart_punctuation = false` leaves prose as typed (`--all-features`, straight quotes) on the
/// page and in the summary; without the key the site keeps today's typographic punctuation.
#[test]
fn smart_punctuation_is_a_site_setting() {
    let prose = "Pass --all-features to \"cargo\" -- it's fine...";
    let build = |setting: &str| {
        let site = SiteTest::new();
        site.file(
            "site.toml",
            &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n{setting}"),
        )
        .file(
            "content/blog/2026-11-01-a.md",
            &item(
                "A",
                "2026-11-01",
                "",
                &format!("{prose}\n\n## It's \"done\"\n"),
            ),
        );
        let b = site.build_ok();
        let html = b.html("/blog/a/");
        let feed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(b.out.join("feed.json")).unwrap())
                .unwrap();
        let summary = feed["items"][0]["summary"].as_str().unwrap().to_string();
        (
            texts(&html, "article p"),
            texts(&html, "article h2"),
            summary,
        )
    };
    let (paragraphs, headings, summary) = build("smart_punctuation = false\n");
    assert!(paragraphs.contains(&prose.to_string()), "{paragraphs:?}");
    assert_eq!(headings, ["It's \"done\""]);
    assert_eq!(summary, prose);
    let smart =
        "Pass \u{2013}all-features to \u{201c}cargo\u{201d} \u{2013} it\u{2019}s fine\u{2026}";
    for setting in ["", "smart_punctuation = true\n"] {
        let (paragraphs, headings, summary) = build(setting);
        assert!(
            paragraphs.contains(&smart.to_string()),
            "{setting:?}: {paragraphs:?}"
        );
        assert_eq!(
            headings,
            ["It\u{2019}s \u{201c}done\u{201d}"],
            "{setting:?}"
        );
        assert_eq!(summary, smart, "{setting:?}");
    }
}

#[test]
fn yaml_and_toml_front_matter_render_the_same_article() {
    let body = "Stockholm opens a plant.[^report]\n\n## Details\n\n- one\n- two\n\n<!-- more -->\n\nMore *text*.\n";
    let toml = format!(
        "+++\ntitle = \"Same: a launch\"\ndate = 2026-11-18T10:00:00+01:00\nkind = \"release\"\ntags = [\"Energy\", \"Grid\"]\ncategories = [\"News\"]\nsummary = \"A summary.\"\ndateline = \"STOCKHOLM\"\nauthors = [\"ann\"]\n\n[[sources]]\nid = \"report\"\ntitle = \"Annual report\"\nurl = \"https://example.org/report.pdf\"\npublisher = \"Example AB\"\n\n[[corrections]]\ndate = 2026-11-19T09:00:00+01:00\nkind = \"correction\"\nnote = \"Fixed a number.\"\n\n[extra]\nfoo = \"bar\"\n+++\n\n{body}"
    );
    let yaml = format!(
        "---\ntitle: \"Same: a launch\"\ndate: 2026-11-18T10:00:00+01:00\nkind: release\ntags: [Energy, Grid]\ncategories:\n  - News\nsummary: A summary.\ndateline: STOCKHOLM\nauthors: [ann]\nsources:\n  - id: report\n    title: Annual report\n    url: https://example.org/report.pdf\n    publisher: Example AB\ncorrections:\n  - date: \"2026-11-19T09:00:00+01:00\"\n    kind: correction\n    note: Fixed a number.\nextra:\n  foo: bar\n---\n\n{body}"
    );
    let build = |front: &str| {
        let site = SiteTest::new();
        site.file("data/authors.toml", "[ann]\nname = \"Ann\"\n")
            .file("content/press/2026-11-18-same.md", front);
        let b = site.build_ok();
        (article_html(&b, "/press/same/"), site)
    };
    let (t, _t_site) = build(&toml);
    let (y, _y_site) = build(&yaml);
    assert!(t.contains("Same: a launch"));
    assert_eq!(t, y, "TOML and YAML front matter render differently");
}

#[test]
fn languages_get_their_own_tree() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"{BASE_URL}\"\n\n[languages.fr]\ntitle = \"Salle de presse\"\n\n[languages.ko]\ntitle = \"뉴스룸\"\n"
        ),
    )
    .file(
        "content/press/2026-11-18-plant.md",
        &item("Plant opens", "2026-11-18", "", "x"),
    )
    .file(
        "content/press/2026-11-18-plant.fr.md",
        &item("L'usine ouvre", "2026-11-18", "", "x"),
    )
    .file(
        "content/press/2026-11-18-plant.ko.md",
        &item("공장 개장", "2026-11-18", "", "x"),
    );
    let b = site.build_ok();
    for (url, title, lang) in [
        ("/press/plant/", "Plant opens", "en"),
        ("/fr/press/plant/", "L'usine ouvre", "fr"),
        ("/ko/press/plant/", "공장 개장", "ko"),
    ] {
        assert_item_page(&b, url, title);
        assert_eq!(html_lang(&b.html(url)).as_deref(), Some(lang), "{url}");
    }
    assert_eq!(html_lang(&b.html("/fr/")).as_deref(), Some("fr"));
    // Each version points at the others (hreflang alternates).
    let alts = attrs(
        &b.html("/press/plant/"),
        "link[rel=\"alternate\"][hreflang]",
        "href",
    );
    for other in ["/fr/press/plant/", "/ko/press/plant/"] {
        assert!(
            alts.iter().any(|a| a.ends_with(other)),
            "no hreflang alternate {other}: {alts:?}"
        );
    }
}

#[test]
fn drafts_are_built_only_with_drafts() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-18-zebra-draft.md",
        &item(
            "Zebra Draft Title",
            "2026-11-18",
            "draft = true\ntags = [\"zebratag\"]\n",
            "x",
        ),
    )
    .file(
        "content/blog/2026-11-17-other.md",
        &item("Other", "2026-11-17", "", "x"),
    );
    let b = site.build_ok();
    assert!(!b.exists("/blog/zebra-draft/"));
    assert_absent_everywhere(&b.out, &["Zebra Draft Title", "zebra-draft", "zebratag"]);

    let out2 = site.tmp().join("preview");
    let p = site.build_args(&["--drafts", "--output", out2.to_str().unwrap()]);
    p.assert_ok();
    assert_item_page(&p, "/blog/zebra-draft/", "Zebra Draft Title");
    // A preview is never indexed.
    let robots = attrs(
        &p.html("/blog/zebra-draft/"),
        "meta[name=\"robots\"]",
        "content",
    );
    assert!(robots.iter().any(|r| r.contains("noindex")), "{robots:?}");
}

/// A site with one embargoed release (lifting at 2028-01-15T07:00:00Z), which has a unique tag,
/// an alias and an author, beside one public release.
fn embargo_site(embargo_line: &str) -> SiteTest {
    let site = SiteTest::new();
    site.file("data/authors.toml", "[ann]\nname = \"Ann\"\n")
        .file(
            "content/press/_index.md",
            "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
        )
        .file(
            "content/press/2026-11-18-public-news.md",
            &item("Public news", "2026-11-18", "tags = [\"Launches\"]\n", "x"),
        )
        .file(
            "content/press/2028-01-15-quokka-reveal.md",
            &format!(
                "+++\ntitle = \"Quokka Reveal Extravaganza\"\ndate = 2028-01-15T08:00:00+01:00\n{embargo_line}\ntags = [\"Launches\", \"quokkatag\"]\nauthors = [\"ann\"]\naliases = [\"/quokka-old/\"]\n+++\n\nThe quokkas are coming.\n"
            ),
        );
    site
}

#[test]
fn an_embargoed_item_is_absent_before_its_time() {
    for line in [
        "embargo = 2028-01-15T08:00:00+01:00",
        "embargo = \"2028-01-15T07:00:00Z\"",
    ] {
        let site = embargo_site(line);
        let b = site.build_args(&["--now", "2028-01-15T06:59:59Z", "--message-format", "json"]);
        b.assert_ok();
        assert!(!b.exists("/press/quokka-reveal/"));
        assert!(!b.exists("/quokka-old/"));
        assert!(!b.exists("/tags/quokkatag/"));
        assert_absent_everywhere(
            &b.out,
            &[
                "Quokka Reveal Extravaganza",
                "quokka-reveal",
                "quokka-old",
                "quokkatag",
                "quokkas are coming",
            ],
        );
        let s = b.json_summary();
        assert_eq!(s["withheld"], 1, "{s}");
        assert_eq!(s["items"], 1, "{s}");
        assert_eq!(s["next_embargo_lift"], "2028-01-15T07:00:00Z", "{s}");
    }
}

#[test]
fn an_embargoed_item_is_present_from_its_time() {
    let all = set(&["/press/quokka-reveal/", "/press/public-news/"]);
    for now in ["2028-01-15T07:00:00Z", "2028-02-01T00:00:00Z"] {
        let site = embargo_site("embargo = 2028-01-15T08:00:00+01:00");
        let b = site.build_args(&["--now", now, "--message-format", "json"]);
        b.assert_ok();
        assert_item_page(&b, "/press/quokka-reveal/", "Quokka Reveal Extravaganza");
        assert!(b.exists("/quokka-old/"), "the alias appears with the item");
        assert_eq!(
            paginated_item_links(&b, "/tags/quokkatag/", &all),
            vec!["/press/quokka-reveal/"]
        );
        assert!(item_links(&b.html("/press/"), &all).contains(&"/press/quokka-reveal/".into()));
        assert!(
            paginated_item_links(&b, "/authors/ann/", &all)
                .contains(&"/press/quokka-reveal/".into())
        );
        let s = b.json_summary();
        assert_eq!(s["withheld"], 0, "{s}");
        assert_eq!(s["next_embargo_lift"], serde_json::Value::Null, "{s}");
    }
}

#[test]
fn an_embargo_without_offset_is_read_in_the_site_time_zone() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\ntimezone = \"Asia/Seoul\"\n"),
    )
    .file(
        "content/press/seoul-launch.md",
        "+++\ntitle = \"Seoul Launch\"\ndate = 2028-01-15\nkind = \"release\"\nembargo = 2028-01-15T08:00:00\n+++\nx\n",
    );
    // 08:00 KST is 23:00 UTC the day before.
    let before = site.build_args(&["--now", "2028-01-14T22:59:59Z", "--message-format", "json"]);
    before.assert_ok();
    assert!(!before.exists("/press/seoul-launch/"));
    assert_eq!(
        before.json_summary()["next_embargo_lift"],
        "2028-01-14T23:00:00Z"
    );
    let after = site.build_args(&["--now", "2028-01-14T23:00:00Z"]);
    after.assert_ok();
    assert_item_page(&after, "/press/seoul-launch/", "Seoul Launch");
}

/// A site exercising many outputs: languages, tags, authors, aliases, Korean, pagination.
fn rich_site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"{BASE_URL}\"\npaginate_by = 3\ntimezone = \"Europe/Stockholm\"\n\n[languages.ko]\ntitle = \"뉴스룸\"\n"
        ),
    )
    .file("data/authors.toml", "[ann]\nname = \"Ann\"\n[bob]\nname = \"Bob\"\n")
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"census\"\ntitle = \"Census\"\nurl = \"https://example.org/census\"\n",
    );
    for i in 1..=8 {
        site.file(
            &format!("content/blog/2026-10-{i:02}-p{i}.md"),
            &item(
                &format!("Post {i}"),
                &format!("2026-10-{i:02}"),
                &format!(
                    "tags = [\"t{}\", \"Ålands\"]\nauthors = [\"{}\"]\naliases = [\"/old/{i}/\"]\n",
                    i % 3,
                    if i % 2 == 0 { "ann" } else { "bob" }
                ),
                "Text citing the census.[^census]\n\n```rust\nfn main() {}\n```\n",
            ),
        );
    }
    site.file(
        "content/press/서울-공장.ko.md",
        &item("서울 공장", "2026-11-01", "kind = \"release\"\n", "본문"),
    );
    site
}

#[test]
fn two_builds_are_byte_identical() {
    let site = rich_site();
    let a = site.build_ok();
    let first = a.hashes();
    assert!(
        first.len() > 20,
        "the rich site wrote {} files",
        first.len()
    );
    // Into another folder, and again into the same one.
    let other = site.tmp().join("public-2");
    let b = site.build_args(&["--output", other.to_str().unwrap()]);
    b.assert_ok();
    assert_same_tree(&first, &b.hashes(), "two builds into two folders");
    let c = site.build_ok();
    assert_same_tree(&first, &c.hashes(), "a rebuild into the same folder");
}

#[test]
fn the_example_newsroom_builds_with_lang_and_one_h1_on_every_item_page() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let out_s = out.to_str().unwrap();
    let b = run(
        &[
            "build",
            "--root",
            root,
            "--output",
            out_s,
            "--now",
            NOW,
            "--message-format",
            "json",
        ],
        &out,
    );
    b.assert_ok();
    let summary = b.json_summary();
    let items = summary["items"].as_u64().expect("items") as usize;
    assert!(items > 10, "{summary}");
    assert_eq!(
        summary["files"].as_u64().unwrap() as usize,
        b.files().len(),
        "summary `files` counts what was written"
    );
    let mut item_pages = 0;
    let mut problems = Vec::new();
    for rel in b.files().iter().filter(|f| f.ends_with(".html")) {
        let html = b.html(rel);
        if html.select(&sel("body.item-page")).next().is_none() {
            continue;
        }
        item_pages += 1;
        match html_lang(&html) {
            Some(l) if !l.trim().is_empty() => {
                // The language tree and the lang attribute agree.
                let first = rel.split('/').next().unwrap_or("");
                if ["fr", "ko", "sv", "ja"].contains(&first) && l != first {
                    problems.push(format!("{rel}: lang `{l}` under /{first}/"));
                }
            }
            other => problems.push(format!("{rel}: <html lang> is {other:?}")),
        }
        let n = h1s(&html).len();
        if n != 1 {
            problems.push(format!("{rel}: {n} <h1> elements"));
        }
    }
    assert_eq!(item_pages, items, "item pages found vs summary `items`");
    assert!(problems.is_empty(), "{problems:#?}");
    // The embargoed launch of the example is not out yet.
    assert!(summary["withheld"].as_u64().unwrap() >= 1, "{summary}");
    assert!(!b.exists("/press/fjord-6-launch/"));
}

#[test]
fn the_example_newsroom_builds_byte_identically() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for name in ["a", "b"] {
        let out = tmp.path().join(name);
        let b = run(
            &[
                "build",
                "--root",
                root,
                "--output",
                out.to_str().unwrap(),
                "--now",
                NOW,
                "-q",
            ],
            &out,
        );
        b.assert_ok();
        trees.push(b.hashes());
    }
    assert_same_tree(&trees[0], &trees[1], "two builds of the example newsroom");
}

/// Each page of a paginated list carries only its own items: giving every page the whole list
/// made memory grow with the square of the site (10,000 items ran out of memory).
#[test]
fn paginated_lists_carry_only_their_own_items() {
    let site = SiteTest::new();
    site.file("site.toml", "title = \"T\"\nbase_url = \"https://example.com\"\npaginate_by = 5\n")
        .file(
            "templates/section.html",
            "<!DOCTYPE html><html lang=\"en\"><head><title>s</title></head><body><p id=\"n\">{{ section.pages | length }}/{{ paginator.pages | length }}</p></body></html>",
        )
        .file(
            "templates/taxonomy_term.html",
            "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><p id=\"n\">{{ term.pages | length }}/{{ paginator.pages | length }}</p></body></html>",
        );
    for i in 1..=12 {
        site.file(
            &format!("content/blog/2026-01-{i:02}-post-{i}.md"),
            &format!(
                "+++\ntitle = \"Post {i}\"\ndate = 2026-01-{i:02}\ntags = [\"t\"]\n+++\n\nBody.\n"
            ),
        );
    }
    let b = site.build_ok();
    let counts = |url: &str| {
        let doc = b.html(url);
        let sel = scraper::Selector::parse("#n").unwrap();
        doc.select(&sel)
            .next()
            .map(|e| e.text().collect::<String>())
            .unwrap_or_default()
    };
    assert_eq!(counts("/blog/"), "5/5");
    assert_eq!(counts("/blog/page/3/"), "2/2");
    assert_eq!(counts("/tags/t/page/2/"), "5/5");
}

/// Every list shows an item with the same summary, its own: the summaries are kept once per
/// item for the whole render (as borrowing structs, made into template values on each use).
#[test]
fn every_list_shows_each_item_with_its_own_summary() {
    let site = SiteTest::new();
    let dump = "<!DOCTYPE html><html lang=\"en\"><head><title>l</title></head><body><script id=\"s\" type=\"application/json\">{{ paginator.pages | json_encode() | safe }}</script></body></html>";
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\npaginate_by = 2\n",
    )
    .file("templates/section.html", dump)
    .file("templates/taxonomy_term.html", dump);
    for i in 1..=5 {
        let tags = if i % 2 == 0 {
            "[\"even\", \"all\"]"
        } else {
            "[\"all\"]"
        };
        site.file(
            &format!("content/blog/2026-01-{i:02}-post-{i}.md"),
            &format!(
                "+++\ntitle = \"Post {i}\"\ndate = 2026-01-{i:02}T09:00:00Z\ntags = {tags}\nsummary = \"Summary *{i}*.\"\n+++\n\nBody {i}.\n"
            ),
        );
    }
    let b = site.build_ok();
    let cards = |url: &str| -> Vec<serde_json::Value> {
        let doc = b.html(url);
        let sel = scraper::Selector::parse("#s").unwrap();
        let text: String = doc.select(&sel).next().expect("#s").text().collect();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: {e}: {text}"))
    };
    let mut seen: std::collections::BTreeMap<String, Vec<serde_json::Value>> = Default::default();
    for url in [
        "/blog/",
        "/blog/page/2/",
        "/blog/page/3/",
        "/tags/all/",
        "/tags/all/page/2/",
        "/tags/all/page/3/",
        "/tags/even/",
    ] {
        for card in cards(url) {
            let title = card["title"].as_str().expect("title").to_string();
            let i = title.strip_prefix("Post ").expect("a post");
            assert_eq!(card["url"], format!("/blog/post-{i}/"), "{url}: {card}");
            assert_eq!(
                card["summary"],
                format!("<p>Summary <em>{i}</em>.</p>\n"),
                "{url}"
            );
            assert_eq!(
                card["date"],
                format!("2026-01-0{i}T09:00:00+00:00"),
                "{url}"
            );
            seen.entry(title).or_default().push(card);
        }
    }
    assert_eq!(seen.len(), 5, "every post is listed: {:?}", seen.keys());
    for (title, cards) in &seen {
        let n = if title == "Post 2" || title == "Post 4" {
            3
        } else {
            2
        };
        assert_eq!(
            cards.len(),
            n,
            "{title} is on the blog, `all` and its own tags"
        );
        assert!(cards.iter().all(|c| c == &cards[0]), "{title}: {cards:?}");
    }
}

/// The relative `href`s and `src`s of a page's `<main>`, resolved against its URL path.
fn relative_links(html: &scraper::Html, page: &str) -> Vec<String> {
    let sel = scraper::Selector::parse("main [href], main [src]").expect("selector");
    html.select(&sel)
        .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
        .filter(|l| !l.contains(':') && !l.starts_with('/') && !l.starts_with('#'))
        .map(|l| format!("{page}{l}"))
        .collect()
}

/// A page bundle in a dated folder (`press/2026-11-18-launch/`, published at `/press/launch/`)
/// with a French translation: each page's relative links to the bundle's files work, and a
/// bundle whose translation is embargoed publishes none of its files.
#[test]
fn a_bundles_files_are_beside_every_page_it_makes() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n[languages.fr]\nname = \"Français\"\n"),
    );
    let item = |title: &str, body: &str, extra: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = 2026-11-18T09:00:00Z\n{extra}+++\n\n{body}\n")
    };
    let dir = "content/press/2026-11-18-launch";
    site.file(
        &format!("{dir}/index.md"),
        &item(
            "Launch",
            "See [the fact sheet](facts.pdf) and ![A chart](img/chart.svg).",
            "",
        ),
    )
    .file(
        &format!("{dir}/index.fr.md"),
        &item(
            "Lancement",
            "Voir [la fiche](facts.pdf) et ![Un graphique](img/chart.svg).",
            "",
        ),
    )
    .file(&format!("{dir}/facts.pdf"), "%PDF-1.4 facts")
    .file(
        &format!("{dir}/img/chart.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>",
    );
    let held = "content/blog/2026-11-19-plans";
    // The English page is public; the file belongs to the embargoed French one too, so it
    // waits for it (a file only the translation links would otherwise go out early).
    site.file(
        &format!("{held}/index.md"),
        &item("Plans", "Our plans.", ""),
    )
    .file(
        &format!("{held}/index.fr.md"),
        &item(
            "Projets",
            "[Plan](plan.pdf)",
            "embargo = 2027-01-01T00:00:00Z\n",
        ),
    )
    .file(&format!("{held}/plan.pdf"), "%PDF-1.4 secret plan");
    let b = site.build_ok();
    for page in ["/press/launch/", "/fr/press/launch/"] {
        let links = relative_links(&b.html(page), page);
        assert_eq!(links.len(), 2, "{page}: {links:?}");
        for link in links {
            assert!(b.exists(&link[1..]), "{link} is not published");
        }
    }
    let files = b.files();
    assert!(
        !files.iter().any(|f| f.contains("2026-11-18-launch")),
        "nothing at the folder's own path: {files:?}"
    );
    assert!(
        !files.iter().any(|f| f.ends_with("plan.pdf")),
        "an embargoed translation holds back its bundle's files: {files:?}"
    );
    site.check_args(&[]).assert_ok();
}
