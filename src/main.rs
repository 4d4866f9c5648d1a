//! The `pressroom` binary: parses the command line, runs the library, prints diagnostics and a
//! summary, and maps the outcome to an exit code (0 ok, 1 content errors, 2 usage or config).

use clap::Parser;
use pressroom::diag::Diagnostic;
use pressroom::{BuildOptions, Error, Failure};
use std::path::PathBuf;

mod cli;
use cli::{Cli, Command, Format, Global, NewArgs};

/// mimalloc instead of the system allocator: a build allocates and frees millions of small
/// strings and JSON values across threads, and glibc's malloc took about a tenth of a 10,000-item
/// build's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    restore_sigpipe();
    no_huge_pages();
    let cli = Cli::parse();
    let format = match &cli.command {
        Command::Build { global, .. }
        | Command::Serve { global, .. }
        | Command::Check { global, .. } => global.message_format,
        Command::New(_) | Command::Init { .. } | Command::Import { .. } => Format::Human,
        Command::Deploy { message_format, .. } => *message_format,
    };
    let code = match run(cli) {
        Ok(()) => 0,
        Err(failure) => {
            print_diagnostics(&failure.diagnostics, format);
            if !matches!(failure.error, Error::Content(_)) || format == Format::Human {
                match (&failure.error, format) {
                    // Config errors already read `site.toml:line:col: error: ...`.
                    (Error::Config { .. }, Format::Human) => eprintln!("{}", failure.error),
                    (
                        Error::Config {
                            path,
                            line,
                            col,
                            message,
                        },
                        Format::Json,
                    ) => println!(
                        "{}",
                        serde_json::json!({"type": "diagnostic", "path": path, "line": line, "col": col, "severity": "error", "message": message, "exit_code": 2})
                    ),
                    (_, Format::Human) => eprintln!("error: {}", failure.error),
                    (_, Format::Json) => println!(
                        "{}",
                        serde_json::json!({"type": "error", "message": failure.error.to_string(), "exit_code": failure.error.exit_code()})
                    ),
                }
            }
            failure.error.exit_code() as u8
        }
    };
    exit_now(code)
}

/// Ends the process with `code` once what it printed is out, without the C library's exit
/// handlers: mimalloc's handler walks the whole heap to free it page by page, 0.2 s of a
/// 100,000-item build on one core with the other idle, for memory the kernel takes back at
/// once anyway. Nothing of pressroom's runs at exit: files are closed, the output swapped in
/// and temporary folders removed before `run` returns.
fn exit_now(code: u8) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(unix)]
    // SAFETY: `_exit` ends the process; every buffer that matters was flushed above.
    unsafe {
        libc::_exit(i32::from(code))
    }
    #[cfg(not(unix))]
    std::process::exit(i32::from(code))
}

/// "no warnings", "1 warning", "3 warnings".
fn count_warnings(n: usize) -> String {
    match n {
        0 => "no warnings".into(),
        1 => "1 warning".into(),
        n => format!("{n} warnings"),
    }
}

