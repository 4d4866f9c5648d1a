//! The publication ledger: nothing a reader saw changes silently, and publishing happens where
//! the site goes out (`deploy`), never in a writer's local build.

use crate::common;
use common::{Run, SiteTest};

const RELEASE: &str = "content/press/2026-11-01-plant.md";
const FACTS: &str = "content/facts/company.md";
/// The clock of the first publication.
const T0: &str = "2026-11-23T08:00:00Z";
/// A later clock, for edits.
const T1: &str = "2026-11-25T08:00:00Z";

const RELEASE_TEXT: &str = r#"+++
title = "Plant opens"
date = 2026-11-01T09:00:00Z
kind = "release"
dateline = "SEOUL"
authors = ["ana"]
contacts = ["press"]
tags = ["plants"]
summary = "The plant opens."

[[sources]]
id = "permit"
title = "Building permit"
url = "https://example.org/permit.pdf"
archived = "https://archive.example.org/permit.pdf"
note = "Issued by the city."
+++

The plant employs 400 people.[^permit] It opened today.[^wide]

```rust
let x = 1;
    indented();
```
"#;

const FACTS_TEXT: &str = "+++\ntitle = \"Company facts\"\nkind = \"factsheet\"\n\n[facts]\n\"Capacity\" = \"5.0 MWh\"\n\"Founded\" = \"1949\"\n+++\n\nFacts.\n";

/// A site with a release (page and site-wide sources, code) and a fact sheet, published at T0.
fn published() -> SiteTest {
    let t = SiteTest::new();
    t.file(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://example.com\"\nboilerplate = \"About Test: we make plants.\"\n",
    )
    .file(
        "data/authors.toml",
        "[ana]\nname = \"Ana\"\n[bob]\nname = \"Bob\"\n",
    )
    .file(
        "data/contacts.toml",
        "[press]\nname = \"Press office\"\nemail = \"press@example.com\"\n[other]\nname = \"Other\"\nemail = \"o@example.com\"\n",
    )
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"wide\"\ntitle = \"Annual report\"\nurl = \"https://example.org/ar.pdf\"\n",
    )
    .file(RELEASE, RELEASE_TEXT)
    .file(FACTS, FACTS_TEXT);
    t.publish(T0).assert_ok();
    t
}

fn ledger_text(t: &SiteTest) -> String {
    std::fs::read_to_string(t.root().join("published.lock")).expect("published.lock recorded")
}

fn ledger(t: &SiteTest) -> toml::Table {
    ledger_text(t).parse().expect("ledger is TOML")
}

fn entry(t: &SiteTest, source: &str) -> toml::Table {
    ledger(t)["items"][source]
        .as_table()
        .expect("an entry")
        .clone()
}

fn edit(t: &SiteTest, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(t.root().join(rel)).unwrap();
    assert!(text.contains(from), "{from:?} in {rel}");
    t.file(rel, &text.replacen(from, to, 1));
}

/// Adds front-matter tables (a notice, `[withdrawn]`, `[extra]`) at the end of the release's
/// front matter, after its last source.
fn append_to_release_front(t: &SiteTest, tables: &str) {
    let note = "note = \"Issued by the city.\"\n";
    edit(t, RELEASE, note, &format!("{note}{tables}"));
}

fn check(t: &SiteTest, now: &str) -> Run {
    t.check_args(&["--now", now])
}

/// Both `build` and `check` refuse, each with an error containing every `needle`, at
/// `path:line`; the ledger is unchanged.
fn refused(t: &SiteTest, now: &str, at: &str, needles: &[&str]) {
    let before = ledger_text(t);
    for run in [t.build_args(&["--now", now]), check(t, now)] {
        run.assert_code(1);
        let hit = run
            .stderr
            .lines()
            .filter(|l| l.starts_with(at) && l.contains(": error: "))
            .find(|l| needles.iter().all(|n| l.contains(n)));
        assert!(
            hit.is_some(),
            "{:?}: no error at {at} with {needles:?}:\n{}",
            run.args,
            run.stderr
        );
    }
    assert_eq!(ledger_text(t), before, "a refused build records nothing");
}

