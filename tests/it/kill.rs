//! Kill test: a build SIGKILLed at a random moment never damages the output it was replacing and
//! leaves nothing behind that a later build would trip on.
//!
//! A generated site of a few thousand items is built once (tree A) and once changed (tree B).
//! Then, 20 times, a build of the other state is started and killed (`Child::kill` is SIGKILL
//! on Unix) after a random delay within the measured build time. After each kill the output
//! folder must be exactly one whole tree: the one it held before (the usual case) or, when the
//! kill came after the swap or after the in-place update, the new one; never missing. A kill
//! between committing the update's journal and finishing it may leave a mix, with the journal
//! beside the output: the next build must finish it first, and its output is the new tree. Staging folders left
//! by a kill must be cleared by the next build, so at most one is ever present, and after a
//! final normal build none is. `PRESSROOM_KILL_SEED` replays a run (the seed is printed).

use crate::common;

use common::{assert_same_tree, bin, hash_tree, list_files};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Items in the generated site: enough that a debug build takes about a second (more on a busy
/// machine: the delays scale with the measured build), so kills
/// land in every phase (reading, rendering, writing the staging folder, the swap).
const ITEMS: usize = 400;
const KILLS: usize = 20;

/// A small deterministic generator (xorshift), so a seed replays a run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "battery",
    "plant",
    "grid",
    "storage",
    "cell",
    "contract",
    "capacity",
    "megawatt",
    "safety",
    "supply",
    "recycling",
    "results",
    "quarter",
    "team",
    "customers",
    "Seoul",
    "Lyon",
    "Osaka",
    "Västerås",
    "서울",
    "공장",
    "大阪",
    "工場",
    "thermal",
    "sodium",
    "zinc",
    "inverter",
    "permit",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 6 + rng.below(12) as usize;
    let mut s: Vec<&str> = (0..n)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect();
    s[0] = "The";
    format!("{}.", s.join(" "))
}

