//! `pressroom import --from zola|hugo|jekyll|eleventy`: small sites of each generator, written here,
//! imported, built with pressroom; every old URL resolves (page, file or redirect), bodies
//! render, old feed URLs are feeds, and template syntax is reported at its place.

use crate::common::*;
use std::path::Path;

/// Writes `files` (path, text) under `root`.
fn write_site(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Writes a real image (the build decodes and resizes local images, and refuses a broken one).
fn write_image(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Imports `old` from `generator` into `TMP/new`, builds it into `TMP/out` and checks it,
/// asserts all three succeed; returns the import's and the build's runs.
fn import_and_build(tmp: &Path, generator: &str) -> (Run, Run) {
    let (old, new, out) = (tmp.join("old"), tmp.join("new"), tmp.join("out"));
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let import = run(&["import", "--from", generator, &s(&old), &s(&new)], &new);
    import.assert_ok();
    let build = run(
        &[
            "build",
            "--root",
            &s(&new),
            "--output",
            &s(&out),
            "--now",
            NOW,
        ],
        &out,
    );
    build.assert_ok();
    // `check` finds nothing wrong with an imported site: its links, anchors and aliases hold.
    let check = run(&["check", "--root", &s(&new), "--now", NOW], &out);
    check.assert_ok();
    assert!(
        !check.diagnostics().iter().any(|d| d.severity == "error"),
        "{}",
        check.stderr
    );
    (import, build)
}

/// Every old URL is in the output: the page itself, a file, or a redirect page whose
/// canonical link is `to` (when given).
fn assert_resolves(build: &Run, old: &str, to: Option<&str>) {
    assert!(
        build.exists(old),
        "old URL {old} is not in the output: {:?}",
        build.files()
    );
    if let Some(to) = to {
        let page = build.html(old);
        let canonical = attrs(&page, "link[rel=canonical]", "href");
        assert!(
            canonical.iter().any(|c| c.ends_with(to)),
            "{old} should lead to {to}: {canonical:?}"
        );
    }
}

fn feed_type(build: &Run, rel: &str) -> feed_rs::model::FeedType {
    let bytes = std::fs::read(build.out.join(rel.trim_start_matches('/'))).unwrap();
    feed_rs::parser::parse(bytes.as_slice())
        .unwrap_or_else(|e| panic!("{rel} is not a feed: {e}"))
        .feed_type
}

/// The warnings of an import, as (path, line, col).
fn places(import: &Run) -> Vec<(String, usize, usize)> {
    let mut p: Vec<_> = import
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "warning")
        .map(|d| (d.path, d.line, d.col))
        .collect();
    p.sort();
    p
}

#[test]
fn a_zola_blog_keeps_its_urls_feeds_and_anchors() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            (
                "config.toml",
                "base_url = \"https://blog.example.org\"\ntitle = \"Old Zola\"\nfeed_filenames = [\"feed.xml\"]\n\n[markdown]\nhighlight_code = true\n\n[extra]\nauthor = \"x\"\n",
            ),
            (
                "content/_index.md",
                "+++\ntitle = \"Home\"\nsort_by = \"date\"\n+++\n",
            ),
            (
                "content/blog/_index.md",
                "+++\ntitle = \"Blog\"\nsort_by = \"date\"\npaginate_by = 5\ngenerate_feeds = true\n+++\n",
            ),
            (
                "content/blog/2024-05-01-what-s-next.md",
                "+++\ntitle = \"What's next?\"\ndate = 2024-05-01T10:00:00+02:00\ndescription = \"The plan.\"\n\n[taxonomies]\ntags = [\"rust\"]\n\n[extra]\nhero = \"x.png\"\n+++\n\n## What's next?\n\nBuild with --all-features. See [the bundle](@/blog/bundle/index.md) and [placed][p].\n\n{{ tweet(id=\"1\") }}\n\n```toml\n[a]\nb = 1\n```\n\n{% quote(author=\"Ada Lovelace\") %}\nThe engine weaves.\n{% end %}\n\n{% note() %}\nMind the gap.\n{% end %}\n\n[p]: @/blog/placed.md\n",
            ),
            (
                "content/blog/bundle/index.md",
                "+++\ntitle = \"Bundle\"\ndate = 2024-06-01\naliases = [\"/old/bundle/\"]\nauthors = [\"Ada Lovelace\"]\n+++\n\n![A picture](pic.png)\n",
            ),
            // A bundle in a dated folder: Zola served it, and its files, at `/blog/dated/`.
            (
                "content/blog/2024-09-01-dated/index.md",
                "+++\ntitle = \"Dated\"\n+++\n\n![The chart][c] and [the data][d].\n\n[c]: chart.png\n[d]: data.csv\n",
            ),
            ("content/blog/2024-09-01-dated/data.csv", "a,b\n1,2\n"),
            (
                "content/blog/placed.md",
                "+++\ntitle = \"Placed\"\ndate = 2024-07-01\npath = \"custom/place\"\n+++\nPlaced body.\n",
            ),
            (
                "content/blog/wip.md",
                "+++\ntitle = \"WIP\"\ndate = 2024-08-01\ndraft = true\n+++\nNot yet.\n",
            ),
            (
                "content/about.md",
                "+++\ntitle = \"About\"\n+++\nAbout us.\n",
            ),
            ("static/robots-extra.txt", "x"),
        ],
    );
    write_image(
        &tmp.path().join("old/content/blog/bundle/pic.png"),
        &crate::images::png(40, 30),
    );
    write_image(
        &tmp.path()
            .join("old/content/blog/2024-09-01-dated/chart.png"),
        &crate::images::png(40, 30),
    );
    let (import, build) = import_and_build(tmp.path(), "zola");
    assert_resolves(&build, "/blog/what-s-next/", None);
    assert_resolves(&build, "/blog/bundle/", None);
    assert_resolves(&build, "/blog/bundle/pic.png", None);
    assert_resolves(&build, "/old/bundle/", Some("/blog/bundle/"));
    assert_resolves(&build, "/custom/place/", Some("/blog/placed/"));
    // The dated bundle's files are at its page's URL, where its reference-style links point
    // (`check`, run above, finds no broken link).
    assert_resolves(&build, "/blog/dated/data.csv", None);
    let dated = build.html("/blog/dated/");
    assert!(
        attrs(&dated, "main img", "src")
            .iter()
            .any(|s| s.contains("chart")),
        "the co-located chart shows"
    );
    assert_resolves(&build, "/about/", None);
    assert_resolves(&build, "/robots-extra.txt", None);
    assert!(!build.exists("/blog/wip/"), "a draft stays a draft");
    assert_eq!(
        feed_type(&build, "/feed.xml"),
        feed_rs::model::FeedType::Atom
    );
    // The section's feed (`generate_feeds`) keeps its URL: the section names it in its own
    // `[feeds]`, which stays if the site's names change.
    assert_eq!(
        feed_type(&build, "/blog/feed.xml"),
        feed_rs::model::FeedType::Atom
    );
    let section = std::fs::read_to_string(tmp.path().join("new/content/blog/_index.md")).unwrap();
    let front: toml::Table = section.split("+++").nth(1).unwrap().parse().unwrap();
    assert_eq!(
        front
            .get("feeds")
            .and_then(|f| f.get("atom"))
            .and_then(|a| a.as_str()),
        Some("feed.xml"),
        "{section}"
    );
    assert!(
        front
            .get("extra")
            .is_none_or(|e| e.get("generate_feeds").is_none()),
        "{section}"
    );

    let post = build.html("/blog/what-s-next/");
    assert_eq!(attrs(&post, "main .content h2[id]", "id"), ["what-s-next"]);
    let text = texts(&post, "main").join(" ");
    assert!(
        text.contains("--all-features"),
        "Zola's smart punctuation is off: {text}"
    );
    assert_eq!(attrs(&post, "pre.hl-code", "data-lang"), ["toml"]);
    assert_eq!(
        attrs(&post, "meta[name=description]", "content"),
        ["The plan."]
    );
    // Zola's `@/` links lead to the pages' new URLs; quote and note shortcodes are components.
    let hrefs = attrs(&post, "main a[href]", "href");
    for to in ["/blog/bundle/", "/blog/placed/"] {
        assert!(hrefs.iter().any(|h| h == to), "{to} in {hrefs:?}");
    }
    assert_eq!(
        texts(&post, "figure.component-quote .quote-speaker"),
        ["Ada Lovelace"]
    );
    // The tweet is a link a reader can follow (still in the report, to be checked).
    assert!(
        hrefs.iter().any(|h| h == "https://x.com/i/status/1"),
        "{hrefs:?}"
    );
    assert!(
        texts(&post, ".callout-note")
            .join(" ")
            .contains("Mind the gap.")
    );
    // The co-located photo came along: the page shows it (as a size made from it) and the
    // original is in the output.
    let bundle = build.html("/blog/bundle/");
    let srcs = attrs(&bundle, "main img", "src");
    assert!(
        srcs.iter().any(|s| s.contains("pic")) && build.exists("/blog/bundle/pic.png"),
        "{srcs:?}"
    );
    assert!(
        texts(&bundle, "main").join(" ").contains("Ada Lovelace"),
        "the author is credited"
    );

    assert_eq!(
        places(&import),
        [("content/blog/2024-05-01-what-s-next.md".to_string(), 17, 1)],
        "{}",
        import.stderr
    );
}

