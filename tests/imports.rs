//! No import cycles between the crate's files.
//!
//! Reads every `src/**/*.rs`, resolves `use crate::…`, `use super::…`,
//! `use self::…`, `mod x;`, paths through a child module (`pane::PaneView`)
//! and inline paths such as `crate::a::b::f(` or `super::x::y` to the file
//! they name (the deepest module that has a file of its own), and fails
//! listing every strongly connected component of that file graph (Tarjan).
//! A `mod x;` is an edge from the parent to the child, so a child that
//! reaches back into its parent's `mod.rs` closes a cycle: a `mod.rs` that
//! declares children should hold nothing they need.
//!
//! Pure Rust: a small tokenizer that skips comments, strings and character
//! literals, and knows just enough of `use` trees and inline modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One file's module path (`["app", "update"]`) and its text.
struct Source {
    module: Vec<String>,
    text: String,
}

/// An import found in a file: the path it names and the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    segments: Vec<String>,
    line: usize,
}

/// Edges from a file to the files it imports, each with the first line
/// that imports it.
type Graph = BTreeMap<String, BTreeMap<String, usize>>;

/// The module path of a file below `src/`: `lib.rs` is the crate root,
/// `a/mod.rs` and `a.rs` are `a`. `main.rs` is a crate of its own, whose
/// `wharf::` paths name the library.
fn module_of(rel: &str) -> Vec<String> {
    if rel == "main.rs" {
        return vec![BIN_ROOT.to_string()];
    }
    let stem = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

const BIN_ROOT: &str = "<main>";

fn read_sources(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path: PathBuf = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src)
                    .expect("below src")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.insert(rel, text);
            }
        }
    }
    out
}