#[test]
fn a_local_build_publishes_nothing_and_deploy_records_what_went_out() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-11-20-stub.md",
        "+++\ntitle = \"Stub\"\ndate = 2026-11-20\n+++\n\nTK: placeholder text.\n",
    );
    t.build_ok();
    t.build_args(&["--now", T1]).assert_ok();
    assert!(
        !t.root().join("published.lock").exists(),
        "a writer's build records nothing"
    );
    // Fixing the placeholder is no silent edit: it was never published.
    t.file(
        "content/blog/2026-11-20-stub.md",
        "+++\ntitle = \"Stub\"\ndate = 2026-11-20\n+++\n\nThe real text.\n",
    );
    let d = t.publish(T1);
    d.assert_ok();
    assert!(
        d.stdout.contains("recorded in published.lock"),
        "{}",
        d.stdout
    );
    let e = entry(&t, "content/blog/2026-11-20-stub.md");
    assert_eq!(e["url"].as_str(), Some("/blog/stub/"));
    assert_eq!(e["first_published"].as_str(), Some(T1));
    // The same output deployed again records nothing new.
    let before = ledger_text(&t);
    t.deploy().assert_ok();
    assert_eq!(ledger_text(&t), before);
}

#[test]
fn a_drafts_build_leaves_nothing_to_record() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-11-20-a.md",
        "+++\ntitle = \"A\"\ndate = 2026-11-20\n+++\n\nText.\n",
    );
    t.build_args(&["--drafts"]).assert_ok();
    assert!(!t.out().join(".pressroom-publish.json").exists());
    t.build_ok();
    assert!(t.out().join(".pressroom-publish.json").exists());
}

#[test]
fn deploy_refuses_an_output_built_before_the_ledger_changed() {
    let t = published();
    t.build_args(&["--now", T1]).assert_ok();
    // Meanwhile another deploy recorded a publication.
    let changed = ledger_text(&t).replace(T0, "2026-11-23T08:00:01Z");
    t.file("published.lock", &changed);
    let www_before = common::hash_tree(&t.tmp().join("www"));
    let d = t.deploy();
    d.assert_code(2);
    assert!(
        d.stderr.contains("changed since this output was built"),
        "{}",
        d.stderr
    );
    assert_eq!(ledger_text(&t), changed);
    assert_eq!(common::hash_tree(&t.tmp().join("www")), www_before);
}

#[test]
fn the_ledger_records_the_whole_published_record() {
    let t = published();
    let e = entry(&t, RELEASE);
    let f = e["fields"].as_table().unwrap();
    assert_eq!(f["title"].as_str(), Some("Plant opens"));
    assert_eq!(f["date"].as_str(), Some("2026-11-01T09:00:00Z"));
    assert_eq!(f["dateline"].as_str(), Some("SEOUL"));
    assert_eq!(f["kind"].as_str(), Some("release"));
    let sources = f["sources"].as_array().unwrap();
    let ids: Vec<&str> = sources.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["permit", "wide"],
        "page and site-wide sources, as shown"
    );
    assert_eq!(
        sources[1]["url"].as_str(),
        Some("https://example.org/ar.pdf")
    );
    let facts = entry(&t, FACTS)["fields"]["facts"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(facts[0]["value"].as_str(), Some("5.0 MWh"));
}

#[test]
fn a_changed_page_source_is_refused_naming_the_field_and_values() {
    for (from, to, field) in [
        (
            "url = \"https://example.org/permit.pdf\"",
            "url = \"https://example.org/other.pdf\"",
            "`sources[0].url`",
        ),
        (
            "title = \"Building permit\"",
            "title = \"Building permit (amended)\"",
            "`sources[0].title`",
        ),
        (
            "archived = \"https://archive.example.org/permit.pdf\"",
            "archived = \"https://archive.example.org/x.pdf\"",
            "`sources[0].archived`",
        ),
        (
            "note = \"Issued by the city.\"",
            "note = \"Issued by the state.\"",
            "`sources[0].note`",
        ),
    ] {
        let t = published();
        edit(&t, RELEASE, from, to);
        let line = RELEASE_TEXT
            .lines()
            .position(|l| l == from)
            .map(|i| i + 1)
            .unwrap();
        refused(
            &t,
            T1,
            &format!("{RELEASE}:{line}:1:"),
            &[field, "without a dated notice", "recorded"],
        );
    }
}

#[test]
fn a_changed_site_wide_source_names_every_published_item_that_shows_it() {
    let t = published();
    edit(
        &t,
        "data/sources.toml",
        "https://example.org/ar.pdf",
        "https://example.org/ar-v2.pdf",
    );
    refused(
        &t,
        T1,
        "data/sources.toml:2:1:",
        &["site-wide source `wide`", "`url`", RELEASE],
    );
}

