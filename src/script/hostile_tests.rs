//! Hostile templates: each ends with a clear error (or a harmless output), the same every time,
//! and leaves nothing behind for the next render.

use super::*;

struct Ev(Option<Node>);

impl Event for Ev {
    fn field(&self, name: &str) -> Option<String> {
        (name == "email").then(|| "ada@example.com".to_owned())
    }
    fn ctx(&self) -> Option<&Node> {
        self.0.as_ref()
    }
}

fn env(ev: &Ev) -> Env<'_> {
    Env { bounds: Bounds::default(), now: 1_772_438_400_000.0, seed: 7, tz: TimeZone::utc(), event: ev }
}

/// Compiles and renders; the error as `name: message`.
fn run(src: &str) -> Result<String, String> {
    let ev = Ev(Some(crate::ctx::parse_stored("<ctx><a>1</a></ctx>").unwrap()));
    let p = compile(src, &jssp::NoIncludes).map_err(|e| format!("{}: {}", e.name, e.message))?;
    p.render(&env(&ev)).map_err(|e| format!("{}: {}", e.name, e.message))
}

/// The error of `src`, twice the same.
fn err(src: &str) -> String {
    let e = run(src).expect_err(src);
    assert_eq!(run(src).expect_err(src), e, "the same input gives the same error");
    e
}

#[test]
fn unbalanced_tags_are_syntax_errors_with_their_place() {
    for (src, want) in [
        ("Hello <%= rtEvent.email", "never closed"),
        ("Hello <% if (1) { %>x", "never closed"),
        ("<% } %>", "syntax error"),
        ("<%= %>", "holds no expression"),
        ("<%@ include view='x' ", "never closed"),
    ] {
        let e = err(src);
        assert!(e.to_lowercase().contains(want), "{src}: {e}");
    }
    // `%>` alone is text, as in Campaign.
    assert_eq!(run("50%> off").unwrap(), "50%> off");
}

/// Runs `f` on a stack of a wasm's size (1 MiB) in an optimized build; unoptimized frames are
/// several times larger. (tests/js/api.test.mjs runs the deepest cases in the wasm itself.)
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let stack = if cfg!(debug_assertions) { 16 << 20 } else { 1 << 20 };
    std::thread::Builder::new().stack_size(stack).spawn(f).unwrap().join().unwrap();
}

#[test]
fn a_megabyte_of_nested_parentheses_is_an_error_not_a_crash() {
    on_small_stack(megabyte_of_nesting);
}

fn megabyte_of_nesting() {
    let mb = 1 << 20;
    for src in [
        format!("<%= {}1{} %>", "(".repeat(mb / 2), ")".repeat(mb / 2)),
        format!("<%= {}1 %>", "(".repeat(mb)),
        format!("<%= {}1{} %>", "[".repeat(mb / 2), "]".repeat(mb / 2)),
        format!("<% {} %>", "{".repeat(mb)),
        format!("<%= {}1 %>", "-".repeat(mb)),
        format!("<%= {}1 %>", "!".repeat(mb)),
        format!("<%= /{}a{}/ %>", "(".repeat(mb / 2), ")".repeat(mb / 2)),
    ] {
        let e = run(&src).expect_err("too deep");
        assert!(e.contains("nests more than 200 levels") || e.contains("too complex"), "{e}");
    }
    // Deep but within bounds: fine.
    assert_eq!(run(&format!("<%= {}1{} %>", "(".repeat(50), ")".repeat(50))).unwrap(), "1");
}

#[test]
fn endless_loops_end_at_the_step_bound() {
    for src in [
        "<% while (true) {} %>",
        "<% for (;;) { var x = 1; } %>",
        "<% do { } while (1) %>",
        "<% for (var i = 0; i >= 0; i++) {} %>",
        "<% while (true) { try { throw 1 } catch (e) { continue } } %>",
        "<% var a = []; a.length = 4294967295; a.join(',') %>",
        "<% var s = ''; while (true) s += 'x'; %>",
    ] {
        let e = err(src);
        assert!(e.starts_with("LimitError") || e.starts_with("RangeError") || e.starts_with("InternalError"), "{src}: {e}");
    }
}

#[test]
fn recursion_ends_at_the_depth_bound() {
    on_small_stack(recursion);
}

fn recursion() {
    for src in [
        "<% function f() { return f() } f() %>",
        "<% function f(n) { return 1 + f(n + 1) } %><%= f(0) %>",
        "<% var o = { toString: function () { return String(this) } } %><%= o %>",
        "<% var o = {}; o.valueOf = function () { return o + 1 }; %><%= o + 1 %>",
        "<% var a = []; a[0] = a; %><%= JSON.stringify(a) %>",
        "<% [1, 2].sort(function s(x, y) { return [x, y].sort(s) }) %>",
    ] {
        let e = err(src);
        assert!(e.contains("recursion") || e.contains("cyclic") || e.contains("LimitError"), "{src}: {e}");
    }
    // A try/catch sees the error and the render goes on.
    assert_eq!(
        run("<% function f() { return f() } try { f() } catch (e) { %>caught <%= e.name %><% } %>").unwrap(),
        "caught InternalError"
    );
}

