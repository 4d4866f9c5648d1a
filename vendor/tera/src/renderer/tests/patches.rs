//! What pressroom's patches (PATCHES.md) must render exactly as before: conditions that test
//! values without escaping them, macros written straight into the output, argument maps
//! reused across calls, and `{{ }}` escaping into the output. Each expected output is the
//! unpatched Tera's.

use std::collections::HashMap;

use serde_json::Value;

use crate::context::Context;
use crate::tera::Tera;

fn render(tera: &mut Tera, template: &str, context: &Context) -> String {
    tera.add_raw_template("t.html", template).unwrap();
    tera.render("t.html", context).unwrap()
}

fn context() -> Context {
    let mut context = Context::new();
    context.insert("amp", "&");
    context.insert("escaped_amp", "&amp;");
    context.insert("tag", "<b>");
    context.insert("empty", "");
    context.insert("list", &vec!["a&b", "<c>"]);
    context
}

#[test]
fn conditions_compare_and_test_values_as_autoescaping_writes_them() {
    let cases = [
        ("{% if amp %}y{% else %}n{% endif %}", "y"),
        ("{% if empty %}y{% else %}n{% endif %}", "n"),
        ("{% if not amp %}y{% else %}n{% endif %}", "n"),
        ("{% if not missing %}y{% else %}n{% endif %}", "y"),
        ("{% if missing %}y{% else %}n{% endif %}", "n"),
        ("{% if amp == escaped_amp %}y{% else %}n{% endif %}", "n"),
        ("{% if amp == \"&\" %}y{% else %}n{% endif %}", "y"),
        ("{% if amp != \"&\" %}y{% else %}n{% endif %}", "n"),
        // One side escaped and the other marked safe: compared as written.
        ("{% if escaped_amp | safe == amp %}y{% else %}n{% endif %}", "y"),
        ("{% if amp == escaped_amp | safe %}y{% else %}n{% endif %}", "y"),
        ("{% if amp | safe == amp %}y{% else %}n{% endif %}", "n"),
        // `escape` is not a safe filter: its output is escaped again.
        ("{% if amp | escape == escaped_amp | safe %}y{% else %}n{% endif %}", "n"),
        ("{% if amp | escape | safe == escaped_amp | safe %}y{% else %}n{% endif %}", "y"),
        ("{% for x in list %}{% if x == \"a&b\" %}[{{ x }}]{% endif %}{% endfor %}", "[a&amp;b]"),
        ("{% if tag and amp == \"&\" %}{{ tag }}{% endif %}", "&lt;b&gt;"),
    ];
    for (template, expected) in cases {
        let mut tera = Tera::default();
        assert_eq!(render(&mut tera, template, &context()), expected, "{template}");
    }
}

#[test]
fn conditions_escape_values_when_the_escape_function_is_not_escape_html() {
    // An escape function that makes every string empty: conditions see the escaped values.
    let cases = [
        ("{% if amp %}y{% else %}n{% endif %}", "n"),
        ("{% if amp == tag %}y{% else %}n{% endif %}", "y"),
        ("{% if amp | safe == tag %}y{% else %}n{% endif %}", "n"),
        ("[{{ amp }}][{{ amp | safe }}]", "[][&]"),
    ];
    for (template, expected) in cases {
        let mut tera = Tera::default();
        tera.set_escape_fn(|_| String::new());
        assert_eq!(render(&mut tera, template, &context()), expected, "{template}");
        tera.reset_escape_fn();
    }
    let mut tera = Tera::default();
    tera.set_escape_fn(|_| String::new());
    tera.reset_escape_fn();
    assert_eq!(render(&mut tera, "{% if amp %}{{ amp }}{% endif %}", &context()), "&amp;");
}

#[test]
fn macros_write_their_output_as_before() {
    let macros = "{% macro b(x) %}<b>{{ x }}</b>{% endmacro b %}\
                  {% macro outer(x) %}[{{ self::b(x=x) }}]{% endmacro outer %}";
    let cases = [
        ("{{ m::b(x=amp) }}", "<b>&amp;</b>"),
        ("{{ m::outer(x=tag) }}", "[<b>&lt;b&gt;</b>]"),
        ("{{ m::b(x=amp) | safe }}", "<b>&amp;</b>"),
        ("{{ m::b(x=amp) | upper }}", "&lt;B&gt;&amp;AMP;&lt;&#x2F;B&gt;"),
        ("{{ m::b(x=amp) | length }}", "12"),
        ("{% if m::b(x=empty) %}y{% endif %}", "y"),
        // A `set` evaluates without escaping, the macro's body included.
        ("{% set s = m::b(x=amp) %}{{ s }}", "&lt;b&gt;&amp;&lt;&#x2F;b&gt;"),
    ];
    for (template, expected) in cases {
        let mut tera = Tera::default();
        tera.add_raw_template("m.html", macros).unwrap();
        let page = format!("{{% import \"m.html\" as m %}}{template}");
        assert_eq!(render(&mut tera, &page, &context()), expected, "{template}");
    }
}

#[test]
fn calls_get_their_own_arguments_when_maps_are_reused() {
    let mut tera = Tera::default();
    // Names its arguments in order: what a call received, whatever a call before it had.
    tera.register_function("args", |args: &HashMap<String, Value>| {
        let mut names: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        names.sort();
        Ok(Value::String(names.join(",")))
    });
    tera.register_filter("with", |value: &Value, args: &HashMap<String, Value>| {
        let mut names: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        names.sort();
        Ok(Value::String(format!("{}:{}", value.as_str().unwrap_or(""), names.join(","))))
    });
    let template = "{{ args(a=1, b=2) | safe }}|{{ args() }}|{{ args(c=args(d=4) ) | safe }}|\
                    {{ \"v\" | with(x=args(y=1), z=2) | safe }}|{{ args(a=\"x\") | safe }}|\
                    {% for i in [1, 2] %}{{ args(i=i) | safe }}{% endfor %}";
    let expected = "a=1,b=2||c=\"d=4\"|v:x=\"y=1\",z=2|a=\"x\"|i=1i=2";
    assert_eq!(render(&mut tera, template, &Context::new()), expected);
}