/// `build --timings`: one line per phase, or one JSON object.
fn print_timings(timings: &[(&'static str, std::time::Duration)], format: Format) {
    match format {
        Format::Json => {
            let phases: serde_json::Map<String, serde_json::Value> = timings
                .iter()
                .map(|(name, d)| (name.to_string(), (d.as_secs_f64() * 1000.0).into()))
                .collect();
            println!("{}", serde_json::json!({"type": "timings", "ms": phases}));
        }
        Format::Human => {
            let total: std::time::Duration = timings.iter().map(|(_, d)| *d).sum();
            for (name, d) in timings {
                let ms = d.as_secs_f64() * 1000.0;
                let share = if total.is_zero() {
                    0.0
                } else {
                    d.as_secs_f64() / total.as_secs_f64() * 100.0
                };
                println!("  {name:<14} {ms:>9.1} ms  {share:>5.1}%");
            }
        }
    }
}

/// `deploy`'s plan, outcome and the changed URLs (for a CDN purge).
fn print_deploy(report: &pressroom::deploy::Report, quiet: bool, format: Format) {
    let plan = &report.plan;
    for w in &report.warnings {
        match format {
            Format::Json => println!("{}", serde_json::json!({"type": "warning", "message": w})),
            Format::Human => eprintln!("warning: {w}"),
        }
    }
    match format {
        Format::Json => {
            for u in &plan.uploads {
                println!(
                    "{}",
                    serde_json::json!({"type": "upload", "path": u.path, "reason": u.reason, "size": u.entry.size})
                );
            }
            for path in &plan.deletes {
                println!("{}", serde_json::json!({"type": "delete", "path": path}));
            }
            println!(
                "{}",
                serde_json::json!({"type": "summary", "target": report.target, "dry_run": report.dry_run, "uploaded": plan.uploads.len(), "deleted": plan.deletes.len(), "unchanged": plan.unchanged, "changed_urls": report.changed_urls, "next_embargo_lift": report.next_embargo_lift, "recorded": report.recorded})
            );
        }
        Format::Human if quiet => {
            for url in &report.changed_urls {
                println!("{url}");
            }
        }
        Format::Human => {
            let verb = if report.dry_run { "would " } else { "" };
            for u in &plan.uploads {
                println!("{verb}upload {} ({})", u.path, u.reason.as_str());
            }
            for path in &plan.deletes {
                println!("{verb}delete {path}");
            }
            println!(
                "{} {}: {} uploaded, {} deleted, {} unchanged",
                if report.dry_run {
                    "dry run, nothing changed at"
                } else {
                    "deployed to"
                },
                report.target,
                plan.uploads.len(),
                plan.deletes.len(),
                plan.unchanged
            );
            if !report.recorded.is_empty() {
                let verb = if report.dry_run {
                    "would record"
                } else {
                    "recorded"
                };
                println!("{verb} in published.lock: {}", report.recorded.join("; "));
            }
            if !report.changed_urls.is_empty() {
                println!("changed URLs (purge them from a CDN):");
                for url in &report.changed_urls {
                    println!("{url}");
                }
            }
        }
    }
}

/// Rust ignores SIGPIPE, so `pressroom deploy -q | head` would panic writing to a closed pipe.
/// Restore the default: the process ends quietly when its reader goes away, as Unix tools do.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Turns transparent huge pages off for this process. mimalloc asks for them, and the kernel
/// then zeroes 2 MiB pages that a build fills only in part: at 10,000 items, half of a
/// rebuild's time went to `clear_page_erms`, and with them off a rebuild's system time fell by
/// about half and a full build's by 40%, with 5–10% less memory (measured with `perf` and
/// GNU time, the same binary with and without `MIMALLOC_ALLOW_THP=0`).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with integer arguments only; it changes this process's memory policy.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn print_diagnostics(diags: &[Diagnostic], format: Format) {
    for d in diags {
        match format {
            Format::Human => eprintln!("{d}"),
            Format::Json => println!("{}", d.to_json()),
        }
    }
}

fn report_serve(event: pressroom::serve::Event, quiet: bool, format: Format) {
    use pressroom::serve::Event;
    match event {
        Event::Listening(url) => println!(
            "serving at {url} (drafts and embargoed items are previewed with banners; Ctrl-C stops)"
        ),
        Event::PublicBind(addr) => eprintln!(
            "warning: listening on {addr}, which is not loopback: other machines can see unpublished items"
        ),
        Event::PortInUse { requested, using } => {
            eprintln!("port {requested} is in use; serving on port {using} instead");
        }
        Event::Css(paths) => {
            if !quiet {
                println!("stylesheet changed: {}", paths.join(", "));
            }
        }
        Event::Built {
            id,
            items,
            warnings,
            millis,
            fresh,
        } => {
            print_diagnostics(&warnings, format);
            if !quiet {
                if id == 1 {
                    println!("build {id}: {items} items in {millis} ms");
                } else {
                    println!(
                        "build {id}: {items} items in {millis} ms ({} files re-read, {} items re-rendered, {} of {} pages re-rendered)",
                        fresh.files_parsed,
                        fresh.items_rendered,
                        fresh.pages_rendered,
                        fresh.pages_rendered + fresh.pages_reused
                    );
                }
            }
        }
        Event::Failed {
            id,
            diagnostics,
            message,
        } => {
            print_diagnostics(&diagnostics, format);
            eprintln!(
                "build {id} failed: {message}; the browser shows the errors until the files are fixed"
            );
        }
    }
}

/// `--now` (or PRESSROOM_NOW) as a time; absent: the clock.
fn parse_now(now: Option<&str>) -> Result<jiff::Timestamp, Error> {
    match now {
        Some(text) => text.parse::<jiff::Timestamp>().map_err(|e| {
            Error::Usage(format!(
                "--now `{text}` is not an RFC 3339 time such as 2026-11-20T09:00:00Z: {e}"
            ))
        }),
        None => Ok(jiff::Timestamp::now()),
    }
}

fn options(global: &Global, drafts: bool) -> Result<BuildOptions, Error> {
    let mut opts = BuildOptions::new(&global.root, parse_now(global.now.as_deref())?);
    opts.drafts = drafts;
    opts.base_url = global.base_url.clone();
    Ok(opts)
}

/// A progress line on stderr, rewritten in place as each phase ends: only on a terminal, in
/// human format and without --quiet (a CI log or a pipe gets nothing).
fn progress(global: &Global) -> Option<pressroom::options::Progress> {
    use std::io::{IsTerminal, Write};
    if global.quiet || global.message_format != Format::Human || !std::io::stderr().is_terminal() {
        return None;
    }
    let started = std::time::Instant::now();
    let done = std::sync::atomic::AtomicUsize::new(0);
    Some(pressroom::options::Progress(std::sync::Arc::new(
        move |phase: &str| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[Kbuilding: {phase} done ({n} steps, {:.1}s)",
                started.elapsed().as_secs_f64()
            );
            let _ = err.flush();
        },
    )))
}