#[test]
fn each_changed_claim_is_refused_at_its_line() {
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            RELEASE,
            "title = \"Plant opens\"",
            "title = \"Plant opens early\"",
            ":2:1:",
            "`title`",
        ),
        (
            RELEASE,
            "date = 2026-11-01T09:00:00Z",
            "date = 2030-11-01T09:00:00Z",
            ":3:1:",
            "`date`",
        ),
        (
            RELEASE,
            "dateline = \"SEOUL\"",
            "dateline = \"BUSAN\"",
            ":5:1:",
            "`dateline`",
        ),
        (
            RELEASE,
            "authors = [\"ana\"]",
            "authors = [\"bob\"]",
            ":6:1:",
            "recorded \"ana\", now \"bob\"",
        ),
        (
            RELEASE,
            "kind = \"release\"",
            "kind = \"statement\"",
            ":4:1:",
            "`kind`",
        ),
        (
            RELEASE,
            "summary = \"The plant opens.\"",
            "summary = \"The plant opens at last.\"",
            ":9:1:",
            "`summary`",
        ),
        (
            RELEASE,
            "tags = [\"plants\"]",
            "tags = [\"plants\"]\nboilerplate = \"About Test: we make other things.\"",
            ":9:1:",
            "`boilerplate`",
        ),
        (
            RELEASE,
            "    indented();",
            "  indented();",
            ":18:1:",
            "`body`",
        ),
        (
            FACTS,
            "\"Capacity\" = \"5.0 MWh\"",
            "\"Capacity\" = \"5.5 MWh\"",
            ":6:1:",
            "`facts.\"Capacity\"` changed in published `content/facts/company.md` without a dated notice: recorded \"5.0 MWh\", now \"5.5 MWh\"",
        ),
    ];
    for (file, from, to, at, needle) in cases {
        let t = published();
        edit(&t, file, from, to);
        refused(&t, T1, &format!("{file}{at}"), &[needle]);
    }
}

#[test]
fn an_error_says_which_notice_fixes_it_and_dated_after_what() {
    let t = published();
    edit(&t, RELEASE, "400 people", "300 people");
    let b = t.build_args(&["--now", T1]);
    b.assert_code(1);
    assert!(
        b.stderr
            .contains(&format!("help: add a `[[corrections]]` entry (kind \"correction\", \"clarification\" or \"editorial\") dated after {T0}")),
        "{}",
        b.stderr
    );
}

#[test]
fn a_published_item_cannot_become_unlisted() {
    let t = published();
    edit(
        &t,
        RELEASE,
        "tags = [\"plants\"]",
        "tags = [\"plants\"]\nstatus = \"unlisted\"",
    );
    refused(
        &t,
        T1,
        &format!("{RELEASE}:9:1:"),
        &["cannot become unlisted"],
    );
}

#[test]
fn an_item_published_unlisted_may_stay_so() {
    let t = SiteTest::new();
    t.file(
        "content/hidden.md",
        "+++\ntitle = \"Hidden\"\nkind = \"page\"\nstatus = \"unlisted\"\n+++\n\nText.\n",
    );
    t.publish(T0).assert_ok();
    assert_eq!(
        entry(&t, "content/hidden.md")["unlisted"].as_bool(),
        Some(true)
    );
    t.build_args(&["--now", T1]).assert_ok();
}

#[test]
fn free_changes_need_no_notice() {
    let t = published();
    edit(
        &t,
        RELEASE,
        "tags = [\"plants\"]",
        "tags = [\"plants\", \"korea\"]\nimage = \"/x.jpg\"",
    );
    append_to_release_front(&t, "\n[extra]\nhero = true\n");
    edit(
        &t,
        RELEASE,
        "contacts = [\"press\"]",
        "contacts = [\"other\"]",
    );
    edit(
        &t,
        RELEASE,
        "It opened today.[^wide]",
        "It   opened\ntoday.[^wide]",
    );
    edit(
        &t,
        "data/authors.toml",
        "name = \"Ana\"",
        "name = \"Ana Berg\"\nrole = \"CEO\"",
    );
    t.publish(T1).assert_ok();
}