#[test]
fn a_hugo_site_keeps_its_urls_and_rss_feeds() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            (
                "hugo.toml",
                "baseURL = \"https://hugo.example.org/\"\ntitle = \"Old Hugo\"\n",
            ),
            (
                "content/posts/My-First-Post.md",
                "---\ntitle: \"My first post\"\ndate: 2023-01-02T10:00:00+09:00\ntags: [go, web]\ndraft: false\naliases: [\"/old-first/\"]\n---\n\nHello from Hugo.\n\n{{< tweet user=\"x\" id=\"1\" >}}\n\nSee [the bundle]({{< ref \"bundle\" >}}).\n\n{{% notice tip %}}\nUse **go**.\n{{% /notice %}}\n\n{{< highlight go \"linenos=table\" >}}\nfunc main() {}\n{{< /highlight >}}\n",
            ),
            (
                "content/posts/bundle/index.md",
                "---\ntitle: Bundled\ndate: 2023-02-03\n---\n\n![img](photo.jpg)\n",
            ),
            (
                "content/about.md",
                "---\ntitle: About\nurl: /about-us/\n---\nWho we are.\n",
            ),
            // A bundle whose folder has capitals: Hugo served it and its files lowercased.
            (
                "content/posts/My-Bundle/index.md",
                "---\ntitle: Mine\ndate: 2023-02-04\n---\n\nRead [the report][r].\n\n[r]: report.pdf\n",
            ),
            ("content/posts/My-Bundle/report.pdf", "%PDF-1.4\n"),
            // A nested section has its RSS feed at its own `index.xml`, unless its outputs
            // leave RSS out.
            (
                "content/posts/series/_index.md",
                "---\ntitle: A series\n---\n",
            ),
            (
                "content/posts/series/part-1.md",
                "---\ntitle: Part 1\ndate: 2023-03-04\n---\nOne.\n",
            ),
            (
                "content/posts/quiet/_index.md",
                "---\ntitle: Quiet\noutputs: [html]\n---\n",
            ),
            (
                "content/posts/quiet/q.md",
                "---\ntitle: Q\ndate: 2023-03-05\n---\nQ.\n",
            ),
        ],
    );
    write_image(
        &tmp.path().join("old/content/posts/bundle/photo.jpg"),
        &crate::images::jpeg(40, 30, false),
    );
    let (import, build) = import_and_build(tmp.path(), "hugo");
    assert_resolves(&build, "/posts/my-first-post/", None);
    assert_resolves(&build, "/old-first/", Some("/posts/my-first-post/"));
    assert_resolves(&build, "/posts/bundle/", None);
    assert_resolves(&build, "/posts/bundle/photo.jpg", None);
    assert_resolves(&build, "/about-us/", Some("/about/"));
    assert_resolves(&build, "/posts/my-bundle/report.pdf", None);
    assert_eq!(
        feed_type(&build, "/index.xml"),
        feed_rs::model::FeedType::RSS2
    );
    assert_eq!(
        feed_type(&build, "/posts/index.xml"),
        feed_rs::model::FeedType::RSS2
    );
    assert_eq!(
        feed_type(&build, "/posts/series/index.xml"),
        feed_rs::model::FeedType::RSS2
    );
    assert!(!build.exists("/posts/quiet/index.xml"));
    let post = build.html("/posts/my-first-post/");
    assert!(texts(&post, "main").join(" ").contains("Hello from Hugo."));
    assert!(attrs(&post, "main a[href]", "href").contains(&"/posts/bundle/".to_string()));
    assert!(texts(&post, ".callout-tip").join(" ").contains("Use go."));
    assert!(attrs(&post, "main a[href]", "href").contains(&"https://x.com/x/status/1".to_string()));
    assert_eq!(attrs(&post, "pre.hl-code", "data-lang"), ["go"]);
    assert_eq!(
        places(&import),
        [("content/posts/My-First-Post.md".to_string(), 11, 1)],
        "{}",
        import.stderr
    );
}

