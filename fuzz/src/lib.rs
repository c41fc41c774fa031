//! The properties the fuzz targets check, one function per target. `tests/fuzz_regressions.rs`
//! in the linter's package includes this file to replay saved inputs in `cargo test`.

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use nixk8s_lint::diagnostic::{Safety, builtin};
use nixk8s_lint::fix::fix_text;
use nixk8s_lint::lsp::{Document, Encoding};
use nixk8s_lint::syntax::Parsed;
use nixk8s_lint::{Linter, RuleSet, lint_file};
use rnix::{TextRange, TextSize};

static LINTER: LazyLock<Linter> = LazyLock::new(|| Linter::new(RuleSet::builtin()));

/// Runs `f` on a thread with the stack the command line and the language server give
/// their workers (64 MiB), re-raising its panic here.
fn on_worker_stack(f: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, f)
            .expect("spawn a worker thread");
        if let Err(panic) = worker.join() {
            std::panic::resume_unwind(panic);
        }
    });
}

/// Linting any text never panics (a caught panic is an `internal-error`), and every
/// diagnostic points into the text at character boundaries.
pub fn lint(data: &[u8]) {
    on_worker_stack(|| lint_text(data));
}

fn lint_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let out = lint_file(text, &LINTER);
    for d in out.diagnostics.iter().chain(&out.suppressed) {
        assert_ne!(d.rule, builtin::INTERNAL_ERROR, "{}", d.message);
        for r in std::iter::once(d.range).chain(d.labels.iter().map(|l| l.range)) {
            let (start, end) = (usize::from(r.start()), usize::from(r.end()));
            assert!(
                end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
                "{}: range {r:?} is not within the text",
                d.rule
            );
        }
    }
}

/// Fixing (unsafe fixes too) leaves text that Nix parses, refuses no fix, and a second fix
/// changes nothing.
pub fn fix(data: &[u8]) {
    on_worker_stack(|| fix_text_twice(data));
}

fn fix_text_twice(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let once = fix_text(text, &LINTER, Safety::Unsafe);
    if once.syntax_errors {
        assert_eq!(once.text, text, "a file with syntax errors is left alone");
        return;
    }
    assert!(
        once.refused.is_empty(),
        "fixes broke the file: {:?}",
        once.refused
    );
    let parse = rnix::Root::parse(&once.text);
    assert!(parse.errors().is_empty(), "{:?}", parse.errors());
    assert!(nixk8s_lint::syntax::nix_rejects(parse.syntax().green()).is_empty());
    if !once.bound_hit {
        let twice = fix_text(&once.text, &LINTER, Safety::Unsafe);
        assert!(
            twice.applied.is_empty(),
            "second fix applied {:?}",
            twice.applied
        );
        assert_eq!(twice.text, once.text);
    }
}

/// A document opened with some text and edited incrementally holds the same text and tree
/// as one re-synced in full, and maps every diagnostic to the same LSP positions and back.
pub fn lsp_edits(data: &[u8]) {
    on_worker_stack(|| edit_and_resync(data));
}

fn edit_and_resync(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(session) = Session::arbitrary(&mut u) else {
        return;
    };
    let enc = if session.utf16 {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    let mut doc = Document::new(session.text.clone(), 1);
    let mut reference = session.text;
    let mut event = vec![];
    let last = session.edits.len().saturating_sub(1);
    for (version, edit) in session.edits.into_iter().enumerate() {
        let start = reference_offset(&reference, edit.start, session.utf16);
        let end = reference_offset(&reference, edit.end, session.utf16).max(start);
        reference.replace_range(start..end, &edit.text);
        let with_next = edit.with_next && version < last;
        let change = match edit.whole {
            true => TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: reference.clone(),
            },
            false => TextDocumentContentChangeEvent {
                range: Some(Range {
                    start: edit.start,
                    end: edit.end,
                }),
                range_length: None,
                text: edit.text,
            },
        };
        event.push(change);
        if with_next {
            continue;
        }
        doc.apply(std::mem::take(&mut event), version as i32 + 2, enc);
        assert_eq!(doc.text, reference);
        // The tree kept across edits is the one a full parse builds.
        match (doc.parsed(), Parsed::new(&reference)) {
            (Ok(kept), Ok(full)) => {
                assert!(
                    kept.green == full.green && kept.errors == full.errors,
                    "{reference:?}"
                )
            }
            (kept, full) => assert_eq!(kept.is_ok(), full.is_ok()),
        }
    }
    let resynced = Document::new(reference, 0);
    // LSP cannot point between `\r` and `\n`; such an offset maps to the line's end.
    let text = &doc.text;
    let representable = |o: TextSize| {
        let i = usize::from(o);
        let inside_crlf = i > 0 && text[..i].ends_with('\r') && text[i..].starts_with('\n');
        if inside_crlf {
            o - TextSize::from(1)
        } else {
            o
        }
    };
    for d in lint_file(text, &LINTER).diagnostics {
        let range = doc.range(d.range, enc);
        assert_eq!(range, resynced.range(d.range, enc));
        let expected = TextRange::new(representable(d.range.start()), representable(d.range.end()));
        assert_eq!(doc.text_range(range, enc), expected, "{range:?}");
    }
}

#[derive(Arbitrary, Debug)]
struct Session {
    text: String,
    utf16: bool,
    edits: Vec<Edit>,
}

#[derive(Arbitrary, Debug)]
struct Edit {
    #[arbitrary(with = position)]
    start: Position,
    #[arbitrary(with = position)]
    end: Position,
    text: String,
    /// Sent as the whole new text, without a range, as some clients do.
    whole: bool,
    /// Sent in one event with the edit after it (as a replace-all's edits are).
    with_next: bool,
}

/// Positions mostly near the text, sometimes past a line's end or the last line.
fn position(u: &mut Unstructured) -> arbitrary::Result<Position> {
    Ok(Position {
        line: u.int_in_range(0..=8)?,
        character: u.int_in_range(0..=24)?,
    })
}

/// The byte offset of an LSP position, computed independently of [`Document`]: lines end
/// at `\n`, `\r\n` or `\r`; a column past the line's end means its end; a column inside a
/// character (UTF-16: a surrogate pair) means that character's start.
fn reference_offset(text: &str, p: Position, utf16: bool) -> usize {
    let mut line_start = 0;
    for _ in 0..p.line {
        let rest = &text[line_start..];
        match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => line_start += i + 2,
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line = &text[line_start..];
    let line = &line[..line.find(['\n', '\r']).unwrap_or(line.len())];
    let mut units = 0;
    for (i, c) in line.char_indices() {
        let width = if utf16 { c.len_utf16() } else { c.len_utf8() } as u32;
        if units + width > p.character {
            return line_start + i;
        }
        units += width;
    }
    line_start + line.len()
}