/// Erases the progress line, so what follows starts on a clean line.
fn end_progress(progress: &Option<pressroom::options::Progress>) {
    if progress.is_some() {
        eprint!("\r\x1b[K");
    }
}

/// Runs the command: one arm per subcommand, each handing its flags to its `run_*`.
fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Build {
            global,
            drafts,
            output,
            locked: _,
            force,
            timings,
            deny_warnings,
            no_cache,
        } => {
            let mut opts = options(&global, drafts)?;
            opts.deny_warnings = deny_warnings;
            opts.cache = !no_cache;
            opts.output =
                output.unwrap_or_else(|| pressroom::output::default_dir(&opts.root, opts.drafts));
            opts.force = force;
            opts.progress = progress(&global);
            run_build(&global, &opts, timings)
        }
        Command::Serve {
            global,
            bind,
            port,
            no_drafts,
            drafts: _,
        } => run_serve(&global, bind, port, !no_drafts),
        Command::Check {
            global,
            drafts,
            external,
            deny_warnings,
        } => {
            let mut opts = options(&global, drafts)?;
            opts.audit = true;
            opts.external = external;
            opts.deny_warnings = deny_warnings;
            opts.progress = progress(&global);
            run_check(&global, &opts)
        }
        Command::New(args) => run_new(args),
        Command::Deploy {
            target,
            root,
            output,
            dry_run,
            max_deletes,
            force,
            endpoint,
            region,
            quiet,
            message_format,
        } => {
            let output = output.unwrap_or_else(|| {
                root.clone()
                    .unwrap_or_else(|| PathBuf::from("."))
                    .join("public")
            });
            let opts = pressroom::deploy::DeployOptions {
                target,
                root,
                output,
                dry_run,
                max_deletes,
                force,
                endpoint,
                region,
            };
            let report = pressroom::deploy::deploy(&opts)?;
            print_deploy(&report, quiet, message_format);
            Ok(())
        }
        Command::Init {
            dir,
            pressroom_git,
            pressroom_rev,
            schedule,
        } => run_init(&dir, pressroom_git, pressroom_rev, &schedule),
        Command::Import { from, src, dest } => run_import(from, &src, &dest),
    }
}

