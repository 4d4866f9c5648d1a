//! Limits on what a theme's templates can do: recursion (a macro that calls itself, a template
//! that includes itself) ends with a diagnostic at the template's line instead of overflowing
//! the stack and aborting the process; `range` refuses to build huge lists; `get_env` is gone
//! (a site's output must not depend on the machine that builds it).
//!
//! Tera has no depth limit of its own. Each parsed template gets a call to a guard function at
//! the top of every macro body and before every `{% include %}`: every recursion passes through
//! one of them. The guard fails while enough stack is left to unwind.

use std::cell::RefCell;
use std::collections::HashMap;
use tera::Value;
use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};

/// The guard's name in templates (not meant to be called by hand).
const GUARD: &str = "__pressroom_recursion_guard";
/// Stack that must be left when a guarded call starts; one level of template recursion uses
/// a few KiB, so this leaves ample room to unwind and report.
const STACK_RESERVE: usize = 256 << 10;
/// The most numbers `range` makes (a list of 100,000 is 3 MB; `range(end=1e11)` was 19.7 GB).
pub const MAX_RANGE: u64 = 100_000;

thread_local! {
    /// Where the guard stopped the render on this thread: rendering is synchronous, so the
    /// render that fails is the one that reads it back (see `take_trip`).
    static TRIP: RefCell<Option<Trip>> = const { RefCell::new(None) };
}

/// Where and why the guard stopped a render: template file, line, message.
pub type Trip = (String, usize, String);

/// Where and why the last render on this thread was stopped, if it was.
pub fn take_trip() -> Option<Trip> {
    TRIP.with(|t| t.borrow_mut().take())
}

/// Where the guard calls of a theme's templates stand, by the number each call passes
/// (`site=N`): a call evaluates its arguments on every pass (some 30,000 a 1,000-item build),
/// and a number costs less to pass than the texts of a message it seldom writes.
#[derive(Default)]
pub struct Sites(Vec<Site>);

/// One guard call's place: the template file, the line, and what recurses there.
struct Site {
    file: String,
    line: usize,
    what: String,
}

/// Registers the guard of the calls `instrument` put into the templates (`sites`), the
/// bounded `range`, and replaces `get_env` with an explanation.
pub fn register(tera: &mut tera::Tera, sites: Sites) {
    tera.register_function(GUARD, Guard { sites });
    tera.register_function("range", bounded_range);
    tera.register_function("get_env", |_: &HashMap<String, Value>| {
        Err(tera::Error::msg(
            "`get_env` is not available to themes: a build must not depend on the environment of the machine that runs it; put the value in site.toml under `[extra]` and read `config.extra`",
        ))
    });
}

/// The guard function: fails when the stack runs low, naming its call's site.
struct Guard {
    sites: Sites,
}

impl tera::Function for Guard {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        if stacker::remaining_stack().is_some_and(|left| left < STACK_RESERVE) {
            let site = args
                .get("site")
                .and_then(Value::as_u64)
                .and_then(|n| self.sites.0.get(usize::try_from(n).ok()?));
            let (file, line, what) = match site {
                Some(site) => (site.file.as_str(), site.line, site.what.as_str()),
                None => ("templates", 1, "template"),
            };
            let message = format!(
                "{what} recurses too deeply (it calls itself, directly or through others, without end)"
            );
            TRIP.with(|t| *t.borrow_mut() = Some((file.to_string(), line, message.clone())));
            return Err(tera::Error::msg(message));
        }
        Ok(Value::String(String::new()))
    }

    /// Its output is empty: nothing to escape.
    fn is_safe(&self) -> bool {
        true
    }
}

