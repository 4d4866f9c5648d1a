//! The ledger's memos — each item's body hash kept in `build`'s state, each item's record kept
//! by the incremental layer between rebuilds (serve's) — never hide what a determined insider
//! does to published text: an edit with the modification time set back, two files swapped,
//! a site-wide source changed, the ledger edited by hand. After each, a build through the
//! state and rebuilds through the in-process memo (told of the edited files, as serve's
//! watcher tells it, on the full and on the patch path) refuse exactly as a build without
//! any memo does.

use crate::common::SiteTest;
use pressroom::BuildOptions;
use pressroom::incremental::Incremental;
use std::path::{Path, PathBuf};

const PLANT: &str = "content/press/2026-11-01-plant.md";
const PORT: &str = "content/press/2026-11-02-port.md";
/// The clock of the publication, and a later one for the builds after it.
const T0: &str = "2026-11-23T08:00:00Z";
const T1: &str = "2026-11-25T08:00:00Z";

/// A release; both releases' bodies have the same length, so that swapping them keeps every
/// file's length.
fn release(title: &str, date: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}T09:00:00Z\nkind = \"release\"\nsummary = \"{title}.\"\n+++\n\n{body}\n"
    )
}

const PLANT_BODY: &str = "The plant employs 400 people.[^wide] It opened today.";
const PORT_BODY: &str = "The port employs 9000 people.[^wide] It opened today.";

/// Two releases citing a site-wide source, published at T0.
fn published() -> SiteTest {
    let t = SiteTest::new();
    t.file(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://example.com\"\nboilerplate = \"About Test.\"\n",
    )
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"wide\"\ntitle = \"Annual report\"\nurl = \"https://example.org/ar.pdf\"\n",
    )
    .file(PLANT, &release("Plant opens", "2026-11-01", PLANT_BODY))
    .file(PORT, &release("Port opens", "2026-11-02", PORT_BODY));
    assert_eq!(PLANT_BODY.len(), PORT_BODY.len());
    t.publish(T0).assert_ok();
    t
}

/// Writes `text` over the file at `path` and sets its modification time back to what it was.
fn write_keeping_time(path: &Path, text: &str) {
    let mtime = std::fs::metadata(path).and_then(|m| m.modified());
    std::fs::write(path, text).expect("write");
    let file = std::fs::File::options().write(true).open(path);
    file.and_then(|f| f.set_modified(mtime?)).expect("times");
}

/// Replaces `from` by `to` (of the same length) in the file `rel`, keeping its time.
fn edit_keeping_time(t: &SiteTest, rel: &str, from: &str, to: &str) -> PathBuf {
    assert_eq!(from.len(), to.len(), "an edit that keeps the length");
    let path = t.root().join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from:?} in {rel}");
    write_keeping_time(&path, &text.replacen(from, to, 1));
    path
}

/// Builds at T1 through `build`'s state and through in-process memos until each holds the
/// published site; then `attack` (which returns the files it wrote); then every build must
/// refuse with the diagnostics of a build without memo, which has an error containing
/// `needle`.
fn refused_through_memos(
    t: &SiteTest,
    attack: impl FnOnce(&SiteTest) -> Vec<PathBuf>,
    needle: &str,
) {
    let mut opts = BuildOptions::new(t.root(), T1.parse().expect("time"));
    opts.output = t.root().join("local");
    let mut full = Incremental::default();
    let mut patching = Incremental::shared();
    for round in 0..2 {
        let built = pressroom::build(&opts).expect("builds before the attack");
        assert_eq!(
            built.incremental.is_some(),
            round == 1,
            "the second build reads the state"
        );
        full.rebuild(&opts).expect("builds before the attack");
        patching.rebuild(&opts).expect("builds before the attack");
    }
    let written = attack(t);
    // As serve's watcher reports them: every file, or (for the patch path) exactly these.
    full.invalidate(written.iter().map(PathBuf::as_path));
    patching.changed(written.iter().map(PathBuf::as_path));
    let clean = pressroom::render_in_memory(&opts).expect_err("a build without memo refuses");
    let hit = (clean.diagnostics.iter()).any(|d| d.is_error() && d.message.contains(needle));
    assert!(hit, "no error with {needle:?}: {:?}", clean.diagnostics);
    for (what, run) in [
        ("build through the state", pressroom::build(&opts)),
        ("the memo, told every file", full.rebuild(&opts)),
        ("the memo, patching", patching.rebuild(&opts)),
    ] {
        let failure = run
            .err()
            .unwrap_or_else(|| panic!("{what}: the attack went through"));
        assert_eq!(failure.diagnostics, clean.diagnostics, "{what}");
    }
}

