//! The publication ledger: published text changes only in the open.

mod common;
use common::SiteTest;

const POST: &str = "content/blog/2026-11-01-plant.md";

fn post(body: &str, notices: &str) -> String {
    format!("+++\ntitle = \"Plant opens\"\ndate = 2026-11-01T09:00:00Z\n{notices}+++\n\n{body}\n")
}

fn published_site() -> SiteTest {
    let t = SiteTest::new();
    t.file(
        POST,
        &post("The plant employs 400 people.\nIt opened today.", ""),
    );
    t.build_ok();
    t
}

fn ledger(t: &SiteTest) -> toml::Table {
    let text =
        std::fs::read_to_string(t.root().join("published.lock")).expect("published.lock written");
    text.parse().expect("ledger is TOML")
}

fn entry(t: &SiteTest) -> toml::Table {
    ledger(t)["items"][POST]
        .as_table()
        .expect("entry for the post")
        .clone()
}

#[test]
fn the_first_build_records_every_published_item() {
    let t = published_site();
    let e = entry(&t);
    assert_eq!(e["url"].as_str(), Some("/blog/plant/"));
    assert_eq!(e["first_published"].as_str(), Some("2026-11-23T08:00:00Z"));
    assert!(e["hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(e["corrections"].as_integer(), Some(0));
}

#[test]
fn a_silent_edit_fails_naming_the_file_and_leaves_everything_as_it_was() {
    let t = published_site();
    let before = std::fs::read_to_string(t.root().join("published.lock")).unwrap();
    t.file(
        POST,
        &post("The plant employs 300 people.\nIt opened today.", ""),
    );
    let b = t.build();
    b.assert_code(1);
    assert!(
        b.stderr.contains(&format!("{POST}:1:1: error:")),
        "{}",
        b.stderr
    );
    assert!(b.stderr.contains("no new correction"), "{}", b.stderr);
    assert_eq!(
        std::fs::read_to_string(t.root().join("published.lock")).unwrap(),
        before
    );
}

#[test]
fn a_correction_makes_the_edit_public_and_is_recorded() {
    let t = published_site();
    let notice = "\n[[corrections]]\ndate = 2026-11-24T10:00:00Z\nkind = \"correction\"\nnote = \"300, not 400.\"\n";
    t.file(
        POST,
        &post("The plant employs 300 people.\nIt opened today.", notice),
    );
    t.build_args(&["--now", "2026-11-24T11:00:00Z"]).assert_ok();
    let e = entry(&t);
    assert_eq!(e["corrections"].as_integer(), Some(1));
    assert_eq!(e["last_change"].as_str(), Some("2026-11-24T10:00:00Z"));
    assert_eq!(
        e["first_published"].as_str(),
        Some("2026-11-23T08:00:00Z"),
        "first publication never moves"
    );
}

#[test]
fn reflowing_whitespace_is_not_a_change() {
    let t = published_site();
    t.file(
        POST,
        &post("The plant   employs 400\npeople. It opened\n\ttoday.", ""),
    );
    t.build_ok();
}

#[test]
fn a_backdated_notice_is_refused() {
    let t = published_site();
    let notice =
        "\n[[corrections]]\ndate = 2026-11-02T10:00:00Z\nkind = \"editorial\"\nnote = \"Typo.\"\n";
    t.file(
        POST,
        &post("The plant employs 400 people.\nIt opened today!", notice),
    );
    let b = t.build_args(&["--now", "2026-11-24T11:00:00Z"]);
    b.assert_code(1);
    assert!(
        b.stderr.contains("before the last recorded change"),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr.contains(&format!("{POST}:5:1:")),
        "points at [[corrections]]: {}",
        b.stderr
    );
}

#[test]
fn a_published_file_cannot_disappear_or_move_without_an_alias() {
    let t = published_site();
    t.remove(POST);
    let b = t.build();
    b.assert_code(1);
    assert!(
        b.stderr.contains("published.lock:")
            && b.stderr.contains("is gone")
            && b.stderr.contains("[withdrawn]"),
        "{}",
        b.stderr
    );

    let t = published_site();
    t.file(
        POST,
        &post(
            "The plant employs 400 people.\nIt opened today.",
            "slug = \"new-plant\"\n",
        ),
    );
    let b = t.build();
    b.assert_code(1);
    assert!(
        b.stderr.contains("aliases = [\"/blog/plant/\"]"),
        "{}",
        b.stderr
    );
    t.file(
        POST,
        &post(
            "The plant employs 400 people.\nIt opened today.",
            "slug = \"new-plant\"\naliases = [\"/blog/plant/\"]\n",
        ),
    );
    t.build_ok();
    assert_eq!(entry(&t)["url"].as_str(), Some("/blog/new-plant/"));
}

#[test]
fn a_published_item_cannot_become_a_draft_again() {
    let t = published_site();
    t.file(
        POST,
        &post(
            "The plant employs 400 people.\nIt opened today.",
            "draft = true\n",
        ),
    );
    let b = t.build();
    b.assert_code(1);
    assert!(b.stderr.contains("cannot become a draft"), "{}", b.stderr);
}

#[test]
fn locked_refuses_any_change_until_a_plain_build_records_it() {
    let t = published_site();
    t.build_args(&["--locked"]).assert_ok();
    t.file(
        "content/blog/2026-11-02-second.md",
        "+++\ntitle = \"Second\"\ndate = 2026-11-02\n+++\n\nText.\n",
    );
    let b = t.build_args(&["--locked"]);
    b.assert_code(1);
    assert!(b.stderr.contains("--locked"), "{}", b.stderr);
    t.build_ok();
    t.build_args(&["--locked"]).assert_ok();
    assert!(
        ledger(&t)["items"]
            .get("content/blog/2026-11-02-second.md")
            .is_some()
    );
}

#[test]
fn a_corrupted_ledger_is_an_error_and_left_untouched() {
    let t = published_site();
    let broken = "version = 1\n[items.\"content/blog/x.md\"\nurl = 3\n";
    t.file("published.lock", broken);
    let b = t.build();
    b.assert_code(1);
    assert!(
        b.stderr.contains("published.lock:") && b.stderr.contains("does not parse"),
        "{}",
        b.stderr
    );
    assert_eq!(
        std::fs::read_to_string(t.root().join("published.lock")).unwrap(),
        broken
    );
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
    t.build_ok();
    assert!(
        !t.root().join("published.lock").exists(),
        "nothing published, nothing recorded"
    );
    t.build_args(&["--now", "2026-12-02T00:00:00Z"]).assert_ok();
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
fn the_example_newsroom_ledger_is_consistent() {
    let out = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(["build", "--locked", "--quiet", "--root", root, "--output"])
        .arg(out.path().join("public"))
        .args(["--now", "2026-11-23T08:00:00Z"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