/// `pressroom import`: the places it could not convert on stderr (`path:line:col: warning`,
/// paths in the old site), what it wrote on stdout.
fn run_import(
    from: pressroom::import::Generator,
    src: &std::path::Path,
    dest: &std::path::Path,
) -> Result<(), Failure> {
    let report = pressroom::import::run(from, src, dest)?;
    for note in &report.notes {
        eprintln!("{note}");
    }
    println!(
        "imported {} content files ({} old URLs kept as aliases) and {} other files into {}; {} places to review above (listed in {}); then run `pressroom build --root {}`",
        report.pages,
        report.aliases,
        report.copied,
        dest.display(),
        report.notes.len(),
        dest.join(pressroom::import::REPORT).display(),
        dest.display()
    );
    Ok(())
}

/// `pressroom serve`: serves until stopped, reporting each rebuild.
fn run_serve(
    global: &Global,
    bind: String,
    port: Option<u16>,
    drafts: bool,
) -> Result<(), Failure> {
    let opts = options(global, drafts)?;
    let quiet = global.quiet;
    let format = global.message_format;
    pressroom::serve::run(
        pressroom::serve::ServeOptions {
            build: opts,
            bind,
            port: port.unwrap_or(1111),
            port_fallback: port.is_none(),
        },
        move |event| report_serve(event, quiet, format),
    )?;
    Ok(())
}

/// `pressroom check`: build in memory with the audits, then the diagnostics and the summary.
fn run_check(global: &Global, opts: &BuildOptions) -> Result<(), Failure> {
    let built = pressroom::render_in_memory(opts);
    end_progress(&opts.progress);
    let built = built?;
    print_diagnostics(&built.diagnostics, global.message_format);
    if !global.quiet && global.message_format == Format::Human {
        println!(
            "checked {} items: no errors, {}",
            built.items,
            count_warnings(built.diagnostics.len())
        );
    }
    Ok(())
}

/// `pressroom build`: build, then the summary (and `--timings`).
fn run_build(global: &Global, opts: &BuildOptions, timings: bool) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let built = pressroom::build(opts);
    end_progress(&opts.progress);
    let built = built?;
    print_diagnostics(&built.diagnostics, global.message_format);
    let next = built.next_embargo.map(pressroom::dates::rfc3339_utc);
    // What was written: every file of the manifest, the manifest, and the pending ledger.
    let files = built.manifest.as_ref().map_or(0, |m| m.files.len() + 1)
        + usize::from(built.publication.is_some());
    match global.message_format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"type": "summary", "items": built.items, "files": files, "withheld": built.withheld, "next_embargo_lift": next, "warnings": built.diagnostics.len(), "ledger_changes": built.publication.as_ref().map(|p| p.changes.clone()).unwrap_or_default(), "images": built.images, "output": opts.output.display().to_string()})
        ),
        Format::Human if !global.quiet => {
            println!(
                "built {} items ({files} files) into {} in {:.2}s",
                built.items,
                opts.output.display(),
                started.elapsed().as_secs_f64()
            );
            print_ledger_changes(&built);
            let images = built.images;
            if images.made + images.reused > 0 {
                println!(
                    "images: {} derived file(s) made, {} taken from the cache; {} original(s) read ({} bytes)",
                    images.made, images.reused, images.originals_read, images.original_bytes
                );
            }
            if let Some(next) = next {
                println!(
                    "{} item(s) under embargo; next embargo lift: {next} (schedule a rebuild then)",
                    built.withheld
                );
            }
        }
        Format::Human => {}
    }
    if timings {
        print_timings(&built.timings, global.message_format);
        if let (Some(s), Format::Human) = (built.incremental, global.message_format) {
            println!(
                "incremental: {} content file(s) parsed, {} item(s) rendered, {} page(s) rendered, {} kept",
                s.files_parsed, s.items_rendered, s.pages_rendered, s.pages_reused
            );
        }
    }
    // The process ends here: freeing a large site's manifest and pending ledger (tens of
    // thousands of strings) one by one would only delay the exit.
    std::mem::forget(built);
    Ok(())
}