/// Embeds of gists, posts on X and Instagram posts become links a reader can follow, each
/// reported as "converted to a link" at its place; a tweet carrying its words is a quote
/// with the post as its source; one whose arguments are no plain id stays reported as
/// template syntax.
#[test]
fn embed_shortcodes_become_links_and_stay_in_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            (
                "hugo.toml",
                "baseURL = \"https://h.example.org/\"\ntitle = \"H\"\n",
            ),
            (
                "content/posts/embeds.md",
                "---\ntitle: Embeds\ndate: 2023-01-02\n---\n\n{{< gist spf13 7896402 >}}\n\n{{< instagram CxOWiQNP2MO >}}\n\n{{< tweet user=\"rustlang\" id=\"2\" >}}\nRust 1.0 is out!\n{{< /tweet >}}\n\n{{< tweet id=\"not-an-id\" >}}\n",
            ),
        ],
    );
    let (import, build) = import_and_build(tmp.path(), "hugo");
    let post = build.html("/posts/embeds/");
    let hrefs = attrs(&post, "main a[href]", "href");
    for url in [
        "https://gist.github.com/spf13/7896402",
        "https://www.instagram.com/p/CxOWiQNP2MO/",
        "https://x.com/rustlang/status/2",
    ] {
        assert!(hrefs.iter().any(|h| h == url), "{url} in {hrefs:?}");
    }
    let quote = texts(&post, "figure.component-quote").join(" ");
    assert!(
        quote.contains("Rust 1.0 is out!") && quote.contains("@rustlang"),
        "{quote}"
    );
    let notes: Vec<(usize, String)> = import
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "warning")
        .map(|d| (d.line, d.message))
        .collect();
    let converted: Vec<usize> = notes
        .iter()
        .filter(|(_, m)| m.contains("converted to a link"))
        .map(|(l, _)| *l)
        .collect();
    assert_eq!(converted, [6, 8, 10], "{}", import.stderr);
    assert!(
        notes
            .iter()
            .any(|(l, m)| *l == 14 && m.contains("left as text")),
        "{}",
        import.stderr
    );

    // Jekyll: jekyll-gist and jekyll-twitter-plugin.
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            ("_config.yml", "title: J\nurl: \"https://j.example.org\"\n"),
            (
                "_posts/2022-03-04-embeds.md",
                "---\ntitle: Embeds\n---\n\n{% gist parkr/931c1c8d465a04042403 %}\n\n{% twitter https://twitter.com/jekyllrb/status/9 %}\n",
            ),
        ],
    );
    let (import, build) = import_and_build(tmp.path(), "jekyll");
    let hrefs = attrs(&build.html("/blog/embeds/"), "main a[href]", "href");
    for url in [
        "https://gist.github.com/parkr/931c1c8d465a04042403",
        "https://twitter.com/jekyllrb/status/9",
    ] {
        assert!(hrefs.iter().any(|h| h == url), "{url} in {hrefs:?}");
    }
    assert_eq!(
        places(&import),
        [
            ("_posts/2022-03-04-embeds.md".to_string(), 5, 1),
            ("_posts/2022-03-04-embeds.md".to_string(), 7, 1),
        ],
        "{}",
        import.stderr
    );
}

