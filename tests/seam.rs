//! The core's seam, kept safe to change (issue 17): no module of `src/` imports, through its
//! `use` lines, a module that imports it back (directly or round a longer circle), and no
//! operation takes a read result by position: outside the driver's side of the seam (the modules
//! that carry reads and results to and from storage), `ReadResult` is never named, so every
//! result is taken by its handle from `io::Results`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path from the crate root: `["ops", "read"]` for src/ops/read.rs.
type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The paths of one `use` tree: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or("").trim().to_string()];
    };
    let prefix = tree[..open].trim_end_matches("::").to_string();
    let body = &tree[open + 1..tree.rfind('}').unwrap()];
    let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(p))
        .map(|p| if prefix.is_empty() { p } else { format!("{prefix}::{p}") })
        .collect()
}

/// The code of a file without its `#[cfg(test)] mod tests` (tests may import anything).
fn without_tests(code: &str) -> &str {
    match code.find("#[cfg(test)]\nmod tests") {
        Some(i) => &code[..i],
        None => code,
    }
}

/// Each module of `src/` with the modules its `use` lines name (crate::, super::, self::).
fn imports(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Module, PathBuf> = files.iter().map(|f| (module_of(src, f), f.clone())).collect();
    let resolve = |path: &[String]| (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| modules.contains_key(m));
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let code = std::fs::read_to_string(file).unwrap();
        let is_dir = matches!(file.file_stem().and_then(|s| s.to_str()), Some("mod" | "lib"));
        let mut edges = BTreeSet::new();
        let mut rest = without_tests(&code);
        while let Some(i) = rest.find("use ") {
            let starts_line = rest[..i].rsplit('\n').next().is_some_and(|before| {
                let b = before.trim();
                b.is_empty() || b == "pub" || (b.starts_with("pub(") && b.ends_with(')'))
            });
            let Some(end) = rest[i..].find(';') else { break };
            let tree = &rest[i + 4..i + end];
            rest = &rest[i + end..];
            if !starts_line {
                continue;
            }
            for path in expand(tree) {
                let segs: Vec<String> = path.split("::").map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                let (mut base, mut segs) = match segs.first().map(String::as_str) {
                    Some("crate") => (Vec::new(), &segs[1..]),
                    Some("super" | "self") => (if is_dir { module.clone() } else { module[..module.len() - 1].to_vec() }, &segs[..]),
                    _ => continue,
                };
                if segs.first().is_some_and(|s| s == "self") {
                    segs = &segs[1..];
                }
                while segs.first().is_some_and(|s| s == "super") {
                    base.pop();
                    segs = &segs[1..];
                }
                base.extend(segs.iter().cloned());
                if let Some(target) = resolve(&base) {
                    if &target != module && !target.is_empty() {
                        edges.insert(target);
                    }
                }
            }
        }
        graph.insert(module.clone(), edges);
    }
    graph
}

/// The import circles (strongly connected components of more than one module), by Tarjan.
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        out: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a Module) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.join("/"));
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.out.push(component);
                }
            }
        }
    }
    let mut walk =
        Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on_stack: BTreeSet::new(), out: Vec::new() };
    for v in graph.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn nothing_in_src_imports_in_a_circle() {
    let graph = imports(&src());
    // The reader is checked too: it sees the imports it must (a reader that saw none would find
    // no circle anywhere).
    assert!(graph[&vec!["ctx".to_string()]].contains(&vec!["input".to_string()]), "{:?}", graph[&vec!["ctx".to_string()]]);
    assert!(graph[&vec!["ops".to_string(), "read".to_string()]].contains(&vec!["io".to_string()]));
    assert!(graph[&vec!["input".to_string(), "xml".to_string()]].contains(&vec!["tree".to_string()]));
    assert_eq!(circles(&graph), Vec::<Vec<String>>::new());
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let m = |s: &str| s.split('/').map(String::from).collect::<Module>();
    let mut graph = BTreeMap::new();
    graph.insert(m("a"), [m("b")].into());
    graph.insert(m("b"), [m("c")].into());
    graph.insert(m("c"), [m("a"), m("d")].into());
    graph.insert(m("d"), BTreeSet::new());
    assert_eq!(circles(&graph), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    assert_eq!(expand("crate::{a, b::{c, d as e}}"), vec!["crate::a", "crate::b::c", "crate::b::d"]);
}

#[test]
fn no_operation_takes_a_read_result_by_position() {
    // The driver's side of the seam: the vocabulary, the wire codec, the record cache, the engine
    // that hands results over, and the drivers.
    let driver_side =
        ["io.rs", "boundary.rs", "cache.rs", "engine.rs", "driver.rs", "lib.rs", "wasm/mod.rs", "sim/driver.rs", "sim/fuzz.rs"];
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut named = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/");
        if driver_side.contains(&rel.as_str()) {
            continue;
        }
        let code = std::fs::read_to_string(f).unwrap();
        if code.contains("ReadResult") || code.contains("ReadReq") {
            named.push(rel);
        }
    }
    assert_eq!(named, Vec::<String>::new(), "these build reads or take results without the handles of io::Reads and io::Results");
}