#[test]
fn a_release_keeps_the_boilerplate_it_was_published_with() {
    let t = published();
    edit(
        &t,
        "site.toml",
        "About Test: we make plants.",
        "About Test: we make plants and boats.",
    );
    t.build_args(&["--now", T1]).assert_ok();
    let html = t.html("/press/plant/");
    let about = common::texts(&html, "main .boilerplate");
    assert!(
        about.iter().any(|a| a.contains("we make plants.")),
        "the published boilerplate stays: {about:?}"
    );
    // A release published after the change carries the new one.
    t.file(
        "content/press/2026-11-24-new.md",
        "+++\ntitle = \"New\"\ndate = 2026-11-24\nkind = \"release\"\n+++\n\nNews.\n",
    );
    t.publish(T1).assert_ok();
    let about = common::texts(&t.html("/press/new/"), "main .boilerplate");
    assert!(about.iter().any(|a| a.contains("and boats")), "{about:?}");
    check(&t, T1).assert_ok();
}

const CORRECTION: &str = "\n[[corrections]]\ndate = 2026-11-24T10:00:00Z\nkind = \"correction\"\nnote = \"The plant employs 300 people, not 400.\"\n";

/// [`published`] with a correction published at T1.
fn corrected() -> SiteTest {
    let t = published();
    edit(&t, RELEASE, "400 people", "300 people");
    append_to_release_front(&t, CORRECTION);
    let d = t.publish(T1);
    d.assert_ok();
    t
}

#[test]
fn a_correction_makes_a_change_public_and_is_recorded_and_logged() {
    let t = corrected();
    let e = entry(&t, RELEASE);
    assert_eq!(e["last_change"].as_str(), Some("2026-11-24T10:00:00Z"));
    assert_eq!(e["first_published"].as_str(), Some(T0), "never moves");
    let notices = e["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["kind"].as_str(), Some("correction"));
    let events = ledger(&t)["events"].as_array().unwrap().clone();
    let last = events.last().unwrap();
    assert_eq!(last["event"].as_str(), Some("correction"));
    assert_eq!(last["source"].as_str(), Some(RELEASE));
    assert_eq!(last["record"].as_str(), e["record"].as_str());
}

#[test]
fn published_notices_are_append_only() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "note = \"The plant employs 300 people, not 400.\"",
            "note = \"The plant employs 300 staff, not 400.\"",
            &["cannot be edited", "its text changed"],
        ),
        (
            "kind = \"correction\"",
            "kind = \"editorial\"",
            &["cannot be edited", "from correction to editorial"],
        ),
        (
            "date = 2026-11-24T10:00:00Z",
            "date = 2026-11-24T12:00:00Z",
            &["is gone", "2026-11-24T10:00:00Z"],
        ),
    ];
    for (from, to, needles) in cases {
        let t = corrected();
        edit(&t, RELEASE, from, to);
        refused(&t, "2026-11-26T08:00:00Z", RELEASE, needles);
    }
    // One notice removed and another added: the count is the same, the record is not.
    let t = corrected();
    edit(
        &t,
        RELEASE,
        "date = 2026-11-24T10:00:00Z\nkind = \"correction\"\nnote = \"The plant employs 300 people, not 400.\"",
        "date = 2026-11-25T10:00:00Z\nkind = \"editorial\"\nnote = \"Typo.\"",
    );
    refused(&t, "2026-11-26T08:00:00Z", RELEASE, &["is gone"]);
}

#[test]
fn a_withdrawal_reason_cannot_change() {
    let t = published();
    append_to_release_front(
        &t,
        "\n[withdrawn]\ndate = 2026-11-24T10:00:00Z\nreason = \"The plan was cancelled.\"\n",
    );
    t.publish(T1).assert_ok();
    edit(
        &t,
        RELEASE,
        "The plan was cancelled.",
        "The plan was postponed.",
    );
    refused(
        &t,
        "2026-11-26T08:00:00Z",
        RELEASE,
        &["withdrawal", "cannot be edited"],
    );
}