#[test]
fn a_jekyll_blog_keeps_its_urls_and_feed() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            (
                "_config.yml",
                "title: Old Jekyll\nurl: \"https://jekyll.example.org\"\ndescription: A blog\nfeed:\n  categories: [News]\n",
            ),
            (
                "_posts/2022-03-04-hello-world.md",
                "---\ntitle: Hello, world\ndate: 2022-03-04 10:00:00 +0100\ncategories: [News]\ntags: a b\nauthor: Grace Hopper\nlayout: post\n---\n\nFirst post. {% include note.html %}\n\nOn {{ site.title }}.\n\nSee [the second]({{ site.baseurl }}{% post_url 2022-05-06-second %}).\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n",
            ),
            (
                "_posts/2022-05-06-second.md",
                "---\ntitle: Second\npermalink: /custom/second/\n---\nSecond body.[^1]\n\n[^1]: A note.\n\nLast words.\n",
            ),
            (
                "_drafts/wip.md",
                "---\ntitle: Work in progress\n---\nSoon.\n",
            ),
            (
                "about.md",
                "---\ntitle: About\nlayout: page\n---\nAbout this blog.\n",
            ),
            ("index.md", "---\nlayout: home\n---\n"),
            ("assets/logo.png", "png"),
            ("Gemfile", "source 'https://rubygems.org'\n"),
            ("_layouts/post.html", "<article>{{ content }}</article>"),
        ],
    );
    let (import, build) = import_and_build(tmp.path(), "jekyll");
    assert_resolves(
        &build,
        "/news/2022/03/04/hello-world.html",
        Some("/blog/hello-world/"),
    );
    assert_resolves(&build, "/custom/second/", Some("/blog/second/"));
    assert_resolves(&build, "/about.html", Some("/about/"));
    assert_resolves(&build, "/assets/logo.png", None);
    assert!(!build.exists("/Gemfile"));
    assert!(!build.exists("/blog/wip/"), "a draft stays a draft");
    assert_eq!(
        feed_type(&build, "/feed.xml"),
        feed_rs::model::FeedType::Atom
    );
    // jekyll-feed's category feed is the category's feed.
    let news = std::fs::read_to_string(build.out.join("feed/News.xml")).unwrap();
    let news = feed_rs::parser::parse(news.as_bytes()).unwrap();
    assert_eq!(news.entries.len(), 1, "the News category has one post");
    let post = build.html("/blog/hello-world/");
    assert!(texts(&post, "main").join(" ").contains("First post."));
    let second = build.html("/blog/second/");
    let notes = attrs(&second, "section.footnotes li", "id");
    assert_eq!(notes, ["fn-1"], "Jekyll's footnotes are at the bottom");
    // The default theme styles them: a rule above, small type, the back-link apart.
    let css: String = build
        .files()
        .iter()
        .filter(|f| f.ends_with(".css") && f.contains("style"))
        .map(|f| std::fs::read_to_string(build.out.join(f.trim_start_matches('/'))).unwrap())
        .collect();
    for rule in [".footnotes {", ".footnote-backref {"] {
        assert!(css.contains(rule), "{rule} in the theme's style.css");
    }
    assert!(texts(&post, "main").join(" ").contains("Grace Hopper"));
    assert!(attrs(&post, "main a[href]", "href").contains(&"/blog/second/".to_string()));
    assert_eq!(attrs(&post, "pre.hl-code", "data-lang"), ["ruby"]);
    // The report is also a file in the new site: file, line, what, fix.
    let report = std::fs::read_to_string(tmp.path().join("new/IMPORT-REPORT.md")).unwrap();
    assert!(
        report.contains("| `_posts/2022-03-04-hello-world.md` | 10:13 | template syntax `{% include note.html %}`"),
        "{report}"
    );
    assert_eq!(
        places(&import),
        [
            ("_layouts".to_string(), 1, 1),
            ("_posts/2022-03-04-hello-world.md".to_string(), 10, 13),
            ("_posts/2022-03-04-hello-world.md".to_string(), 12, 4),
        ],
        "{}",
        import.stderr
    );
}

