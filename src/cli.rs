//! Command-line interface (clap): the commands and the flags they share.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A static-site generator for corporate newsrooms.
#[derive(Debug, Parser)]
#[command(name = "pressroom", version, about, after_help = EXAMPLES)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Shown after the top-level help: a writer's and a CI engineer's first commands.
const EXAMPLES: &str = "\
Examples:
  pressroom init my-newsroom                    start a site (with a CI workflow)
  pressroom serve --root my-newsroom            preview it, drafts included, at http://127.0.0.1:1111/
  pressroom new release \"We open in Oslo\"       write a draft release (prints its path)
  pressroom new --translate content/press/2026-01-15-hello.md --lang fr
                                                start its French translation
  pressroom check                               what CI checks, before you push
  pressroom build --quiet                       build public/ (what CI deploys)

Run `pressroom COMMAND --help` for a command's flags.";

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into public/ (or --output DIR).
    Build {
        /// Shared flags.
        #[command(flatten)]
        global: Global,
        /// Include drafts, embargoed and standby items, with banners (never in CI output).
        #[arg(long)]
        drafts: bool,
        /// Where to write the site (default: public/, or public-drafts/ with --drafts).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Accepted for older workflows: every build now refuses what the ledger forbids and
        /// never writes published.lock (`deploy` records publications).
        #[arg(long)]
        locked: bool,
        /// Replace the output folder even if pressroom did not write it (its files are lost).
        #[arg(long)]
        force: bool,
        /// Print how long each phase took.
        #[arg(long)]
        timings: bool,
        /// Treat warnings as errors: exit 1 and write nothing if there are any (for CI).
        #[arg(long)]
        deny_warnings: bool,
        /// Render everything, ignoring (and removing) what the last build left in
        /// .pressroom/cache/build/ to render only what changed.
        #[arg(long)]
        no_cache: bool,
    },
    /// Build in memory and serve with live reload.
    Serve {
        /// Shared flags.
        #[command(flatten)]
        global: Global,
        /// Address to bind (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on (default 1111, or the next free one; 0 picks any free port).
        #[arg(long)]
        port: Option<u16>,
        /// Do not preview drafts, embargoed and standby items (see the site as it goes online).
        #[arg(long)]
        no_drafts: bool,
        /// Preview drafts: the default already, accepted so `build --drafts` habits keep working.
        #[arg(long, conflicts_with = "no_drafts")]
        drafts: bool,
    },
    /// Check everything build checks, plus links, ledger, embargo audit and release lint; writes nothing.
    Check {
        /// Shared flags.
        #[command(flatten)]
        global: Global,
        /// Include drafts, embargoed and standby items, with banners.
        #[arg(long)]
        drafts: bool,
        /// Also fetch external links and source URLs (warnings only; 8 at a time, 10 s each).
        #[arg(long)]
        external: bool,
        /// Treat warnings as errors: exit 1 if there are any (for CI).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write a new content file with complete front matter, as a draft; or start a translation.
    #[command(after_help = NEW_EXAMPLES)]
    New(NewArgs),
    /// Write a new site with the default theme and sample content.
    Init {
        /// The folder to create.
        dir: PathBuf,
        /// Have the CI workflow build pressroom from this git repository (its source) instead
        /// of installing the crates.io release of this version.
        #[arg(long, value_name = "URL")]
        pressroom_git: Option<String>,
        /// With --pressroom-git: the tag, branch or full commit hash to build (default: the
        /// repository's default branch).
        #[arg(long, value_name = "REV", requires = "pressroom_git")]
        pressroom_rev: Option<String>,
        /// How often the CI workflow runs to publish embargoed items, as a cron line: the
        /// default `*/10 * * * *` publishes within about 10 minutes and costs about 4,320 runner
        /// minutes a month; `*/30 * * * *` about 1,440 and `0 * * * *` about 720.
        #[arg(long, value_name = "CRON", default_value = pressroom::deploy::workflow::DEFAULT_SCHEDULE)]
        schedule: String,
    },
    /// Convert a Zola, Hugo, Jekyll or Eleventy site into a new pressroom site, keeping its URLs, feeds
    /// and anchors; prints what it could not convert, at its place in the old site.
    Import {
        /// The generator the site was built with: zola, hugo, jekyll or eleventy.
        #[arg(long = "from", value_name = "GENERATOR")]
        from: pressroom::import::Generator,
        /// The old site's folder.
        src: PathBuf,
        /// The new site's folder (created; must be empty if it exists).
        dest: PathBuf,
    },
    /// Deploy the built output to a folder or S3-compatible storage, uploading only what changed.
    Deploy {
        /// Where to: file:///path/to/web-root or s3://bucket/prefix.
        #[arg(long)]
        target: String,
        /// The site folder, whose published.lock records what goes online (default: the folder
        /// the output was built from, else the current folder; the output defaults to
        /// ROOT/public).
        #[arg(long)]
        root: Option<PathBuf>,
        /// The built output folder to deploy.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print what would be uploaded and deleted; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Refuse, changing nothing, a deploy that would delete more files than this.
        #[arg(long, default_value_t = 256)]
        max_deletes: usize,
        /// Upload every file, even those already deployed with the same content (repairs a
        /// target edited by hand; re-sends content types and cache headers).
        #[arg(long)]
        force: bool,
        /// S3 endpoint URL (default: AWS_ENDPOINT_URL, else AWS).
        #[arg(long)]
        endpoint: Option<String>,
        /// S3 region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1).
        #[arg(long)]
        region: Option<String>,
        /// Print only the changed URLs.
        #[arg(long, short)]
        quiet: bool,
        /// human or json.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        message_format: Format,
    },
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub(crate) enum Format {
    /// `path:line:col: error: message`.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

const NEW_EXAMPLES: &str = "\
Examples:
  pressroom new release \"We open in Oslo\"
  pressroom new release \"Nous ouvrons à Oslo\" --lang fr --slug we-open-in-oslo
  pressroom new --translate content/press/2026-01-15-we-open-in-oslo.md --lang fr";

/// `pressroom new`'s arguments: only what changes the file it writes.
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// post, release, statement or factsheet.
    #[arg(required_unless_present = "translate", conflicts_with = "translate")]
    pub(crate) kind: Option<String>,
    /// The title.
    #[arg(required_unless_present = "translate")]
    pub(crate) title: Option<String>,
    /// Write a translation in this language: NAME.CODE.md (the code must be in site.toml's
    /// languages).
    #[arg(long, value_name = "CODE")]
    pub(crate) lang: Option<String>,
    /// The URL slug and file name (default: from the title). A translation keeps its
    /// original's slug, so give the original's here.
    #[arg(long, value_name = "SLUG", conflicts_with = "translate")]
    pub(crate) slug: Option<String>,
    /// Start a translation of this existing item (needs --lang): copies its date, kind, file
    /// name, sources, dateline and contacts; the title and body are left for the translator.
    #[arg(long, value_name = "FILE", requires = "lang")]
    pub(crate) translate: Option<PathBuf>,
    /// The date written into the front matter, as RFC 3339 (default: now).
    #[arg(long, env = "PRESSROOM_NOW")]
    pub(crate) now: Option<String>,
}

/// Flags `build`, `serve` and `check` take.
#[derive(Debug, Args, Clone)]
pub(crate) struct Global {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// The clock for embargoes and the ledger, as RFC 3339 (default: now; also read from
    /// PRESSROOM_NOW, so a rehearsal of the CI workflow can move time).
    #[arg(long, env = "PRESSROOM_NOW")]
    pub(crate) now: Option<String>,
    /// Override base_url.
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Print only errors and warnings.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// human or json.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) message_format: Format,
}