#[test]
fn notices_are_dated_truthfully() {
    // Dated after the build clock.
    let t = published();
    edit(&t, RELEASE, "400 people", "300 people");
    append_to_release_front(
        &t,
        "\n[[corrections]]\ndate = 2030-01-01T00:00:00Z\nkind = \"correction\"\nnote = \"300.\"\n",
    );
    refused(
        &t,
        T1,
        &format!("{RELEASE}:19:1:"),
        &["dated after this build's clock", "2030-01-01T00:00:00Z"],
    );
    // Dated before the last recorded change: the message names the recorded time.
    let t = corrected();
    edit(&t, RELEASE, "300 people.[^permit]", "310 people.[^permit]");
    edit(
        &t,
        RELEASE,
        CORRECTION,
        &format!(
            "{CORRECTION}\n[[corrections]]\ndate = 2026-11-20T10:00:00Z\nkind = \"correction\"\nnote = \"310.\"\n"
        ),
    );
    refused(
        &t,
        "2026-11-26T08:00:00Z",
        RELEASE,
        &[
            "2026-11-20T10:00:00Z",
            "not after the last recorded change (2026-11-24T10:00:00Z)",
        ],
    );
}

#[test]
fn a_published_file_cannot_disappear_or_move_without_an_alias() {
    let t = published();
    t.remove(FACTS);
    let b = t.build_args(&["--now", T1]);
    b.assert_code(1);
    assert!(
        b.stderr.contains("published.lock:")
            && b.stderr.contains("is gone")
            && b.stderr.contains("[withdrawn]"),
        "{}",
        b.stderr
    );

    let t = published();
    edit(
        &t,
        RELEASE,
        "tags = [\"plants\"]",
        "tags = [\"plants\"]\nslug = \"new-plant\"",
    );
    let b = t.build_args(&["--now", T1]);
    b.assert_code(1);
    assert!(
        b.stderr.contains("aliases = [\"/press/plant/\"]"),
        "{}",
        b.stderr
    );
    edit(
        &t,
        RELEASE,
        "slug = \"new-plant\"",
        "slug = \"new-plant\"\naliases = [\"/press/plant/\"]",
    );
    t.publish(T1).assert_ok();
    assert_eq!(
        entry(&t, RELEASE)["url"].as_str(),
        Some("/press/new-plant/")
    );
}

#[test]
fn a_published_item_cannot_become_a_draft_again() {
    let t = published();
    edit(
        &t,
        RELEASE,
        "tags = [\"plants\"]",
        "tags = [\"plants\"]\ndraft = true",
    );
    refused(&t, T1, RELEASE, &["cannot be a draft again"]);
}

#[test]
fn locked_is_accepted_and_a_new_item_passes_it_without_touching_the_ledger() {
    let t = published();
    let before = ledger_text(&t);
    t.file(
        "content/blog/2026-11-24-second.md",
        "+++\ntitle = \"Second\"\ndate = 2026-11-24\n+++\n\nText.\n",
    );
    t.build_args(&["--locked", "--now", T1]).assert_ok();
    assert_eq!(ledger_text(&t), before);
}

#[test]
fn a_corrupted_ledger_is_an_error_and_left_untouched() {
    let t = published();
    let broken = "version = 2\n[items.\"content/blog/x.md\"\nurl = 3\n";
    t.file("published.lock", broken);
    let b = t.build();
    b.assert_code(1);
    assert!(
        b.stderr.contains("published.lock:") && b.stderr.contains("does not parse"),
        "{}",
        b.stderr
    );
    assert_eq!(ledger_text(&t), broken);
}

#[test]
fn drafts_and_embargoed_items_are_not_recorded_until_public() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-11-01-draft.md",
        "+++\ntitle = \"D\"\ndate = 2026-11-01\ndraft = true\n+++\n\nx\n",
    )
    .file(
        "content/blog/2026-11-01-later.md",
        "+++\ntitle = \"L\"\ndate = 2026-11-01\nembargo = 2026-12-01T00:00:00Z\n+++\n\nx\n",
    );
    t.publish(T0).assert_ok();
    let items = ledger(&t)["items"].as_table().cloned().unwrap_or_default();
    assert!(
        items.is_empty(),
        "nothing published, nothing recorded: {items:?}"
    );
    t.publish("2026-12-02T00:00:00Z").assert_ok();
    let items = ledger(&t)["items"].as_table().unwrap().clone();
    assert_eq!(
        items.keys().collect::<Vec<_>>(),
        ["content/blog/2026-11-01-later.md"]
    );
    assert_eq!(
        items["content/blog/2026-11-01-later.md"]["first_published"].as_str(),
        Some("2026-12-02T00:00:00Z")
    );
}

