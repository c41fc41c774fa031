//! An open document: its text, version, syntax tree, and conversions between byte offsets
//! (used inside) and LSP positions in the negotiated encoding (UTF-8 or UTF-16 code units).

use std::ops::Range as Span;

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use rnix::{TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::syntax::Parsed;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

pub struct Document {
    pub text: String,
    pub version: i32,
    line_starts: Vec<usize>,
    /// The tree of `text`, once parsed.
    parsed: Option<Parsed>,
    /// The last tree without syntax errors, and its text: the next text is reparsed from
    /// it where it differs (a tree with errors cannot tell where they end).
    clean: Option<(Parsed, String)>,
    /// The changes made since `clean`'s text: the range of the text each was made on, and
    /// the length of what replaced it.
    changes: Vec<(usize, usize, usize)>,
    /// Trees that edits made stale, freed after the next diagnostics are out, on another
    /// thread (freeing a large tree takes as long as a tenth of parsing it).
    retired: Vec<Parsed>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let mut d = Document {
            text,
            version,
            line_starts: vec![],
            parsed: None,
            clean: None,
            changes: vec![],
            retired: vec![],
        };
        d.index();
        d
    }

    /// Line starts; as in LSP, `\n`, `\r\n` and a lone `\r` end a line.
    fn index(&mut self) {
        self.line_starts = vec![0];
        self.reindex(0, 0, self.text.len());
    }

    /// Updates the line starts after `start..old_end` of the text was replaced with
    /// `inserted` bytes. Whether a line starts at `p` depends on the bytes at `p - 1` and
    /// `p`: only the starts from `start` to the end of the new text are looked for again.
    fn reindex(&mut self, start: usize, old_end: usize, inserted: usize) {
        let bytes = self.text.as_bytes();
        let starts_line = |p: usize| match bytes[p - 1] {
            b'\n' => true,
            b'\r' => bytes.get(p) != Some(&b'\n'),
            _ => false,
        };
        let first = start.max(1);
        let fresh: Vec<usize> = (first..=start + inserted)
            .filter(|&p| starts_line(p))
            .collect();
        let kept = self.line_starts.partition_point(|&s| s < first);
        let after = self.line_starts.partition_point(|&s| s <= old_end);
        let moved = fresh.len();
        self.line_starts.splice(kept..after, fresh);
        for s in &mut self.line_starts[kept + moved..] {
            *s = *s + inserted - (old_end - start);
        }
    }

    /// The end of line `line`'s text, before its line break.
    fn line_end(&self, line: usize) -> usize {
        match self.line_starts.get(line + 1) {
            Some(&next) if self.text[..next].ends_with("\r\n") => next - 2,
            Some(&next) => next - 1,
            None => self.text.len(),
        }
    }

    /// Applies `didChange` events in order; a change without a range replaces the text.
    ///
    /// Changes that each end before the one before them starts (an editor's replace-all
    /// sends its changes last first) read positions that the changes before them left as
    /// they were: such a run is made in one pass over the text, not each change by moving
    /// the rest of it.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        enc: Encoding,
    ) {
        let mut run: Vec<(usize, usize, String)> = vec![];
        for c in changes {
            let Some(r) = c.range else {
                self.make(&mut run);
                if self.clean.is_some() {
                    self.changes.extend(line_changes(&self.text, &c.text));
                }
                self.text = c.text;
                self.index();
                continue;
            };
            let span = |d: &Document| {
                let start = d.offset(r.start, enc);
                (start, d.offset(r.end, enc).max(start))
            };
            let (mut start, mut end) = span(self);
            if run.last().is_some_and(|&(before, ..)| end >= before) {
                self.make(&mut run);
                (start, end) = span(self);
            }
            if self.clean.is_some() {
                self.changes.push((start, end, c.text.len()));
            }
            run.push((start, end, c.text));
        }
        self.make(&mut run);
        self.retired.extend(self.parsed.take());
        self.version = version;
    }

    /// Makes a run of changes, each before the one before it, and empties it.
    fn make(&mut self, run: &mut Vec<(usize, usize, String)>) {
        match &run[..] {
            [] => {}
            [(start, end, text)] => {
                self.text.replace_range(start..end, text);
                self.reindex(*start, *end, text.len());
            }
            _ => {
                let mut out = String::with_capacity(self.text.len());
                let mut at = 0;
                for (start, end, text) in run.iter().rev() {
                    out.push_str(&self.text[at..*start]);
                    out.push_str(text);
                    at = *end;
                }
                out.push_str(&self.text[at..]);
                self.text = out;
                self.index();
            }
        }
        run.clear();
    }

    /// Frees the trees that edits made stale, on another thread: the next change need not
    /// wait for it.
    pub fn drop_retired(&mut self) {
        let retired = std::mem::take(&mut self.retired);
        if !retired.is_empty() {
            rayon::spawn(move || drop(retired));
        }
    }

    /// The text's tree: made from the last tree without errors and the changes since
    /// ([`Parsed::edited`]), else parsed in full (a `too-deep` text is refused).
    pub fn parsed(&mut self) -> Result<Parsed, Box<Diagnostic>> {
        if let Some(parsed) = &self.parsed {
            return Ok(parsed.clone());
        }
        let parsed = match &self.clean {
            // An edit undone.
            Some((tree, text)) if *text == self.text => tree.clone(),
            Some((tree, text)) => {
                let (edit, insert) = difference(text, &self.text);
                tree.edited(edit, insert, &regions(&self.changes), &self.text)?
            }
            None => Parsed::new(&self.text)?,
        };
        if parsed.errors.is_empty() {
            let clean = (parsed.clone(), self.text.clone());
            self.retired
                .extend(self.clean.replace(clean).map(|(tree, _)| tree));
            self.changes.clear();
        }
        self.parsed = Some(parsed.clone());
        Ok(parsed)
    }

    /// The byte offset of a position; positions past a line's end or the text's end clamp
    /// to them, and a position inside a character moves to its start.
    pub fn offset(&self, p: Position, enc: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(p.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..self.line_end(p.line as usize)];
        let mut units = 0u32;
        for (i, ch) in line.char_indices() {
            if units >= p.character {
                return start + i;
            }
            units += match enc {
                Encoding::Utf8 => ch.len_utf8() as u32,
                Encoding::Utf16 => ch.len_utf16() as u32,
            };
            if units > p.character {
                return start + i;
            }
        }
        start + line.len()
    }

    pub fn position(&self, offset: TextSize, enc: Encoding) -> Position {
        let offset = usize::from(offset).min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        // Inside a `\r\n` is the end of the line: LSP cannot point between the two.
        let offset = offset.min(self.line_end(line));
        let prefix = self.text.get(start..offset).unwrap_or("");
        let character = match enc {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.encode_utf16().count(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    pub fn range(&self, r: TextRange, enc: Encoding) -> Range {
        Range {
            start: self.position(r.start(), enc),
            end: self.position(r.end(), enc),
        }
    }

    pub fn text_range(&self, r: Range, enc: Encoding) -> TextRange {
        let start = self.offset(r.start, enc);
        let end = self.offset(r.end, enc).max(start);
        TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
    }

    /// The whitespace at the start of line `line` (0-based).
    pub fn indent(&self, line: usize) -> &str {
        let start = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let rest = &self.text[start..];
        &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }
}

/// The ranges of the first text that `changes` (each the range of the text it was made on
/// and the length of what replaced it) replaced, in order and apart from each other, with
/// the length of what stands in their place in the last text.
fn regions(changes: &[(usize, usize, usize)]) -> Vec<(TextRange, usize)> {
    // Each region's range in the first text and in the text so far.
    let mut regions: Vec<(Span<usize>, Span<usize>)> = vec![];
    for &(start, end, inserted) in changes {
        // The regions the change touches.
        let first = regions.partition_point(|(_, now)| now.end < start);
        let last = regions.partition_point(|(_, now)| now.start <= end);
        // An offset between regions, in the first text.
        let first_text = |at: usize, before: &[(Span<usize>, Span<usize>)]| {
            before
                .last()
                .map_or(at, |(was, now)| at - now.end + was.end)
        };
        let (now_start, was_start) = match regions[first..last].first() {
            Some((was, now)) if now.start <= start => (now.start, was.start),
            _ => (start, first_text(start, &regions[..first])),
        };
        let (now_end, was_end) = match regions[first..last].last() {
            Some((was, now)) if now.end >= end => (now.end, was.end),
            _ => (end, first_text(end, &regions[..last])),
        };
        let now_end = now_end + inserted - (end - start);
        regions.splice(first..last, [(was_start..was_end, now_start..now_end)]);
        for (_, now) in &mut regions[first + 1..] {
            *now = now.start + inserted - (end - start)..now.end + inserted - (end - start);
        }
    }
    let size = |at: usize| TextSize::from(at as u32);
    regions
        .into_iter()
        .map(|(was, now)| (TextRange::new(size(was.start), size(was.end)), now.len()))
        .collect()
}

/// A whole new text (from a client that sends no ranges) as the changes, line by line, that
/// turn `old` into it, in order, each as (start, end, length of its text): so that what
/// they leave alone is not parsed again.
fn line_changes(old: &str, new: &str) -> Vec<(usize, usize, usize)> {
    lines_replaced(old, new).unwrap_or_else(|| diffed_lines(old, new))
}

/// The changes of a new text with as many lines as the old one, of which at most one in
/// eight differ (a rename throughout, a value changed), read in one pass: each run of lines
/// that differ is a change. `None` for other texts, whose changes a diff finds.
fn lines_replaced(old: &str, new: &str) -> Option<Vec<(usize, usize, usize)>> {
    let lines = memchr::memchr_iter(b'\n', old.as_bytes()).count() + 1;
    if memchr::memchr_iter(b'\n', new.as_bytes()).count() + 1 != lines {
        return None;
    }
    let (mut changes, mut differ, mut at) = (vec![], 0, 0);
    // The run of lines that differ so far: where it starts in the new text, and its
    // lengths in the old text and in the new.
    let mut run: Option<(usize, usize, usize)> = None;
    let change = |(start, was, now)| (start, start + was, now);
    let (mut was_lines, mut now_lines) = (old.split_inclusive('\n'), new.split_inclusive('\n'));
    loop {
        let (was, now) = match (was_lines.next(), now_lines.next()) {
            (None, None) => break,
            (Some(was), Some(now)) => (was, now),
            // One ends with a line break, the other with a line after it.
            _ => return None,
        };
        if was == now {
            changes.extend(run.take().map(change));
        } else {
            differ += 1;
            if differ * 8 > lines {
                return None;
            }
            let (_, was_len, now_len) = run.get_or_insert((at, 0, 0));
            *was_len += was.len();
            *now_len += now.len();
        }
        at += now.len();
    }
    changes.extend(run.map(change));
    Some(changes)
}

/// The changes that imara-diff's histogram diff finds between the lines of two texts. It
/// stays fast on texts rewritten throughout, where it finds one change, and on blocks of
/// lines moved, where Myers' search can cost more than a parse.
fn diffed_lines(old: &str, new: &str) -> Vec<(usize, usize, usize)> {
    let input = imara_diff::InternedInput::new(old, new);
    let diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
    let starts = |lines: &[imara_diff::Token]| -> Vec<usize> {
        let ends = lines.iter().scan(0, |at, &line| {
            *at += input.interner[line].len();
            Some(*at)
        });
        std::iter::once(0).chain(ends).collect()
    };
    let (was, now) = (starts(&input.before), starts(&input.after));
    diff.hunks()
        .map(|hunk| {
            let o = hunk.before.start as usize..hunk.before.end as usize;
            let n = hunk.after.start as usize..hunk.after.end as usize;
            // The changes before it are made: it starts where it does in the new text.
            let start = now[n.start];
            (start, start + was[o.end] - was[o.start], now[n.end] - start)
        })
        .collect()
}

/// The range of `old` that differs from `new`, and the text of `new` in its place.
fn difference<'a>(old: &str, new: &'a str) -> (TextRange, &'a str) {
    let common = |a: &mut dyn Iterator<Item = (u8, u8)>| a.take_while(|(x, y)| x == y).count();
    let mut prefix = common(&mut old.bytes().zip(new.bytes()));
    let longest = old.len().min(new.len()) - prefix;
    let mut suffix = common(&mut old.bytes().rev().zip(new.bytes().rev()).take(longest));
    let boundary = |o: usize, n: usize| old.is_char_boundary(o) && new.is_char_boundary(n);
    while !boundary(prefix, prefix) {
        prefix -= 1;
    }
    while !boundary(old.len() - suffix, new.len() - suffix) {
        suffix -= 1;
    }
    let edit = TextRange::new(
        TextSize::from(prefix as u32),
        TextSize::from((old.len() - suffix) as u32),
    );
    (edit, &new[prefix..new.len() - suffix])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let doc = Document::new("ab\r\ncd\ref\ngh".to_string(), 1);
        let offsets: Vec<usize> = [
            pos(0, 9),
            pos(1, 0),
            pos(1, 9),
            pos(2, 1),
            pos(3, 2),
            pos(4, 0),
        ]
        .into_iter()
        .map(|p| doc.offset(p, Encoding::Utf16))
        .collect();
        // Past a line's end means before its line break, never inside `\r\n`.
        assert_eq!(offsets, [2, 4, 6, 8, 12, 12]);
        assert_eq!(doc.position(TextSize::from(7), Encoding::Utf8), pos(2, 0));
        // Between `\r` and `\n`: the end of the line.
        assert_eq!(doc.position(TextSize::from(3), Encoding::Utf8), pos(0, 2));
    }

    #[test]
    fn an_edit_past_the_end_of_a_crlf_line_keeps_the_line_break_whole() {
        let mut doc = Document::new("a\r\nb\r\n".to_string(), 1);
        let change = TextDocumentContentChangeEvent {
            range: Some(Range {
                start: pos(0, 5),
                end: pos(0, 5),
            }),
            range_length: None,
            text: "x".to_string(),
        };
        doc.apply(vec![change], 2, Encoding::Utf16);
        assert_eq!(doc.text, "ax\r\nb\r\n");
    }

    #[test]
    fn the_difference_is_in_whole_characters() {
        let range = |a: u32, b: u32| TextRange::new(a.into(), b.into());
        assert_eq!(difference("aé b", "aè b"), (range(1, 3), "è"));
        assert_eq!(difference("aaa", "aaaa"), (range(3, 3), "a"));
        assert_eq!(difference("abc", "ac"), (range(1, 2), ""));
        assert_eq!(difference("ab", "ab"), (range(2, 2), ""));
    }

    #[test]
    fn regions_hold_every_change_and_the_text_between_them_is_the_first_texts() {
        // Each byte of the first text is a distinct number; inserted ones are new numbers.
        let mut seed = 7u64;
        let mut random = |below: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 33) as usize % below
        };
        let first: Vec<u32> = (0..40).collect();
        let mut fresh = 1000..;
        for _ in 0..2000 {
            let mut text = first.clone();
            let mut changes = vec![];
            for _ in 0..1 + random(6) {
                let start = random(text.len() + 1);
                let end = (start + random(4)).min(text.len());
                let inserted = random(4);
                text.splice(start..end, fresh.by_ref().take(inserted));
                changes.push((start, end, inserted));
            }
            let regions = regions(&changes);
            assert!(regions.windows(2).all(|w| w[0].0.end() < w[1].0.start()));
            let (mut was, mut now) = (0, 0);
            for (range, len) in &regions {
                let (start, end) = (usize::from(range.start()), usize::from(range.end()));
                assert_eq!(
                    first[was..start],
                    text[now..now + start - was],
                    "{changes:?}"
                );
                (was, now) = (end, now + start - was + len);
            }
            assert_eq!(first[was..], text[now..], "{changes:?}");
        }
    }

    #[test]
    fn changes_far_apart_are_parsed_around_the_sets_between_them() {
        let body: String = (0..30)
            .map(|i| format!("  a{i} = {{ b = \"{i}\"; }};\n"))
            .collect();
        let mut doc = Document::new(format!("{{\n  n = {{\n{body}  }};\n}}\n"), 1);
        doc.parsed().unwrap();
        let last = doc.line_starts.len() as u32 - 1;
        let change = |line, start, end, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range {
                start: pos(line, start),
                end: pos(line, end),
            }),
            range_length: None,
            text: text.to_string(),
        };
        doc.apply(
            vec![change(0, 0, 0, "rec "), change(last, 0, 0, "# end\n")],
            2,
            Encoding::Utf8,
        );
        let (edit, insert) = difference(&doc.clean.as_ref().unwrap().1, &doc.text);
        let tree = &doc.clean.as_ref().unwrap().0;
        // Too far apart for one reparse; around the set between them, as a full parse.
        assert!(tree.reparse(edit, insert, &doc.text).is_none());
        let around = tree
            .reparse_around(&regions(&doc.changes), &doc.text)
            .unwrap();
        assert!(around.green == Parsed::new(&doc.text).unwrap().green);
        assert!(doc.parsed().unwrap().green == around.green);
        assert!(doc.changes.is_empty());
        // The same from a client that sends the whole text: its lines are compared.
        let whole = doc.text.replacen("rec ", "", 1).replace("# end\n", "");
        doc.apply(vec![whole_text(&whole)], 3, Encoding::Utf8);
        assert_eq!(regions(&doc.changes).len(), 2);
        let tree = &doc.clean.as_ref().unwrap().0;
        let around = tree.reparse_around(&regions(&doc.changes), &whole).unwrap();
        assert!(around.green == Parsed::new(&whole).unwrap().green);
    }

    /// A whole new text, sent without a range.
    fn whole_text(text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.to_string(),
        }
    }

    /// Whether the first list of two trees is the same node (not only an equal one).
    fn same_list(old: &Parsed, new: &Parsed) -> bool {
        let list = |p: &Parsed| {
            let list = p
                .syntax()
                .descendants()
                .find(|n| n.kind() == rnix::SyntaxKind::NODE_LIST);
            list.unwrap().green().to_owned()
        };
        std::ptr::eq(&*list(old), &*list(new))
    }

    #[test]
    fn a_whole_text_is_the_changes_of_its_lines() {
        let old = "a\nb\nc\nd\n";
        for new in [
            "a\nB\nc\nd\n",
            "x\na\nb\nc\nd\ny",
            "a\nd\n",
            "",
            "a\nb\nc\nd\n",
            "A\nB\nc\nD\n",
        ] {
            let mut text = old.to_string();
            for (start, end, inserted) in line_changes(old, new) {
                // Each change's text is the new text's at its start.
                text.replace_range(start..end, &new[start..start + inserted]);
            }
            assert_eq!(text, new);
        }
        assert_eq!(line_changes(old, "a\nB\nc\nd\n"), [(2, 4, 2)]);
    }

    #[test]
    fn lines_replaced_in_place_are_the_changes_a_diff_finds() {
        let old: String = (0..80).map(|i| format!("  a{i} = pkgs.x{i};\n")).collect();
        // The lines whose number `renamed` holds, renamed; `tail` added.
        let renaming = |renamed: &dyn Fn(usize) -> bool, tail: &str| -> String {
            let lines = old.lines().enumerate().map(|(i, line)| match renamed(i) {
                true => line.replace("pkgs.", "(pkgs).") + "\n",
                false => format!("{line}\n"),
            });
            lines.collect::<String>() + tail
        };
        // Lines apart, runs of two, and the last line, without a line break in both.
        let last = renaming(&|i| i == 79, "");
        for (old, new) in [
            (&old[..], renaming(&|i| i % 10 == 0, "")),
            (&old[..], renaming(&|i| i % 20 < 2, "")),
            (old.trim_end(), last.trim_end().to_string()),
        ] {
            let found = lines_replaced(old, &new).expect("read in one pass");
            assert_eq!(found, diffed_lines(old, &new), "{new}");
            assert!(!found.is_empty());
        }
        assert_eq!(lines_replaced(&old, &old), Some(vec![]));
        // More than one line in eight, a line more, a line moved: left to the diff.
        assert!(lines_replaced(&old, &renaming(&|i| i % 4 == 0, "")).is_none());
        assert!(lines_replaced(&old, &renaming(&|i| i % 10 == 0, "b = 1;\n")).is_none());
        let moved = old.replacen("  a0 = pkgs.x0;\n", "", 1) + "  a0 = pkgs.x0;\n";
        assert!(lines_replaced(&old, &moved).is_none());
        assert_eq!(line_changes(&old, &moved), diffed_lines(&old, &moved));
    }

    #[test]
    fn a_whole_text_changed_on_lines_apart_reparses_the_site_around_each() {
        let text = "let\n  a = pkgs.x;\n  c = [ 1 2 ];\nin {\n  d = pkgs.y;\n}\n";
        let mut doc = Document::new(text.to_string(), 1);
        let old = doc.parsed().unwrap();
        // No one site holds both changes: they are on either side of `in`.
        let new = text.replace("pkgs.", "(pkgs).");
        doc.apply(vec![whole_text(&new)], 2, Encoding::Utf8);
        assert_eq!(regions(&doc.changes).len(), 2);
        let kept = doc.parsed().unwrap();
        assert!(kept.green == Parsed::new(&new).unwrap().green);
        assert!(same_list(&old, &kept));
    }

    #[test]
    fn a_text_reformatted_keeps_the_nodes_whose_tokens_are_as_they_were() {
        let text = "{\n  a = { b = [ 1 2 ]; };\n  c = \"d\";\n}\n";
        let mut doc = Document::new(text.to_string(), 1);
        let old = doc.parsed().unwrap();
        // Every line indented, with a space before each `;`, sent as a whole text: no
        // set or list is left as it was.
        let new: String = text.lines().map(|l| format!("  {l}\n")).collect();
        let new = new.replace(';', " ;");
        doc.apply(vec![whole_text(&new)], 2, Encoding::Utf8);
        let kept = doc.parsed().unwrap();
        assert!(kept.green == Parsed::new(&new).unwrap().green);
        // The list's node is the old tree's own: only its tokens' places were taken.
        assert!(same_list(&old, &kept));
    }

    #[test]
    fn edits_are_reparsed_from_the_last_tree_without_errors() {
        let mut doc = Document::new("{\n  a = 1;\n  b = [ 2 ];\n}\n".to_string(), 1);
        doc.parsed().unwrap();
        let edit = |doc: &mut Document, start: Position, end: Position, text: &str| {
            let change = TextDocumentContentChangeEvent {
                range: Some(Range { start, end }),
                range_length: None,
                text: text.to_string(),
            };
            doc.apply(vec![change], doc.version + 1, Encoding::Utf8);
            let (kept, full) = (doc.parsed().unwrap(), Parsed::new(&doc.text).unwrap());
            assert!(
                kept.green == full.green && kept.errors == full.errors,
                "{:?}",
                doc.text
            );
            kept.errors.len()
        };
        // Break `a`'s binding, type on, then mend it: the tree without errors stays the
        // base until the text has none again.
        assert!(edit(&mut doc, pos(1, 7), pos(1, 8), "") > 0);
        assert!(edit(&mut doc, pos(1, 7), pos(1, 7), " +") > 0);
        assert_eq!(
            doc.clean.as_ref().unwrap().1,
            "{\n  a = 1;\n  b = [ 2 ];\n}\n"
        );
        assert_eq!(edit(&mut doc, pos(1, 9), pos(1, 9), " 3;"), 0);
        assert_eq!(doc.clean.as_ref().unwrap().1, doc.text);
        // Undone back to the last text without errors: its tree.
        let clean = doc.clean.as_ref().unwrap().0.green.clone();
        assert!(edit(&mut doc, pos(1, 9), pos(1, 12), "") > 0);
        assert_eq!(edit(&mut doc, pos(1, 9), pos(1, 9), " 3;"), 0);
        assert!(std::ptr::eq(&*doc.parsed().unwrap().green, &*clean));
    }

    /// Changes sent in one event make what they make sent one by one: runs of changes
    /// each before the one before it (as a replace-all sends them) in one pass, the rest
    /// in order, with the same changes recorded for reparsing.
    #[test]
    fn changes_in_one_event_make_what_they_make_one_by_one() {
        let base = "let\r\n  a = \"é\";\n  b = [ 1 2 ];\r\nin { x = a; y = b; }\n";
        let (mut runs, mut ran) = (0, 0);
        for case in 0..400 {
            // The case's choices, each from 0 to `n`: the hash of where it is made.
            let mut choice = 0;
            let mut next = |n: usize| {
                let mut h = std::hash::DefaultHasher::new();
                std::hash::Hash::hash(&(case, choice), &mut h);
                choice += 1;
                std::hash::Hasher::finish(&h) as usize % (n + 1)
            };
            let mut one_by_one = Document::new(base.to_string(), 1);
            let mut at_once = Document::new(base.to_string(), 1);
            one_by_one.parsed().unwrap();
            at_once.parsed().unwrap();
            let last_first = case % 2 == 0;
            let mut events = vec![];
            let mut before = base.len();
            for _ in 0..=next(5) {
                let text = &one_by_one.text;
                let limit = if last_first { before } else { text.len() };
                let (mut a, mut b) = (next(limit), next(limit));
                if a > b {
                    (a, b) = (b, a);
                }
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                while !text.is_char_boundary(b) {
                    b -= 1;
                }
                let range = TextRange::new(TextSize::from(a as u32), TextSize::from(b as u32));
                let event = TextDocumentContentChangeEvent {
                    range: Some(one_by_one.range(range, Encoding::Utf16)),
                    range_length: None,
                    text: ["", "x", "\n", "\r\n", "é", "yy\nz"][next(5)].to_string(),
                };
                one_by_one.apply(vec![event.clone()], 2, Encoding::Utf16);
                events.push(event);
                ran += usize::from(b < before);
                before = a;
            }
            runs += usize::from(last_first && events.len() > 2);
            at_once.apply(events, 2, Encoding::Utf16);
            assert_eq!(at_once.text, one_by_one.text);
            assert_eq!(
                at_once.line_starts, one_by_one.line_starts,
                "{:?}",
                at_once.text
            );
            assert_eq!(at_once.changes, one_by_one.changes, "{:?}", at_once.text);
            let tree = at_once.parsed().unwrap();
            assert_eq!(tree.green, Parsed::new(&at_once.text).unwrap().green);
        }
        assert!(
            runs > 50 && ran > 300,
            "{runs} runs, {ran} changes before the one before"
        );
    }

    #[test]
    fn line_starts_after_edits_are_those_of_the_new_text() {
        let mut doc = Document::new("a\r\nb\rc\n\nd".to_string(), 1);
        let inserts = ["", "\n", "\r", "\r\n", "x", "\ny\r", "é"];
        let mut n = 0;
        for start in 0..=doc.text.len() {
            for end in start..=(start + 2).min(doc.text.len()) {
                for insert in inserts {
                    let mut edited = Document::new(doc.text.clone(), 1);
                    if !edited.text.is_char_boundary(start) || !edited.text.is_char_boundary(end) {
                        continue;
                    }
                    edited.text.replace_range(start..end, insert);
                    edited.reindex(start, end, insert.len());
                    let fresh = Document::new(edited.text.clone(), 1);
                    assert_eq!(edited.line_starts, fresh.line_starts, "{:?}", edited.text);
                    n += 1;
                }
            }
        }
        assert!(n > 100);
        // A change without a range indexes the whole text.
        doc.apply(vec![whole_text("x\ny")], 2, Encoding::Utf8);
        assert_eq!(doc.line_starts, [0, 2]);
    }
}