#[test]
fn a_body_edited_with_its_time_set_back_is_refused() {
    let t = published();
    refused_through_memos(
        &t,
        |t| vec![edit_keeping_time(t, PLANT, "400 people", "500 people")],
        "`body` changed in published `content/press/2026-11-01-plant.md` without a dated notice",
    );
}

#[test]
fn two_published_bodies_swapped_with_their_times_kept_are_refused() {
    let t = published();
    refused_through_memos(
        &t,
        |t| {
            let (plant, port) = (t.root().join(PLANT), t.root().join(PORT));
            let plant_text = release("Plant opens", "2026-11-01", PORT_BODY);
            let port_text = release("Port opens", "2026-11-02", PLANT_BODY);
            write_keeping_time(&plant, &plant_text);
            write_keeping_time(&port, &port_text);
            vec![plant, port]
        },
        "`body` changed in published `content/press/2026-11-02-port.md` without a dated notice",
    );
}

#[test]
fn a_site_wide_source_changed_under_published_items_is_refused() {
    let t = published();
    refused_through_memos(
        &t,
        |t| {
            vec![edit_keeping_time(
                t,
                "data/sources.toml",
                "Annual report",
                "Annual rEport",
            )]
        },
        "site-wide source `wide` changed",
    );
}

#[test]
fn a_summary_edited_with_its_time_set_back_is_refused() {
    let t = published();
    refused_through_memos(
        &t,
        |t| {
            vec![edit_keeping_time(
                t,
                PORT,
                "summary = \"Port opens.\"",
                "summary = \"Port shuts.\"",
            )]
        },
        "`summary` changed in published `content/press/2026-11-02-port.md` without a dated notice",
    );
}

#[test]
fn a_ledger_edited_by_hand_is_refused() {
    let t = published();
    refused_through_memos(
        &t,
        |t| {
            vec![edit_keeping_time(
                t,
                "published.lock",
                "title = \"Port opens\"",
                "title = \"Port shuts\"",
            )]
        },
        "published.lock was edited by hand at `content/press/2026-11-02-port.md`",
    );
}

/// An insider with write access to `.pressroom/` forges the state's parse of `published.lock`
/// (an empty ledger, its fingerprint put in the state) and edits a published body. The build
/// into that folder takes the forgery (the state is trusted, as the README says), but the
/// builds a deploy should come from do not read it: a build into a new folder (CI's fresh
/// checkout) and `--no-cache` refuse the edit.
#[test]
fn a_forged_ledger_parse_in_the_state_reaches_no_fresh_build() {
    let t = published();
    let mut opts = BuildOptions::new(t.root(), T1.parse().expect("time"));
    opts.output = t.root().join("local");
    pressroom::build(&opts).expect("first");
    pressroom::build(&opts).expect("second, leaving the state");
    let forged = br#"{"version":2,"items":{}}"#;
    forge_in_state(&t, "ledger.json", forged);
    edit_keeping_time(&t, PLANT, "400 people", "500 people");
    let needle = "`body` changed in published `content/press/2026-11-01-plant.md`";
    let refused = |what: &str, opts: &BuildOptions| {
        let failure = pressroom::build(opts)
            .err()
            .unwrap_or_else(|| panic!("{what}: the forged state let the edit through"));
        let hit = (failure.diagnostics.iter()).any(|d| d.is_error() && d.message.contains(needle));
        assert!(hit, "{what}: {:?}", failure.diagnostics);
    };
    // The forgery is taken where the state is (what the README's trust bullet says): were it
    // not, this test would prove nothing about the builds below.
    let local = pressroom::build(&opts);
    assert!(
        local.is_ok(),
        "the forgery was not taken: forge the state anew"
    );
    let mut fresh = opts.clone();
    fresh.output = t.root().join("ci-checkout-public");
    refused("a build into a new folder", &fresh);
    let mut no_cache = opts.clone();
    no_cache.cache = false;
    refused("build --no-cache", &no_cache);
}