#[test]
fn a_version_1_ledger_is_checked_by_its_hash_then_recorded_in_full() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-11-01-plant.md",
        "+++\ntitle = \"A title\"\ndate = 2026-11-01\n+++\n\none two three\n",
    );
    // Written by pressroom 0.1: the hash of "A title\none two three".
    let v1 = "version = 1\n\n[items.\"content/blog/2026-11-01-plant.md\"]\nurl = \"/blog/plant/\"\nfirst_published = \"2026-11-02T08:00:00Z\"\nlast_change = \"2026-11-02T08:00:00Z\"\nhash = \"sha256:a733ec79d27cdeabad5f52bc44b05527dcbb019ceba72b25caf6aabbad0aa638\"\ncorrections = 0\nupdates = 0\neditorial = 0\n";
    t.file("published.lock", v1);
    t.file(
        "content/blog/2026-11-01-plant.md",
        "+++\ntitle = \"A title\"\ndate = 2026-11-01\n+++\n\none two four\n",
    );
    t.build_args(&["--now", T1]).assert_code(1);
    t.file(
        "content/blog/2026-11-01-plant.md",
        "+++\ntitle = \"A title\"\ndate = 2026-11-01\n+++\n\none  two\nthree\n",
    );
    t.publish(T1).assert_ok();
    let l = ledger(&t);
    assert_eq!(l["version"].as_integer(), Some(2));
    let e = l["items"]["content/blog/2026-11-01-plant.md"]
        .as_table()
        .unwrap();
    assert_eq!(e["first_published"].as_str(), Some("2026-11-02T08:00:00Z"));
    assert!(e.get("hash").is_none() && e.get("fields").is_some());
}

/// The public record as `/corrections/record.json` has it, checked by recomputing the chain.
fn verify_chain(record: &serde_json::Value) -> Vec<String> {
    use sha2::Digest;
    let mut prev = String::new();
    let mut chains = Vec::new();
    for e in record["events"].as_array().unwrap() {
        let line = format!(
            "{prev}\n{}\t{}\t{}\t{}\t{}",
            e["seq"],
            e["url"].as_str().unwrap(),
            e["event"].as_str().unwrap(),
            e["date"].as_str().unwrap(),
            e["record"].as_str().unwrap()
        );
        let hex: String = sha2::Sha256::digest(line.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let chain = format!("sha256:{hex}");
        assert_eq!(
            e["chain"].as_str(),
            Some(chain.as_str()),
            "chain at {}",
            e["seq"]
        );
        chains.push(chain.clone());
        prev = chain;
    }
    assert_eq!(record["head"].as_str(), Some(prev.as_str()));
    chains
}

fn public_record(dir: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("corrections/record.json")).expect("record.json");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn the_public_record_is_a_hash_chain_that_only_grows() {
    let t = published();
    let first = public_record(&t.tmp().join("www"));
    let before = verify_chain(&first);
    let links = common::attrs(&t.html("/corrections/"), ".record-link a", "href");
    assert_eq!(
        links,
        ["/corrections/record.json"],
        "the corrections page links it"
    );
    assert_eq!(before.len(), 2, "two items published");
    edit(&t, RELEASE, "400 people", "300 people");
    append_to_release_front(&t, CORRECTION);
    t.publish(T1).assert_ok();
    let second = public_record(&t.tmp().join("www"));
    let after = verify_chain(&second);
    assert_eq!(after.len(), 3);
    assert_eq!(
        after[..2],
        before[..],
        "an earlier copy is a prefix of the new one"
    );
    let last = &second["events"][2];
    assert_eq!(last["event"], "correction");
    assert_eq!(last["url"], "/press/plant/");
    let item = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["url"] == "/press/plant/")
        .unwrap();
    assert_eq!(item["record"], last["record"]);
    assert_eq!(item["notices"][0]["kind"], "correction");
}

#[test]
fn the_public_record_verifies_with_sha256sum_and_jq_as_documented() {
    if std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("jq is needed (the test command installs it: bash .ci/test)");
    }
    let t = corrected();
    let www = t.tmp().join("www");
    // The recipe in docs/ledger.md, as a reader would run it.
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ledger.md")).unwrap();
    let script = docs
        .split("```sh\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a sh block in docs/ledger.md");
    let run = |dir: &std::path::Path| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let ok = run(&www);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("chain ok: 3 events"),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    // A rewritten event breaks the chain.
    let path = www.join("corrections/record.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("\"event\": \"correction\"", "\"event\": \"editorial\"", 1),
    )
    .unwrap();
    let bad = run(&www);
    assert!(!bad.status.success(), "a rewritten record fails the check");
}