/// Writes a site with `ITEMS` items in three sections, with tags, sources and citations.
fn generate(root: &Path, seed: u64) {
    let mut rng = Rng(seed | 1);
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    w(
        "site.toml",
        "title = \"Kill Test\"\nbase_url = \"https://example.com\"\nboilerplate = \"About us.\"\n",
    );
    w("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    w(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    );
    w("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n");
    w(
        "content/statements/_index.md",
        "+++\ntitle = \"Statements\"\nkind = \"statement\"\n+++\n",
    );
    for i in 0..ITEMS {
        let section = ["press", "blog", "statements"][i % 3];
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let year = 2020 + (i / 336) % 6;
        let tags: Vec<String> = (0..1 + rng.below(3))
            .map(|_| format!("\"tag-{}\"", rng.below(40)))
            .collect();
        let mut body = String::new();
        for p in 0..3 + rng.below(5) {
            if p == 2 {
                body.push_str(&format!("## {}\n\n", sentence(&mut rng)));
            }
            for _ in 0..2 + rng.below(4) {
                body.push_str(&sentence(&mut rng));
                body.push(' ');
            }
            if p == 0 {
                body.push_str("[^src]");
            }
            body.push_str("\n\n");
        }
        w(
            &format!("content/{section}/{year}-{month:02}-{day:02}-item-{i}.md"),
            &format!(
                "+++\ntitle = \"Item {i}: {}\"\ndate = {year}-{month:02}-{day:02}\ndateline = \"SEOUL\"\ncontacts = []\ntags = [{}]\n[[sources]]\nid = \"src\"\ntitle = \"Source {i}\"\nurl = \"https://example.org/{i}\"\n+++\n{body}",
                sentence(&mut rng).trim_end_matches('.'),
                tags.join(", ")
            ),
        );
    }
}

/// Switches the site between its two states: B adds an item and retitles another.
fn set_state(root: &Path, b: bool) {
    let extra = root.join("content/blog/2026-11-20-state-b.md");
    let retitled = root.join("content/press/2025-06-01-retitled.md");
    // The ledger would (rightly) refuse a retitled published item: this test is about the output.
    let _ = std::fs::remove_file(root.join("published.lock"));
    if b {
        std::fs::write(
            &extra,
            "+++\ntitle = \"State B\"\ndate = 2026-11-20\n+++\nOnly in B.\n",
        )
        .expect("write");
        std::fs::write(
            &retitled,
            "+++\ntitle = \"Retitled in B\"\ndate = 2025-06-01\n+++\nText.\n",
        )
        .expect("write");
    } else {
        let _ = std::fs::remove_file(&extra);
        std::fs::write(
            &retitled,
            "+++\ntitle = \"Title in A\"\ndate = 2025-06-01\n+++\nText.\n",
        )
        .expect("write");
    }
}

fn command(root: &Path, out: &Path) -> Command {
    let mut c = Command::new(bin());
    c.args(["build", "--quiet", "--now", common::NOW, "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn build(root: &Path, out: &Path) -> BTreeMap<String, String> {
    let o = command(root, out).output().expect("runs");
    assert!(
        o.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    hash_tree(out)
}

/// Staging and set-aside folders of `out` (`.public.pressroom-*`; not the lock file, which a
/// killed build leaves unlocked and the next build removes).
fn leftovers(out: &Path) -> Vec<String> {
    let name = out
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let prefix = format!(".{name}.pressroom-");
    std::fs::read_dir(out.parent().expect("parent"))
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && !n.ends_with("-lock"))
        .collect()
}

#[test]
fn sigkill_at_random_moments_never_damages_the_output() {
    let tmp = tempfile::Builder::new()
        .prefix("pressroom-kill-")
        .tempdir()
        .expect("temp dir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("public"));
    let seed = std::env::var("PRESSROOM_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("PRESSROOM_KILL_SEED={seed}");
    generate(&root, seed);

    set_state(&root, true);
    let tree_b = build(&root, &out);
    set_state(&root, false);
    let started = Instant::now();
    let tree_a = build(&root, &out);
    let full = started.elapsed();
    assert!(tree_a.len() > ITEMS, "{} files", tree_a.len());
    assert_ne!(tree_a, tree_b);
    eprintln!("{} files; a full build takes {full:?}", tree_a.len());

    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (mut kept, mut replaced, mut finished, mut rolled) = (0, 0, 0, 0);
    let mut current = false; // the output holds state A
    for round in 0..KILLS {
        let next = !current;
        set_state(&root, next);
        // Anywhere in the build (the measured time; a build may run faster or slower later).
        let delay = Duration::from_millis(rng.below(full.as_millis() as u64 * 9 / 10 + 1));
        let mut child = command(&root, &out).spawn().expect("spawn");
        std::thread::sleep(delay);
        let killed = child.try_wait().expect("wait").is_none();
        if killed {
            child.kill().expect("SIGKILL");
        }
        let status = child.wait().expect("reaped");
        let (before, after) = if current {
            (&tree_b, &tree_a)
        } else {
            (&tree_a, &tree_b)
        };
        assert!(
            out.is_dir(),
            "round {round}: the output folder is missing after a kill at {delay:?} (seed {seed}); leftovers {:?}",
            leftovers(&out)
        );
        // Killed between committing its journal and applying it, a build leaves the journal:
        // the output may be part old, part new until the next build finishes the change
        // before its own. Run that build (of the same state) and the tree must be the new one.
        let journal = out.with_file_name(".public.pressroom-journal");
        if killed && journal.exists() {
            let status = command(&root, &out).status().expect("the next build runs");
            assert!(
                status.success(),
                "round {round}: the build after a journal failed"
            );
            assert!(
                !journal.exists(),
                "round {round}: the journal was finished and removed"
            );
            assert_same_tree(
                &hash_tree(&out),
                after,
                &format!(
                    "round {round}: the build after a kill at {delay:?} (seed {seed}) with a journal left"
                ),
            );
            rolled += 1;
            current = next;
            continue;
        }
        let now = hash_tree(&out);
        if !killed {
            assert!(
                status.success(),
                "round {round}: the build failed by itself"
            );
            finished += 1;
        }
        if &now == before && killed {
            kept += 1;
        } else {
            // A finished build, or a kill after the swap: the whole new tree.
            assert_same_tree(
                &now,
                after,
                &format!(
                    "round {round}: after a kill at {delay:?} (seed {seed}) the output is neither the previous tree nor the new one"
                ),
            );
            if killed {
                replaced += 1;
            }
            current = next;
        }
        let left = leftovers(&out);
        assert!(
            left.len() <= 2,
            "round {round}: staging folders pile up: {left:?}"
        );
    }
    eprintln!(
        "{KILLS} rounds: {kept} kills left the previous output, {replaced} came after the swap or the journal's changes, {rolled} left a journal the next build finished, {finished} builds finished first"
    );
    assert!(kept >= KILLS / 4, "too few kills landed mid-build: {kept}");

    // One more normal build clears what the kills left, and writes the right tree.
    set_state(&root, !current);
    let last = build(&root, &out);
    assert_same_tree(
        &last,
        if current { &tree_a } else { &tree_b },
        "final build",
    );
    assert_eq!(
        leftovers(&out),
        Vec::<String>::new(),
        "staging folders left"
    );
    assert!(!list_files(&out).is_empty());
}

/// The state a kill between the two renames of the swap would leave (no output folder, the
/// previous one set aside, a complete staging folder), and a half-written staging folder of
/// another dead build: the next build still produces the right output and clears them all.
#[test]
fn a_build_after_a_kill_in_the_swap_recovers() {
    let site = common::SiteTest::new();
    site.file(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-05\n+++\nText.\n",
    );
    let first = site.build_ok().hashes();
    let out = site.out();
    let parent = out.parent().expect("parent");
    std::fs::rename(&out, parent.join(".public.pressroom-old-999999")).expect("set aside");
    std::fs::create_dir_all(parent.join(".public.pressroom-tmp-999998/blog")).expect("mkdir");
    std::fs::write(
        parent.join(".public.pressroom-tmp-999998/blog/half.html"),
        "<p",
    )
    .expect("write");
    let again = site.build_ok().hashes();
    assert_same_tree(&first, &again, "rebuilt output");
    assert_eq!(leftovers(&out), Vec::<String>::new());
}