fn bounded_range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let int = |name: &str, default: Option<i64>| -> tera::Result<i64> {
        match args.get(name) {
            None => default.ok_or_else(|| tera::Error::msg(format!("`range` needs `{name}`"))),
            Some(v) => v
                .as_i64()
                .or_else(|| {
                    v.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                        .map(|f| f as i64)
                })
                .ok_or_else(|| {
                    tera::Error::msg(format!("`range`: `{name}` must be a whole number, not {v}"))
                }),
        }
    };
    let (start, end, step) = (
        int("start", Some(0))?,
        int("end", None)?,
        int("step_by", Some(1))?,
    );
    if step <= 0 {
        return Err(tera::Error::msg("`range`: `step_by` must be at least 1"));
    }
    if start > end {
        return Err(tera::Error::msg(format!(
            "`range`: `start` ({start}) is greater than `end` ({end})"
        )));
    }
    let count = ((end - start) as u64).div_ceil(step as u64);
    if count > MAX_RANGE {
        return Err(tera::Error::msg(format!(
            "`range` would make {count} numbers; at most {MAX_RANGE} are allowed"
        )));
    }
    Ok(Value::Array(
        (start..end)
            .step_by(step as usize)
            .map(Value::from)
            .collect(),
    ))
}

/// Puts guard calls into a parsed template: at the top of each macro body and before each
/// include. `file` and `source` (the template's text) give the lines the guards report; each
/// call's site goes into `sites`.
pub fn instrument(template: &mut tera::Template, file: &str, source: &str, sites: &mut Sites) {
    let mut lines = Lines {
        file,
        macros: tag_lines(source, "macro"),
        includes: tag_lines(source, "include"),
        next_macro: 0,
        next_include: 0,
        sites,
    };
    lines.body(&mut template.ast);
    // Tera renders macros and blocks from its own copies, made when it parsed the template:
    // refresh them from the instrumented tree.
    for node in &template.ast {
        if let Node::MacroDefinition(_, def, _) = node {
            template.macros.insert(def.name.clone(), def.clone());
        }
    }
    fn blocks(ast: &[Node], into: &mut HashMap<String, tera::ast::Block>) {
        for node in ast {
            if let Node::Block(_, block, _) = node {
                into.insert(block.name.clone(), block.clone());
                blocks(&block.body, into);
            }
        }
    }
    blocks(&template.ast, &mut template.blocks);
}

/// The 1-based lines of `{% NAME` tags, in the order they appear.
fn tag_lines(source: &str, name: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut last = 0;
    for (at, _) in source.match_indices("{%") {
        let rest = source[at + 2..].trim_start_matches(['-', '+']).trim_start();
        if rest.starts_with(name) && rest[name.len()..].starts_with(char::is_whitespace) {
            line += source[last..at].matches('\n').count();
            last = at;
            out.push(line);
        }
    }
    out
}

struct Lines<'a> {
    file: &'a str,
    macros: Vec<usize>,
    includes: Vec<usize>,
    next_macro: usize,
    next_include: usize,
    sites: &'a mut Sites,
}