/// Writes `forged` over the state's file `name` and puts its bytes' fingerprint in
/// `state.bin` in place of the genuine file's (the file's keys are a pair: the key of what
/// it was made from, kept, then the bytes' key), as an insider with write access to
/// `.pressroom/` could.
fn forge_in_state(t: &SiteTest, name: &str, forged: &[u8]) {
    let file = walkdir::WalkDir::new(t.root().join(".pressroom/cache/build"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name() == name)
        .unwrap_or_else(|| panic!("the state keeps {name}"))
        .into_path();
    let genuine = std::fs::read(&file).expect("genuine");
    std::fs::write(&file, forged).expect("forge");
    let state_path = file.with_file_name("state.bin");
    // Fingerprints are 128-bit numbers, kept as 16 little-endian bytes.
    let key = |bytes: &[u8]| pressroom::fingerprint::of_bytes(bytes).0.to_le_bytes();
    let state = std::fs::read(&state_path).expect("state");
    let state = crate::common::replace_bytes(&state, &key(&genuine), &key(forged))
        .expect("the state keeps the file's key");
    std::fs::write(&state_path, state).expect("write state");
}

/// The same insider forges the state's text of the ledger a deploy would record
/// (`ledger.toml`) while a new item waits to be recorded. The build into that folder leaves
/// the forgery in its pending ledger (the state is trusted, as the README says), so a deploy
/// of that folder would record it; the builds a deploy should come from do not read it.
#[test]
fn a_forged_ledger_text_in_the_state_reaches_no_fresh_build() {
    let t = published();
    t.file(
        "content/press/2026-11-20-new.md",
        &release("New line opens", "2026-11-20", "The new line opens."),
    );
    let mut opts = BuildOptions::new(t.root(), T1.parse().expect("time"));
    opts.output = t.root().join("local");
    pressroom::build(&opts).expect("first");
    pressroom::build(&opts).expect("second, leaving the state");
    let pending = |out: &Path| -> String {
        let json = std::fs::read(out.join(".pressroom-publish.json")).expect("pending");
        let pending: serde_json::Value = serde_json::from_slice(&json).expect("json");
        pending["ledger"].as_str().expect("ledger text").to_string()
    };
    let genuine = pending(&opts.output);
    assert!(
        genuine.contains("content/press/2026-11-20-new.md"),
        "{genuine}"
    );
    let forged = genuine.replace("2026-11-20-new.md", "2026-11-20-xyz.md");
    forge_in_state(&t, "ledger.toml", forged.as_bytes());
    // Taken where the state is: were it not, this test would prove nothing below.
    pressroom::build(&opts).expect("local");
    assert_eq!(pending(&opts.output), forged, "the forgery was not taken");
    for (what, output, cache) in [
        ("a build into a new folder", "ci-checkout-public", true),
        ("build --no-cache", "local", false),
    ] {
        let mut other = opts.clone();
        other.output = t.root().join(output);
        other.cache = cache;
        pressroom::build(&other).expect(what);
        assert_eq!(pending(&other.output), genuine, "{what}");
    }
}