/// Figures and videos become the FIGURE and VIDEO components (asserted on the Markdown
/// written: the components are built on another branch); notices become callouts.
#[test]
fn figure_and_video_shortcodes_become_components() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            ("hugo.toml", "title = \"x\"\n"),
            (
                "content/posts/p/index.md",
                "---\ntitle: P\ndate: 2023-01-02\n---\n\n{{< figure src=\"photo.jpg\" alt=\"A plant\" caption=\"Seoul\" attr=\"Ann\" >}}\nAfter the figure.\n\n{{< youtube dQw4w9WgXcQ >}}\n\n{{< vimeo id=\"146022717\" title=\"Launch\" >}}\n\n{{< figure src=\"chart.png\" >}}\n",
            ),
        ],
    );
    let s = |p: &str| tmp.path().join(p).to_str().unwrap().to_string();
    let import = run(
        &["import", "--from", "hugo", &s("old"), &s("new")],
        &tmp.path().join("new"),
    );
    import.assert_ok();
    let md = std::fs::read_to_string(tmp.path().join("new/content/posts/p/index.md")).unwrap();
    let body = md.split("+++\n").nth(2).unwrap();
    assert_eq!(
        body,
        "\n> [!FIGURE src=photo.jpg alt=\"A plant\" caption=\"Seoul\" credit=\"Ann\"]\n\nAfter the figure.\n\n> [!VIDEO src=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"]\n\n> [!VIDEO src=\"https://vimeo.com/146022717\" title=\"Launch\"]\n\n> [!FIGURE src=chart.png decorative=true]\n\n"
    );
    // The figure without alt text is the one place to review.
    assert_eq!(
        places(&import),
        [("content/posts/p/index.md".to_string(), 13, 1)],
        "{}",
        import.stderr
    );
}