impl Lines<'_> {
    fn call(&mut self, what: String, line: usize) -> Node {
        let site = self.sites.0.len();
        self.sites.0.push(Site {
            file: self.file.to_string(),
            line,
            what,
        });
        let number = Expr::new(ExprVal::Int(site as i64));
        let args = HashMap::from([("site".to_string(), number)]);
        let call = FunctionCall {
            name: GUARD.to_string(),
            args,
        };
        Node::VariableBlock(WS::default(), Expr::new(ExprVal::FunctionCall(call)))
    }

    fn body(&mut self, nodes: &mut Vec<Node>) {
        let mut out = Vec::with_capacity(nodes.len());
        for mut node in nodes.drain(..) {
            match &mut node {
                Node::Include(_, names, _) => {
                    let line = self.includes.get(self.next_include).copied().unwrap_or(1);
                    self.next_include += 1;
                    let what =
                        format!("the include of `{}` in `{}`", names.join("`, `"), self.file);
                    out.push(self.call(what, line));
                }
                Node::MacroDefinition(_, def, _) => {
                    let line = self.macros.get(self.next_macro).copied().unwrap_or(1);
                    self.next_macro += 1;
                    let what = format!("macro `{}` ({}:{line})", def.name, self.file);
                    self.body(&mut def.body);
                    def.body.insert(0, self.call(what, line));
                }
                Node::Block(_, block, _) => self.body(&mut block.body),
                Node::Forloop(_, f, _) => {
                    self.body(&mut f.body);
                    if let Some(empty) = f.empty_body.as_mut() {
                        self.body(empty);
                    }
                }
                Node::If(cond, _) => {
                    for (_, _, body) in cond.conditions.iter_mut() {
                        self.body(body);
                    }
                    if let Some((_, body)) = cond.otherwise.as_mut() {
                        self.body(body);
                    }
                }
                Node::FilterSection(_, section, _) => self.body(&mut section.body),
                _ => {}
            }
            out.push(node);
        }
        *nodes = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> tera::Tera {
        let mut t = tera::Tera::default();
        let mut sites = Sites::default();
        for (name, text) in templates {
            let mut parsed = tera::Template::new(name, None, text).expect("parses");
            instrument(&mut parsed, &format!("templates/{name}"), text, &mut sites);
            t.templates.insert(name.to_string(), parsed);
        }
        t.build_inheritance_chains().expect("links");
        register(&mut t, sites);
        t
    }

    /// Renders on a thread with a small stack, as rayon's workers have.
    fn render(
        t: tera::Tera,
        name: &'static str,
    ) -> (Result<String, String>, Option<(String, usize)>) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let r = t
                    .render(name, &tera::Context::new())
                    .map_err(|e| crate::render::theme::error_chain(&e));
                (r, take_trip().map(|(f, l, _)| (f, l)))
            })
            .expect("thread")
            .join()
            .expect("no abort")
    }

    #[test]
    fn a_macro_that_calls_itself_forever_is_stopped_at_its_line() {
        let m = "{% macro down(n) %}\n{{ self::down(n=n+1) }}{% endmacro down %}";
        let page = "{% import \"m.html\" as m %}\nx\n{{ m::down(n=1) }}";
        let (r, trip) = render(tera(&[("m.html", m), ("page.html", page)]), "page.html");
        let e = r.expect_err("stopped");
        assert!(e.contains("macro `down`"), "{e}");
        assert_eq!(trip, Some(("templates/m.html".into(), 1)));
    }

    #[test]
    fn a_template_that_includes_itself_is_stopped_at_the_include() {
        let page = "<p>\n\n{% include \"page.html\" %}</p>";
        let (r, trip) = render(tera(&[("page.html", page)]), "page.html");
        assert!(r.expect_err("stopped").contains("include of `page.html`"));
        assert_eq!(trip, Some(("templates/page.html".into(), 3)));
    }

    #[test]
    fn bounded_recursion_and_output_are_unchanged() {
        let m = "{% macro count(n) %}{{ n }}{% if n < 5 %},{{ self::count(n=n+1) }}{% endif %}{% endmacro count %}";
        let page = "{% import \"m.html\" as m %}[{{ m::count(n=1) }}]{% for i in range(end=3) %}{{ i }}{% endfor %}";
        let (r, trip) = render(tera(&[("m.html", m), ("page.html", page)]), "page.html");
        assert_eq!(r.expect("renders"), "[1,2,3,4,5]012");
        assert_eq!(trip, None);
    }

    #[test]
    fn range_is_bounded_and_get_env_is_gone() {
        let t = tera(&[
            (
                "big.html",
                "{% for i in range(end=100000000000) %}{% endfor %}",
            ),
            ("env.html", "{{ get_env(name=\"HOME\") }}"),
            (
                "ok.html",
                "{{ range(start=2, end=10, step_by=3) | join(sep=\",\") }}",
            ),
        ]);
        let big = t
            .render("big.html", &tera::Context::new())
            .expect_err("refused");
        assert!(crate::render::theme::error_chain(&big).contains("at most 100000"));
        let env = t
            .render("env.html", &tera::Context::new())
            .expect_err("refused");
        assert!(crate::render::theme::error_chain(&env).contains("`get_env` is not available"));
        assert_eq!(
            t.render("ok.html", &tera::Context::new()).expect("renders"),
            "2,5,8"
        );
    }
}