#[test]
fn the_example_newsroom_ledger_is_consistent() {
    let out = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(["build", "--locked", "--quiet", "--root", root, "--output"])
        .arg(out.path().join("public"))
        .args(["--now", "2026-12-06T08:00:00Z"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pending: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("public/.pressroom-publish.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        pending["changes"],
        serde_json::json!([]),
        "the example's published.lock records everything it publishes"
    );
}

/// `published.lock` with `edit` applied to its parsed TOML, written back.
fn rewrite_ledger(t: &SiteTest, edit: impl FnOnce(&mut toml::Table)) {
    let mut l = ledger(t);
    edit(&mut l);
    t.file("published.lock", &toml::to_string(&l).unwrap());
}

#[test]
fn a_hand_edited_ledger_that_hides_a_silent_edit_is_refused() {
    // The insider edits the text and the recorded title to match.
    let t = published();
    edit(
        &t,
        RELEASE,
        "title = \"Plant opens\"",
        "title = \"Plant opens early\"",
    );
    rewrite_ledger(&t, |l| {
        l["items"][RELEASE]["fields"]["title"] = "Plant opens early".into();
    });
    refused(
        &t,
        T1,
        "published.lock:",
        &["edited by hand", RELEASE, "do not match its record hash"],
    );

    // ... and also the record hash (copied from a build of the edited text): the log disagrees.
    let t = published();
    let original = ledger(&t);
    edit(
        &t,
        RELEASE,
        "title = \"Plant opens\"",
        "title = \"Plant opens early\"",
    );
    t.file("published.lock", "");
    std::fs::remove_file(t.root().join("published.lock")).unwrap();
    t.build_args(&["--now", T1]).assert_ok();
    let pending: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.out().join(".pressroom-publish.json")).unwrap())
            .unwrap();
    let fresh: toml::Table = pending["ledger"].as_str().unwrap().parse().unwrap();
    let mut forged = original.clone();
    forged["items"][RELEASE] = fresh["items"][RELEASE].clone();
    forged["items"][RELEASE]["first_published"] =
        original["items"][RELEASE]["first_published"].clone();
    t.file("published.lock", &toml::to_string(&forged).unwrap());
    refused(
        &t,
        T1,
        "published.lock:",
        &["edited by hand", "publication log"],
    );
}

#[test]
fn a_deploy_refuses_a_record_that_does_not_continue_the_one_online() {
    // The insider deletes a published item from the ledger, entry and log, so that its edited
    // text builds as a new item.
    let t = published();
    rewrite_ledger(&t, |l| {
        l["items"].as_table_mut().unwrap().remove(RELEASE);
        let events = l["events"].as_array_mut().unwrap();
        events.retain(|e| e["source"].as_str() != Some(RELEASE));
    });
    edit(&t, RELEASE, "400 people", "300 people");
    t.build_args(&["--now", T1]).assert_ok();
    let www = common::hash_tree(&t.tmp().join("www"));
    let before = ledger_text(&t);
    let d = t.deploy();
    d.assert_code(2);
    assert!(d.stderr.contains("does not continue it"), "{}", d.stderr);
    assert_eq!(
        common::hash_tree(&t.tmp().join("www")),
        www,
        "nothing went out"
    );
    assert_eq!(ledger_text(&t), before, "nothing recorded");
}

#[test]
fn a_move_is_logged_so_the_log_ends_at_the_item_s_url() {
    let t = published();
    edit(
        &t,
        RELEASE,
        "tags = [\"plants\"]",
        "tags = [\"plants\"]\nslug = \"new-plant\"\naliases = [\"/press/plant/\"]",
    );
    t.publish(T1).assert_ok();
    let events = ledger(&t)["events"].as_array().unwrap().clone();
    let last = events.last().unwrap();
    assert_eq!(last["event"].as_str(), Some("moved"));
    assert_eq!(last["url"].as_str(), Some("/press/new-plant/"));
    verify_chain(&public_record(&t.tmp().join("www")));
}