/// Hugo's languages (a content folder each) become pressroom's, each translation linked to
/// its original by sharing its path; per-language RSS URLs stay feeds; the data folder's
/// authors become `data/authors.toml` records and the rest is kept and reported.
#[test]
fn a_multilingual_hugo_site_keeps_translations_feeds_and_authors() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            (
                "hugo.toml",
                "baseURL = \"https://m.example.org/\"\ntitle = \"Multi\"\ndefaultContentLanguage = \"en\"\n\n[languages.en]\nlanguageName = \"English\"\ncontentDir = \"content/en\"\n\n[languages.fr]\nlanguageName = \"Français\"\ntitle = \"Multi FR\"\ncontentDir = \"content/fr\"\n",
            ),
            (
                "content/en/posts/hello.md",
                "---\ntitle: Hello\ndate: 2023-01-02\nauthors: [ada]\n---\nHello. Read [the report][r].\n\n[r]: /files/report.txt\n",
            ),
            (
                "content/fr/posts/hello.md",
                "---\ntitle: Bonjour\ndate: 2023-01-02\n---\nBonjour.\n",
            ),
            (
                "content/en/posts/kit/index.md",
                "---\ntitle: Kit\ndate: 2023-02-03\n---\nGet [the fact sheet][fs].\n\n[fs]: facts.txt\n",
            ),
            ("content/en/posts/kit/facts.txt", "facts"),
            (
                "content/en/posts/launch.md",
                "---\ntitle: Launch\ndate: 2023-03-01\ntranslationKey: launch\n---\nLaunch.\n",
            ),
            (
                "content/fr/articles/lancement.md",
                "---\ntitle: Lancement\ndate: 2023-03-01\ntranslationKey: launch\n---\nLancement.\n",
            ),
            ("static/files/report.txt", "report"),
            (
                "data/authors/ada.toml",
                "name = \"Ada Lovelace\"\nbio = \"Analyst.\"\ntwitter = \"ada\"\n",
            ),
            ("data/menu.yaml", "- home\n"),
        ],
    );
    let (import, build) = import_and_build(tmp.path(), "hugo");
    assert_resolves(&build, "/posts/hello/", None);
    assert_resolves(&build, "/fr/posts/hello/", None);
    let en = build.html("/posts/hello/");
    let alternates = attrs(&en, "link[rel=alternate][hreflang=fr]", "href");
    assert!(
        alternates.iter().any(|h| h.ends_with("/fr/posts/hello/")),
        "the French page is the translation: {alternates:?}"
    );
    assert!(texts(&en, "main").join(" ").contains("Ada Lovelace"));
    // `translationKey` links pages of different names (and folders); the old URL redirects.
    let launch = build.html("/posts/launch/");
    let alternates = attrs(&launch, "link[rel=alternate][hreflang=fr]", "href");
    assert!(
        alternates
            .iter()
            .any(|h| h.ends_with("/fr/posts/lancement/")),
        "{alternates:?}"
    );
    assert_resolves(
        &build,
        "/fr/articles/lancement/",
        Some("/fr/posts/lancement/"),
    );
    for old in [
        "/index.xml",
        "/posts/index.xml",
        "/fr/index.xml",
        "/fr/posts/index.xml",
    ] {
        assert_eq!(
            feed_type(&build, old),
            feed_rs::model::FeedType::RSS2,
            "{old}"
        );
    }
    // Reference-style links to a file of the bundle and to a static file still work
    // (`check` passed above), and the file is there.
    assert_resolves(&build, "/posts/kit/facts.txt", None);
    let authors = std::fs::read_to_string(tmp.path().join("new/data/authors.toml")).unwrap();
    assert!(authors.contains("bio = \"Analyst.\""), "{authors}");
    assert!(tmp.path().join("new/data/menu.yaml").exists());
    assert_eq!(
        places(&import),
        [
            ("content".to_string(), 1, 1),
            ("data/authors/ada.toml".to_string(), 1, 1),
            ("data/menu.yaml".to_string(), 1, 1),
        ],
        "{}",
        import.stderr
    );
}