// ---- tokens -----------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// Tokens with their line numbers; comments, strings, characters, numbers
/// and lifetimes are dropped.
fn tokenize(text: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if let Some(len) = raw_string_start(&chars, i) {
            // r"…", r#"…"#, br#"…"#: ends at a quote followed by as many #.
            let hashes = len - 1 - usize::from(chars[i] == 'b' || chars[i] == 'c') - 1;
            i += len;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                    i += 1 + hashes;
                    break;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
        } else if c == '"' || ((c == 'b' || c == 'c') && at(i + 1) == '"') {
            i += if c == '"' { 1 } else { 2 };
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            let q = if c == 'b' { i + 1 } else { i };
            if at(q + 1) == '\\' {
                // An escaped character literal: up to the closing quote.
                i = q + 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(q + 2) == '\'' {
                i = q + 3; // 'x'
            } else {
                i = q + 1; // a lifetime: its name follows as an identifier
            }
        } else if c == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
            i += 2; // a raw identifier: r#type
        } else if is_ident_start(c) {
            let start = i;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), line));
        } else if c.is_ascii_digit() {
            while i < chars.len()
                && (is_ident_char(chars[i]) || (chars[i] == '.' && at(i + 1).is_ascii_digit()))
            {
                i += 1;
            }
        } else if c == ':' && at(i + 1) == ':' {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// The length of a raw string's opening (`r#"` is 3), if one starts at `i`.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    // An identifier that merely ends in r (`bar"`) is not a raw string.
    if i > 0 && is_ident_char(chars[i - 1]) {
        return None;
    }
    j += 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some(j + 1 - i)
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

// ---- references -------------------------------------------------------------

/// What a file refers to: `mod x;` declarations (as paths from the crate
/// root) and every path that starts with `crate`, `super`, `self`, the
/// library's name (in `main.rs`), or a child module of the module it is in.
fn references(
    module: &[String],
    text: &str,
    is_module: &dyn Fn(&[String]) -> bool,
) -> Vec<Reference> {
    let toks = tokenize(text);
    let mut refs = Vec::new();
    // Inline modules (`mod tests { … }`) open at a brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let ident = |i: usize| match toks.get(i) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let punct = |i: usize, c: char| matches!(toks.get(i), Some((Tok::Punct(p), _)) if *p == c);
    let sep = |i: usize| matches!(toks.get(i), Some((Tok::PathSep, _)));
    while i < toks.len() {
        let line = toks[i].1;
        let current: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        match &toks[i].0 {
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Tok::Ident(kw) if kw == "mod" && !sep(i + 1) => {
                match (ident(i + 1), punct(i + 2, ';'), punct(i + 2, '{')) {
                    (Some(name), true, _) => {
                        let mut child = current.clone();
                        child.push(name.to_string());
                        refs.push(Reference {
                            segments: child,
                            line,
                        });
                        i += 3;
                    }
                    (Some(name), _, true) => {
                        depth += 1;
                        inline.push((name.to_string(), depth));
                        i += 3;
                    }
                    _ => i += 1,
                }
            }
            Tok::Ident(kw) if kw == "use" => {
                let end = (i..toks.len())
                    .find(|&j| punct(j, ';'))
                    .unwrap_or(toks.len());
                let mut paths = Vec::new();
                use_tree(&toks[i + 1..end], &[], &mut paths);
                for p in paths {
                    if let Some(abs) = absolute(&current, &p, is_module) {
                        refs.push(Reference {
                            segments: abs,
                            line,
                        });
                    }
                }
                i = end + 1;
            }
            Tok::Ident(first) if sep(i + 1) && (i == 0 || !sep(i - 1)) => {
                // An inline path: `crate::a::b::f(`, `super::x::Y`, `pane::PaneView`.
                let mut segs = vec![first.clone()];
                let mut j = i + 1;
                while sep(j) {
                    match ident(j + 1) {
                        Some(s) => {
                            segs.push(s.to_string());
                            j += 2;
                        }
                        None => break, // `::<T>` or `::{`
                    }
                }
                if let Some(abs) = absolute(&current, &segs, is_module) {
                    refs.push(Reference {
                        segments: abs,
                        line,
                    });
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    refs
}

/// Flattens a `use` tree into its paths (`a::{b, c::d}` → `a::b`, `a::c::d`).
/// `self` inside braces names the prefix; `as` renames and `*` are dropped.
fn use_tree(toks: &[(Tok, usize)], prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    // Whether this part names anything (`a::{b, }` has an empty last part).
    let mut named = false;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Ident(s) if s == "as" => {
                i += 2;
                continue;
            }
            Tok::Ident(s) if s == "self" && path.len() == prefix.len() && !prefix.is_empty() => {
                named = true
            }
            Tok::Ident(s) => {
                path.push(s.clone());
                named = true;
            }
            Tok::PathSep | Tok::Punct('*') => {}
            Tok::Punct('{') => {
                // The group runs to its matching brace; split it at top-level commas.
                let mut depth = 0;
                let mut start = i + 1;
                let mut j = i;
                while j < toks.len() {
                    match toks[j].0 {
                        Tok::Punct('{') => depth += 1,
                        Tok::Punct('}') => {
                            depth -= 1;
                            if depth == 0 {
                                use_tree(&toks[start..j], &path, out);
                                break;
                            }
                        }
                        Tok::Punct(',') if depth == 1 => {
                            use_tree(&toks[start..j], &path, out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                return;
            }
            Tok::Punct(_) => {}
        }
        i += 1;
    }
    if named {
        out.push(path);
    }
}

/// A path as seen from `current`, made absolute; `None` for paths into
/// other crates.
fn absolute(
    current: &[String],
    segs: &[String],
    is_module: &dyn Fn(&[String]) -> bool,
) -> Option<Vec<String>> {
    let in_bin = current.first().is_some_and(|m| m == BIN_ROOT);
    let first = segs.first()?.as_str();
    let (mut base, rest): (Vec<String>, &[String]) = match first {
        "crate" if in_bin => (vec![BIN_ROOT.to_string()], &segs[1..]),
        "crate" => (Vec::new(), &segs[1..]),
        "wharf" if in_bin => (Vec::new(), &segs[1..]),
        "self" => (current.to_vec(), &segs[1..]),
        "super" => {
            let mut base = current.to_vec();
            let mut k = 0;
            while segs.get(k).is_some_and(|s| s == "super") {
                base.pop()?;
                k += 1;
            }
            (base, &segs[k..])
        }
        _ => {
            // A child module of this one, named without a prefix.
            let mut child = current.to_vec();
            child.push(first.to_string());
            if !is_module(&child) {
                return None;
            }
            (current.to_vec(), segs)
        }
    };
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The file-level import graph of `files` (path below `src/` → text).
fn graph(files: &BTreeMap<String, String>) -> Graph {
    let sources: Vec<(String, Source)> = files
        .iter()
        .map(|(rel, text)| {
            (
                rel.clone(),
                Source {
                    module: module_of(rel),
                    text: text.clone(),
                },
            )
        })
        .collect();
    let by_module: BTreeMap<Vec<String>, String> = sources
        .iter()
        .map(|(rel, s)| (s.module.clone(), rel.clone()))
        .collect();
    let is_module = |m: &[String]| by_module.contains_key(m);
    let mut g = Graph::new();
    for (rel, source) in &sources {
        let edges = g.entry(rel.clone()).or_default();
        for r in references(&source.module, &source.text, &is_module) {
            // The deepest module on the path that has a file.
            let target = (0..=r.segments.len())
                .rev()
                .find_map(|n| by_module.get(&r.segments[..n]));
            if let Some(target) = target
                && target != rel
            {
                edges.entry(target.clone()).or_insert(r.line);
            }
        }
    }
    g
}

/// Strongly connected components with more than one file (Tarjan), each
/// sorted, in a stable order.
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        g: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on_stack.insert(v);
            let g = self.g;
            let targets = g.get(v).into_iter().flat_map(|e| e.keys());
            for w in targets {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut scc = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    scc.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 {
                    scc.sort();
                    self.out.push(scc);
                }
            }
        }
    }
    let mut t = Tarjan {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out.sort();
    t.out
}

/// One cycle as a report: its files, and the edges between them.
fn describe(g: &Graph, scc: &[String]) -> String {
    let mut s = format!("cycle of {} files: {}\n", scc.len(), scc.join(", "));
    for from in scc {
        for (to, line) in &g[from] {
            if scc.contains(to) {
                s.push_str(&format!("    src/{from}:{line} → src/{to}\n"));
            }
        }
    }
    s
}

#[test]
fn the_crate_has_no_import_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&read_sources(&src));
    assert!(g.len() > 20, "too few files read: {:?}", g.keys());
    let mut problems = String::new();
    for scc in cycles(&g) {
        problems.push_str(&describe(&g, &scc));
    }
    assert!(problems.is_empty(), "\n{problems}");
}

// ---- the finder itself ------------------------------------------------------

fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn edges(g: &Graph, from: &str) -> Vec<String> {
    g[from].keys().cloned().collect()
}

#[test]
fn tarjan_finds_every_cycle_and_nothing_else() {
    let mut g = Graph::new();
    let mut edge = |a: &str, b: &str| {
        g.entry(a.into()).or_default().insert(b.into(), 1);
        g.entry(b.into()).or_default();
    };
    // a → b → c → a, a ring; d → e → d; f → a and e → f hang off them.
    edge("a", "b");
    edge("b", "c");
    edge("c", "a");
    edge("d", "e");
    edge("e", "d");
    edge("e", "f");
    edge("f", "a");
    edge("g", "a");
    assert_eq!(cycles(&g), [vec!["a", "b", "c"], vec!["d", "e"]]);
    g.get_mut("c").map(|e| e.remove("a"));
    assert_eq!(cycles(&g), [vec!["d", "e"]]);
    g.get_mut("e").map(|e| e.remove("d"));
    assert!(cycles(&g).is_empty());
}

#[test]
fn the_resolver_follows_use_trees_mod_declarations_and_inline_paths() {
    let g = graph(&files(&[
        ("lib.rs", "pub mod app;\npub mod engine;\n"),
        (
            "app/mod.rs",
            "pub mod state;\npub mod update;\nmod tests { use super::*; }\n",
        ),
        (
            "app/update.rs",
            "use super::state::{self, AppState};\nuse crate::{engine::{protocol::Event as E, mod_b,}};\n\
             fn f() { let s = \"crate::app::mod_a\"; // super::nothing\n }\n\
             #[cfg(test)] mod tests { use super::*; fn g() { super::super::state::x(); } }\n",
        ),
        (
            "app/state.rs",
            "pub fn x() { crate::engine::protocol::y(); let c = '\"'; }\n",
        ),
        ("engine/mod.rs", "pub mod protocol;\npub mod mod_b;\n"),
        (
            "engine/protocol.rs",
            "pub fn y<'a>(_: &'a str) { r#\"super::mod_b\"#; }",
        ),
        (
            "engine/mod_b.rs",
            "use protocol::y; fn z() { super::protocol::y(\"\") }",
        ),
    ]));
    assert_eq!(edges(&g, "lib.rs"), ["app/mod.rs", "engine/mod.rs"]);
    assert_eq!(edges(&g, "app/mod.rs"), ["app/state.rs", "app/update.rs"]);
    assert_eq!(
        edges(&g, "app/update.rs"),
        ["app/state.rs", "engine/mod_b.rs", "engine/protocol.rs"]
    );
    assert_eq!(edges(&g, "app/state.rs"), ["engine/protocol.rs"]);
    assert!(
        edges(&g, "engine/protocol.rs").is_empty(),
        "strings are not paths"
    );
    // `protocol::y` is not a child of engine/mod_b: another crate's path.
    assert_eq!(edges(&g, "engine/mod_b.rs"), ["engine/protocol.rs"]);
    // A child's path back into its parent's mod.rs closes a cycle.
    let g = graph(&files(&[
        ("lib.rs", "mod ui;"),
        ("ui/mod.rs", "mod pane;\npub fn frame() {}\n"),
        ("ui/pane.rs", "fn draw() { super::frame() }"),
    ]));
    assert_eq!(cycles(&g), [vec!["ui/mod.rs", "ui/pane.rs"]]);
    assert!(describe(&g, &cycles(&g)[0]).contains("src/ui/pane.rs:1 → src/ui/mod.rs"));
}

#[test]
fn main_reaches_the_library_by_its_name() {
    let g = graph(&files(&[
        ("lib.rs", "pub mod app;"),
        ("app/mod.rs", "pub fn run() {}"),
        (
            "main.rs",
            "use wharf::app::run;\nfn main() { wharf::app::run() }",
        ),
    ]));
    assert_eq!(edges(&g, "main.rs"), ["app/mod.rs"]);
}