#[test]
fn a_renamed_file_keeps_its_record_and_feed_id() {
    let t = published();
    let id = entry(&t, RELEASE)["feed_id"].as_str().unwrap().to_string();
    let renamed = "content/press/2026-11-01-plant-opens.md";
    t.remove(RELEASE);
    t.file(
        renamed,
        &RELEASE_TEXT.replace(
            "tags = [\"plants\"]",
            "tags = [\"plants\"]\nslug = \"plant\"",
        ),
    );
    t.publish(T1).assert_ok();
    let l = ledger(&t);
    assert!(l["items"].get(RELEASE).is_none());
    let e = &l["items"][renamed];
    assert_eq!(
        e["first_published"].as_str(),
        Some(T0),
        "the same item, moved"
    );
    assert_eq!(e["feed_id"].as_str(), Some(id.as_str()));
    let last = l["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"].as_str(), Some("moved"));
    assert_eq!(last["source"].as_str(), Some(renamed));
    let atom = std::fs::read_to_string(t.out().join("atom.xml")).unwrap();
    let feed = feed_rs::parser::parse(atom.as_bytes()).unwrap();
    assert!(feed.entries.iter().any(|e| e.id == id), "{id}");
}

#[test]
fn a_published_item_cannot_be_embargoed_or_put_on_standby_again() {
    let t = published();
    edit(
        &t,
        RELEASE,
        "tags = [\"plants\"]",
        "tags = [\"plants\"]\nembargo = 2030-01-01T00:00:00Z",
    );
    refused(&t, T1, RELEASE, &["cannot be under embargo again"]);
    let t = published();
    edit(
        &t,
        RELEASE,
        "tags = [\"plants\"]",
        "tags = [\"plants\"]\nstatus = \"standby\"",
    );
    refused(&t, T1, RELEASE, &["cannot be on standby again"]);
}

/// The items are checked against the ledger on every core; what they add must come out in
/// the order of one pass over them: the log's events and the deploy's list of changes in the
/// items' order, and a site-wide source's diagnostic naming the items in that order.
#[test]
fn items_checked_side_by_side_are_recorded_in_the_order_of_the_site() {
    let t = SiteTest::new();
    t.file("site.toml", "title = \"Test\"\nbase_url = \"https://example.com\"\n")
        .file(
            "data/sources.toml",
            "[[sources]]\nid = \"wide\"\ntitle = \"Annual report\"\nurl = \"https://example.org/ar.pdf\"\n",
        );
    let sources: Vec<String> = (0..48)
        .map(|n| format!("content/press/2026-11-{:02}-item-{n:02}.md", n % 20 + 1))
        .collect();
    for (n, rel) in sources.iter().enumerate() {
        let text = format!(
            "+++\ntitle = \"Item {n}\"\ndate = 2026-11-{:02}T09:00:00Z\nkind = \"release\"\n+++\n\nIt opened.[^wide]\n",
            n % 20 + 1
        );
        t.file(rel, &text);
    }
    let run = t.build_args(&["--now", T0, "--message-format", "json"]);
    run.assert_ok();
    let summary: serde_json::Value = (run.stdout.lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["type"] == "summary")
        .expect("a summary");
    let changed: Vec<&str> = (summary["ledger_changes"].as_array().expect("changes"))
        .iter()
        .map(|c| c.as_str().expect("text"))
        .collect();
    let mut in_order = sources.clone();
    in_order.sort();
    let expected: Vec<String> = in_order
        .iter()
        .map(|rel| format!("new item `{rel}`"))
        .collect();
    assert_eq!(changed.len(), expected.len(), "{changed:?}");
    for (c, e) in changed.iter().zip(&expected) {
        assert!(c.starts_with(e.as_str()), "{c} is not {e}: {changed:?}");
    }
    t.deploy().assert_ok();
    let log = ledger(&t);
    let events: Vec<&str> = (log["events"].as_array().expect("the log"))
        .iter()
        .map(|e| e["source"].as_str().expect("a source"))
        .collect();
    assert_eq!(events, in_order, "the log in the items' order");
    edit(
        &t,
        "data/sources.toml",
        "https://example.org/ar.pdf",
        "https://example.org/ar-v2.pdf",
    );
    let run = check(&t, T1);
    run.assert_code(1);
    let line = (run.stderr.lines())
        .find(|l| l.contains("site-wide source `wide`"))
        .expect("the source's error");
    let named: Vec<usize> = in_order
        .iter()
        .map(|rel| line.find(rel.as_str()).expect("every item named"))
        .collect();
    assert!(named.is_sorted(), "items named in order: {line}");
}