/// jekyll-polyglot: `lang: fr` posts are translations, their old `/fr/…` URLs redirect;
/// `_data/authors.yml` records are the authors.
#[test]
fn a_polyglot_jekyll_blog_keeps_its_translations_and_authors() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            (
                "_config.yml",
                "title: Poly\nurl: \"https://p.example.org\"\nlanguages: [\"en\", \"fr\"]\ndefault_lang: \"en\"\n",
            ),
            (
                "_posts/2022-03-04-hello.md",
                "---\ntitle: Hello\nlang: en\nauthor: ada\n---\nHello.\n",
            ),
            (
                "_posts/fr/2022-03-04-hello.md",
                "---\ntitle: Bonjour\nlang: fr\nauthor: ada\n---\nBonjour.\n",
            ),
            (
                "_data/authors.yml",
                "ada:\n  name: Ada Lovelace\n  bio: Analyst.\n",
            ),
            // A custom permalink of another language: polyglot served it under `/fr/`.
            (
                "_posts/fr/2022-05-06-annonce.md",
                "---\ntitle: Annonce\nlang: fr\npermalink: /annonces/la-une/\n---\nAnnonce.\n",
            ),
            (
                "fr/apropos.md",
                "---\ntitle: À propos\nlang: fr\npermalink: /a-propos/\n---\nNous.\n",
            ),
        ],
    );
    let (_, build) = import_and_build(tmp.path(), "jekyll");
    assert_resolves(&build, "/fr/blog/hello/", None);
    assert_resolves(&build, "/fr/2022/03/04/hello.html", Some("/fr/blog/hello/"));
    assert_resolves(&build, "/fr/annonces/la-une/", Some("/fr/blog/annonce/"));
    assert_resolves(&build, "/fr/a-propos/", Some("/fr/apropos/"));
    assert!(
        !build.exists("/annonces/la-une/") && !build.exists("/a-propos/"),
        "the old URLs were under /fr/, not at the root"
    );
    let en = build.html("/blog/hello/");
    let alternates = attrs(&en, "link[rel=alternate][hreflang=fr]", "href");
    assert!(
        alternates.iter().any(|h| h.ends_with("/fr/blog/hello/")),
        "{alternates:?}"
    );
    assert!(texts(&en, "main").join(" ").contains("Ada Lovelace"));
}