#[test]
fn string_bombs_end_at_a_bound() {
    for src in [
        "<%= 'x'.repeat(1e9) %>",
        "<%= new Array(1e9).join('x') %>",
        "<% var s = 'x'; for (var i = 0; i < 40; i++) s += s; %><%= s.length %>",
        "<% var s = 'xxxxxxxxxx'; for (var i = 0; i < 30; i++) s = s.replace(/x/g, 'xx'); %>",
        "<% var a = []; for (var i = 0; i < 1e8; i++) a.push({ i: i }); %>",
        "<% var s = 'x'; while (true) { s = s + s; } %>",
        "<% for (var i = 0; i < 1e7; i++) { %>xxxxxxxxxxxxxxxx<% } %>",
        "<%= 'x'.padEnd ? 'x'.padEnd(1e9) : new Array(1e9 + 1).join('y') %>",
    ] {
        let e = err(src);
        assert!(
            e.starts_with("LimitError") || e.starts_with("RangeError") || e.starts_with("InternalError") || e.starts_with("TypeError"),
            "{src}: {e}"
        );
    }
}

#[test]
fn catastrophic_regular_expressions_end_at_the_step_bound() {
    let a = "a".repeat(40);
    for src in [
        format!("<%= /^(a+)+$/.test('{a}!') %>"),
        format!("<%= /^(a|a)*$/.test('{a}b') %>"),
        format!("<%= /(x+x+)+y/.test('{}') %>", "x".repeat(40)),
        format!("<%= '{a}!'.replace(/^(a|aa)+$/, 'z') %>"),
        format!("<%= '{a}!'.split(/(a*)*b/).length %>"),
        format!("<%= new RegExp('^(([a-z])+.)+[A-Z]([a-z])+$').test('{a}') %>"),
    ] {
        let e = err(&src);
        assert!(e.starts_with("LimitError"), "{src}: {e}");
    }
}

#[test]
fn prototype_tricks_stay_inside_the_render() {
    // `__proto__` is an ordinary property: it does not change what objects inherit.
    assert_eq!(run("<% var o = {}; o.__proto__ = { x: 1 }; %><%= o.x %>|<%= ({}).x %>").unwrap(), "|");
    assert_eq!(run("<% var o = JSON.parse('{\"__proto__\": {\"y\": 2}}'); %><%= o.y %>|<%= ({}).y %>").unwrap(), "|");
    // Changing a standard object's prototype is seen in this render only.
    let poisoned = "<% Object.prototype.x = 'P'; String.prototype.trim = function () { return 'T' }; Array.prototype.join = function () { return 'J' }; %><%= ({}).x %><%= ' a '.trim() %><%= [1].join() %>";
    assert_eq!(run(poisoned).unwrap(), "PTJ");
    let ev = Ev(None);
    let clean = compile("<%= ({}).x %>|<%= ' a '.trim() %>|<%= [1, 2].join() %>", &jssp::NoIncludes).unwrap();
    let dirty = compile(poisoned, &jssp::NoIncludes).unwrap();
    for _ in 0..2 {
        assert_eq!(dirty.render(&env(&ev)).unwrap(), "PTJ");
        assert_eq!(clean.render(&env(&ev)).unwrap(), "|a|1,2", "another render starts clean");
    }
    // `constructor` leads to the standard objects and nowhere else: no way to compile code.
    for src in [
        "<%= ({}).constructor.constructor('return this')() %>",
        "<%= Function('return 1')() %>",
        "<%= (function(){}).constructor('return 1')() %>",
        "<%= eval('1') %>",
        "<%= [].constructor.constructor('x') %>",
    ] {
        let e = err(src);
        assert!(e.starts_with("TypeError"), "{src}: {e}");
    }
}

#[test]
fn nothing_outside_the_render_is_reachable() {
    // No host objects of any JavaScript engine, no I/O, no timers, no module system (`document`
    // is Campaign's: `document.write` writes to the output, as `out.print` does).
    let names = [
        "java",
        "Packages",
        "load",
        "print",
        "readFile",
        "readUrl",
        "runCommand",
        "importPackage",
        "require",
        "process",
        "window",
        "XMLHttpRequest",
        "fetch",
        "setTimeout",
        "setInterval",
        "WebAssembly",
        "Deno",
        "Bun",
        "xtk",
        "nms",
        "getURL",
        "sqlGetString",
        "execCommand",
        "logInfo",
        "FileReader",
        "Worker",
        "importScripts",
        "quit",
        "spawn",
        "sync",
    ];
    let src = names.iter().map(|n| format!("<%= typeof {n} %>,")).collect::<String>();
    let got = run(&src).unwrap();
    assert_eq!(got, "undefined,".repeat(names.len()), "{got}");
    // The global object holds the standard objects, Campaign's functions and the event: nothing else.
    let got = run("<% var k = []; for (var n in this) k.push(n); %><%= k.join(',') %>").unwrap();
    assert_eq!(got, "", "the standard globals are not enumerable");
    // The real clock and a real random source are not reachable: the same input, the same output.
    let src = "<%= new Date().getTime() %> <%= Date.now() %> <%= getCurrentDate().getTime() %> <%= Math.random() %>";
    let a = run(src).unwrap();
    assert_eq!(a, run(src).unwrap());
    assert!(a.starts_with("1772438400000 1772438400000 1772438400000 0."), "{a}");
}