/// The first three publications the next deploy records, and how many more.
fn print_ledger_changes(built: &pressroom::Built) {
    let changes = built
        .publication
        .as_ref()
        .map(|p| p.changes.as_slice())
        .unwrap_or_default();
    if changes.is_empty() {
        return;
    }
    let shown = changes
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    let more = changes.len().saturating_sub(3);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    println!("pressroom deploy records in published.lock: {shown}{more}");
}

/// `pressroom new`: write the file (or the translation), then say what to do next.
fn run_new(args: NewArgs) -> Result<(), Failure> {
    let config = pressroom::config::Config::load(&args.root, None)?;
    let path = match (&args.translate, &args.kind, &args.title) {
        (Some(original), _, _) => {
            let lang = args.lang.as_deref().unwrap_or_default();
            pressroom::scaffold::translate_item(original, lang, &config)?
        }
        (None, Some(kind), Some(title)) => {
            let now = parse_now(args.now.as_deref())?;
            let new = pressroom::scaffold::NewOptions {
                slug: args.slug.clone(),
                lang: args.lang.clone(),
            };
            pressroom::scaffold::new_item(&args.root, kind, title, &new, now, &config)?
        }
        _ => {
            return Err(Error::Usage("give a kind and a title, or --translate FILE".into()).into());
        }
    };
    // The path alone on stdout (scripts open it); the next steps on stderr.
    println!("{}", path.display());
    let root = if args.root == std::path::Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", args.root.display())
    };
    let what = if args.translate.is_some() {
        "replace each TRANSLATE: with the translation"
    } else {
        "write it"
    };
    let open = pressroom::scaffold::site_path(&args.root, &path, &config)
        .map(|p| format!(" and open http://127.0.0.1:1111{p}"))
        .unwrap_or_default();
    eprintln!(
        "next: {what}; preview it with `pressroom serve{root}`{open} (drafts are shown, with a banner); set `draft = false` when it is ready to publish"
    );
    Ok(())
}

/// `pressroom init`: the site, its workflow, and what the workflow will cost and need.
fn run_init(
    dir: &std::path::Path,
    pressroom_git: Option<String>,
    pressroom_rev: Option<String>,
    schedule: &str,
) -> Result<(), Failure> {
    use pressroom::deploy::workflow::{InstallSource, NOT_ON_CRATES_IO, Schedule, WORKFLOW_PATH};
    let schedule = Schedule::parse(schedule).map_err(|e| Error::Usage(e.to_string()))?;
    let source = match pressroom_git {
        Some(url) => InstallSource::Git {
            url,
            rev: pressroom_rev.unwrap_or_else(|| "HEAD".into()),
        },
        None => InstallSource::this_release(),
    };
    pressroom::scaffold::init(dir, &source, &schedule)?;
    println!(
        "created a new site in {}; run `pressroom serve --root {}`",
        dir.display(),
        dir.display()
    );
    println!(
        "{WORKFLOW_PATH} runs on the schedule \"{}\": embargoed items go out within {}; it uses {} on a private repository (fewer: --schedule \"*/30 * * * *\" or \"0 * * * *\")",
        schedule.cron,
        schedule.delay(),
        schedule.monthly_cost()
    );
    if matches!(source, InstallSource::CratesIo { .. }) {
        eprintln!("warning: {NOT_ON_CRATES_IO}");
    }
    Ok(())
}
