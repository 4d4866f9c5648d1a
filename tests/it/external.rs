//! `check --external` against a real HTTP server on loopback: dead links are warnings, and a
//! dead source whose archived copy answers says so.

use crate::common;
use common::{SiteTest, run};

fn serve() -> (String, std::thread::JoinHandle<()>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let handle = std::thread::spawn(move || {
        // Bounded: a handful of requests at most, then the thread ends.
        for _ in 0..16 {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(20)) else {
                break;
            };
            let code = if req.url().starts_with("/ok") || req.url().starts_with("/archive") {
                200
            } else {
                404
            };
            let _ = req.respond(tiny_http::Response::from_string("x").with_status_code(code));
        }
    });
    (base, handle)
}

#[test]
fn dead_links_and_sources_are_warnings_with_the_archive_as_fallback() {
    let (base, _server) = serve();
    let t = SiteTest::new();
    t.file(
        "content/statements/2026-11-01-s.md",
        &format!(
            "+++\ntitle = \"S\"\ndate = 2026-11-01\nkind = \"statement\"\n\n[[sources]]\nid = \"ruling\"\ntitle = \"Ruling\"\nurl = \"{base}/gone-ruling\"\narchived = \"{base}/archive/ruling\"\n\n[[sources]]\nid = \"report\"\ntitle = \"Report\"\nurl = \"{base}/ok/report\"\n+++\n\nThe ruling[^ruling] and the report[^report]. See [the old page]({base}/gone-page).\n"
        ),
    );
    let root = t.root();
    let c = run(
        &[
            "check",
            "--external",
            "--root",
            root.to_str().unwrap(),
            "--now",
            "2026-11-23T08:00:00Z",
        ],
        &t.out(),
    );
    c.assert_ok();
    assert!(
        c.stderr.contains("gone-ruling") && c.stderr.contains("its archived copy does"),
        "{}",
        c.stderr
    );
    assert!(
        c.stderr.contains("external link")
            && c.stderr.contains("gone-page")
            && c.stderr.contains("HTTP 404"),
        "{}",
        c.stderr
    );
    assert!(
        !c.stderr.contains("/ok/report"),
        "a working source is not reported: {}",
        c.stderr
    );
    assert!(
        c.stderr.contains("content/statements/2026-11-01-s.md:"),
        "{}",
        c.stderr
    );
}