/// Jekyll collections: one with `output: true` is a section whose documents keep their old
/// URLs, and jekyll-feed's feed of it, in its folder, is the section's own feed
/// (`/releases/feed.xml`, named in its `_index.md`); one without output is reported.
#[test]
fn jekyll_collections_become_sections_with_their_urls_and_feeds() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            (
                "_config.yml",
                "title: C\nurl: \"https://c.example.org\"\ncollections:\n  releases:\n    output: true\n  staff:\n    output: false\nfeed:\n  collections:\n    releases:\n      path: \"/releases/feed.xml\"\n",
            ),
            (
                "_releases/v1-0.md",
                "---\ntitle: Version 1.0\ndate: 2024-01-02\n---\nOut now.\n",
            ),
            ("_staff/ada.md", "---\nname: Ada\n---\nBio.\n"),
        ],
    );
    let (import, build) = import_and_build(tmp.path(), "jekyll");
    assert_resolves(&build, "/releases/v1-0/", None);
    assert_resolves(&build, "/releases/v1-0.html", Some("/releases/v1-0/"));
    assert_eq!(
        feed_type(&build, "/releases/feed.xml"),
        feed_rs::model::FeedType::Atom
    );
    assert!(
        !build.exists("/releases/atom.xml"),
        "the section's own name"
    );
    assert!(!build.exists("/staff/"));
    assert!(
        import
            .diagnostics()
            .iter()
            .any(|d| d.path == "_config.yml" && d.message.contains("`staff`")),
        "{}",
        import.stderr
    );
}

/// Eleventy: pages at their paths (the date prefix out of the slug, the dated URL kept as an
/// alias), `permalink` as an alias, the feed template's URL kept as a feed, `_data/metadata.json`
/// for the title, other files copied.
#[test]
fn an_eleventy_blog_keeps_its_urls_and_feed() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[
            ("eleventy.config.js", "export default function (c) {}\n"),
            ("package.json", "{}\n"),
            (
                "_data/metadata.json",
                "{\"title\": \"Eleven\", \"url\": \"https://e.example.org/\", \"description\": \"A blog\"}\n",
            ),
            (
                "posts/2023-01-02-first.md",
                "---\ntitle: First\ntags: [posts, rust]\nlayout: layouts/post.njk\n---\nFirst post.\n\n:::tip\nRead the [second](/custom/second/).\n:::\n",
            ),
            (
                "posts/second.md",
                "---\ntitle: Second\ndate: 2023-02-03\npermalink: /custom/second/\n---\nSecond. Back to [the first](/posts/2023-01-02-first/).\n",
            ),
            ("about/index.md", "---\ntitle: About\n---\nAbout us.\n"),
            (
                "feed/feed.njk",
                "---\npermalink: /feed/feed.xml\neleventyExcludeFromCollections: true\n---\n<feed></feed>\n",
            ),
            ("notes.md", "---\npermalink: false\n---\nData only.\n"),
            ("_includes/layouts/post.njk", "{{ content | safe }}"),
            ("css/index.css", "body {}\n"),
        ],
    );
    let (import, build) = import_and_build(tmp.path(), "eleventy");
    assert_resolves(&build, "/posts/first/", None);
    assert_resolves(&build, "/posts/2023-01-02-first/", Some("/posts/first/"));
    assert_resolves(&build, "/custom/second/", Some("/posts/second/"));
    assert_resolves(&build, "/about/", None);
    assert_resolves(&build, "/css/index.css", None);
    assert_eq!(
        feed_type(&build, "/feed/feed.xml"),
        feed_rs::model::FeedType::Atom
    );
    let first = build.html("/posts/first/");
    assert!(
        texts(&first, ".callout-tip")
            .join(" ")
            .contains("Read the second")
    );
    assert_eq!(title_of(&build.html("/")), "Eleven");
    assert_eq!(
        places(&import),
        [
            ("_includes".to_string(), 1, 1),
            ("notes.md".to_string(), 1, 1)
        ],
        "{}",
        import.stderr
    );
}

/// Import never writes into a folder that holds something.
#[test]
fn import_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(
        &tmp.path().join("old"),
        &[("config.toml", "title = \"x\"\n")],
    );
    write_site(&tmp.path().join("new"), &[("keep.txt", "mine")]);
    let s = |p: &str| tmp.path().join(p).to_str().unwrap().to_string();
    let r = run(
        &["import", "--from", "zola", &s("old"), &s("new")],
        &tmp.path().join("new"),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("new/keep.txt")).unwrap(),
        "mine"
    );
}
